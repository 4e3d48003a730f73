// Reading what HA has for a domain and finding the entry that belongs to a
// console. Entry JSON has no `data` and no `unique_id` (home-assistant.md §1.4),
// so the link is made from what HA does expose:
//   1. the device registry: unifiprotect registers the NVR with
//      connections {("mac", nvr.mac)} and identifiers {("unifiprotect", nvr.mac)}
//      (§1.3, last bullet; the WS command `config/device_registry/list` is [inferred]);
//   2. a pending reauth flow: its context has `entry_id`, `unique_id` (the NVR MAC for
//      unifiprotect, the host for unifi_access [inferred from §3 unique_id = host]) and
//      unifiprotect's `title_placeholders.ip_address` = host (§1.3);
//   3. the entry title: full-mode unifiprotect titles entries `nvr.display_name` (§2.2).
import {
  HomeAssistantFailure,
  type HaConsoleRef,
  type HaDevice,
  type HaDomain,
  type HaEntry,
  type HaFlowProgress,
} from './types.ts'
import type { HomeAssistantClient } from './client.ts'
import { HaCommandError } from './ws.ts'
import { parseDeviceList, parseEntryList, parseIssueFlowId, parseIssueList, parseProgressList } from './replies.ts'

export function normalizeMacHex(value: string | null | undefined): string | null {
  if (!value) return null
  const hex = value.replace(/[^0-9a-f]/gi, '').toUpperCase()
  return /^[0-9A-F]{12}$/.test(hex) ? hex : null
}

export { parseEntry } from './replies.ts'

/** `GET /api/config/config_entries/entry?domain=X` (§1.1; any user). */
export async function listEntries(ha: HomeAssistantClient, domain: string): Promise<HaEntry[]> {
  const reply = await ha.request('GET', `/api/config/config_entries/entry?domain=${encodeURIComponent(domain)}`)
  const listed = reply.status === 200 ? parseEntryList(reply.body) : null
  if (!listed) {
    throw new HomeAssistantFailure(
      'bad-reply',
      'not_home_assistant',
      `Home Assistant did not list its ${domain} entries (status ${reply.status}).`,
    )
  }
  return listed.filter((e) => e.domain === domain)
}

/** A reauth HA is waiting for: the flow to finish, and the repair issue that shows it (§1.5). */
export interface PendingReauth {
  flowId: string
  entryId: string | null
  stepId: string | null
  uniqueId: string | null
  host: string | null
  title: string | null
  issueId: string | null
}

/**
 * A console HA discovered and is waiting to have confirmed (§2.6 `discovery_confirm`, listed by
 * `config_entries/flow/progress`, §1.3). Its context's unique_id is the console MAC (§1.6), and while
 * it waits a `user` flow for that console aborts `already_in_progress`.
 */
export interface PendingDiscovery {
  flowId: string
  uniqueId: string | null
  host: string | null
}

export interface DomainSnapshot {
  domain: string
  entries: HaEntry[]
  reauths: PendingReauth[]
  /** Discovery flows of the domain (absent when built without them). */
  discoveries?: PendingDiscovery[]
  devices: HaDevice[]
  /** False when the WebSocket API could not be used (no reauth/device information). */
  websocket: boolean
}

/** The domain's flows in `config_entries/flow/progress` (§1.3): HA's reauths, and its discoveries (§2.6). */
function readFlows(
  progress: HaFlowProgress[],
  domain: string,
): { reauths: PendingReauth[]; discoveries: PendingDiscovery[] } {
  const reauths: PendingReauth[] = []
  const discoveries: PendingDiscovery[] = []
  for (const flow of progress) {
    if (flow.handler !== domain) continue
    const placeholders = flow.context.title_placeholders ?? {}
    const host = placeholders.ip_address ?? placeholders.host ?? null
    const uniqueId = flow.context.unique_id ?? null
    if (flow.context.source !== 'reauth') {
      discoveries.push({ flowId: flow.flow_id, uniqueId, host })
      continue
    }
    reauths.push({
      flowId: flow.flow_id,
      entryId: flow.context.entry_id ?? null,
      stepId: flow.step_id || null,
      uniqueId,
      host,
      title: placeholders.name ?? null,
      issueId: null,
    })
  }
  return { reauths, discoveries }
}

/**
 * Entries (REST), reauth flows (`config_entries/flow/progress`, admin) and their repair
 * issues (`repairs/list_issues` + `repairs/get_issue_data`), and devices. WebSocket
 * problems other than a rejected token degrade to REST-only information.
 */
export async function snapshotDomain(
  ha: HomeAssistantClient,
  domain: HaDomain | string,
  options: { devices?: boolean } = {},
): Promise<DomainSnapshot> {
  const entries = await listEntries(ha, domain)
  const reauths = new Map<string, PendingReauth>()
  const discoveries: PendingDiscovery[] = []
  let devices: HaDevice[] = []
  let websocket = true
  try {
    const socket = await ha.socket()
    try {
      const flows = readFlows(parseProgressList(await socket.command('config_entries/flow/progress')), domain)
      for (const reauth of flows.reauths) reauths.set(reauth.flowId, reauth)
      discoveries.push(...flows.discoveries)
    } catch (error) {
      if (!(error instanceof HaCommandError)) throw error
    }
    try {
      const listed = await socket.command('repairs/list_issues')
      const prefix = `config_entry_reauth_${domain}_`
      for (const issue of parseIssueList(listed)) {
        if (issue.domain !== 'homeassistant' || !issue.issue_id.startsWith(prefix)) continue
        const entryId = issue.issue_id.slice(prefix.length)
        let flowId: string | null = null
        try {
          const data = await socket.command('repairs/get_issue_data', {
            domain: issue.domain,
            issue_id: issue.issue_id,
          })
          flowId = parseIssueFlowId(data)
        } catch (error) {
          if (!(error instanceof HaCommandError)) throw error
        }
        const known = [...reauths.values()].find((r) => (flowId && r.flowId === flowId) || r.entryId === entryId)
        if (known) {
          known.issueId = issue.issue_id
          known.entryId ??= entryId
        } else if (flowId) {
          reauths.set(flowId, {
            flowId,
            entryId,
            stepId: null,
            uniqueId: null,
            host: null,
            title: issue.translation_placeholders?.name ?? null,
            issueId: issue.issue_id,
          })
        }
      }
    } catch (error) {
      if (!(error instanceof HaCommandError)) throw error
    }
    if (options.devices !== false) {
      try {
        devices = parseDeviceList(await socket.command('config/device_registry/list'))
      } catch (error) {
        if (!(error instanceof HaCommandError)) throw error
      }
    }
  } catch (error) {
    if (error instanceof HomeAssistantFailure && error.problem === 'token_rejected') throw error
    if (error instanceof HaCommandError) throw error
    websocket = false
  }
  return { domain, entries, reauths: [...reauths.values()], discoveries, devices, websocket }
}

export interface EntryMatch {
  entry: HaEntry | null
  reauth: PendingReauth | null
  /** How the match was made; null when nothing matched. */
  how: 'device' | 'reauth' | 'pushed' | null
}

const sameHost = (a: string | null | undefined, b: string): boolean =>
  !!a && a.toLowerCase().replace(/^\[|\]$/g, '') === b.toLowerCase()

/** The entry (and pending reauth) that belongs to this console, if HA shows enough to tell. */
export function matchConsole(consoleRef: HaConsoleRef, snapshot: DomainSnapshot): EntryMatch {
  const mac = normalizeMacHex(consoleRef.mac)
  const byId = (id: string | null | undefined) => snapshot.entries.find((e) => e.entry_id === id) ?? null
  const reauthFor = (entryId: string) => snapshot.reauths.find((r) => r.entryId === entryId) ?? null

  if (mac) {
    for (const device of snapshot.devices) {
      const macs = [
        ...device.connections.filter(([kind]) => kind === 'mac').map(([, v]) => v),
        ...device.identifiers.filter(([kind]) => kind === snapshot.domain).map(([, v]) => v),
      ]
      if (!macs.some((v) => normalizeMacHex(v) === mac)) continue
      const entry = device.config_entries.map(byId).find((e) => e !== null) ?? null
      if (entry) return { entry, reauth: reauthFor(entry.entry_id), how: 'device' }
    }
  }
  for (const reauth of snapshot.reauths) {
    const hit =
      (mac && normalizeMacHex(reauth.uniqueId) === mac) ||
      sameHost(reauth.host, consoleRef.host) ||
      sameHost(reauth.uniqueId, consoleRef.host)
    if (hit) return { entry: byId(reauth.entryId), reauth, how: 'reauth' }
  }
  // The entry HA itself answered an earlier push of this console with (its id, never reused).
  const pushed = snapshot.entries.find((e) => consoleRef.entryIds?.includes(e.entry_id)) ?? null
  if (pushed) return { entry: pushed, reauth: reauthFor(pushed.entry_id), how: 'pushed' }
  // Never by title (home-assistant.md §1.6): a title is a console's display name, not unique (two "NVR"s),
  // and users rename entries. Without a MAC or reauth match the push starts a new entry.
  return { entry: null, reauth: null, how: null }
}

/** HA's discovery flow for this console: its unique_id is the console MAC, else it names the host (§1.6, §2.6). */
export function discoveryFor(consoleRef: HaConsoleRef, snapshot: DomainSnapshot): PendingDiscovery | null {
  const mac = normalizeMacHex(consoleRef.mac)
  const flows = snapshot.discoveries ?? []
  return (
    flows.find((d) => mac !== null && normalizeMacHex(d.uniqueId) === mac) ??
    // By host only when the flow does not name another console's MAC.
    flows.find((d) => sameHost(d.host, consoleRef.host) && (mac === null || normalizeMacHex(d.uniqueId) === null)) ??
    null
  )
}
