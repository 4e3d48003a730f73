// Identifies what answers at an address (unifi-os.md §1):
//   GET /            200 + x-csrf-token  → UniFi OS console
//                    302 → /manage       → legacy self-hosted Network app
//   GET /api/system  unauthenticated identity: hardware.shortname, name, mac, directConnectDomain
// The second request is pinned to the certificate seen by the first, so a host
// that swaps certificates mid-probe is caught.
import { z } from 'zod'
import type { ConsoleAddress, ConsoleProbe, UnifiApp } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { httpsRequest, jsonBody, type HttpsReply } from '../net/https.ts'

export interface ProbeOptions {
  /** Previously trusted fingerprint; a different certificate fails the probe. */
  pin?: string
  timeoutMs?: number
}

// Every field optional: /api/system is off-contract and its full shape is an
// open question (unifi-os.md §9); we take what is there and say null otherwise.
const systemSchema = z.object({
  hardware: z.object({ shortname: z.string().max(64).optional() }).partial().optional(),
  name: z.string().max(256).optional(),
  mac: z.string().max(64).optional(),
  directConnectDomain: z.string().max(256).optional(),
})

/** Normalises a MAC to 12 upper-case hex digits, or null if it is not one. */
export function normalizeMac(value: string | undefined): string | null {
  if (!value) return null
  const hex = value.replace(/[^0-9a-f]/gi, '').toUpperCase()
  return hex.length === 12 && /^[0-9A-F]{12}$/.test(hex) ? hex : null
}

function isLegacyRedirect(reply: HttpsReply, address: ConsoleAddress): boolean {
  if (reply.status !== 302 && reply.status !== 301) return false
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
      httpsRequest({ host: address.host, port: address.port, path: `/proxy/${app}/api`, pin, timeoutMs, maxBytes: 64 * 1024 })
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

/** A probe before the core has compared its certificate with what it trusted. */
export type RawProbe = Omit<ConsoleProbe, 'trust'>

export async function probeConsole(address: ConsoleAddress, options: ProbeOptions = {}): Promise<RawProbe> {
  const base = { host: address.host, port: address.port, timeoutMs: options.timeoutMs ?? 5000, maxBytes: 256 * 1024 }
  const root = await httpsRequest({ ...base, path: '/', ...(options.pin ? { pin: options.pin } : {}) })
  const pin = root.certificate.sha256
  const probedAt = new Date().toISOString()

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
  if (root.status !== 200 || root.headers['x-csrf-token'] === undefined) {
    const why =
      root.status >= 300 && root.status < 400
        ? `it redirects to ${String(root.headers.location ?? 'nowhere')}`
        : `GET / answered ${root.status}${root.status === 200 ? ' without a CSRF token' : ''}`
    throw new KeywardFailure(
      'not-unifi-os',
      `${address.key} answers HTTPS but is not a UniFi OS console (${why}).`,
      `status ${root.status}`,
    )
  }

  const system = await httpsRequest({ ...base, path: '/api/system', pin })
  if (system.status !== 200) {
    throw new KeywardFailure(
      'bad-reply',
      `${address.key} looks like UniFi OS but /api/system answered ${system.status}; the console may be starting up.`,
      `status ${system.status}`,
    )
  }
  const parsed = systemSchema.safeParse(jsonBody(system, `The console's /api/system reply`))
  if (!parsed.success) {
    throw new KeywardFailure('bad-reply', `The console's /api/system reply has an unexpected shape.`, parsed.error.message)
  }
  const info = parsed.data
  const apps = await appsOnHost(address, pin, base.timeoutMs)
  return {
    address,
    kind: 'unifi-os',
    model: info.hardware?.shortname ?? null,
    name: info.name ?? null,
    mac: normalizeMac(info.mac),
    directConnectDomain: info.directConnectDomain ?? null,
    apps,
    certificate: system.certificate,
    latencyMs: root.elapsedMs + system.elapsedMs,
    probedAt,
  }
}
