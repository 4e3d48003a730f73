// The UISP servers Keyward knows (uisp.md §6): records in config.json, pinned on first contact,
// a changed certificate never overwritten (only `trust`, after the user compared it), and the one
// gate before any password or token goes out: the user confirmed the certificate (issue 14 §3).
import type {
  ConsoleAddress,
  UispProbe,
  UispServerRecord,
  UispTokenCheck,
  UispTokenPurpose,
} from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { isServerConfirmed, requireConfirmed } from '../console/trust.ts'
import { normalizeAddress } from '../net/address.ts'
import { addressKey } from '../../../shared/format.ts'
import { httpsRequest } from '../net/https.ts'
import type { Settings } from '../settings/settings.ts'
import { UISP_API, UISP_PORTS } from './http.ts'
import { fetchUispVersion, type UispTarget } from './session.ts'
import { verifyUispToken } from './verify.ts'

export interface UispClientOptions {
  /** Per-request timeout; absent, each client's own default. */
  timeoutMs?: number
  now: () => number
  /** Ports tried, in order, for an address typed without one (default UISP_PORTS; tests use free ports). */
  ports?: readonly number[]
}

/** Nothing listens there, or something that is not UISP: worth trying the next port (as console/probe.ts). */
const tryNextPort = (error: unknown): error is KeywardFailure =>
  error instanceof KeywardFailure &&
  ((error.code === 'unreachable' && error.detail === 'ECONNREFUSED') ||
    error.detail === 'not-uisp' ||
    error.code === 'tls')

type Trust = UispProbe['trust']

/** first contact, matches or changed: only a confirmed certificate can "change" (one never confirmed is replaced). */
export function uispTrustOf(known: UispServerRecord | undefined, wasConfirmed: boolean, sha256: string): Trust {
  const same = known?.certificateSha256 === sha256
  if (!known || (!wasConfirmed && !same)) return 'first-contact'
  return same ? 'matches' : 'changed'
}

export class UispServers {
  readonly #settings: Settings
  readonly #options: UispClientOptions

  constructor(settings: Settings, options: UispClientOptions) {
    this.#settings = settings
    this.#options = options
  }

  /** `{ timeoutMs }` when one was given, else nothing (each client keeps its default). */
  get timeouts(): { timeoutMs?: number } {
    return this.#options.timeoutMs ? { timeoutMs: this.#options.timeoutMs } : {}
  }

  list(): UispServerRecord[] {
    return this.#settings.getUisp().servers
  }

  find(key: string): UispServerRecord | undefined {
    return this.list().find((s) => s.key === key)
  }

  get(key: string): UispServerRecord {
    const found = this.find(key)
    if (!found)
      throw new KeywardFailure('not-found', 'Keyward does not know that UISP server; check its address first.')
    return found
  }

  label(s: Pick<UispServerRecord, 'key'>): string {
    return `UISP at ${s.key}`
  }

  target(s: UispServerRecord): UispTarget {
    return { host: s.host, port: s.port, pin: s.certificateSha256, label: this.label(s) }
  }

  isConfirmed(s: UispServerRecord): boolean {
    return isServerConfirmed(s, this.#settings)
  }

  /** No password or token goes to a server whose certificate the user has not confirmed (issue 14 §3). */
  confirmed(s: UispServerRecord): UispServerRecord {
    return requireConfirmed(s, this.isConfirmed(s), this.label(s), 'UISP server')
  }

  /** A token checked on its (confirmed, pinned) server: version, then the purpose's call (verify.ts). */
  verifyToken(
    s: UispServerRecord,
    token: string,
    purpose: UispTokenPurpose,
    expiresAt: string | null,
  ): Promise<UispTokenCheck> {
    const target = this.target(this.confirmed(s))
    return verifyUispToken({ target, token, purpose, expiresAt, now: this.#options.now, ...this.timeouts })
  }

  /**
   * Probes an address as a UISP server; trust on first use, a changed certificate is never overwritten.
   * Typed without a port: 443, then 8443 (uisp.md §3); the first port's failure is the one reported.
   */
  async probe(text: string): Promise<UispProbe> {
    const typed = normalizeAddress(text, 0)
    const ports = typed.port === 0 ? (this.#options.ports ?? UISP_PORTS) : [typed.port]
    let first: KeywardFailure | null = null
    for (const port of ports) {
      try {
        return await this.#probeAt({ host: typed.host, port, key: addressKey(typed.host, port) })
      } catch (error) {
        if (!tryNextPort(error)) throw error
        first ??= error
      }
    }
    const also = ports.length > 1 ? ` Ports ${ports.join(' and ')} were tried.` : ''
    throw new KeywardFailure(first!.code, `${first!.message}${also}`, first!.detail)
  }

  async #probeAt(address: ConsoleAddress): Promise<UispProbe> {
    const certificate = await this.#certificate(address.host, address.port)
    const pinned = {
      host: address.host,
      port: address.port,
      pin: certificate.sha256,
      label: `The server at ${address.key}`,
    }
    const version = await fetchUispVersion(pinned, this.timeouts).catch((error: unknown) => {
      if (error instanceof KeywardFailure && error.detail === 'not-uisp') {
        const message = `${address.key} answers HTTPS, but not as a UISP server. Enter the address you open UISP with in a browser.`
        throw new KeywardFailure('bad-reply', message, 'not-uisp')
      }
      throw error
    })
    const known = this.find(address.key)
    const wasConfirmed = known ? this.isConfirmed(known) : false
    const trust = uispTrustOf(known, wasConfirmed, certificate.sha256)
    const probedAt = new Date(this.#options.now()).toISOString()
    if (trust !== 'changed') {
      const { key, host, port } = address
      const confirmed = trust === 'matches' && wasConfirmed
      this.#upsert({
        key,
        host,
        port,
        version: version.version,
        certificateSha256: certificate.sha256,
        confirmed,
        lastSeen: probedAt,
      })
    }
    const { deployment, latencyMs } = version
    return { address, version: version.version, deployment, certificate, trust, latencyMs, probedAt }
  }

  /** Re-trust after a certificate change: only the certificate the user just compared. */
  async trust(key: string, sha256: string): Promise<{ record: UispServerRecord; pinReplaced: boolean }> {
    const known = this.get(key)
    const certificate = await this.#certificate(known.host, known.port)
    if (certificate.sha256 !== sha256) {
      const message = `${this.label(known)} now presents a different certificate than the one you confirmed. Compare again.`
      throw new KeywardFailure('certificate-changed', message)
    }
    const record = {
      ...known,
      certificateSha256: sha256,
      confirmed: true,
      lastSeen: new Date(this.#options.now()).toISOString(),
    }
    this.#upsert(record)
    return { record, pinReplaced: known.certificateSha256 !== sha256 }
  }

  /** Forgets a server's pinned certificate; its tokens and keys stay. */
  forget(key: string): UispServerRecord[] {
    this.#settings.saveUisp({ servers: this.list().filter((s) => s.key !== key) })
    return this.list()
  }

  /** First look: the certificate (nothing but the unauthenticated version path is asked for). */
  async #certificate(host: string, port: number) {
    const path = `${UISP_API}/nms/version`
    const reply = await httpsRequest({
      host,
      port,
      path,
      timeoutMs: this.#options.timeoutMs ?? 6000,
      maxBytes: 64 * 1024,
    })
    return reply.certificate
  }

  #upsert(record: UispServerRecord): void {
    this.#settings.saveUisp({ servers: [...this.list().filter((s) => s.key !== record.key), record] })
  }
}
