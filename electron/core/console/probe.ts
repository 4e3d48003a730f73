// Identifies what answers at an address (unifi-os.md §1):
//   GET /            200 + x-csrf-token  → UniFi OS console
//                    302 → /manage       → legacy self-hosted Network app
//   GET /api/system  unauthenticated identity: hardware.shortname, name, mac, directConnectDomain
// The second request is pinned to the certificate seen by the first, so a host
// that swaps certificates mid-probe is caught.
import { z } from 'zod'
import type { ConsoleAddress, ConsoleProbe, UnifiApp } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { cleanOptional } from '../discovery/clean.ts'
import { httpsRequest, jsonBody, type HttpsReply } from '../net/https.ts'
import { isHtml } from '../unifi/envelope.ts'

export interface ProbeOptions {
  /** Previously trusted fingerprint; a different certificate fails the probe. */
  pin?: string
  timeoutMs?: number
}

// Every field optional: /api/system is off-contract and its full shape is an
// open question (unifi-os.md §9); we take what is there and say null otherwise.
// A field of another type (`"name": null` on a console nobody named, `directConnectDomain: null`
// with remote access off) reads as missing: one odd field never hides the others.
const text = (max: number) => z.string().max(max).optional().catch(undefined)
const systemSchema = z.object({
  hardware: z
    .object({ shortname: text(64) })
    .partial()
    .optional()
    .catch(undefined),
  name: text(256),
  mac: text(64),
  directConnectDomain: text(256),
})

/** Normalises a MAC to 12 upper-case hex digits, or null if it is not one. */
export function normalizeMac(value: string | undefined): string | null {
  if (!value) return null
  const hex = value.replace(/[^0-9a-f]/gi, '').toUpperCase()
  return hex.length === 12 && /^[0-9A-F]{12}$/.test(hex) ? hex : null
}

function isLegacyRedirect(reply: HttpsReply, address: ConsoleAddress): boolean {
  // 302 is what the references saw (§1); any redirect status to /manage on the same host is the same answer.
  if (![301, 302, 303, 307, 308].includes(reply.status)) return false
  const location = String(reply.headers.location ?? '')
  try {
    // Resolve relative locations against the address; never follow, only compare.
    const target = new URL(location, `https://${address.key}/`)
    const sameHost = target.hostname.replace(/^\[|\]$/g, '') === address.host
    return sameHost && target.pathname.startsWith('/manage')
  } catch {
    return false
  }
}

/**
 * Whether `GET /` makes an address worth asking as a console (unifi-os.md §1): a 200, which is UniFi OS
 * once its `x-csrf-token`, `/api/system`'s identity or an app's 401 confirms it (`probeConsole`), or
 * a redirect to `/manage` (the legacy Network application; `probeConsole` checks it stays on the host).
 * The one rule the console probe and discovery's fingerprint (discovery/fingerprint.ts) share.
 */
export function rootMayBeConsole(root: Pick<HttpsReply, 'status' | 'headers'>): boolean {
  if (root.status === 200) return true
  if (![301, 302, 303, 307, 308].includes(root.status)) return false
  try {
    return new URL(String(root.headers.location ?? ''), 'https://host.invalid/').pathname.startsWith('/manage')
  } catch {
    return false
  }
}

const APPS: UnifiApp[] = ['protect', 'network', 'access']

/**
 * Which apps run on this host: unauthenticated `GET /proxy/<app>/api` answers
 * 401 where the app is installed, 404/502 or nothing where it is not
 * (unifi-discovery SERVICE_ENDPOINTS, unifi-os.md §1). An installed but empty
 * Protect also answers 401; camera counts tell those apart later (§6).
 */
export async function appsOnHost(address: ConsoleAddress, pin: string, timeoutMs: number): Promise<UnifiApp[]> {
  const answers = await Promise.all(
    APPS.map((app) =>
      httpsRequest({
        host: address.host,
        port: address.port,
        path: `/proxy/${app}/api`,
        pin,
        timeoutMs,
        maxBytes: 64 * 1024,
      })
        .then((reply) => (reply.status === 401 ? app : null))
        .catch((error: unknown) => {
          // A swapped certificate is never "app absent".
          if (error instanceof KeywardFailure && error.code === 'certificate-changed') throw error
          return null
        }),
    ),
  )
  return answers.filter((app): app is UnifiApp => app !== null)
}

type SystemInfo = z.infer<typeof systemSchema>

/**
 * Identity from `/api/system`. It is off-contract, and whether UniFi OS Server serves it as a
 * hardware console does is an open question (unifi-os.md §9): a UniFi OS host that answers 401,
 * 403 or 404 there, or 200 without a JSON object, has no identity to read (`info` null). `page`:
 * it answered 200 with a web page, which a console starting up does (§2 Failures) and a web app
 * answering every path may too [inferred].
 */
function readSystem(system: HttpsReply): { info: SystemInfo | null; page: boolean } {
  if (system.status !== 200) return { info: null, page: false }
  if (isHtml(system)) return { info: null, page: true }
  try {
    const parsed = systemSchema.safeParse(jsonBody(system, `The console's /api/system reply`))
    return { info: parsed.success ? parsed.data : null, page: false }
  } catch {
    return { info: null, page: false }
  }
}

/**
 * A console that is not ready: `/api/system` answered a status other than 200/401/403/404, or a web
 * page while no app answers its 401 either. A running console with apps but no JSON there is only
 * nameless ("treat a UOS Server (:11443) like any console", §1).
 */
function notReady(system: HttpsReply, page: boolean, apps: UnifiApp[], address: ConsoleAddress): KeywardFailure | null {
  const why = ![200, 401, 403, 404].includes(system.status)
    ? `answered ${system.status}`
    : page && apps.length === 0
      ? 'answered with a web page'
      : null
  if (why === null) return null
  return new KeywardFailure(
    'bad-reply',
    `${address.key} looks like UniFi OS but /api/system ${why}; the console may be starting up. Try again in a minute.`,
    `status ${system.status}`,
  )
}

/** Whether `/api/system` said anything a console says (a model, a name or a MAC). */
const identifies = (info: SystemInfo | null): boolean =>
  Boolean(info && (info.hardware?.shortname || info.name || normalizeMac(info.mac)))

/** A probe before the core has compared its certificate with what it trusted. */
export type RawProbe = Omit<ConsoleProbe, 'trust'>

export async function probeConsole(address: ConsoleAddress, options: ProbeOptions = {}): Promise<RawProbe> {
  const base = { host: address.host, port: address.port, timeoutMs: options.timeoutMs ?? 5000, maxBytes: 256 * 1024 }
  // `!== undefined`: an empty pin must be refused by httpsRequest, not dropped (issue 14 §8).
  const root = await httpsRequest({ ...base, path: '/', ...(options.pin !== undefined ? { pin: options.pin } : {}) })
  const pin = root.certificate.sha256
  const probedAt = new Date().toISOString()

  if (!rootMayBeConsole(root)) throw notUnifiOs(root, address)
  if (isLegacyRedirect(root, address)) {
    return {
      address,
      kind: 'legacy-network',
      model: null,
      name: null,
      mac: null,
      directConnectDomain: null,
      // The self-hosted application is Network only, and has no local API keys (§4.3).
      apps: ['network'],
      certificate: root.certificate,
      latencyMs: root.elapsedMs,
      probedAt,
    }
  }
  if (root.status !== 200) throw notUnifiOs(root, address)

  const system = await httpsRequest({ ...base, path: '/api/system', pin })
  const { info, page } = readSystem(system)
  const apps = await appsOnHost(address, pin, base.timeoutMs)
  // `GET /` 200 is UniFi OS (§1 [source]: aiounifi, unpoller, Art-of-WiFi go by the status alone); its
  // `x-csrf-token` is the usual confirmation. A console that keeps CSRF in the JWT (§2 [report]) may
  // send none there [inferred]: then /api/system's identity or an app's 401 confirms it instead, so
  // any other web server answering 200 is still no console.
  if (root.headers['x-csrf-token'] === undefined && !identifies(info) && apps.length === 0) {
    throw notUnifiOs(root, address)
  }
  const failure = notReady(system, page, apps, address)
  if (failure) throw failure
  return {
    address,
    kind: 'unifi-os',
    // Strings from the device: no control or bidi characters on screen (discovery/clean.ts, issue 14 §8).
    model: cleanOptional(info?.hardware?.shortname),
    name: cleanOptional(info?.name),
    mac: normalizeMac(info?.mac),
    directConnectDomain: cleanOptional(info?.directConnectDomain),
    apps,
    certificate: system.certificate,
    latencyMs: root.elapsedMs + system.elapsedMs,
    probedAt,
  }
}

function notUnifiOs(root: HttpsReply, address: ConsoleAddress): KeywardFailure {
  const why =
    root.status >= 300 && root.status < 400
      ? `it redirects to ${String(root.headers.location ?? 'nowhere')}`
      : `GET / answered ${root.status}${root.status === 200 ? ' without a CSRF token' : ''}`
  return new KeywardFailure(
    'not-unifi-os',
    `${address.key} answers HTTPS but is not a UniFi OS console (${why}).`,
    `status ${root.status}`,
  )
}

/**
 * Probes the addresses and returns the console found on the first of them (in their order). For a
 * host typed without a port these are 443, then UniFi OS Server's 11443, then the Network
 * application's 8443 (unifi-os.md §1 Ports). They are asked at once, each within its own deadline: a
 * UniFi OS Server host often opens 11443 alone, and a firewall that drops or rejects 443 (a timeout,
 * "host unreachable") must not end the search before 11443 is asked. With no console anywhere, a
 * changed certificate is said first, then what answered, then why nothing could be reached.
 */
export async function probeAddresses(addresses: ConsoleAddress[], options: ProbeOptions = {}): Promise<RawProbe> {
  if (addresses.length === 1) return probeConsole(addresses[0]!, options)
  const settled = await Promise.allSettled(addresses.map((address) => probeConsole(address, options)))
  const found = settled.find((s) => s.status === 'fulfilled')
  if (found) return found.value
  const failures = settled.map((s) =>
    s.status === 'rejected' && s.reason instanceof KeywardFailure
      ? s.reason
      : new KeywardFailure('unreachable', `The connection to ${addresses[0]!.host} failed.`),
  )
  const refused = (f: KeywardFailure) => f.code === 'unreachable' && f.detail === 'ECONNREFUSED'
  const telling =
    failures.find((f) => f.code === 'certificate-changed') ??
    failures.find((f) => f.code !== 'unreachable' && f.code !== 'timeout') ??
    failures.find((f) => !refused(f))
  if (telling) throw telling
  const host = addresses[0]!.host
  const ports = addresses.map((a) => a.port).join(', ')
  throw new KeywardFailure(
    'unreachable',
    `Nothing answers HTTPS at ${host} on ports ${ports} (UniFi OS consoles use 443, UniFi OS Server 11443, ` +
      'the self-hosted Network application 8443). Check the address, or type it with its port, e.g. host:port.',
    'ECONNREFUSED',
  )
}
