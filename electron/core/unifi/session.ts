// The console sign-in handshake and cookie session, kept in one small module
// (as hjdhjd/unifi-protect keeps its transport/auth.ts). Facts: unifi-os.md §2.
//   GET /                    → x-csrf-token to send with the login (hjdhjd #handshake)
//   POST /api/auth/login     → 200 profile + TOKEN (or UOS_TOKEN) cookie + CSRF headers
//                              401/403 bad credentials (treated alike), 499 MFA, 429 lock, HTML while booting
//   every later call         → Cookie + x-csrf-token; CSRF rotates via x-csrf-token / X-Updated-Csrf-Token
//   401 on /proxy/*          → one re-login, then give up
// Every request is pinned to the console's trusted certificate and uses HTTP/1.1
// (cookie sessions over HTTP/2 return empty bodies on some builds, §2 Session).
import { KeywardFailure } from '../../../shared/result.ts'
import { httpsRequest, type HttpsReply } from '../net/https.ts'
import { z } from 'zod'
import { errorCode, errorMessage, isHtml, optionalText, parseJson, parseReply, usableEntries } from './envelope.ts'
import { LoginLocks } from './lockout.ts'
import { retryAfterSeconds } from '../net/retry-after.ts'
import { addressKey } from '../../../shared/format.ts'
import { claimsOf, csrfFromJwt, setCookies } from './cookies.ts'

export interface ConsoleTarget {
  host: string
  port: number
  /** SHA-256 of the certificate the user trusted; every request is pinned to it. */
  pin: string
  /** Shown in messages, e.g. "NVR (10.0.0.12)". */
  label: string
}

export interface Credentials {
  username: string
  password: string
}

export interface SignedInUser {
  id: string
  username: string
  isOwner: boolean
  isSuperAdmin: boolean
  /** `system_key` of each role, e.g. `super_administrator`. */
  roles: string[]
  /**
   * The profile states no rights at all (no `isOwner`, `isSuperAdmin` or `roles`): the flags above
   * are then unknown, not false, and the console decides when asked (§2 200 success [fixture] shows
   * them; a profile without them is [inferred]).
   */
  rightsUnknown?: true
}

export type LoginOutcome = { state: 'signed-in'; user: SignedInUser } | { state: 'mfa-required'; methods: string[] }

export interface SessionOptions {
  timeoutMs?: number
  maxBytes?: number
  now?: () => number
  /**
   * The lock-outs of every host this session's owner talks to (lockout.ts): the core passes
   * one registry to all its sessions; a session made without one keeps its own.
   */
  locks?: LoginLocks
}

export interface ApiReply {
  status: number
  body: unknown
  headers: HttpsReply['headers']
}

const TOKEN_COOKIE = /^(UOS_TOKEN|TOKEN)$/

/**
 * The login reply's profile (§2 200 success): id as `unique_id`, or `id` (= `unique_id`) on some builds;
 * `roles[].system_key`. A field of another type reads as missing, as before.
 */
const profile = z.looseObject({
  unique_id: z.unknown().optional(),
  id: z.unknown().optional(),
  username: optionalText,
  isOwner: z.unknown().optional(),
  isSuperAdmin: z.unknown().optional(),
  roles: z.array(z.unknown()).optional().catch(undefined),
})
const role = z.looseObject({ system_key: z.string() })

/** The 499 reply's `data` (§2 MFA): the MFA cookie and the account's authenticators. */
const mfaChallenge = z.looseObject({
  data: z
    .looseObject({
      mfaCookie: optionalText,
      authenticators: z.array(z.unknown()).optional().catch(undefined),
    })
    .catch({}),
})
const authenticator = z.looseObject({ type: z.string() })

/** A profile inside the users service's envelope `{code, codeS, data}` (§3) rather than bare (§2) [inferred]. */
const enveloped = z.looseObject({ data: profile })

function parseUser(body: unknown): SignedInUser {
  const bare = parseReply(profile, body, 'The console accepted the sign-in but sent no user profile.')
  const said = (p: z.infer<typeof profile>) =>
    p.unique_id !== undefined || p.id !== undefined || p.username !== undefined
  const inner = enveloped.safeParse(body)
  const user = !said(bare) && inner.success ? inner.data.data : bare
  const roles = usableEntries(role, user.roles ?? []).map((r) => r.system_key)
  const id = user.unique_id ?? user.id
  const stated = user.isOwner !== undefined || user.isSuperAdmin !== undefined || user.roles !== undefined
  return {
    id: typeof id === 'string' ? id : '',
    username: user.username ?? '',
    isOwner: user.isOwner === true,
    isSuperAdmin: user.isSuperAdmin === true || roles.includes('super_administrator'),
    roles,
    ...(stated ? {} : { rightsUnknown: true as const }),
  }
}

export class ConsoleSession {
  readonly target: ConsoleTarget
  #options: Required<Omit<SessionOptions, 'locks'>>
  #locks: LoginLocks
  /** The session cookie(s) as a browser's jar holds them: `TOKEN` and/or `UOS_TOKEN` (§2). */
  readonly #cookies = new Map<string, string>()
  #csrf: string | null = null
  #mfaCookie: string | null = null
  // Held only while signed in, for the single re-login after a 401; dropped at logout.
  #credentials: Credentials | null = null
  #user: SignedInUser | null = null

  constructor(target: ConsoleTarget, options: SessionOptions = {}) {
    this.target = target
    this.#options = {
      timeoutMs: options.timeoutMs ?? 8000,
      maxBytes: options.maxBytes ?? 2 * 1024 * 1024,
      now: options.now ?? Date.now,
    }
    this.#locks = options.locks ?? new LoginLocks()
  }

  get #id(): string {
    return addressKey(this.target.host, this.target.port)
  }

  get user(): SignedInUser | null {
    return this.#user
  }

  /**
   * The signed-in user's id without asking the console: the login reply's, else the session JWT's
   * `userId` claim (§2 [source]: vypdev `_user_id_from_token`; uiprotect took the `{userId}` of
   * `/user/{userId}/keys` from it before 2025-07, §4.1); null when neither says.
   */
  get knownUserId(): string | null {
    if (this.#user?.id) return this.#user.id
    for (const value of this.#cookies.values()) {
      const id = claimsOf(value)?.userId
      if (id) return id
    }
    return null
  }

  get signedIn(): boolean {
    return this.#cookies.size > 0
  }

  /** When a 429 lock ends (ms since epoch), or 0. */
  get lockedUntil(): number {
    return this.#locks.until(this.#id, this.#options.now()) ?? 0
  }

  #send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, extraCookies: string[] = []) {
    const cookies = [...[...this.#cookies].map(([name, value]) => `${name}=${value}`), ...extraCookies]
    return httpsRequest({
      host: this.target.host,
      port: this.target.port,
      path,
      method,
      pin: this.target.pin,
      timeoutMs: this.#options.timeoutMs,
      maxBytes: this.#options.maxBytes,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(cookies.length ? { cookie: cookies.join('; ') } : {}),
        ...(this.#csrf ? { 'x-csrf-token': this.#csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
  }

  #absorb(reply: HttpsReply): void {
    // Newer builds send the rotated token as X-Updated-Csrf-Token (hjdhjd prefers it).
    const updated = reply.headers['x-updated-csrf-token'] ?? reply.headers['x-csrf-token']
    if (typeof updated === 'string' && updated) this.#csrf = updated
    // Every session cookie the console sets is kept and sent back, and one it clears is dropped,
    // as a browser does: a console may set both names, or clear one while setting the other.
    let jwt: string | null = null
    for (const cookie of setCookies(reply)) {
      if (!TOKEN_COOKIE.test(cookie.name)) continue
      if (cookie.cleared) this.#cookies.delete(cookie.name)
      else this.#cookies.set(cookie.name, (jwt = cookie.value))
    }
    if (jwt !== null && !updated) this.#csrf = csrfFromJwt(jwt) ?? this.#csrf
  }

  #checkLock(): void {
    // Each attempt during the lock extends it on the console (§2 rate limit), so no path tries.
    this.#locks.check(this.#id, this.target.label, this.#options.now())
  }

  /**
   * Signs in. Returns `mfa-required` when the account needs a 2FA code; call
   * again with the same credentials and `mfaCode`.
   */
  async login(credentials: Credentials, mfaCode?: string): Promise<LoginOutcome> {
    this.#checkLock()
    if (!this.#csrf) this.#absorb(await this.#send('GET', '/'))
    const extra = mfaCode && this.#mfaCookie ? [this.#mfaCookie] : []
    const reply = await this.#send(
      'POST',
      '/api/auth/login',
      { username: credentials.username, password: credentials.password, token: mfaCode ?? '', rememberMe: false },
      extra,
    )
    // A refusal is known by its status, whatever its body: a web page there is no console starting up.
    this.#throwIfRefused(reply)
    if (isHtml(reply)) {
      throw new KeywardFailure(
        'bad-reply',
        `${this.target.label} is still starting up (it answered the sign-in with a web page). Try again in a minute.`,
        `status ${reply.status}`,
      )
    }
    const body = reply.body.length ? parseJson(reply, 'The sign-in reply') : null

    if (reply.status === 200) {
      this.#absorb(reply)
      if (!this.signedIn)
        throw new KeywardFailure('bad-reply', `${this.target.label} accepted the sign-in but set no session cookie.`)
      this.#credentials = credentials
      this.#mfaCookie = null
      this.#locks.clear(this.#id)
      this.#user = parseUser(body)
      return { state: 'signed-in', user: this.#user }
    }
    if (reply.status === 499) return this.#challenge(reply, body, mfaCode)
    throw new KeywardFailure(
      'bad-reply',
      `${this.target.label} answered the sign-in with ${reply.status}: ${errorMessage(body) ?? 'no explanation'}.`,
      `status ${reply.status}`,
    )
  }

  /**
   * 429 (a lock-out) and 401/403 (bad credentials, "treat 401 = 403") by status alone (§2 Failures):
   * the fixtures show JSON bodies, but a web server in front of the console may write its own page.
   */
  #throwIfRefused(reply: HttpsReply): void {
    if (reply.status === 429) {
      const seconds = retryAfterSeconds(reply.headers['retry-after'], this.#options.now())
      throw this.#locks.lock(this.#id, this.target.label, seconds, this.#options.now())
    }
    if (reply.status !== 401 && reply.status !== 403) return
    let body: unknown
    try {
      body = isHtml(reply) ? null : parseJson(reply, 'The sign-in reply')
    } catch {
      body = null // the status says enough
    }
    throw new KeywardFailure(
      'invalid-credentials',
      `${this.target.label} did not accept that username and password. Use a local account of this console (not only a ui.com login) with Owner or Super Admin rights.`,
      errorCode(body) ?? `status ${reply.status}`,
    )
  }

  /**
   * The 499 MFA challenge (§2): keeps the challenge cookie for the re-POST with the code. It is
   * `data.mfaCookie` ("UBIC_2FA=…", split at `;` should attributes follow); a console that sets it
   * only with Set-Cookie [inferred] is read there.
   */
  #challenge(reply: HttpsReply, body: unknown, mfaCode: string | undefined): LoginOutcome {
    const challenge = mfaChallenge.safeParse(body)
    const data = challenge.success ? (challenge.data.data ?? {}) : {}
    const fromBody = data.mfaCookie?.split(';')[0]?.trim()
    const fromHeader = setCookies(reply)
      .filter((c) => !c.cleared && !TOKEN_COOKIE.test(c.name))
      .map((c) => `${c.name}=${c.value}`)
    if (fromBody) this.#mfaCookie = fromBody
    else if (fromHeader.length) this.#mfaCookie = fromHeader.join('; ')
    if (mfaCode) {
      throw new KeywardFailure(
        'invalid-credentials',
        'The two-factor code was not accepted. Codes change every 30 seconds: enter the current one.',
        'MFA_AUTH_REQUIRED',
      )
    }
    const methods = usableEntries(authenticator, data.authenticators ?? []).map((a) => a.type)
    return { state: 'mfa-required', methods }
  }

  /** An authenticated call; renews the session once if the console says it expired. */
  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiReply> {
    if (!this.signedIn) throw new KeywardFailure('session-expired', `Not signed in to ${this.target.label}.`)
    let reply = await this.#send(method, path, body)
    this.#absorb(reply)
    if (reply.status === 401 && this.#credentials) {
      // A fresh handshake, as at the first sign-in (hjdhjd re-handshakes before a re-login, §1): the
      // ended session's cookie and CSRF token do not go with the login.
      this.#cookies.clear()
      this.#csrf = null
      const outcome = await this.login(this.#credentials).catch((error: unknown) => {
        this.#cookies.clear()
        throw error
      })
      if (outcome.state !== 'signed-in') {
        this.#cookies.clear()
        throw new KeywardFailure(
          'session-expired',
          `The session on ${this.target.label} ended and renewing it needs a new two-factor code. Sign in again.`,
        )
      }
      reply = await this.#send(method, path, body)
      this.#absorb(reply)
    }
    if (reply.status === 401) {
      this.#cookies.clear()
      throw new KeywardFailure('session-expired', `The session on ${this.target.label} ended. Sign in again.`)
    }
    return { status: reply.status, headers: reply.headers, body: parseJson(reply, `${method} ${path}`) }
  }

  /**
   * Forgets the session here without a word to the console: for a pin the user replaced or a
   * console they forgot (issue 14 §3), where the old pin would refuse the logout anyway.
   */
  discard(): void {
    this.#cookies.clear()
    this.#csrf = null
    this.#mfaCookie = null
    this.#credentials = null
    this.#user = null
  }

  /** Ends the session on the console and forgets the credentials. */
  async logout(): Promise<void> {
    const signedIn = this.signedIn
    try {
      if (signedIn) await this.#send('POST', '/api/auth/logout', {})
    } finally {
      this.#cookies.clear()
      this.#csrf = null
      this.#credentials = null
      this.#user = null
    }
  }
}
