// Verifies a key with one real call to its app and, when that fails, finds out why: made on another console,
// a cloud key, the wrong kind of key, missing rights, an app absent or too old (unifi-os.md §4.2, §5, §6).
import type { KeyCheck, KeyCheckFailed, KeyProblem, UnifiApp } from '../../../shared/domain.ts'
import type { KnownConsole } from '../console/known.ts'
import { APP_NAMES, consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { httpsRequest, type HttpsReply } from '../net/https.ts'
import { isObject, parseJson } from './envelope.ts'
import { retryAfterSeconds } from '../net/retry-after.ts'
import { versionAtLeast } from '../../../shared/format.ts'

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

type Attempt = { reply: HttpsReply; body: unknown } | { failure: KeywardFailure }

const label = (c: KnownConsole) => consoleLabel(c)
const APP_NAME: Readonly<Record<UnifiApp, string>> = APP_NAMES

/** Longest Retry-After we wait out once before reporting rate_limited (uiprotect also retries 429s, §5.1). */
const MAX_RATE_WAIT_S = 5

async function attempt(
  target: KnownConsole,
  app: UnifiApp,
  key: string,
  path: string,
  opts: VerifyOptions,
): Promise<Attempt> {
  const first = await attemptOnce(target, app, key, path, opts)
  if ('failure' in first || first.reply.status !== 429) return first
  // The console's budget is shared with everything else that uses it (Home Assistant too).
  const seconds = retryAfterSeconds(first.reply.headers['retry-after'], (opts.now ?? Date.now)())
  if (seconds > MAX_RATE_WAIT_S) return first
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  return attemptOnce(target, app, key, path, opts)
}

async function attemptOnce(
  target: KnownConsole,
  app: UnifiApp,
  key: string,
  path: string,
  opts: VerifyOptions,
): Promise<Attempt> {
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

const CHECK_PATH: Record<UnifiApp, string> = {
  protect: '/proxy/protect/integration/v1/meta/info',
  network: '/proxy/network/integration/v1/info',
  access: '/api/v1/developer/doors',
}

const QUALITIES = ['high', 'medium', 'low', 'package'] as const

/**
 * What Home Assistant needs from a Protect key besides `meta/info`: camera streams. Since HA 2026.7
 * live video comes only from the public API's RTSPS streams (home-assistant.md §2.1 PR #174369,
 * §2.5), read with `GET /proxy/protect/integration/v1/cameras/{id}/rtsps-stream` (unifi-os.md §5.1
 * [report]) for one camera. Shape `{high, medium, low, package}`, each a URL or null
 * (developer.ui.com Protect 6.2.83 get-v1camerasidrtsps-stream); "`null` when inactive" (§5.1) is
 * read both ways: a null body, or every quality null. No active stream, 403 or 404 (older Protect)
 * → a warning in plain words, not a failure: the key works, HA's live view falls back to snapshots.
 */
async function streamWarning(
  target: KnownConsole,
  opts: VerifyOptions,
  camera: Record<string, unknown>,
): Promise<string | undefined> {
  if (typeof camera.id !== 'string' || camera.id === '') return undefined
  const name = typeof camera.name === 'string' && camera.name ? `“${camera.name.slice(0, 64)}”` : 'a camera'
  const fallback = 'so Home Assistant’s live view will fall back to snapshots (a slideshow). The key itself works.'
  const read = await attempt(
    target,
    'protect',
    opts.key,
    `/proxy/protect/integration/v1/cameras/${encodeURIComponent(camera.id)}/rtsps-stream`,
    opts,
  )
  if ('failure' in read)
    return `Keyward could not read the camera streams of ${name} on ${label(target)} (${read.failure.message}); if Home Assistant cannot either, ${fallback}`
  const { reply, body } = read
  if (reply.status === 200) {
    const active = isObject(body) && QUALITIES.some((q) => typeof body[q] === 'string' && body[q] !== '')
    if (active) return undefined
    return `No RTSPS stream is active for ${name} on ${label(target)}, ${fallback} Confirm Home Assistant’s “No RTSPS stream” repair (or enable a stream in Protect) to get live video.`
  }
  if (reply.status === 403)
    return `Protect on ${label(target)} does not let this key read camera streams (403), ${fallback}`
  if (reply.status === 404)
    return `Protect on ${label(target)} does not offer camera streams through its public API (404: an older Protect), ${fallback} Update Protect to get live video in Home Assistant.`
  return `Protect on ${label(target)} answered ${reply.status} when asked for the camera streams of ${name}; if that lasts, ${fallback}`
}

export async function verifyKey(opts: VerifyOptions): Promise<KeyCheck> {
  const now = opts.now ?? Date.now
  const target = opts.console
  const checkedAt = () => new Date(now()).toISOString()
  const failed = (
    problem: KeyProblem,
    message: string,
    nextStep: string,
    extra: Partial<KeyCheckFailed> = {},
  ): KeyCheckFailed => ({
    status: 'failed',
    app: opts.app,
    host: target.key,
    problem,
    message,
    nextStep,
    checkedAt: checkedAt(),
    ...extra,
  })
  const others = (opts.others ?? []).filter((c) => c.key !== target.key)
  const hostsWithApp = others.filter((c) => c.apps.includes(opts.app))

  const started = performance.now()
  const result = await attempt(target, opts.app, opts.key, CHECK_PATH[opts.app], opts)
  if ('failure' in result) {
    const f = result.failure
    if (f.code === 'certificate-changed') {
      return failed(
        'tls_pin_mismatch',
        `${label(target)} now presents a different certificate than the one you trusted, so Keyward sent nothing.`,
        'If you replaced the certificate or updated the firmware, re-trust the console; otherwise check who is answering at that address.',
      )
    }
    return failed(
      'unreachable',
      `${label(target)} did not answer: ${f.message}`,
      'Check that the console is on and reachable from this computer, then check again.',
    )
  }
  const { reply, body } = result
  const latencyMs = Math.round(performance.now() - started)

  if (reply.status === 200) {
    // Every check path answers a JSON object (§5.1, §5.3); anything else came from something
    // in front of the app (a proxy, a captive page), so the key was not proven.
    if (!isObject(body)) {
      return failed(
        'unreachable',
        `${APP_NAME[opts.app]} on ${label(target)} answered, but not with its API, so the key could not be checked.`,
        'Check that the address is the console itself (not a proxy in front of it), then check again.',
      )
    }
    const version = isObject(body) && typeof body.applicationVersion === 'string' ? body.applicationVersion : null
    if (opts.minimumVersion && version && !versionAtLeast(version, opts.minimumVersion)) {
      return failed(
        'version_too_old',
        `${APP_NAME[opts.app]} on ${label(target)} is version ${version}; ` +
          `${opts.minimumFor ?? 'Home Assistant'} needs ${opts.minimumVersion} or later.`,
        `Update ${APP_NAME[opts.app]} on ${label(target)} (UniFi OS → Settings → Updates), then check again.`,
      )
    }
    let cameras: number | undefined
    if (opts.app === 'network') {
      // HA's `unifi` API-key mode validates with the sites list, not /v1/info (home-assistant.md §3.2,
      // unifi-os.md §4.2 table: "verify Network keys on integration/v1/sites, which is what HA needs").
      const sites = await fetchNetworkSites(target, opts.key, opts)
      if (!('sites' in sites) && sites.status === 403) {
        return failed(
          'insufficient_permission',
          `${label(target)} knows this key, but its owner cannot list UniFi Network sites, which Home Assistant needs.`,
          'Give that user a role with Network access, or make the key as a Super Admin.',
        )
      }
    }
    let warning: string | undefined
    if (opts.app === 'protect') {
      const list = await attempt(target, 'protect', opts.key, '/proxy/protect/integration/v1/cameras', opts)
      if (!('failure' in list) && list.reply.status === 200 && Array.isArray(list.body)) cameras = list.body.length
      // The seed failure: Protect installed but empty here (it moved to an NVR), cameras elsewhere (§6).
      if (cameras === 0 && hostsWithApp.length > 0) {
        const right = hostsWithApp[0]!
        return failed(
          'wrong_host',
          `The key works on ${label(target)}, but Protect there has no cameras. ${label(right)} also runs Protect — your cameras are most likely there, and a key only works on the console that made it.`,
          `Make the key on ${label(right)} instead.`,
          { rightHost: { key: right.key, name: right.name } },
        )
      }
      const first =
        !('failure' in list) && Array.isArray(list.body) ? (list.body as unknown[]).find(isObject) : undefined
      if (first) warning = await streamWarning(target, opts, first)
    }
    return {
      status: 'ok',
      app: opts.app,
      host: target.key,
      appVersion: version,
      latencyMs,
      checkedAt: checkedAt(),
      ...(cameras !== undefined ? { cameras } : {}),
      ...(warning ? { warning } : {}),
    }
  }

  if (reply.status === 429) {
    const seconds = retryAfterSeconds(reply.headers['retry-after'], now())
    return failed(
      'rate_limited',
      `${label(target)} is rate-limiting API calls right now.`,
      `Wait ${seconds} s, then check again.`,
      { retryAfterSeconds: seconds },
    )
  }
  if (reply.status === 404) {
    const right = hostsWithApp[0]
    return failed(
      'app_not_on_host',
      `${APP_NAME[opts.app]} is not installed on ${label(target)}.`,
      right
        ? `${label(right)} runs ${APP_NAME[opts.app]}: make the key there.`
        : `Pick the console that runs ${APP_NAME[opts.app]}.`,
      right ? { rightHost: { key: right.key, name: right.name } } : {},
    )
  }
  if (reply.status === 403) {
    return failed(
      'insufficient_permission',
      `${label(target)} knows this key, but its owner has no rights in ${APP_NAME[opts.app]}. A key carries the rights of the user who made it.`,
      `Give that user a role with ${APP_NAME[opts.app]} access, or make the key as a Super Admin.`,
    )
  }
  if (reply.status !== 401 && reply.status !== 400) {
    return failed(
      'unreachable',
      `${APP_NAME[opts.app]} on ${label(target)} answered ${reply.status}; it may be starting or updating.`,
      'Check again in a minute.',
    )
  }

  // 401: the key is not valid here. Find where it does belong (only where the user confirmed the certificate).
  for (const other of hostsWithApp.filter((c) => opts.mayReceiveKey?.(c) ?? true)) {
    const elsewhere = await attempt(other, opts.app, opts.key, CHECK_PATH[opts.app], opts)
    if (!('failure' in elsewhere) && elsewhere.reply.status === 200) {
      return failed(
        'wrong_host',
        `This key was made on ${label(other)}, not on ${label(target)}. Keys work only on the console that made them — this is the "Invalid authentication" trap.`,
        `Use ${label(other)} as the host, or make a new key on ${label(target)}.`,
        { rightHost: { key: other.key, name: other.name } },
      )
    }
  }
  if (opts.app === 'access') {
    // A console key where an Access token belongs (HA unifi_access probes Protect the same way, §5.3).
    const asConsoleKey = await attempt(target, 'protect', opts.key, CHECK_PATH.protect, opts)
    const asNetworkKey =
      'failure' in asConsoleKey || asConsoleKey.reply.status !== 200
        ? await attempt(target, 'network', opts.key, CHECK_PATH.network, opts)
        : asConsoleKey
    if (!('failure' in asNetworkKey) && asNetworkKey.reply.status === 200) {
      return failed(
        'wrong_key_type',
        'This is a console API key; UniFi Access needs its own API token (Access → Settings → API Token).',
        'Create an Access API token instead (Keyward can do it for you).',
      )
    }
  } else if (target.apps.includes('access')) {
    const asAccessToken = await attempt(target, 'access', opts.key, CHECK_PATH.access, opts)
    if (!('failure' in asAccessToken) && asAccessToken.reply.status === 200) {
      return failed(
        'wrong_key_type',
        `This is a UniFi Access API token; ${APP_NAME[opts.app]} needs a console API key.`,
        `Make a console API key on ${label(target)}.`,
      )
    }
  }
  // Whether it is a Site Manager (cloud) key is asked only when the user asks (`cloudKeyCheck`,
  // contract keys.cloudCheck): that sends the key to api.ui.com (unifi-os.md §5.4 [inferred]).
  return failed(
    'invalid_key',
    `No console Keyward knows accepts this key for ${APP_NAME[opts.app]}: it was revoked, mistyped, or made on a console Keyward has not seen.`,
    `Make a new key on ${label(target)}.`,
  )
}

/**
 * Asks Ubiquiti's Site Manager (cloud) whether it accepts the key: 200 on `GET /v1/hosts` with
 * `X-API-KEY` ⇒ a cloud key (unifi-os.md §5.4 [source] for the call, [inferred] for the
 * conclusion). This sends the key to api.ui.com, so it runs only when the user asks why a key
 * fails (keys.cloudCheck), never in a sweep or the wizard's verify (§5.4 [inferred]: "run it only
 * interactively … after saying so, never in background checks").
 * 'unknown' when the cloud answered neither yes nor no (rate limit, outage).
 */
export async function cloudKeyCheck(
  key: string,
  siteManager: { url: string; ca?: string },
  timeoutMs = 6000,
): Promise<'cloud' | 'not-cloud' | 'unknown'> {
  const url = new URL('/v1/hosts', siteManager.url)
  const reply = await httpsRequest({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 443),
    path: url.pathname,
    headers: { 'x-api-key': key },
    timeoutMs,
    maxBytes: 2 * 1024 * 1024,
    verify: siteManager.ca ? { ca: siteManager.ca } : {},
  })
  if (reply.status === 200) return 'cloud'
  // §5.4: UNAUTHORIZED 401 / FORBIDDEN 403 = the cloud does not take this key.
  if (reply.status === 401 || reply.status === 403) return 'not-cloud'
  return 'unknown'
}

export type NetworkSitesResult =
  { sites: { id: string; internalReference: string; name: string }[] } | { status: number; message: string }

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
  const out: { id: string; internalReference: string; name: string }[] = []
  for (let offset = 0; offset < 1000; offset += 200) {
    const result = await attempt(
      target,
      'network',
      key,
      `/proxy/network/integration/v1/sites?offset=${offset}&limit=200`,
      { console: target, app: 'network', key, ...opts },
    )
    if ('failure' in result) return { status: 0, message: result.failure.message }
    if (result.reply.status !== 200)
      return {
        status: result.reply.status,
        message: `UniFi Network on ${label(target)} answered ${result.reply.status}.`,
      }
    const body = result.body
    const data = isObject(body) && Array.isArray(body.data) ? body.data : null
    if (!data) return { status: 200, message: `UniFi Network on ${label(target)} did not list its sites.` }
    for (const site of data) {
      if (!isObject(site) || typeof site.id !== 'string' || site.id === '') continue
      const name = typeof site.name === 'string' && site.name ? site.name : site.id
      out.push({
        id: site.id.slice(0, 100),
        internalReference: typeof site.internalReference === 'string' ? site.internalReference.slice(0, 100) : '',
        name: name.slice(0, 200),
      })
    }
    const total = isObject(body) && typeof body.totalCount === 'number' ? body.totalCount : out.length
    if (data.length < 200 || out.length >= total) break
  }
  opts.onSites?.(out.map((s) => s.id))
  return { sites: out }
}
