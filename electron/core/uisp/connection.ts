// The UISP key in practice: read it from the server, and check that devices
// holding it could reach the server (uisp.md §4 "Validate a key" [inferred], §6).
//   GET /nms/api/v2.1/nms/connection   the key as a plain string; admin scope [source]
// Reachability: TLS to the key's host:port, judged by the trust the key's
// option grants devices, then the unauthenticated /nms/version over a
// connection pinned to that same certificate. Semantics of the options
// [inferred from their names, §6]:
//   (none)                        a chain trusted by this computer and valid for the host name
//   +allowSelfSignedCertificate   that, or a self-signed certificate (any name)
//   +allowUntrustedCertificate    any certificate
// When a fingerprint was trusted before, a different certificate stops the check
// before anything else (pinning after first contact, §6, as for consoles).
import { isIP } from 'node:net'
import tls from 'node:tls'
import type { CertificateInfo } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { describeCertificate } from '../net/https.ts'
import { hapiMessage } from './http.ts'
import { parseUispKey, sameUispKey, type UispKey } from './key.ts'
import { fetchUispVersion, type UispCaller } from './session.ts'
import type { UispKeyCheck, UispKeyCheckFailed, UispKeyProblem } from './types.ts'
import { addressKey } from '../../../shared/format.ts'
import type { FailWith } from './fail.ts'

/** Reads the server's current UISP key (needs admin scope). The result is secret. */
export async function fetchUispKey(caller: UispCaller): Promise<UispKey> {
  const label = caller.target.label
  const reply = await caller.call('GET', '/nms/connection')
  if (reply.status === 403) {
    throw new KeywardFailure(
      'forbidden',
      `${label} gives the UISP key only to admin scope; this account or token has less.`,
      hapiMessage(reply.body) ?? undefined,
    )
  }
  if (reply.status !== 200)
    throw new KeywardFailure(
      'bad-reply',
      `${label} did not send its UISP key (${reply.status}).`,
      `status ${reply.status}`,
    )
  // A plain string [source]; as raw text (hapi's default for a string) or a JSON string [inferred]: both accepted.
  const body = reply.body
  const text = typeof body === 'string' ? body : null
  if (text === null) throw new KeywardFailure('bad-reply', `${label} answered /nms/connection without a key.`)
  const parsed = parseUispKey(text)
  if (!parsed.ok)
    throw new KeywardFailure(
      'bad-reply',
      `The UISP key that ${label} sent is not valid: ${parsed.error.message}`,
      parsed.error.code,
    )
  return parsed.key
}

interface TlsLook {
  certificate: CertificateInfo
  authorized: boolean
  authorizationError: string | null
}

/** One TLS handshake, nothing sent: the certificate and whether this computer trusts it for `host`. */
function lookAtTls(host: string, port: number, ca: string | undefined, timeoutMs: number): Promise<TlsLook> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
      ALPNProtocols: ['http/1.1'],
    })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new KeywardFailure('timeout', `The server did not complete a TLS handshake within ${timeoutMs / 1000} s.`))
    }, timeoutMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      const certificate = describeCertificate(socket)
      const authorizationError = socket.authorizationError ? String(socket.authorizationError) : null
      const authorized = socket.authorized
      socket.destroy()
      if (!certificate) return reject(new KeywardFailure('tls', 'The server presented no certificate.'))
      resolve({ certificate, authorized, authorizationError })
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      socket.destroy()
      const code = error.code ?? ''
      if (
        [
          'ECONNREFUSED',
          'EHOSTUNREACH',
          'ENETUNREACH',
          'EHOSTDOWN',
          'ENOTFOUND',
          'EAI_AGAIN',
          'ECONNRESET',
          'ETIMEDOUT',
        ].includes(code)
      ) {
        reject(
          new KeywardFailure(
            'unreachable',
            code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? 'The server name in the key could not be resolved.'
              : 'Nothing answers at the address and port in the key.',
            code,
          ),
        )
      } else {
        reject(
          new KeywardFailure(
            'tls',
            'Something answers at the address in the key, but it did not complete a TLS handshake.',
            code || error.message,
          ),
        )
      }
    })
  })
}

const NAME_ERRORS = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_TLS_CERT_ALTNAME_FORMAT'])
const SELF_SIGNED_ERRORS = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'])

export interface UispKeyCheckOptions {
  /** The fingerprint trusted at first contact; a different certificate fails as `tls_pin_mismatch`. */
  pin?: string
  /** Extra trusted CA (PEM) for a key without an option; the system roots otherwise. */
  ca?: string
  /** The server's current key (from fetchUispKey), to notice a regenerated key. */
  serverKey?: UispKey
  timeoutMs?: number
  now?: () => number
}

type Fail = FailWith<UispKeyProblem, UispKeyCheckFailed, UispKeyCheck>

/** The key as given, parsed; a key that does not parse is the check's answer. */
function parsedKey(key: string | UispKey, checkedAt: () => string): UispKey | UispKeyCheck {
  if (typeof key !== 'string') return key
  const result = parseUispKey(key)
  if (result.ok) return result.key
  return {
    status: 'failed',
    host: null,
    problem: 'invalid_key',
    message: result.error.message,
    nextStep: 'Copy the UISP key again from UISP, or let Keyward read it from the server.',
    checkedAt: checkedAt(),
  }
}

/** Nothing answered at the key's address, or something that speaks no TLS. */
function handshakeFailed(error: KeywardFailure, failed: Fail): UispKeyCheck {
  return error.code === 'tls'
    ? failed(
        'tls',
        `${error.message} Devices could not connect either.`,
        'Check the port in the key: UISP listens for devices on the port it shows in the key (usually 443).',
      )
    : failed(
        'unreachable',
        `${error.message} (This computer may simply not see the network the devices are on.)`,
        'Check that the UISP server is running and that this address and port are reachable, then check again.',
      )
}

type Trust = 'verified' | 'self-signed-allowed' | 'untrusted-allowed'

/** Whether devices would accept the certificate, by the trust the key's option grants them (§4, §6). */
function judgeTrust(look: TlsLook, parsed: UispKey, failed: Fail): Trust | UispKeyCheck {
  const { certificate } = look
  if (look.authorized) return 'verified'
  if (parsed.certificate === 'allow-untrusted') return 'untrusted-allowed'
  if (parsed.certificate === 'allow-self-signed' && certificate.selfSigned) return 'self-signed-allowed'
  if (parsed.certificate === 'allow-self-signed') {
    return failed(
      'certificate_untrusted',
      'The server certificate is neither trusted nor self-signed (it comes from an unknown authority), and +allowSelfSignedCertificate covers only self-signed ones, so devices would probably refuse it.',
      'Use the key with +allowUntrustedCertificate, or give UISP a certificate from a trusted authority.',
      { certificate },
    )
  }
  const error = look.authorizationError ?? ''
  const why =
    SELF_SIGNED_ERRORS.has(error) || certificate.selfSigned
      ? 'The server uses a self-signed certificate, but the key has no +allowSelfSignedCertificate'
      : NAME_ERRORS.has(error)
        ? 'The server certificate is not made out for the host name in the key'
        : error === 'CERT_HAS_EXPIRED'
          ? 'The server certificate has expired'
          : 'The server certificate is not trusted'
  return failed(
    'certificate_untrusted',
    `${why}, so devices will refuse to connect.`,
    certificate.selfSigned
      ? 'Copy the key again from UISP (it adds +allowSelfSignedCertificate for a self-signed certificate), or give UISP a trusted certificate.'
      : 'Give UISP a valid certificate for that name, or use a key with +allowUntrustedCertificate.',
    { certificate },
  )
}

/** `/nms/version` over a connection pinned to the certificate just judged: the same server, no credential. */
async function versionBehind(parsed: UispKey, look: TlsLook, timeoutMs: number, failed: Fail) {
  const { certificate } = look
  try {
    const target = { host: parsed.host, port: parsed.port, pin: certificate.sha256, label: 'The server in this key' }
    return await fetchUispVersion(target, { timeoutMs })
  } catch (error) {
    if (!(error instanceof KeywardFailure)) throw error
    if (error.detail === 'not-uisp') {
      return failed(
        'not_uisp',
        'The address in the key answers HTTPS, but not as a UISP server.',
        'Check the host and port in the key; copy it again from UISP if in doubt.',
        { certificate },
      )
    }
    return failed(
      'unreachable',
      `The server in this key stopped answering: ${error.message}`,
      'Check again in a minute.',
      { certificate },
    )
  }
}

/** Could a device holding this key connect? Never throws for a bad key or an unreachable server. */
export async function checkUispKey(key: string | UispKey, opts: UispKeyCheckOptions = {}): Promise<UispKeyCheck> {
  const now = opts.now ?? Date.now
  const checkedAt = () => new Date(now()).toISOString()
  const parsed = parsedKey(key, checkedAt)
  if ('status' in parsed) return parsed
  const host = addressKey(parsed.host, parsed.port)
  const failed: Fail = (problem, message, nextStep, extra = {}) => ({
    status: 'failed',
    host,
    problem,
    message,
    nextStep,
    checkedAt: checkedAt(),
    ...extra,
  })
  const timeoutMs = opts.timeoutMs ?? 6000
  let look: TlsLook
  try {
    look = await lookAtTls(parsed.host, parsed.port, opts.ca, timeoutMs)
  } catch (error) {
    if (!(error instanceof KeywardFailure)) throw error
    return handshakeFailed(error, failed)
  }
  const { certificate } = look
  // An empty pin is a mismatch, never "no pin" (issue 14 §8).
  if (opts.pin !== undefined && certificate.sha256 !== opts.pin) {
    return failed(
      'tls_pin_mismatch',
      'The server in this key presents a different certificate than the one you trusted, so Keyward went no further.',
      'If the UISP certificate was renewed, trust the server again; otherwise check who answers at that address.',
      { certificate },
    )
  }
  const trust = judgeTrust(look, parsed, failed)
  if (typeof trust !== 'string') return trust
  const version = await versionBehind(parsed, look, timeoutMs, failed)
  if ('status' in version) return version
  const matchesServer = opts.serverKey ? sameUispKey(parsed, opts.serverKey) : null
  if (matchesServer === false) {
    return failed(
      'key_outdated',
      'The UISP server now hands out a different key than this one (it was regenerated, or the server moved), so devices holding this key will not connect.',
      'Use the current key from the server (Keyward can read it) and register the devices again.',
      { certificate },
    )
  }
  return {
    status: 'ok',
    host,
    appVersion: version.version,
    latencyMs: version.latencyMs,
    checkedAt: checkedAt(),
    certificate,
    trust,
    matchesServer,
  }
}
