// A UniFi Network key into Home Assistant's `unifi` integration (home-assistant.md §3.1, §3.2).
// Two shapes, told apart by HA's first step, never by version (§3.2 "detect it by the menu";
// the release is only inferred as 2026.10/11):
//   * old: `user` is a form of host/username/password — no key is ever sent there;
//   * API-key mode: `user` is a menu [local_user, api_key] → `api_key` form {host, api_key, port,
//     verify_ssl} → `network_site` select when the key sees several sites.
// An entry is found by its unique_id, the Integration-API site UUID (§1.6), through the service
// device ["unifi", <uuid>] in the device registry or a pending reauth's context — never by title.
// Existing entry: HA's open `reauth_api_key` flow if there is one (§1.5: only HA starts reauth),
// else `reconfigure_api_key` (new key and the console's current address). Flows Keyward opens are
// deleted when they fail (§1.5: an open flow blocks HA's own reauth).
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure, type ErrorCode } from '../../../shared/result.ts'
import type { HomeAssistantClient } from './client.ts'
import { listEntries, snapshotDomain, type DomainSnapshot, type PendingReauth } from './entries.ts'
import { deleteFlow, FLOW_PATH, flowCall, flowPath } from './flow-rest.ts'
import { fillForm, menuOptions, pickMenuOption, type FormValues } from './forms.ts'
import {
  HomeAssistantFailure,
  type HaConsoleRef,
  type HaEntry,
  type HaFlowResult,
  type HaProblem,
  type NetworkSite,
  type PushResult,
} from './types.ts'

const DOMAIN = 'unifi'
const KEY_SHAPE = /^[\x21-\x7e]{8,512}$/
const MAX_STEPS = 6

export type NetworkFit = 'ready' | 'needs-upgrade' | 'unavailable' | 'unknown'

export const UPGRADE_MESSAGE =
  'This Home Assistant cannot take a UniFi Network key yet: its UniFi Network integration signs in only with a username and password. ' +
  'Update Home Assistant to 2026.10 or later (the release with the API-key mode), then send the key.'

export interface NetworkPush {
  console: HaConsoleRef
  apiKey: string
  /** The sites the key sees on the console (read by Keyward with the key, unifi-os.md §5.2). */
  sites: NetworkSite[]
  /** The site chosen by the user; required when `sites` has more than one. */
  siteId?: string | null
  /** Rotation: with several sites and no choice, update the one site HA already has an entry for. */
  preferConfigured?: boolean
}

// ---- REST plumbing: flow-rest.ts, shared with the other integrations ----------------------

/** Failures name UniFi Network and this HA's version (flow-rest.ts). */
const call = (ha: HomeAssistantClient, method: 'GET' | 'POST', path: string, body: unknown, what: string) =>
  flowCall(ha, method, path, body, what, { domain: DOMAIN, haVersion: ha.haVersion })

// ---- fit: does this HA have the API-key mode? ------------------------------------------

/** Opens a `unifi` flow, reads its first step and deletes it (§3.2: detect the mode by the menu). */
export async function probeNetworkFit(ha: HomeAssistantClient): Promise<{ fit: NetworkFit; message: string }> {
  ha.requireAdmin()
  let first: HaFlowResult
  try {
    first = await call(ha, 'POST', FLOW_PATH, { handler: DOMAIN }, 'start UniFi Network setup')
  } catch (error) {
    if (error instanceof HomeAssistantFailure && error.problem === 'integration_missing') {
      return {
        fit: 'unavailable',
        message: 'This Home Assistant has no UniFi Network integration, so it cannot take a Network key.',
      }
    }
    throw error
  }
  if (first.flow_id) await deleteFlow(ha, first.flow_id)
  if (first.type === 'menu') {
    return pickMenuOption(menuOptions(first), 'api_key')
      ? { fit: 'ready', message: '' }
      : { fit: 'needs-upgrade', message: UPGRADE_MESSAGE }
  }
  if (first.type === 'form') return { fit: 'needs-upgrade', message: UPGRADE_MESSAGE }
  return {
    fit: 'unknown',
    message: `Home Assistant's UniFi Network setup stopped at once (${first.type === 'abort' ? first.reason : first.type}).`,
  }
}

// ---- errors ---------------------------------------------------------------------------

interface Ctx {
  console: HaConsoleRef
  site: NetworkSite
  snapshot: DomainSnapshot
}

const fail = (code: ErrorCode, problem: HaProblem, message: string, detail: string, field?: string) =>
  new HomeAssistantFailure(code, problem, message, detail.slice(0, 200), field)

/** §3.2 form errors: `{"api_key":"faulty_credentials"}` (the key) vs `{"base":"service_unavailable"}`. */
function formFailure(errors: Record<string, string>, ctx: Ctx): HomeAssistantFailure {
  const at = consoleLabel(ctx.console)
  const detail = `unifi form error ${Object.entries(errors)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`
  if (errors.api_key === 'faulty_credentials' || errors.base === 'faulty_credentials') {
    return fail(
      'invalid-credentials',
      'key_rejected',
      `Home Assistant reached UniFi Network on ${at}, but it refused the API key: it was revoked, or made on another console (a key works only on the console that made it).`,
      detail,
      'api_key',
    )
  }
  if (errors.base === 'service_unavailable') {
    return fail(
      'unreachable',
      'cannot_connect',
      `Home Assistant could not use UniFi Network on ${at}: it cannot reach ${ctx.console.host}:${ctx.console.port}, Network is not running there, the key's user has no Network rights, or the console is rate-limiting. Check that Home Assistant can reach the console, then send the key again.`,
      detail,
      'base',
    )
  }
  return fail(
    'refused',
    'unknown_error',
    `Home Assistant's UniFi Network setup said "${Object.values(errors)[0] ?? 'unknown'}".`,
    detail,
  )
}

/** Entries that could be the username/password entry of this site (for naming it; never to push into). */
function otherModeEntries(ctx: Ctx): HaEntry[] {
  const apiKeyEntries = new Set(
    ctx.snapshot.devices
      .filter((d) => d.identifiers.some(([k, v]) => k === DOMAIN && UUID.test(v)))
      .flatMap((d) => d.config_entries),
  )
  const candidates = ctx.snapshot.entries.filter((e) => !apiKeyEntries.has(e.entry_id))
  const titled = candidates.filter((e) => e.title.trim().toLowerCase() === ctx.site.name.trim().toLowerCase())
  return titled.length > 0 ? titled : candidates
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function abortFailure(reason: string, ctx: Ctx): HomeAssistantFailure {
  const at = consoleLabel(ctx.console)
  const site = `"${ctx.site.name}"`
  switch (reason) {
    case 'unknown_site_id':
      return fail(
        'conflict',
        'unknown_site',
        `The new key does not see the UniFi Network site ${site} that Home Assistant's entry is for, so Home Assistant kept its old key. Make the key on ${at} as a user who can see that site.`,
        'unifi abort unknown_site_id',
      )
    case 'already_configured': {
      const named = otherModeEntries(ctx).map((e) => `"${e.title}"`)
      return fail(
        'conflict',
        'other_mode_entry',
        `Home Assistant already has a UniFi Network entry for site ${site} on ${ctx.console.host} that signs in with a username and password${named.length > 0 ? ` (${named.slice(0, 3).join(', ')})` : ''}. ` +
          'Home Assistant allows one entry per site, so remove that entry first (Settings → Devices & services → UniFi Network → ⋮ → Delete), then send the key again.',
        'unifi abort already_configured (cross-mode)',
      )
    }
    case 'cannot_connect':
      return fail(
        'unreachable',
        'cannot_connect',
        `Home Assistant could not connect to ${at}.`,
        'unifi abort cannot_connect',
      )
    default:
      return fail(
        'refused',
        'needs_ui',
        `Home Assistant stopped the UniFi Network setup ("${reason}").`,
        `unifi abort ${reason}`,
      )
  }
}

// ---- the driver ------------------------------------------------------------------------

type Final = Extract<HaFlowResult, { type: 'abort' | 'create_entry' }>

async function drive(
  ha: HomeAssistantClient,
  first: HaFlowResult,
  values: FormValues,
  ctx: Ctx,
  own: boolean,
): Promise<Final> {
  let current = first
  const submitted = new Set<string>()
  try {
    for (let step = 0; step < MAX_STEPS; step++) {
      if (current.type === 'abort' || current.type === 'create_entry') return current
      if (current.type === 'menu') {
        const choice = pickMenuOption(menuOptions(current), 'api_key')
        if (!choice)
          throw fail(
            'refused',
            'needs_ui',
            UPGRADE_MESSAGE,
            `menu ${current.step_id}: ${menuOptions(current).join(',')}`,
          )
        current = await call(ha, 'POST', flowPath(current.flow_id), { next_step_id: choice }, `menu ${current.step_id}`)
        continue
      }
      if (current.type !== 'form') {
        throw fail(
          'refused',
          'needs_ui',
          `Home Assistant wants to continue the UniFi Network setup in its own window (${current.type}).`,
          current.type,
        )
      }
      const form = current
      if (submitted.has(form.step_id)) {
        if (form.errors && Object.keys(form.errors).length > 0) throw formFailure(form.errors, ctx)
        throw fail(
          'refused',
          'needs_ui',
          `Home Assistant showed the "${form.step_id}" step again without saying why.`,
          form.step_id,
        )
      }
      const names = form.data_schema.map((f) => f.name)
      // A form asking for a username is the old, local-user-only shape: it never gets the key.
      if (names.includes('username') || names.includes('password'))
        throw fail('refused', 'needs_ui', UPGRADE_MESSAGE, `form ${form.step_id}: ${names.join(',')}`)
      const filled = fillForm(form.data_schema, values)
      if (filled.missing.length > 0) {
        throw fail(
          'invalid-input',
          'schema_mismatch',
          `Home Assistant asks for ${filled.missing.join(', ')} in the "${form.step_id}" step, which Keyward cannot fill.`,
          `${form.step_id}: missing ${filled.missing.join(',')}`,
        )
      }
      submitted.add(form.step_id)
      current = await call(ha, 'POST', flowPath(form.flow_id), filled.input, `step ${form.step_id}`)
    }
    throw fail(
      'refused',
      'needs_ui',
      'Home Assistant kept asking for more steps than Keyward expects.',
      'too many steps',
    )
  } catch (error) {
    if (own && current.flow_id) await deleteFlow(ha, current.flow_id)
    throw error
  }
}

// ---- push ------------------------------------------------------------------------------

/** The entry whose unique_id is this site's UUID: its service device, or a pending reauth (§1.6). */
function entryForSite(
  snapshot: DomainSnapshot,
  siteId: string,
): { entry: HaEntry | null; reauth: PendingReauth | null } {
  const device = snapshot.devices.find((d) => d.identifiers.some(([k, v]) => k === DOMAIN && v === siteId))
  const byId = (id: string | null | undefined) => snapshot.entries.find((e) => e.entry_id === id) ?? null
  const entry = device ? (device.config_entries.map(byId).find((e) => e !== null) ?? null) : null
  const reauth =
    snapshot.reauths.find((r) => r.uniqueId === siteId || (entry !== null && r.entryId === entry.entry_id)) ?? null
  return { entry: entry ?? byId(reauth?.entryId), reauth }
}

/** Health: the `unifi` entry (and pending reauth) of the first of `siteIds` HA has one for. */
export function matchNetworkSites(
  snapshot: DomainSnapshot,
  siteIds: readonly string[],
): { entry: HaEntry | null; reauth: PendingReauth | null } {
  for (const id of siteIds) {
    const found = entryForSite(snapshot, id)
    if (found.entry || found.reauth) return found
  }
  return { entry: null, reauth: null }
}

function chooseSite(req: NetworkPush, snapshot: DomainSnapshot): NetworkSite | null {
  if (req.siteId) {
    const chosen = req.sites.find((s) => s.id === req.siteId)
    if (!chosen)
      throw new KeywardFailure(
        'invalid-input',
        'The key does not see that UniFi Network site (any more). Send it again and choose one of the sites listed.',
      )
    return chosen
  }
  if (req.sites.length === 1) return req.sites[0]!
  if (req.preferConfigured) {
    const configured = req.sites.filter((s) => entryForSite(snapshot, s.id).entry !== null)
    if (configured.length === 1) return configured[0]!
  }
  return null
}

function result(
  ha: HomeAssistantClient,
  req: NetworkPush,
  outcome: PushResult['outcome'],
  entry: HaEntry | null,
  site: NetworkSite | null,
  message: string,
  extra: Partial<PushResult> = {},
): PushResult {
  return {
    outcome,
    domain: DOMAIN,
    consoleKey: req.console.key,
    entryId: entry?.entry_id ?? null,
    title: entry?.title ?? null,
    entryState: entry?.state ?? null,
    mode: outcome === 'created' || outcome === 'reconfigured' || outcome === 'reauthenticated' ? 'api_key' : null,
    haVersion: ha.haVersion,
    message,
    ...(site ? { site } : {}),
    ...extra,
  }
}

async function readBack(ha: HomeAssistantClient, entryId: string | null): Promise<HaEntry | null> {
  if (!entryId) return null
  try {
    return (await listEntries(ha, DOMAIN)).find((e) => e.entry_id === entryId) ?? null
  } catch {
    return null
  }
}

function stateTail(entry: HaEntry | null, c: HaConsoleRef): string {
  if (!entry || entry.state === 'loaded') return ''
  if (entry.state === 'setup_retry') return ` The entry is retrying: Home Assistant cannot reach ${c.host} right now.`
  return ` The entry is ${entry.state.replace(/_/g, ' ')}${entry.reason ? ` (${entry.reason})` : ''}.`
}

export async function pushNetworkKey(ha: HomeAssistantClient, req: NetworkPush): Promise<PushResult> {
  if (!KEY_SHAPE.test(req.apiKey)) throw new KeywardFailure('invalid-input', 'That does not look like a UniFi API key.')
  ha.requireAdmin()
  const fit = await probeNetworkFit(ha)
  if (fit.fit !== 'ready') return result(ha, req, 'not-applicable', null, null, `${fit.message} Nothing was sent.`)
  if (req.sites.length === 0)
    throw new KeywardFailure(
      'refused',
      `The key sees no UniFi Network site on ${consoleLabel(req.console)}, so Home Assistant could not use it. Make the key as a user with access to UniFi Network.`,
    )
  const snapshot = await snapshotDomain(ha, DOMAIN)
  const site = chooseSite(req, snapshot)
  if (!site) {
    return result(
      ha,
      req,
      'choose-site',
      null,
      null,
      `The key sees ${req.sites.length} UniFi Network sites on ${consoleLabel(req.console)}. Home Assistant makes one entry per site: choose which one it should use.`,
      { sites: req.sites },
    )
  }
  const ctx: Ctx = { console: req.console, site, snapshot }
  const who = `site "${site.name}" on ${consoleLabel(req.console)}`
  // HA reaches the console at the address the key was minted on; verify_ssl off: a pinned self-signed
  // certificate means nothing to HA's CA check (§2.2 DEFAULT_VERIFY_SSL, same for `unifi` §3.1).
  const values: FormValues = {
    host: req.console.host,
    api_key: req.apiKey,
    port: req.console.port,
    verify_ssl: false,
    site: site.id,
  }
  const found = entryForSite(snapshot, site.id)

  if (found.reauth) {
    let first: HaFlowResult | null = null
    try {
      first = await call(ha, 'GET', flowPath(found.reauth.flowId), undefined, 'reauth')
    } catch (error) {
      if (!(error instanceof HomeAssistantFailure && error.problem === 'flow_expired')) throw error
    }
    if (first) {
      const done = await drive(ha, first, values, ctx, false)
      return conclude(ha, req, done, ctx, found.entry?.entry_id ?? found.reauth.entryId, who)
    }
  }
  if (found.entry) {
    const first = await call(ha, 'POST', FLOW_PATH, { handler: DOMAIN, entry_id: found.entry.entry_id }, 'reconfigure')
    return conclude(ha, req, await drive(ha, first, values, ctx, true), ctx, found.entry.entry_id, who)
  }
  const first = await call(ha, 'POST', FLOW_PATH, { handler: DOMAIN }, 'start setup')
  return conclude(ha, req, await drive(ha, first, values, ctx, true), ctx, null, who)
}

async function conclude(
  ha: HomeAssistantClient,
  req: NetworkPush,
  done: Final,
  ctx: Ctx,
  entryId: string | null,
  who: string,
): Promise<PushResult> {
  if (done.type === 'create_entry') {
    const id = done.result?.entry_id ?? null
    const entry = (await readBack(ha, id)) ?? done.result
    return result(
      ha,
      req,
      'created',
      entry,
      ctx.site,
      `Home Assistant set up UniFi Network for ${who} with the new key.${stateTail(entry, req.console)}`,
    )
  }
  if (done.reason === 'reauth_successful' || done.reason === 'reconfigure_successful') {
    const entry = await readBack(ha, entryId)
    const message =
      done.reason === 'reauth_successful'
        ? `Home Assistant finished its pending re-authentication of UniFi Network for ${who} with the new key.`
        : `Home Assistant's UniFi Network entry for ${who} now uses the new key.`
    return result(
      ha,
      req,
      done.reason === 'reauth_successful' ? 'reauthenticated' : 'reconfigured',
      entry,
      ctx.site,
      message + stateTail(entry, req.console),
    )
  }
  throw abortFailure(done.reason, ctx)
}
