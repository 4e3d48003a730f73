// HA's config-flow REST calls, one copy for every integration (home-assistant.md §1.1): a step call
// with its deadline and a specific failure per status, and the best-effort delete of an open flow.
import type { HaReply, HomeAssistantClient } from './client.ts'
import { APP_LABEL, type ErrorContext } from './errors.ts'
import { parseFlowId, parseFlowResult, parseRestError } from './replies.ts'
import { HomeAssistantFailure, type HaFlowResult } from './types.ts'

/** What a failure names: the integration, and the HA version where the wording depends on it. */
export type FlowContext = Pick<ErrorContext, 'domain' | 'haVersion'>

export const FLOW_PATH = '/api/config/config_entries/flow'

/** The path of one open flow. */
export const flowPath = (flowId: string): string => `${FLOW_PATH}/${encodeURIComponent(flowId)}`

/** `POST /flow {handler, entry_id}`: the start of a reconfigure, which names an entry, not a flow (§1.1). */
const startsReconfigure = (method: string, path: string, body: unknown): boolean =>
  method === 'POST' && path === FLOW_PATH && typeof body === 'object' && body !== null && 'entry_id' in body

/** `reconfigureStart`: the 404 answered the start of a reconfigure (no flow existed yet to expire). */
export function restFailure(
  reply: HaReply,
  what: string,
  ctx: FlowContext,
  reconfigureStart = false,
): HomeAssistantFailure {
  const body = parseRestError(reply.body)
  const message = body.message ?? reply.text
  const app = APP_LABEL[ctx.domain] ?? ctx.domain
  if (reply.status === 404 && /handler/i.test(message)) {
    return new HomeAssistantFailure(
      'not-found',
      'integration_missing',
      `This Home Assistant has no ${app} integration to set up.`,
      `${what}: ${message}`.slice(0, 200),
    )
  }
  if (reply.status === 404 && reconfigureStart) {
    // The entry was deleted in HA since Keyward read the list (the fake HA answers `Invalid entry
    // specified`, HA's UnknownEntry [inferred]; any other 404 text means the same here: no flow existed).
    return new HomeAssistantFailure(
      'not-found',
      'entry_gone',
      `The ${app} entry Keyward was updating is gone from Home Assistant (it was deleted there). Nothing was changed. Send the key again: Keyward will set up a new ${app} entry.`,
      `${what}: ${message}`.slice(0, 200),
    )
  }
  if (reply.status === 404) {
    return new HomeAssistantFailure(
      'not-found',
      'flow_expired',
      `Home Assistant no longer has that ${app} setup open (it finished or expired). Push the key again.`,
      `${what}: ${message}`.slice(0, 200),
    )
  }
  if (reply.status === 400 && body.errors) {
    // InvalidData (§1.1): the schema check before the step ran.
    const fields = Object.entries(body.errors)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join('; ')
    return new HomeAssistantFailure(
      'invalid-input',
      'schema_mismatch',
      `Home Assistant ${ctx.haVersion ?? ''} expects different ${app} fields than Keyward sent (${fields.slice(0, 160)}). Use "Copy fields" and fill the form in Home Assistant.`.replace(
        '  ',
        ' ',
      ),
      `${what}: ${fields}`.slice(0, 200),
    )
  }
  if (reply.status === 400 && /doesn't support step/i.test(message)) {
    return new HomeAssistantFailure(
      'refused',
      'needs_ui',
      `${app} in this Home Assistant cannot be changed from outside (${message.slice(0, 120)}).`,
      `${what}: unknown_step`,
    )
  }
  if (reply.status === 400 && /^Failed dependencies/i.test(reply.text)) {
    return new HomeAssistantFailure(
      'refused',
      'integration_missing',
      `Home Assistant cannot load ${app}: ${reply.text.slice(0, 120)}.`,
      what,
    )
  }
  return new HomeAssistantFailure(
    'bad-reply',
    'needs_ui',
    `Home Assistant answered ${what} with status ${reply.status}.`,
    message.slice(0, 200),
  )
}

export async function flowCall(
  ha: HomeAssistantClient,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  what: string,
  ctx: FlowContext,
): Promise<HaFlowResult> {
  const reply = await ha.request(method, path, body, { timeoutMs: ha.flowTimeoutMs })
  if (reply.status !== 200) throw restFailure(reply, what, ctx, startsReconfigure(method, path, body))
  const result = parseFlowResult(reply.body)
  if (!result) {
    // A start Keyward cannot read still opened a flow in HA: close it (§1.5: an open reconfigure flow
    // blocks HA's own reauth of the entry). Later steps are closed by the driver that owns the flow.
    const opened = method === 'POST' && path === FLOW_PATH ? parseFlowId(reply.body) : null
    if (opened) await deleteFlow(ha, opened)
    throw new HomeAssistantFailure(
      'bad-reply',
      'needs_ui',
      `Home Assistant's answer to ${what} is not a config-flow result.`,
    )
  }
  return result
}

export async function deleteFlow(ha: HomeAssistantClient, flowId: string): Promise<void> {
  try {
    await ha.request('DELETE', flowPath(flowId))
  } catch {
    // Best effort: a flow HA keeps open times out on its own.
  }
}
