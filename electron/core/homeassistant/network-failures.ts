// What HA's `unifi` API-key flow says when it does not take the key (home-assistant.md §3.2), in plain
// words: form errors (`{"api_key":"faulty_credentials"}` is the key, `{"base":"service_unavailable"}` the
// console) and aborts (`unknown_site_id`, the cross-mode `already_configured`, `cannot_connect`).
import { APP_NAMES, consoleLabel } from '../../../shared/labels.ts'
import type { ErrorCode } from '../../../shared/result.ts'
import type { DomainSnapshot } from './entries.ts'
import { NETWORK_DOMAIN } from './network-fit.ts'
import { UNKNOWN_ABORT, UNKNOWN_FORM_ERROR } from './errors.ts'
import { HomeAssistantFailure, type HaConsoleRef, type HaEntry, type HaProblem, type NetworkSite } from './types.ts'

/** What a failure of one site's push names. */
export interface NetworkCtx {
  console: HaConsoleRef
  site: NetworkSite
  snapshot: DomainSnapshot
}

export const networkFailure = (code: ErrorCode, problem: HaProblem, message: string, detail: string, field?: string) =>
  new HomeAssistantFailure(code, problem, message, detail.slice(0, 200), field)

/** A site UUID: the unique_id of an API-key mode entry and the identifier of its service device (§1.6). */
export const SITE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** §3.2 form errors: `{"api_key":"faulty_credentials"}` (the key) vs `{"base":"service_unavailable"}`. */
export function formFailure(errors: Record<string, string>, ctx: NetworkCtx): HomeAssistantFailure {
  const at = consoleLabel(ctx.console)
  const detail = `unifi form error ${Object.entries(errors)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`
  if (errors.api_key === 'faulty_credentials' || errors.base === 'faulty_credentials') {
    return networkFailure(
      'invalid-credentials',
      'key_rejected',
      `Home Assistant reached UniFi Network on ${at}, but it refused the API key: it was revoked, or made on another console (a key works only on the console that made it).`,
      detail,
      'api_key',
    )
  }
  if (errors.base === 'service_unavailable') {
    return networkFailure(
      'unreachable',
      'cannot_connect',
      `Home Assistant could not use UniFi Network on ${at}: it cannot reach ${ctx.console.host}:${ctx.console.port}, Network is not running there, the key's user has no Network rights, or the console is rate-limiting. Check that Home Assistant can reach the console, then send the key again.`,
      detail,
      'base',
    )
  }
  return networkFailure('refused', 'unknown_error', UNKNOWN_FORM_ERROR(APP_NAMES.network), detail)
}

/**
 * `unifi` entries known to sign in with a username and password: their service device names a classic
 * site `_id`, not a UUID (§1.6: identifiers ["unifi", <unique_id>]). Never guessed from titles.
 */
function localUserEntries(ctx: NetworkCtx): HaEntry[] {
  const local = new Set(
    ctx.snapshot.devices
      .filter((d) => d.identifiers.some(([k, v]) => k === NETWORK_DOMAIN && !SITE_UUID.test(v)))
      .flatMap((d) => d.config_entries),
  )
  return ctx.snapshot.entries.filter((e) => local.has(e.entry_id))
}

/** §3.2 cross-mode guard: a username/password entry for the same host and site blocks the API-key one. */
export function otherModeFailure(ctx: NetworkCtx, local: HaEntry[]): HomeAssistantFailure {
  const site = `"${ctx.site.name}"`
  const titled = local.filter((e) => e.title.trim().toLowerCase() === ctx.site.name.trim().toLowerCase())
  const named = (titled.length > 0 ? titled : local).map((e) => `"${e.title}"`)
  return networkFailure(
    'conflict',
    'other_mode_entry',
    `Home Assistant already has a UniFi Network entry for site ${site} on ${ctx.console.host} that signs in with a username and password${named.length > 0 ? ` (${named.slice(0, 3).join(', ')})` : ''}. ` +
      'Home Assistant allows one entry per site, so remove that entry first (Settings → Devices & services → UniFi Network → ⋮ → Delete), then send the key again.',
    'unifi abort already_configured (cross-mode)',
  )
}

/**
 * `already_configured` is both "this site UUID has an entry" and the cross-mode guard (§3.2). Keyward
 * looked the site's entry up first, so it names the username/password entry when HA's devices show one;
 * otherwise it cannot tell the two apart and does not advise deleting anything.
 */
function alreadyConfigured(ctx: NetworkCtx): HomeAssistantFailure {
  const local = localUserEntries(ctx)
  if (local.length > 0) return otherModeFailure(ctx, local)
  return networkFailure(
    'conflict',
    'already_configured',
    `Home Assistant already has a UniFi Network entry for site "${ctx.site.name}" on ${ctx.console.host}, and Keyward could not tell which one it is. ` +
      'If that entry uses an API key, open it in Settings → Devices & services → UniFi Network, choose Reconfigure and paste the key ("Copy fields"). ' +
      'If it signs in with a username and password, Home Assistant allows only one entry per site: that one would have to go first.',
    'unifi abort already_configured (entry not identified)',
  )
}

export function abortFailure(reason: string, ctx: NetworkCtx): HomeAssistantFailure {
  const at = consoleLabel(ctx.console)
  const site = `"${ctx.site.name}"`
  switch (reason) {
    case 'unknown_site_id':
      return networkFailure(
        'conflict',
        'unknown_site',
        `The new key does not see the UniFi Network site ${site} that Home Assistant's entry is for, so Home Assistant kept its old key. Make the key on ${at} as a user who can see that site.`,
        'unifi abort unknown_site_id',
      )
    case 'already_configured':
      return alreadyConfigured(ctx)
    case 'cannot_connect':
      return networkFailure(
        'unreachable',
        'cannot_connect',
        `Home Assistant could not connect to ${at}.`,
        'unifi abort cannot_connect',
      )
    default:
      return networkFailure('refused', 'needs_ui', UNKNOWN_ABORT(APP_NAMES.network), `unifi abort ${reason}`)
  }
}
