// Signing in to a UISP server and calling its API, in the shape of
// electron/core/unifi/session.ts. Facts: uisp.md §1, §3.
//   GET  /nms/api/v2.1/nms/version            unauthenticated fingerprint ([inferred] §3: UNMS marks it auth:false)
//   POST /nms/api/v2.1/user/login             200 user + `x-auth-token` header, 201 TwoFactorToken {id,userId,exp},
//                                             400/401 hapi error body
//   POST /nms/api/v2.1/user/login/totpauth    {token: <id>, verificationCode} → 200 + `x-auth-token`
//   every later call                          header `x-auth-token: <token>` (session JWT or API token)
//   POST /nms/api/v2.1/user/logout            ends the session
// Every request is pinned to the server certificate the user trusted (uisp.md §6 [inferred]).
import { KeywardFailure } from '../../../shared/result.ts'
import { httpsRequest, type HttpsReply } from '../net/https.ts'
import { LoginLocks } from '../unifi/lockout.ts'
import { retryAfterSeconds } from '../net/retry-after.ts'
import { AUTH_HEADER, hapiMessage, isHtml, parseBody, replyMessage, str, UISP_API } from './http.ts'
import { boomReply, objectReply, replyAs, twoFactorReply, versionReply } from './replies.ts'
import { addressKey } from '../../../shared/format.ts'

export interface UispTarget {
  host: string
  port: number
  /** SHA-256 of the certificate the user trusted; every request is pinned to it. */
  pin: string
  /** Shown in messages, e.g. "UISP (10.0.0.5)". */
  label: string
}

export interface UispCredentials {
  username: string
  password: string
}

/** swagger/UNMS `UserSchema`: {id, username, email, alerts, totpAuthEnabled, role}. */
export interface UispUser {
  id: string
  username: string
  email: string | null
  /** e.g. `superadmin`, `admin`, `guest`; null when not sent. */
  role: string | null
  totpAuthEnabled: boolean
}

export type UispLoginOutcome = { state: 'signed-in'; user: UispUser } | { state: 'mfa-required'; methods: ['totp'] }

export interface UispReply {
  status: number
  body: unknown
  headers: HttpsReply['headers']
}

/** Anything that can make authenticated UISP API calls (a session or an API token). */
export interface UispCaller {
  readonly target: UispTarget
  /** `path` is relative to /nms/api/v2.1, e.g. `/token`. */
  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<UispReply>
}

export interface UispSessionOptions {
  timeoutMs?: number
  maxBytes?: number
  now?: () => number
  /** Lock-outs shared by every sign-in to the servers of one core (unifi/lockout.ts); else the session's own. */
  locks?: LoginLocks
}

type Settled = Required<Omit<UispSessionOptions, 'locks'>>

export interface UispVersion {
  /** null when the server asks for authentication before it tells (see fetchUispVersion). */
  version: string | null
  /** Absent on old UNMS, which answers `{version}` only (UNMS 0.11.3 nms/plugin.js). */
  deployment: string | null
  build: string | null
  time: string | null
}

/** Lifetime we assume for a TwoFactorToken without a usable `exp` [inferred]. */
const MFA_TOKEN_FALLBACK_MS = 5 * 60_000

function parseUser(reply: unknown): UispUser {
  const body = replyAs(objectReply, reply, 'UISP accepted the sign-in but sent no user profile.')
  return {
    id: str(body.id) ?? '',
    username: str(body.username) ?? '',
    email: str(body.email),
    role: str(body.role),
    totpAuthEnabled: body.totpAuthEnabled === true,
  }
}

/** `exp` of a TwoFactorToken: a number in UNMS (`joi.number()`), unit not documented; ms or s accepted [inferred]. */
export function twoFactorExpiry(exp: unknown, now: number): number {
  if (typeof exp === 'number' && Number.isFinite(exp) && exp > 0) return exp < 1e12 ? exp * 1000 : exp
  if (typeof exp === 'string' && !Number.isNaN(Date.parse(exp))) return Date.parse(exp)
  return now + MFA_TOKEN_FALLBACK_MS
}

function tokenHeader(reply: HttpsReply): string | null {
  const value = reply.headers[AUTH_HEADER]
  const text = Array.isArray(value) ? value[0] : value
  return typeof text === 'string' && text.trim() !== '' ? text.trim() : null
}

async function send(
  target: UispTarget,
  options: Settled,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  token: string | null,
  body?: unknown,
): Promise<HttpsReply> {
  return httpsRequest({
    host: target.host,
    port: target.port,
    path: `${UISP_API}${path}`,
    method,
    pin: target.pin,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { [AUTH_HEADER]: token } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
}

const defaults = (options: UispSessionOptions): Settled => ({
  timeoutMs: options.timeoutMs ?? 8000,
  maxBytes: options.maxBytes ?? 2 * 1024 * 1024,
  now: options.now ?? Date.now,
})

/**
 * Reads `GET /nms/api/v2.1/nms/version` (no credentials are sent). Throws
 * `bad-reply` with detail `not-uisp` when the host answers but is not UISP.
 * uisp.md §3/§8: only UNMS 0.11.3 and a healthcheck say the route is
 * unauthenticated, while the swagger lists global security. So a hapi/boom 401
 * or 403 body on exactly this path counts as UISP with its version hidden
 * (`version: null`) [inferred]; any other answer is "not UISP".
 */
export async function fetchUispVersion(
  target: UispTarget,
  options: UispSessionOptions = {},
): Promise<UispVersion & { latencyMs: number }> {
  const reply = await send(target, defaults(options), 'GET', '/nms/version', null)
  const notUisp = () =>
    new KeywardFailure(
      'bad-reply',
      `${target.label} answered HTTPS, but not as a UISP server (no version at ${UISP_API}/nms/version).`,
      'not-uisp',
    )
  if ((reply.status === 401 || reply.status === 403) && !isHtml(reply)) {
    let boom: unknown
    try {
      boom = parseBody(reply, 'The UISP version')
    } catch {
      throw notUisp()
    }
    const denied = boomReply.safeParse(boom) // uisp.md §1 "Error body"
    if (denied.success && denied.data.statusCode === reply.status) {
      return { version: null, deployment: null, build: null, time: null, latencyMs: reply.elapsedMs }
    }
  }
  if (reply.status !== 200 || isHtml(reply)) throw notUisp()
  let body: unknown
  try {
    body = parseBody(reply, 'The UISP version')
  } catch {
    throw notUisp()
  }
  const parsed = versionReply.safeParse(body)
  if (!parsed.success) throw notUisp()
  const version = parsed.data
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 100) : null)
  return {
    version: version.version.slice(0, 64),
    deployment: text(version.deployment),
    build: text(version.build),
    time: text(version.time),
    latencyMs: reply.elapsedMs,
  }
}

function signInFailure(target: UispTarget, reply: HttpsReply, body: unknown, now: number, locks: LoginLocks) {
  if (reply.status === 429) {
    // uisp.md §1 documents no lock-out; a 429 that does come is honoured like a console's (lockout.ts).
    const seconds = retryAfterSeconds(reply.headers['retry-after'], now)
    return locks.lock(addressKey(target.host, target.port), target.label, seconds, now)
  }
  return new KeywardFailure(
    'bad-reply',
    `${target.label} answered the sign-in with ${reply.status}: ${hapiMessage(body) ?? 'no explanation'}.`,
    `status ${reply.status}`,
  )
}

export class UispSession implements UispCaller {
  readonly target: UispTarget
  #options: Settled
  #locks: LoginLocks
  #token: string | null = null
  #user: UispUser | null = null
  /** The TwoFactorToken of a sign-in waiting for its code. */
  #pending: { id: string; expiresAt: number } | null = null
  // Held only while signed in without 2FA, for one re-login after a 401; dropped at logout.
  #credentials: UispCredentials | null = null

  constructor(target: UispTarget, options: UispSessionOptions = {}) {
    this.target = target
    this.#options = defaults(options)
    this.#locks = options.locks ?? new LoginLocks()
  }

  get signedIn(): boolean {
    return this.#token !== null
  }

  get user(): UispUser | null {
    return this.#user
  }

  /**
   * Signs in. Returns `mfa-required` when the account has two-factor
   * authentication; call again with the same credentials and `mfaCode`.
   */
  async login(credentials: UispCredentials, mfaCode?: string): Promise<UispLoginOutcome> {
    // Both steps send credentials: neither goes out while the server is locked (lockout.ts).
    this.#locks.check(addressKey(this.target.host, this.target.port), this.target.label, this.#options.now())
    if (mfaCode !== undefined) {
      const code = mfaCode.replace(/\s+/g, '')
      if (!/^\d{6,8}$/.test(code))
        throw new KeywardFailure('invalid-input', 'A two-factor code is the 6 digits your authenticator app shows.')
      if (!this.#pending || this.#pending.expiresAt <= this.#options.now()) {
        // The first step's token is gone or stale: ask again (the code is still current).
        this.#pending = null
        const first = await this.#passwordStep(credentials)
        if (first.state === 'signed-in') return first
      }
      return this.#codeStep(credentials, code)
    }
    return this.#passwordStep(credentials)
  }

  async #passwordStep(credentials: UispCredentials): Promise<UispLoginOutcome> {
    const reply = await send(this.target, this.#options, 'POST', '/user/login', null, {
      username: credentials.username,
      password: credentials.password,
    })
    const body = reply.body.length && !isHtml(reply) ? parseBody(reply, 'The sign-in reply') : null
    if (reply.status === 200) return this.#signedIn(reply, body, credentials, false)
    if (reply.status === 201) {
      // 2FA: swagger/UNMS TwoFactorToken {id, userId, exp} (uisp.md §1).
      const token = replyAs(
        twoFactorReply,
        body,
        `${this.target.label} asked for a two-factor code but sent no sign-in token.`,
      )
      this.#pending = { id: token.id, expiresAt: twoFactorExpiry(token.exp, this.#options.now()) }
      return { state: 'mfa-required', methods: ['totp'] }
    }
    if (isHtml(reply)) {
      throw new KeywardFailure(
        'bad-reply',
        `${this.target.label} is still starting up (it answered the sign-in with a web page). Try again in a minute.`,
        `status ${reply.status}`,
      )
    }
    if (reply.status === 401 || reply.status === 400) {
      // 400 is hapi's validation error (e.g. an empty or too short password): for the user the same thing.
      throw new KeywardFailure(
        'invalid-credentials',
        `${this.target.label} did not accept that username and password. Use a UISP user account (Settings → Users).`,
        hapiMessage(body) ?? `status ${reply.status}`,
      )
    }
    throw signInFailure(this.target, reply, body, this.#options.now(), this.#locks)
  }

  async #codeStep(credentials: UispCredentials, code: string): Promise<UispLoginOutcome> {
    const pending = this.#pending!
    // uisp.md §1 (swagger): {token, verificationCode}. UNMS 0.11.3 user/routes.js also validates a
    // `password` there, and hapi/joi refuses unknown keys: the sources disagree, so we send the
    // swagger shape and, if the server names the missing password, once more with it.
    let reply = await send(this.target, this.#options, 'POST', '/user/login/totpauth', null, {
      token: pending.id,
      verificationCode: code,
    })
    let body = reply.body.length && !isHtml(reply) ? parseBody(reply, 'The two-factor reply') : null
    if (reply.status === 400 && /password/i.test(hapiMessage(body) ?? '')) {
      reply = await send(this.target, this.#options, 'POST', '/user/login/totpauth', null, {
        token: pending.id,
        verificationCode: code,
        password: credentials.password,
      })
      body = reply.body.length && !isHtml(reply) ? parseBody(reply, 'The two-factor reply') : null
    }
    if (reply.status === 200) {
      this.#pending = null
      return this.#signedIn(reply, body, credentials, true)
    }
    if (reply.status === 401 || reply.status === 400) {
      throw new KeywardFailure(
        'invalid-credentials',
        'The two-factor code was not accepted. Codes change every 30 seconds: enter the current one.',
        hapiMessage(body) ?? `status ${reply.status}`,
      )
    }
    throw signInFailure(this.target, reply, body, this.#options.now(), this.#locks)
  }

  #signedIn(reply: HttpsReply, body: unknown, credentials: UispCredentials, usedMfa: boolean): UispLoginOutcome {
    const token = tokenHeader(reply)
    if (!token)
      throw new KeywardFailure('bad-reply', `${this.target.label} accepted the sign-in but sent no x-auth-token.`)
    this.#token = token
    this.#user = parseUser(body)
    this.#credentials = usedMfa ? null : credentials
    this.#locks.clear(addressKey(this.target.host, this.target.port))
    return { state: 'signed-in', user: this.#user }
  }

  /** An authenticated call; renews the session once (without 2FA only) if the server says it ended. */
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<UispReply> {
    if (!this.#token) throw new KeywardFailure('session-expired', `Not signed in to ${this.target.label}.`)
    let reply = await send(this.target, this.#options, method, path, this.#token, body)
    if (reply.status === 401 && this.#credentials) {
      const outcome = await this.login(this.#credentials).catch((error: unknown) => {
        this.#token = null
        throw error
      })
      if (outcome.state !== 'signed-in') {
        this.#token = null
        throw new KeywardFailure(
          'session-expired',
          `The session on ${this.target.label} ended and renewing it needs a two-factor code. Sign in again.`,
        )
      }
      reply = await send(this.target, this.#options, method, path, this.#token, body)
    }
    if (reply.status === 401) {
      this.#token = null
      throw new KeywardFailure('session-expired', `The session on ${this.target.label} ended. Sign in again.`)
    }
    return { status: reply.status, headers: reply.headers, body: parseBody(reply, `${method} ${path}`) }
  }

  /** Forgets the session here without a word to the server (a replaced pin, a forgotten server; issue 14 §3). */
  discard(): void {
    this.#token = null
    this.#user = null
    this.#pending = null
    this.#credentials = null
  }

  /** Ends the session on the server and forgets the token and credentials. */
  async logout(): Promise<void> {
    const token = this.#token
    try {
      if (token) await send(this.target, this.#options, 'POST', '/user/logout', token, {})
    } finally {
      this.#token = null
      this.#user = null
      this.#pending = null
      this.#credentials = null
    }
  }
}

/**
 * Calls made with a long-lived API token instead of a session (uisp.md §2: a
 * token "can be used in x-auth-token header"). A 401 is a refused token.
 */
export class UispTokenCaller implements UispCaller {
  readonly target: UispTarget
  #token: string
  #options: Settled

  constructor(target: UispTarget, token: string, options: UispSessionOptions = {}) {
    this.target = target
    this.#token = token
    this.#options = defaults(options)
  }

  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<UispReply> {
    const reply = await send(this.target, this.#options, method, path, this.#token, body)
    if (reply.status === 401) {
      throw new KeywardFailure(
        'invalid-credentials',
        `${this.target.label} refused the API token: it was revoked, has expired, or belongs to another server.`,
        replyMessage(reply) ?? 'status 401',
      )
    }
    return { status: reply.status, headers: reply.headers, body: parseBody(reply, `${method} ${path}`) }
  }
}
