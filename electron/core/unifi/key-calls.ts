// The calls a key check makes with the key itself: pinned, with a deadline and a size cap, paced for
// background sweeps, one wait-out of a short Retry-After (unifi-os.md §5.1). Also the Network sites
// list HA reads (§5.2) and the on-request Site Manager question (§5.4).
import { z } from 'zod'
import type { UnifiApp } from '../../../shared/domain.ts'
import { APP_NAMES, consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { KnownConsole } from '../console/known.ts'
import { httpsRequest, type HttpsReply } from '../net/https.ts'
import { retryAfterSeconds } from '../net/retry-after.ts'
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

export type Attempt = { reply: HttpsReply; body: unknown } | { failure: KeywardFailure }

export const label = (c: KnownConsole) => consoleLabel(c)
export const APP_NAME: Readonly<Record<UnifiApp, string>> = APP_NAMES

/** The one call that proves a key for each app (§5.1, §5.2, §5.3). */
export const CHECK_PATH: Record<UnifiApp, string> = {
  protect: '/proxy/protect/integration/v1/meta/info',
  network: '/proxy/network/integration/v1/info',
  access: '/api/v1/developer/doors',
}

/** Longest Retry-After we wait out once before reporting rate_limited (uiprotect also retries 429s, §5.1). */
const MAX_RATE_WAIT_S = 5

/** One call with the key; a 429 with a short Retry-After is waited out once. */
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
  const seconds = retryAfterSeconds(first.reply.headers['retry-after'], (opts.now ?? Date.now)())
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
    let body: unknown = null
    if (reply.status === 200) body = parseJson(reply, `${APP_NAME[app]} on ${label(target)}`)
    return { reply, body }
  } catch (error) {
    if (error instanceof KeywardFailure) return { failure: error }
    throw error
  }
}

export type NetworkSite = { id: string; internalReference: string; name: string }
export type NetworkSitesResult = { sites: NetworkSite[] } | { status: number; message: string }

/** One page of `integration/v1/sites` (§5.2): `data` is required; `totalCount` when the console pages. */
const sitesPage = z.object({
  data: z.array(z.unknown()),
  totalCount: z.number().optional().catch(undefined),
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
  for (let offset = 0; offset < 1000; offset += 200) {
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
    const total = page.data.totalCount ?? out.length
    if (page.data.data.length < 200 || out.length >= total) break
  }
  opts.onSites?.(out.map((s) => s.id))
  return { sites: out }
}
