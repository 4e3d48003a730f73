// The one way core talks HTTPS to a LAN host. Consoles use self-signed
// certificates, so we skip CA verification but always record the leaf's
// SHA-256 and, when a fingerprint is pinned, check it on a finished handshake
// BEFORE a single request byte (cookie, password, API key) is written
// (unifi-os.md §7: unpoller pins sha256(DER) the same way).
// Every call has a deadline and a body-size cap, and redirects are returned,
// never followed.
import http from 'node:http'
import tls from 'node:tls'
import type { CertificateInfo } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { agentFor, certificateOf, pinnedConnect, type HandshakeCheck } from './pool.ts'
import { addressKey, bracketHost } from '../../../shared/format.ts'

export interface HttpsRequest {
  host: string
  port: number
  path: string
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  headers?: Record<string, string>
  body?: string
  /** Whole-exchange deadline: connect, handshake, headers and body. */
  timeoutMs?: number
  /** Largest body accepted; more is an error, not a truncation. */
  maxBytes?: number
  /** Expected leaf SHA-256; a mismatch fails before the request is sent. */
  pin?: string
  /**
   * Verify the certificate chain and host name like a browser (cloud services).
   * LAN consoles use self-signed certificates and are pinned instead.
   */
  verify?: { ca?: string }
  /**
   * Let a pinned GET ride the host's kept-alive connections (pool.ts); default true. False: a new
   * connection for this request.
   */
  keepAlive?: boolean
}

export interface HttpsReply {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  certificate: CertificateInfo
  elapsedMs: number
}

export const DEFAULT_TIMEOUT_MS = 5000
export const DEFAULT_MAX_BYTES = 1024 * 1024

export function hostHeader(host: string, port: number): string {
  return port === 443 ? bracketHost(host) : addressKey(host, port)
}

/** The peer's leaf certificate as Keyward records it (SHA-256 of the DER, subject, validity). */
export function describeCertificate(socket: tls.TLSSocket): CertificateInfo | null {
  const cert = socket.getPeerX509Certificate()
  if (!cert) return null
  return {
    sha256: cert.fingerprint256,
    subject: cert.subject,
    issuer: cert.issuer,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    selfSigned: cert.checkIssued(cert) && cert.verify(cert.publicKey),
  }
}

/**
 * A socket or parser error as a specific failure. `http` is for plain-HTTP
 * peers (Home Assistant on :8123): no TLS to blame, and a garbled reply there
 * most likely came from an HTTPS port.
 */
function networkFailure(error: unknown, where: string, protocol: 'https' | 'http' = 'https'): KeywardFailure {
  if (error instanceof KeywardFailure) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? ''
  const text = error instanceof Error ? error.message : String(error)
  switch (code) {
    case 'ECONNREFUSED':
      return new KeywardFailure(
        'unreachable',
        `Nothing answers ${protocol === 'https' ? 'HTTPS ' : ''}at ${where}.`,
        code,
      )
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new KeywardFailure('unreachable', `${where} cannot be reached from this computer.`, code)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new KeywardFailure('unreachable', `The name in ${where} could not be resolved.`, code)
    case 'ECONNRESET':
    case 'EPIPE':
      return new KeywardFailure('unreachable', `${where} closed the connection.`, code)
  }
  if (protocol === 'https' && (code.startsWith('ERR_SSL') || code === 'EPROTO' || /ssl|tls/i.test(text))) {
    return new KeywardFailure('tls', `${where} did not complete a TLS handshake; is this an HTTPS port?`, code || text)
  }
  if (code.startsWith('HPE_')) {
    return new KeywardFailure(
      'bad-reply',
      `${where} did not answer with valid HTTP${protocol === 'http' ? '; is it an HTTPS port?' : ''}.`,
      code,
    )
  }
  return new KeywardFailure('unreachable', `The connection to ${where} failed.`, code || text)
}

/**
 * Reads a reply body up to `maxBytes`: more is an error, not a truncation, and
 * a declared length over the cap fails before a byte is read.
 */
function collectBody(
  request: http.ClientRequest,
  response: http.IncomingMessage,
  options: { where: string; maxBytes: number; fail: (error: unknown) => void; done: (body: Buffer) => void },
): void {
  const { where, maxBytes, fail } = options
  const tooLarge = () => {
    fail(new KeywardFailure('too-large', `${where} sent a reply larger than ${maxBytes} bytes.`))
    request.destroy()
  }
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) return tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  response.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > maxBytes) return tooLarge()
    chunks.push(chunk)
  })
  response.once('error', fail)
  response.once('aborted', () => fail(new KeywardFailure('bad-reply', `${where} cut its reply short.`)))
  response.once('end', () => options.done(Buffer.concat(chunks)))
}

export interface Exchanged {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  elapsedMs: number
}

/**
 * One request and its reply, the same for HTTP and HTTPS: settles once, a deadline
 * for the whole exchange (`abort` also closes what the request cannot, e.g. a
 * stalled handshake), errors mapped by `networkFailure`, the body capped.
 */
export function exchange(options: {
  where: string
  protocol: 'https' | 'http'
  timeoutMs: number
  maxBytes: number
  body: string | undefined
  open: () => { request: http.ClientRequest; abort?: () => void }
}): Promise<Exchanged> {
  const { where, timeoutMs, maxBytes } = options
  const started = performance.now()
  return new Promise<Exchanged>((resolve, reject) => {
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      fn()
    }
    const failWith = (error: unknown) => finish(() => reject(networkFailure(error, where, options.protocol)))
    const { request, abort } = options.open()
    const deadline = setTimeout(() => {
      failWith(new KeywardFailure('timeout', `${where} did not answer within ${timeoutMs / 1000} s.`))
      abort?.()
      request.destroy()
    }, timeoutMs)
    request.once('error', failWith)
    request.once('response', (response) =>
      collectBody(request, response, {
        where,
        maxBytes,
        fail: failWith,
        done: (body) =>
          finish(() =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body,
              elapsedMs: Math.round(performance.now() - started),
            }),
          ),
      }),
    )
    request.end(options.body)
  })
}

/** `fingerprint256` form: colon-separated hex pairs (a SHA-256 has 32). */
const PIN_SHAPE = /^[0-9A-F]{2}(:[0-9A-F]{2})*$/i

/**
 * A pin that is present must be a fingerprint: an empty or malformed one is
 * refused before any connection, never read as "no pin" (issue 14 §8). A
 * well-formed pin of the wrong length can never match and fails as a mismatch.
 */
export function checkPin(pin: string | undefined, where: string): string | undefined {
  if (pin === undefined) return undefined
  if (typeof pin === 'string' && PIN_SHAPE.test(pin)) return pin.toUpperCase()
  throw new KeywardFailure(
    'certificate-changed',
    `The trusted certificate saved for ${where} is empty or malformed, so Keyward cannot check it. Nothing was sent; ` +
      'trust the certificate again.',
    typeof pin === 'string' ? `pin of ${pin.length} characters is not a SHA-256 fingerprint` : 'pin is not a string',
  )
}

/** Methods that may ride a kept-alive socket and be sent again once if it turns out closed (pool.ts). */
const REUSABLE = new Set(['GET', 'HEAD'])

export function httpsRequest(req: HttpsRequest): Promise<HttpsReply> {
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES
  const where = hostHeader(req.host, req.port)
  let pin: string | undefined
  try {
    pin = checkPin(req.pin, where)
  } catch (error) {
    return Promise.reject(error as Error)
  }
  const handshake: HandshakeCheck = {
    describe: describeCertificate,
    check: (certificate) => {
      if (!certificate) throw new KeywardFailure('tls', `${where} presented no certificate.`)
      if (pin !== undefined && certificate.sha256.toUpperCase() !== pin) {
        throw new KeywardFailure(
          'certificate-changed',
          `The certificate of ${where} is not the one you trusted. Nothing was sent.`,
          `expected ${pin}, got ${certificate.sha256}`,
        )
      }
    },
  }
  const method = req.method ?? 'GET'
  // Only a pinned (or CA-verified) request rides a kept-alive socket: an unpinned one is a probe whose
  // purpose is to see the certificate the host presents now, which an old socket would hide.
  const pooled = req.keepAlive !== false && REUSABLE.has(method) && (pin !== undefined || req.verify !== undefined)
  let socket: tls.TLSSocket | null = null
  let reused = false
  const headers = {
    host: hostHeader(req.host, req.port),
    accept: 'application/json, text/html;q=0.5',
    'user-agent': 'Keyward',
    ...req.headers,
    ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
  }
  const open = () => {
    const request = pooled
      ? http.request({
          agent: agentFor({ host: req.host, port: req.port, pin, verify: req.verify }, where, handshake),
          method,
          path: req.path,
          headers,
        })
      : // No `agent`: with createConnection and no agent, Node uses our socket for exactly this
        // request (agent:false would build a default Agent and ignore it).
        http.request({
          createConnection: ((_: unknown, done: (err: Error | null, s?: tls.TLSSocket) => void) => {
            socket = pinnedConnect(req, where, handshake, done)
            return undefined
          }) as never,
          method,
          path: req.path,
          headers,
        })
    request.once('socket', (s) => {
      socket = s as tls.TLSSocket
      reused = request.reusedSocket
    })
    // The request has no socket until the handshake is done, so destroying the
    // request alone would not stop a stalled handshake: close the socket too.
    return { request, abort: () => socket?.destroy() }
  }
  const attempt = () =>
    exchange({ where, protocol: 'https', timeoutMs, maxBytes, body: req.body, open }).then((reply) => {
      // Every socket was checked against the pin when it was made; the reply says which certificate that was.
      const certificate = certificateOf(socket)
      if (!certificate) throw new KeywardFailure('tls', `${where} presented no certificate.`)
      return { ...reply, certificate }
    })
  // A kept-alive socket the console closed while idle: send the (idempotent) request once more, on a new one.
  return attempt().catch((error: unknown) => {
    const code = (error as KeywardFailure).detail ?? ''
    if (pooled && reused && (code === 'ECONNRESET' || code === 'EPIPE')) return attempt()
    throw error
  })
}

/** Parses a JSON body with a specific error instead of a SyntaxError. */
export function jsonBody(reply: HttpsReply, what: string): unknown {
  const type = String(reply.headers['content-type'] ?? '')
  try {
    return JSON.parse(reply.body.toString('utf8'))
  } catch {
    const hint = type.includes('html') ? ' (it sent a web page; the console may still be starting up)' : ''
    throw new KeywardFailure('bad-reply', `${what} was not valid JSON${hint}.`, `content-type: ${type || 'none'}`)
  }
}
