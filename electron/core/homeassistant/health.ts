// "Can Home Assistant use this key?" per console, from what HA exposes without
// secrets (home-assistant.md §1.4, §1.5, §2.5): the entry's `state`, `reason` and
// `error_reason_translation_key`, plus a pending reauth flow / repair issue.
// An auth failure in setup → `setup_error`, reason "could not authenticate" or
// translation key `entry_auth_failed` / `api_key_required`, and a reauth flow.
// Caveat (§2.5): a full-mode unifiprotect entry stays `loaded` when only its key
// is revoked (public-API failures are logged at debug), so `ok` here means "HA
// has not noticed a problem"; Keyward's own key check is still needed.
import { consoleLabel } from '../../../shared/labels.ts'
import type { HomeAssistantClient } from './client.ts'
import { matchNetworkSites } from './network.ts'
import { matchConsole, snapshotDomain, type PendingReauth } from './entries.ts'
import { APP_LABEL } from './errors.ts'
import type { HaConsoleRef, HaDomain, HaEntry, HaEntryHealth, HaHealthSignal } from './types.ts'

const AUTH_KEYS = new Set(['entry_auth_failed', 'api_key_required', 'invalid_auth', 'reauth_required'])

export function classifyEntry(
  entry: HaEntry | null,
  reauth: PendingReauth | null,
): { signal: HaHealthSignal; keyProblem: boolean } {
  if (!entry) return { signal: reauth ? 'key_rejected' : 'no_entry', keyProblem: reauth !== null }
  if (entry.disabled_by) return { signal: 'disabled', keyProblem: false }
  const authFailed =
    reauth !== null ||
    AUTH_KEYS.has(entry.error_reason_translation_key ?? '') ||
    /authenticat|unauthori[sz]ed|api key/i.test(entry.reason ?? '')
  switch (entry.state) {
    case 'loaded':
      return reauth ? { signal: 'key_rejected', keyProblem: true } : { signal: 'ok', keyProblem: false }
    case 'setup_error':
      if (authFailed) return { signal: 'key_rejected', keyProblem: true }
      if (entry.error_reason_translation_key === 'protect_version')
        return { signal: 'protect_too_old', keyProblem: false }
      return { signal: 'error', keyProblem: false }
    case 'setup_retry':
      return authFailed ? { signal: 'key_rejected', keyProblem: true } : { signal: 'retrying', keyProblem: false }
    case 'not_loaded':
      return authFailed ? { signal: 'key_rejected', keyProblem: true } : { signal: 'not_loaded', keyProblem: false }
    case 'setup_in_progress':
    case 'unload_in_progress':
      return { signal: 'busy', keyProblem: false }
    default:
      return { signal: authFailed ? 'key_rejected' : 'error', keyProblem: authFailed }
  }
}

function describe(signal: HaHealthSignal, domain: HaDomain, consoleRef: HaConsoleRef, entry: HaEntry | null): string {
  const app = APP_LABEL[domain] ?? domain
  const who = consoleLabel(consoleRef)
  switch (signal) {
    case 'ok':
      return `Home Assistant's ${app} entry for ${who} is loaded.`
    case 'key_rejected':
      return `Home Assistant cannot use the key for ${who}: ${app} there refused it. Push a new key to finish Home Assistant's re-authentication.`
    case 'protect_too_old':
      return `Home Assistant needs a newer UniFi Protect on ${who}.`
    case 'retrying':
      return `Home Assistant cannot reach ${who} right now and keeps retrying${entry?.reason ? ` (${entry.reason})` : ''}.`
    case 'disabled':
      return `The ${app} entry for ${who} is disabled in Home Assistant.`
    case 'not_loaded':
      return `The ${app} entry for ${who} is not loaded in Home Assistant.`
    case 'busy':
      return `Home Assistant is loading the ${app} entry for ${who}.`
    case 'no_entry':
      return `Home Assistant has no ${app} entry for ${who}.`
    default:
      return `Home Assistant's ${app} entry for ${who} failed (${entry?.state ?? 'unknown'}${entry?.reason ? `: ${entry.reason}` : ''}).`
  }
}

export interface HealthReport {
  domain: HaDomain
  consoles: HaEntryHealth[]
  /** Entries of the domain that no managed console matched. */
  unmatched: HaEntry[]
  /** False when reauth flows and repairs could not be read (no WebSocket or not admin). */
  sawReauths: boolean
}

/** Reads HA's entries for `domain` and tells, per managed console, whether HA can use its key. */
export async function readHealth(
  ha: HomeAssistantClient,
  domain: HaDomain,
  consoles: HaConsoleRef[],
): Promise<HealthReport> {
  const snapshot = await snapshotDomain(ha, domain, { devices: domain !== 'unifi_access' })
  const used = new Set<string>()
  const results = consoles.map((consoleRef): HaEntryHealth => {
    // `unifi` entries belong to a site (unique_id = site UUID), not to a console MAC (§1.6, §3.2).
    const match =
      domain === 'unifi'
        ? matchNetworkSites(snapshot, consoleRef.siteIds ?? [], consoleRef.entryIds)
        : matchConsole(consoleRef, snapshot)
    const entry = match.entry
    if (entry) used.add(entry.entry_id)
    const { signal, keyProblem } = classifyEntry(entry, match.reauth)
    return {
      consoleKey: consoleRef.key,
      domain,
      entryId: entry?.entry_id ?? match.reauth?.entryId ?? null,
      title: entry?.title ?? match.reauth?.title ?? null,
      state: entry?.state ?? null,
      reason: entry?.reason ?? null,
      translationKey: entry?.error_reason_translation_key ?? null,
      signal,
      keyProblem,
      reauthFlowId: match.reauth?.flowId ?? null,
      repairIssueId: match.reauth?.issueId ? `homeassistant/${match.reauth.issueId}` : null,
      message: describe(signal, domain, consoleRef, entry),
    }
  })
  return {
    domain,
    consoles: results,
    unmatched: snapshot.entries.filter((e) => !used.has(e.entry_id)),
    sawReauths: snapshot.websocket && ha.info?.isAdmin !== false,
  }
}
