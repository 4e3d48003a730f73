// Minimal HTTPS client for the simulators' own tests: loopback only, certificate checks
// off (self-signed, as real clients do by default, unifi-os.md §7), HTTP/1.1, no agent
// reuse. `ConsoleSession` keeps the cookie and CSRF token the way §2 "Session" describes.
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { decodeJwtPayload } from './jwt.ts'

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  fingerprint256: string
  /** Header lines as sent, name then value (a header sent on two lines appears twice). */
  rawHeaders?: string[]
}

export interface CallOptions {
  method?: string
  headers?: Record<string, string>
  /** Objects are sent as JSON; strings as-is. */
  body?: unknown
}

export function call(base: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers }
  let payload: string | undefined
  if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
    headers['content-length'] = String(Buffer.byteLength(payload))
  }
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      {
        method: options.method ?? 'GET',
        headers,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            fingerprint256,
            rawHeaders: res.rawHeaders,
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

export function json(reply: Reply): unknown {
  return JSON.parse(reply.body) as unknown
}

/** `name=value` pairs from Set-Cookie headers. */
export function setCookies(reply: Reply): Map<string, string> {
  const out = new Map<string, string>()
  const raw = reply.headers['set-cookie']
  for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    const first = line.split(';')[0] ?? ''
    const eq = first.indexOf('=')
    if (eq > 0) out.set(first.slice(0, eq), first.slice(eq + 1))
  }
  return out
}

export const header = (reply: Reply, name: string): string | undefined => {
  const v = reply.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

export interface SessionOptions {
  cookieName?: 'TOKEN' | 'UOS_TOKEN'
  /** Take the CSRF token from the JWT's `csrfToken` instead of response headers. */
  csrfFromJwt?: boolean
  /** Follow cookie/CSRF updates from responses (default true). */
  track?: boolean
}

/** A logged-in (or logging-in) browser-like session against one console. */
export class ConsoleSession {
  cookie: string | undefined
  csrf: string | undefined
  readonly cookieName: string

  constructor(
    readonly base: string,
    private readonly options: SessionOptions = {},
  ) {
    this.cookieName = options.cookieName ?? 'TOKEN'
  }

  async login(username: string, password: string, extra: { token?: string; cookies?: string } = {}): Promise<Reply> {
    const reply = await call(this.base, '/api/auth/login', {
      method: 'POST',
      headers: extra.cookies ? { cookie: extra.cookies } : {},
      body: { username, password, token: extra.token ?? '', rememberMe: true },
    })
    this.absorb(reply, true)
    return reply
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const h: Record<string, string> = { ...headers }
    if (this.cookie !== undefined) h.cookie = `${this.cookieName}=${this.cookie}`
    if (this.csrf !== undefined && h['x-csrf-token'] === undefined) h['x-csrf-token'] = this.csrf
    const reply = await call(this.base, path, { method, headers: h, ...(body === undefined ? {} : { body }) })
    this.absorb(reply, false)
    return reply
  }

  private absorb(reply: Reply, always: boolean): void {
    if (!always && this.options.track === false) return
    const cookie = setCookies(reply).get(this.cookieName)
    if (cookie) this.cookie = cookie
    if (this.options.csrfFromJwt) {
      const payload =
        this.cookie === undefined ? undefined : (decodeJwtPayload(this.cookie) as { csrfToken?: string } | undefined)
      if (payload?.csrfToken) this.csrf = payload.csrfToken
      return
    }
    const csrf = header(reply, 'x-updated-csrf-token') ?? header(reply, 'x-csrf-token')
    if (csrf) this.csrf = csrf
  }
}
