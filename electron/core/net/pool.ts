// Kept-alive HTTPS connections per console (issue 16, "Connections and limits"): a 200-key sweep
// used to open a TCP+TLS connection per request, hard on small ARM consoles. One keep-alive
// agent per (host, port, pin, verification); every NEW connection is pinned in `createConnection`,
// on the finished handshake and before any byte of a request is written, exactly as a one-off
// connection is. A reused socket was pinned when it was made, under the same pin (the pin is part
// of the pool's identity), so a re-trusted console never shares a socket with its old certificate.
// Only pinned (or CA-verified) requests are pooled: an unpinned one probes the certificate the host
// presents now, so it always makes a new connection. Only GET and HEAD ride pooled sockets: a kept-alive socket the server closes while idle fails the
// next write with ECONNRESET, and only an idempotent request may be sent again (Node's `reusedSocket`
// advice). Logins, key creation and deletion keep a fresh connection each.
import { createHash } from 'node:crypto'
import http from 'node:http'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import tls from 'node:tls'
import type { CertificateInfo } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'

/** Sockets per console: small devices, and the pacer spaces the sweep's requests anyway. */
export const MAX_SOCKETS_PER_CONSOLE = 4
/** An idle socket is closed after this; below common server keep-alive timeouts (Node's 5 s, nginx's 65 s). */
export const IDLE_MS = 4000

export interface PoolTarget {
  host: string
  port: number
  pin: string | undefined
  verify: { ca?: string } | undefined
}

export interface HandshakeCheck {
  /** The leaf as Keyward records it; null when the peer presented none. */
  describe: (socket: tls.TLSSocket) => CertificateInfo | null
  /** Throws (a KeywardFailure) when the certificate is not the pinned one. */
  check: (certificate: CertificateInfo | null) => void
}

/** TLS options for one connection to a LAN host (SNI only for names, never for an IP literal). */
export function tlsOptions(target: {
  host: string
  port: number
  verify?: { ca?: string } | undefined
}): tls.ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
    rejectUnauthorized: target.verify !== undefined,
    ...(target.verify?.ca ? { ca: target.verify.ca } : {}),
    ALPNProtocols: ['http/1.1'],
  }
}

/**
 * Opens a TLS socket and hands it over only after `check` accepted the certificate. A peer that
 * hangs up during the handshake is not speaking TLS there: say so rather than "closed".
 */
export function pinnedConnect(
  target: { host: string; port: number; verify?: { ca?: string } | undefined },
  where: string,
  handshake: HandshakeCheck,
  done: (err: Error | null, socket?: tls.TLSSocket) => void,
): tls.TLSSocket {
  const socket = tls.connect(tlsOptions(target))
  let secured = false
  socket.once('secureConnect', () => {
    secured = true
    const certificate = handshake.describe(socket)
    try {
      handshake.check(certificate)
    } catch (error) {
      socket.destroy()
      return done(error as Error)
    }
    if (certificate) certificates.set(socket, certificate)
    stats.handshakes.set(where, (stats.handshakes.get(where) ?? 0) + 1)
    done(null, socket)
  })
  socket.once('error', (err: NodeJS.ErrnoException) => {
    if (secured || (err.code !== 'ECONNRESET' && err.code !== 'EPIPE')) return done(err)
    done(
      new KeywardFailure(
        'tls',
        `${where} closed the connection during the TLS handshake; is this an HTTPS port?`,
        err.code,
      ),
    )
  })
  return socket
}

class PinnedAgent extends http.Agent {
  constructor(
    private readonly target: PoolTarget,
    private readonly where: string,
    private readonly handshake: HandshakeCheck,
  ) {
    super({
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_CONSOLE,
      maxFreeSockets: MAX_SOCKETS_PER_CONSOLE,
      timeout: IDLE_MS,
      scheduling: 'lifo',
    })
  }

  // Node's Agent accepts an asynchronous createConnection: return nothing, call back when ready.
  override createConnection(
    _options: http.ClientRequestArgs,
    oncreate?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    pinnedConnect(this.target, this.where, this.handshake, (err, socket) => oncreate?.(err, socket as Duplex))
    return undefined
  }
}

/** The certificate each accepted socket presented, kept so a reply can name it after the socket is gone. */
const certificates = new WeakMap<tls.TLSSocket, CertificateInfo>()

/** The certificate that was checked when this socket was made (null for a socket pinnedConnect did not make). */
export function certificateOf(socket: tls.TLSSocket | null): CertificateInfo | null {
  return (socket && certificates.get(socket)) ?? null
}

const pools = new Map<string, { where: string; agent: PinnedAgent }>()
const stats = { handshakes: new Map<string, number>() }

const poolId = (t: PoolTarget): string =>
  [
    t.host,
    t.port,
    t.pin ?? '-',
    t.verify
      ? createHash('sha256')
          .update(t.verify.ca ?? 'system')
          .digest('hex')
      : 'lan',
  ].join('|')

/** The keep-alive agent for this console and pin, made on first use. */
export function agentFor(target: PoolTarget, where: string, handshake: HandshakeCheck): http.Agent {
  const id = poolId(target)
  let pool = pools.get(id)
  if (!pool) {
    pool = { where, agent: new PinnedAgent(target, where, handshake) }
    pools.set(id, pool)
  }
  return pool.agent
}

/**
 * Closes every kept-alive connection to host:port, whatever its pin: on re-trust, on forget and on
 * sign-out. Requests in flight finish or fail on their own; nothing new reuses these sockets.
 */
export function closeConnections(host: string, port: number): void {
  for (const [id, pool] of pools) {
    if (!id.startsWith(`${host}|${port}|`)) continue
    pools.delete(id)
    pool.agent.destroy()
  }
}

/** New TLS connections (handshakes) per host:port since the last reset; for `npm run bench` and tests. */
export function handshakeCounts(): ReadonlyMap<string, number> {
  return new Map(stats.handshakes)
}

export function resetHandshakeCounts(): void {
  stats.handshakes.clear()
}
