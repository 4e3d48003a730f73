// HTTP and HTTPS to a LAN service that is not a UniFi console (Home Assistant
// answers plain HTTP on :8123 more often than not). Same guarantees as
// https.ts: a whole-exchange deadline, a body-size cap, and redirects never
// followed off-host. HTTPS goes through `httpsRequest` (pin or CA check before
// a single request byte); plain HTTP opens its own request and shares the
// exchange (deadline, cap, error mapping) with it. A redirect is followed only
// within one origin (scheme, host and port): for every client.
import http from 'node:http'
import type { CertificateInfo } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, exchange, httpsRequest } from './https.ts'

export interface HttpRequest {
  /** Absolute `http:` or `https:` URL. */
  url: string
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  headers?: Record<string, string>
  body?: string
  /** Whole-exchange deadline per hop. */
  timeoutMs?: number
  /** Largest body accepted; more is an error, not a truncation. */
  maxBytes?: number
  /**
   * HTTPS only. `pin`: accept exactly this leaf SHA-256 (self-signed HA); otherwise
   * the chain and host name are verified like a browser, against `ca` when given.
   */
  tls?: { pin?: string; ca?: string }
  /**
   * 'refuse' (default): a 3xx is returned as the reply. 'same-host': follow up to
   * three redirects to the same origin (scheme, host name and port all unchanged),
   * keeping method and body only for 307/308; anything else, an http→https upgrade
   * or a port change included, fails with `redirect-refused` before a byte (an
   * Authorization, X-API-KEY or cookie header) goes to the new location: the secret
   * goes only where the user sent it (issue 15).
   */
  redirects?: 'refuse' | 'same-host'
}

export interface HttpReply {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  /** The URL that produced this reply (after same-host redirects). */
  url: string
  certificate: CertificateInfo | null
  elapsedMs: number
}

const MAX_REDIRECTS = 3

const portOf = (url: URL): number => Number(url.port || (url.protocol === 'https:' ? 443 : 80))

function hostPort(url: URL): { host: string; port: number; hostHeader: string } {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  return { host, port, hostHeader: url.host }
}

function plainHttp(url: URL, req: HttpRequest): Promise<HttpReply> {
  const { host, port, hostHeader } = hostPort(url)
  const open = () => ({
    request: http.request({
      host,
      port,
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      agent: false,
      headers: {
        host: hostHeader,
        accept: 'application/json',
        'user-agent': 'Keyward',
        ...req.headers,
        ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
      },
    }),
  })
  return exchange({
    where: hostHeader,
    protocol: 'http',
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: req.maxBytes ?? DEFAULT_MAX_BYTES,
    body: req.body,
    open,
  }).then((reply) => ({ ...reply, url: url.href, certificate: null }))
}

async function once(url: URL, req: HttpRequest): Promise<HttpReply> {
  if (url.protocol === 'http:') return plainHttp(url, req)
  const { host, port } = hostPort(url)
  const reply = await httpsRequest({
    host,
    port,
    path: `${url.pathname}${url.search}`,
    method: req.method ?? 'GET',
    headers: { accept: 'application/json', ...req.headers },
    ...(req.body !== undefined ? { body: req.body } : {}),
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: req.maxBytes ?? DEFAULT_MAX_BYTES,
    // A present pin, even an empty one, goes to httpsRequest, which refuses a malformed one (issue 14 §8).
    ...(req.tls?.pin !== undefined ? { pin: req.tls.pin } : { verify: req.tls?.ca ? { ca: req.tls.ca } : {} }),
    // Home Assistant and the cloud get few requests: a new connection each, so every call meets the
    // certificate presented now (a changed one is seen at once, binding.ts); consoles keep theirs alive.
    keepAlive: false,
  })
  return {
    status: reply.status,
    headers: reply.headers,
    body: reply.body,
    url: url.href,
    certificate: reply.certificate,
    elapsedMs: reply.elapsedMs,
  }
}

function parseUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new KeywardFailure('invalid-input', `"${raw.slice(0, 100)}" is not a web address.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KeywardFailure(
      'invalid-input',
      `Only http:// and https:// addresses are supported, not "${url.protocol}".`,
    )
  }
  if (url.username || url.password)
    throw new KeywardFailure('invalid-input', 'Addresses with a user name or password in them are not used.')
  return url
}

export async function httpRequest(req: HttpRequest): Promise<HttpReply> {
  let url = parseUrl(req.url)
  let current = req
  for (let hop = 0; ; hop++) {
    const reply = await once(url, current)
    if (reply.status < 300 || reply.status >= 400 || reply.status === 304) return reply
    const location = reply.headers.location
    if ((req.redirects ?? 'refuse') === 'refuse' || typeof location !== 'string') return reply
    let next: URL
    try {
      next = new URL(location, url)
    } catch {
      throw new KeywardFailure('bad-reply', `${url.host} redirected to an invalid address.`)
    }
    const sameHost = next.hostname.toLowerCase() === url.hostname.toLowerCase()
    const keepsMethod = reply.status === 307 || reply.status === 308 || (current.method ?? 'GET') === 'GET'
    if (!sameHost || (next.protocol !== 'http:' && next.protocol !== 'https:')) {
      const where = next.host || `a ${next.protocol} address`
      throw new KeywardFailure(
        'redirect-refused',
        `${url.host} redirected to ${where}; Keyward does not follow redirects to another host.`,
        `${reply.status} → ${next.protocol}//${next.host}`,
      )
    }
    if (next.protocol !== url.protocol || portOf(next) !== portOf(url)) {
      throw new KeywardFailure(
        'redirect-refused',
        `${url.protocol}//${url.host} redirected to ${next.protocol}//${next.host}; Keyward does not follow a redirect to another scheme or port and sent nothing there. Use that address itself.`,
        `${reply.status} → ${next.protocol}//${next.host}`,
      )
    }
    if (!keepsMethod) {
      throw new KeywardFailure(
        'redirect-refused',
        `${url.host} redirected a ${current.method} request; Keyward does not resend it.`,
        `${reply.status} → ${next.href}`,
      )
    }
    if (hop + 1 >= MAX_REDIRECTS) throw new KeywardFailure('redirect-refused', `${url.host} redirected too many times.`)
    url = next
    current = { ...current, url: next.href }
  }
}

/** Parses a JSON body, or throws `bad-reply` naming `what`. */
export function parseJsonReply(reply: HttpReply, what: string): unknown {
  const text = reply.body.toString('utf8')
  if (text.trim() === '') return null
  try {
    return JSON.parse(text)
  } catch {
    const type = String(reply.headers['content-type'] ?? '')
    const hint = type.includes('html') ? ' (it sent a web page)' : ''
    throw new KeywardFailure(
      'bad-reply',
      `${what} was not valid JSON${hint}.`,
      `status ${reply.status}, content-type: ${type || 'none'}`,
    )
  }
}
