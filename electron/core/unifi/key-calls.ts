// The calls a key check makes with the key itself: pinned, with a deadline and a size cap, paced for
// background sweeps, one wait-out of a short Retry-After or RateLimit reset (unifi-os.md §5.1). Also the Network sites
// list HA reads (§5.2) and the on-request Site Manager question (§5.4).
import { z } from 'zod'
import type { UnifiApp } from '../../../shared/domain.ts'
import { APP_NAMES, consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { KnownConsole } from '../console/known.ts'
import { httpsRequest, type HttpsReply } from '../net/https.ts'
import { secondsUntilRetry } from '../net/retry-after.ts'
import { optionalText, parseJson } from './envelope.ts'

export interface VerifyOptions {
  /** The console the key is meant for. */
  console: KnownConsole
  app: UnifiApp
  key: string
  /**
   * Other consoles Keyward knows (pinned). Their recorded apps name the right host in a diagnosis; the key
   * itself is tried only on those `mayReceiveKey` allows (certificate confirmed by the user, issue 14 §3).
   */
  others?: KnownConsole[]
  /** Whether the key may be sent to another console to find where it belongs; default: yes. */
  mayReceiveKey?: (console: KnownConsole) => boolean
  /** e.g. Home Assistant 2026.9 needs Protect ≥ 7.2.105 (home-assistant.md §2.1; homeassistant/requirements.ts). */
  minimumVersion?: string
  /** Who needs `minimumVersion`, e.g. "Home Assistant 2026.9.1 (Home)". */
  minimumFor?: string
  /** Access developer API port (unifi-os.md §1: 12445). */
  accessPort?: number
  timeoutMs?: number
  now?: () => number
  /** Waits for the console's rate-limit budget before each request (background sweeps). */
  pace?: (consoleKey: string) => Promise<void>
  /** Each reply's status and headers, so the pacer honours `RateLimit` and `Retry-After` (§5.1). */
  onReply?: (consoleKey: string, reply: Pick<HttpsReply, 'status' | 'headers'>) => void
  /** The Network site ids the check read (a sweep hands them to HA's health step rather than reading twice). */
  onSites?: (siteIds: string[]) => void
}

type CallOptions = Pick<VerifyOptions, 'accessPort' | 'timeoutMs' | 'now' | 'pace' | 'onReply'>

/** A reply, or none usable: `answered` when the console did answer, but with a web page or broken JSON. */
export type Attempt = { reply: HttpsReply; body: unknown } | { failure: KeywardFailure; answered?: true }

export const label = (c: KnownConsole) => consoleLabel(c)
export const APP_NAME: Readonly<Record<UnifiApp, string>> = APP_NAMES

/** The one call that proves a key for each app (§5.1, §5.2, §5.3). */
export const CHECK_PATH: Record<UnifiApp, string> = {
  protect: '/proxy/protect/integration/v1/meta/info',
  network: '/proxy/network/integration/v1/info',
  access: '/api/v1/developer/doors',
}

/** Network's fallback proof: the sites list HA reads (one entry is enough). */
const NETWORK_SITES_PROBE = '/proxy/network/integration/v1/sites?offset=0&limit=1'

/**
 * The check call of `app` (CHECK_PATH). Network `/v1/info` may be missing on a Network that serves the
 * rest of its Integration API (unifi-os.md §4.3: go-unifi's floor is 10.1.78, the API came in 9.0.108;
 * §9 which endpoints exist in between is open): on a 404 the sites list, which is what HA's `unifi`
 * API-key mode reads (home-assistant.md §3.2), proves the key instead; its reply has no version.
 */
export async function checkCall(target: KnownConsole, app: UnifiApp, key: string, opts: CallOptions): Promise<Attempt> {
  const result = await attempt(target, app, key, CHECK_PATH[app], opts)
  if (app !== 'network' || 'failure' in result || result.reply.status !== 404) return result
  return attempt(target, app, key, NETWORK_SITES_PROBE, opts)
}

/** Longest Retry-After we wait out once before reporting rate_limited (uiprotect also retries 429s, §5.1). */
const MAX_RATE_WAIT_S = 5

/** One call with the key; a 429 with a short Retry-After (or, without one, RateLimit `t`) is waited out once. */
export async function attempt(
  target: KnownConsole,
  app: UnifiApp,
  key: string,
  path: string,
  opts: CallOptions,
): Promise<Attempt> {
  const first = await attemptOnce(target, app, key, path, opts)
  if ('failure' in first || first.reply.status !== 429) return first
  // The console's budget is shared with everything else that uses it (Home Assistant too).
  const seconds = secondsUntilRetry(first.reply.headers, (opts.now ?? Date.now)())
  if (seconds > MAX_RATE_WAIT_S) return first
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  return attemptOnce(target, app, key, path, opts)
}

async function attemptOnce(...[target, app, key, path, opts]: Parameters<typeof attempt>): Promise<Attempt> {
  const access = app === 'access'
  try {
    await opts.pace?.(target.key)
    const reply = await httpsRequest({
      host: target.host,
      port: access ? (opts.accessPort ?? 12445) : target.port,
      path,
      pin: target.pin,
      timeoutMs: opts.timeoutMs ?? 6000,
      maxBytes: 1024 * 1024,
      // Console keys go in X-API-KEY (§5.1); Access tokens are Bearer tokens on :12445 (§5.3).
      headers: access ? { authorization: `Bearer ${key}` } : { 'x-api-key': key },
    })
    opts.onReply?.(target.key, reply)
    return readBody(target, app, reply)
  } catch (error) {
    if (error instanceof KeywardFailure) return { failure: error }
    throw error
  }
}

/** A 200's JSON body (Access: its envelope's error code as the status it means); unreadable = `answered`. */
function readBody(target: KnownConsole, app: UnifiApp, reply: HttpsReply): Attempt {
  let body: unknown = null
  try {
    if (reply.status === 200) body = parseJson(reply, `${APP_NAME[app]} on ${label(target)}`)
  } catch (error) {
    if (error instanceof KeywardFailure) return { failure: error, answered: true }
    throw error
  }
  const status = app === 'access' ? accessStatus(reply.status, body) : reply.status
  return status === reply.status ? { reply, body } : { reply: { ...reply, status }, body: null }
}

/** The status an Access error code stands for (§5.3: "invalid or expired", "not allowed" = missing scope). */
const ACCESS_CODE_STATUS: Readonly<Record<string, number>> = {
  CODE_AUTH_FAILED: 401,
  CODE_ACCESS_TOKEN_INVALID: 401,
  CODE_UNAUTHORIZED: 403,
  CODE_NOT_FOUND: 404,
}
const accessEnvelope = z.object({ code: z.string() })

/**
 * Access answers in `{"code":"SUCCESS","msg",data}` (§5.3); a 200 whose `code` is another one is that
 * error, as py-unifi-access (what HA runs) reads it: the token is refused whatever the HTTP status said.
 * An error code not listed counts as a server error.
 */
function accessStatus(status: number, body: unknown): number {
  const envelope = accessEnvelope.safeParse(body)
  if (status !== 200 || !envelope.success || envelope.data.code === 'SUCCESS') return status
  return ACCESS_CODE_STATUS[envelope.data.code] ?? 500
}

export type NetworkSite = { id: string; internalReference: string; name: string }
export type NetworkSitesResult = { sites: NetworkSite[] } | { status: number; message: string }

/** One page of `integration/v1/sites` (§5.2): `data` is required; `totalCount` and `limit` when the console says. */
const sitesPage = z.object({
  data: z.array(z.unknown()),
  totalCount: z.number().optional().catch(undefined),
  limit: z.number().int().positive().optional().catch(undefined),
})
/** A site entry; entries without an id are skipped, not fatal (§5.2: `{id (uuid), internalReference, name}`). */
const siteEntry = z.object({ id: z.string().min(1), name: optionalText, internalReference: optionalText })

/**
 * The Network sites a key sees (`GET /proxy/network/integration/v1/sites`, unifi-os.md §5.2: `{id (uuid),
 * internalReference, name}`, paged with offset/limit ≤ 200), exactly what HA's `unifi` API-key mode reads
 * (home-assistant.md §3.2). Pinned like every key call; status 0 = no answer.
 */
export async function fetchNetworkSites(
  target: KnownConsole,
  key: string,
  opts: Pick<VerifyOptions, 'timeoutMs' | 'now' | 'pace' | 'onReply' | 'onSites'> = {},
): Promise<NetworkSitesResult> {
  const out: NetworkSite[] = []
  // The next page starts after what this one held, not after the `limit` asked for: a console may serve
  // fewer per page than asked (§5.2 "limit 0–200 (default 25)"; one that caps or ignores `limit` still
  // pages). Up to 1000 sites, at most 40 pages.
  for (let offset = 0, pages = 0; offset < 1000 && pages < 40; pages++) {
    const path = `/proxy/network/integration/v1/sites?offset=${offset}&limit=200`
    const result = await attempt(target, 'network', key, path, opts)
    if ('failure' in result) return { status: 0, message: result.failure.message }
    if (result.reply.status !== 200)
      return {
        status: result.reply.status,
        message: `UniFi Network on ${label(target)} answered ${result.reply.status}.`,
      }
    const page = sitesPage.safeParse(result.body)
    if (!page.success) return { status: 200, message: `UniFi Network on ${label(target)} did not list its sites.` }
    for (const entry of page.data.data) {
      const site = siteEntry.safeParse(entry)
      if (!site.success) continue
      const { id, name, internalReference } = site.data
      out.push({
        id: id.slice(0, 100),
        internalReference: (internalReference ?? '').slice(0, 100),
        name: (name || id).slice(0, 200),
      })
    }
    const held = page.data.data.length
    offset += held
    // With `totalCount`, stop once every site was read; without it, at a page shorter than its `limit`.
    const { totalCount, limit } = page.data
    if (held === 0 || (totalCount === undefined ? held < Math.min(200, limit ?? 200) : offset >= totalCount)) break
  }
  opts.onSites?.(out.map((s) => s.id))
  return { sites: out }
}
