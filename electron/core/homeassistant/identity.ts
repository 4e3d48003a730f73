// Which Home Assistant answers at an address, found out WITHOUT the token (issue 15).
// home-assistant.md §5: the admin token has no channel binding — whatever answers at
// the stored address receives it. So Keyward binds a stored HA to what the user
// confirmed: the TLS pin for https (trust on first use, as consoles: unifi-os.md §7),
// and HA's uuid where one can be read without auth:
//   * `GET /api/discovery_info` (no auth; uuid, location_name, version, urls) existed
//     in 2021 and "may be gone" [inferred, home-assistant.md §5]: both shapes are handled,
//     a 404 (or anything not carrying a uuid) means "no uuid from here";
//   * else the `uuid` TXT key of an `_home-assistant._tcp` announcement whose packet
//     SOURCE is HA's address (discovery.md §6: trust only the packet's source).
// A uuid is public, so over plain http it tells a replaced HA from the original only
// when the newcomer does not copy it; https with a pin is the real binding.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { CertificateInfo, HaIdentity } from '../../../shared/domain.ts'
import { KeywardFailure, type KeywardError } from '../../../shared/result.ts'
import { httpRequest, parseJsonReply } from '../net/http.ts'
import { httpsRequest } from '../net/https.ts'
import { parseDiscoveryUuid } from './replies.ts'
import type { HaBaseUrl } from './types.ts'

/** A certificate to compare and confirm travels with the failure (the UI shows its fingerprint). */
export class HaCertificateFailure extends KeywardFailure {
  constructor(
    code: 'certificate-unconfirmed' | 'certificate-changed',
    message: string,
    readonly certificate: CertificateInfo,
  ) {
    super(code, message, `certificate SHA-256 ${certificate.sha256}`)
    this.name = 'HaCertificateFailure'
  }
  override toError(): KeywardError {
    return { ...super.toError(), certificate: { ...this.certificate } }
  }
}

/** The uuid announced over mDNS by a packet from one of these addresses (discovery inventory), or null. */
export type AnnouncedUuid = (addresses: string[]) => string | null

export interface FirstContact {
  /** 'http': unencrypted; 'ca': a public CA vouches for the name; 'pin': the confirmed self-signed leaf. */
  trust: 'http' | 'ca' | 'pin'
  certificate: CertificateInfo | null
  /** From `/api/discovery_info`, when HA still serves it. */
  uuid: string | null
}

/** A certificate no CA vouches for: Node's verify codes reach us as `tls`, or as `detail` of a connection failure. */
const isCertificateProblem = (error: unknown): boolean =>
  error instanceof KeywardFailure &&
  (error.code === 'tls' ||
    error.code === 'certificate-changed' ||
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/i.test(error.detail ?? ''))

const PROBE_PATH = '/api/discovery_info'
const TIMEOUT_MS = 8000
const MAX_BYTES = 64 * 1024

/** `{uuid: "…"}` from a discovery_info reply; null for 404, HTML, or no uuid (§5 [inferred]). */
function uuidOf(status: number, type: string, body: () => unknown): string | null {
  if (status !== 200 || !type.includes('json')) return null
  try {
    return parseDiscoveryUuid(body())
  } catch {
    return null
  }
}

/** GET /api/discovery_info with no Authorization header, pinned or CA-verified as asked. */
export async function discoveryUuid(
  base: HaBaseUrl,
  tls?: { pin?: string },
  timeoutMs = TIMEOUT_MS,
): Promise<string | null> {
  const reply = await httpRequest({
    url: `${base.origin}${PROBE_PATH}`,
    timeoutMs,
    maxBytes: MAX_BYTES,
    ...(tls ? { tls } : {}),
  }).catch((error: unknown) => {
    // An oversized page there is "no uuid from here", not a failed connect.
    if (error instanceof KeywardFailure && error.code === 'too-large') return null
    throw error
  })
  return (
    reply &&
    uuidOf(reply.status, String(reply.headers['content-type'] ?? ''), () => parseJsonReply(reply, 'discovery_info'))
  )
}

/**
 * First contact, before any token: over https, which certificate answers and whether the
 * user confirmed it (`confirmed`), unless a public CA vouches for the name. Throws
 * `certificate-unconfirmed` (nothing confirmed yet) or `certificate-changed` (the user
 * confirmed another one), both carrying the certificate seen now.
 */
export async function firstContact(
  base: HaBaseUrl,
  confirmed: string | undefined,
  timeoutMs = TIMEOUT_MS,
): Promise<FirstContact> {
  if (base.scheme === 'http')
    return { trust: 'http', certificate: null, uuid: await discoveryUuid(base, undefined, timeoutMs) }
  // Unverified and unpinned, and with no credential: only to see the certificate.
  const seen = await httpsRequest({
    host: base.host,
    port: base.port,
    path: PROBE_PATH,
    timeoutMs,
    maxBytes: MAX_BYTES,
  })
  const certificate = seen.certificate
  const uuid = uuidOf(seen.status, String(seen.headers['content-type'] ?? ''), () =>
    JSON.parse(seen.body.toString('utf8')),
  )
  if (confirmed !== undefined) {
    if (certificate.sha256.toUpperCase() === confirmed.toUpperCase()) return { trust: 'pin', certificate, uuid }
    throw new HaCertificateFailure(
      'certificate-changed',
      `Home Assistant at ${base.origin} now presents a different certificate than the one you confirmed. Keyward sent nothing. Compare the new fingerprint with the one Home Assistant shows before you trust it.`,
      certificate,
    )
  }
  const vouched = await httpRequest({
    url: `${base.origin}${PROBE_PATH}`,
    timeoutMs,
    maxBytes: MAX_BYTES,
    tls: {},
  }).then(
    () => true,
    (error: unknown) => {
      if (isCertificateProblem(error)) return false
      throw error
    },
  )
  if (vouched) return { trust: 'ca', certificate, uuid }
  throw new HaCertificateFailure(
    'certificate-unconfirmed',
    `Home Assistant at ${base.origin} uses a certificate no public authority vouches for (a self-signed one). Keyward has sent nothing yet, not the token either. ` +
      `Compare this fingerprint with the one your Home Assistant shows, then confirm it: ${certificate.sha256}`,
    certificate,
  )
}

/** The addresses a host name stands for (an IP literal is itself); none when it does not resolve. */
export async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host]
  try {
    return (await lookup(host, { all: true })).map((a) => a.address)
  } catch {
    return []
  }
}

/** What a new record is bound to: discovery_info's uuid, else an mDNS uuid from HA's address, else the pin. */
export async function identityAtConnect(
  base: HaBaseUrl,
  contact: FirstContact,
  announced: AnnouncedUuid,
  network: string,
): Promise<HaIdentity> {
  const confirmedAt = new Date().toISOString()
  if (contact.uuid) return { kind: 'uuid', uuid: contact.uuid, source: 'discovery-info', network, confirmedAt }
  const fromMdns = announced(await addressesOf(base.host))
  if (fromMdns) return { kind: 'uuid', uuid: fromMdns, source: 'mdns', network, confirmedAt }
  if (contact.trust !== 'http') return { kind: 'certificate', uuid: null, source: 'certificate', network, confirmedAt }
  return { kind: 'none', uuid: null, source: null, network, confirmedAt }
}

export type IdentityCheck =
  | { result: 'same' }
  | { result: 'changed'; message: string }
  | { result: 'unverifiable'; message: string }
  | { result: 'unreachable'; message: string }

/**
 * Re-checks a stored HA's identity with no token: the pin (or CA) on a bare handshake
 * plus request, then the uuid it was bound to (discovery_info, else mDNS from its address).
 */
export async function recheckIdentity(
  base: HaBaseUrl,
  identity: HaIdentity,
  pin: string | null,
  announced: AnnouncedUuid,
): Promise<IdentityCheck> {
  const where = base.origin
  let uuid: string | null
  try {
    uuid = await discoveryUuid(base, pin ? { pin } : undefined)
  } catch (error) {
    if (isCertificateProblem(error)) {
      return {
        result: 'changed',
        message: `A different server answers at ${where}: its certificate is not the one you confirmed. Keyward sends it nothing, not the token either.`,
      }
    }
    if (error instanceof KeywardFailure && (error.code === 'unreachable' || error.code === 'timeout'))
      return { result: 'unreachable', message: error.message }
    throw error
  }
  if (identity.kind === 'uuid' && identity.uuid) {
    uuid ??= announced(await addressesOf(base.host))
    if (uuid === identity.uuid) return { result: 'same' }
    if (uuid)
      return {
        result: 'changed',
        message: `A different Home Assistant answers at ${where} (it is not the one you connected). Keyward sends it nothing, not the token either.`,
      }
  }
  // https: the pin (or the CA) held on this handshake, and nothing contradicts it.
  if (base.scheme === 'https') return { result: 'same' }
  return {
    result: 'unverifiable',
    message:
      `This computer moved to another network, and over plain http Keyward cannot tell whether ${where} is still your Home Assistant. ` +
      'Background checks are paused, so the token is not sent there. If it is yours, choose “It’s mine — continue”.',
  }
}
