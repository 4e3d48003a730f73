// Login, session cookie, CSRF and logout (unifi-os.md §2).
import { randomBytes, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import {
  asRecord,
  escapeHtml,
  headerValue,
  parseCookies,
  readJsonBody,
  sendError,
  sendHtml,
  sendJson,
  type RequestContext,
  type Route,
} from './http.ts'
import { signJwt, verifyJwt, type SessionJwtPayload } from './jwt.ts'
import { userProfile } from './profile.ts'
import { findUserByName, type SessionRecord, type SimulatorState, type UserRecord } from './state.ts'

/** §2 Failures, bad credentials [fixture] (status 403 or 401 per `auth.badCredentialsStatus`). */
export const INVALID_CREDENTIALS_BODY = {
  code: 'AUTHENTICATION_FAILED_INVALID_CREDENTIALS',
  message: 'Invalid username or password',
  level: 'debug',
} as const

/** §2 Failures, rate limit [fixture: aiounifi test_controller_authentication_rate_limit_error]. */
export const LOGIN_LIMIT_BODY = {
  code: 'AUTHENTICATION_FAILED_LIMIT_REACHED',
  message: "You've reached the login attempt limit",
} as const

/** How long a `UBIC_2FA` challenge cookie stays usable [inferred]. */
const MFA_CHALLENGE_TTL_MS = 5 * 60_000

export interface Authenticated {
  session: SessionRecord
  user: UserRecord
  /** Payload of the cookie the client sent. */
  payload: SessionJwtPayload
}

function cookieHeader(name: string, value: string): string {
  return `${name}=${value}; path=/; samesite=none; secure; httponly`
}

/** The login's Set-Cookie line(s) per knob `auth.cookieLines` (§2 200 success: `TOKEN` / `UOS_TOKEN`). */
function loginCookies(state: SimulatorState, jwt: string): string[] {
  const { cookieName, cookieLines } = state.config.auth
  const other = cookieName === 'TOKEN' ? 'UOS_TOKEN' : 'TOKEN'
  if (cookieLines === 'both-names') return [cookieHeader(cookieName, jwt), cookieHeader(other, jwt)]
  if (cookieLines === 'clear-first') {
    const cleared = `${other}=; Max-Age=0; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; secure; httponly`
    return [cleared, cookieHeader(cookieName, jwt)]
  }
  return [cookieHeader(cookieName, jwt)]
}

/**
 * A refused login (§2 Failures) with the fixture's JSON body, or (knob `auth.failureBodies: 'html'`)
 * a web page as a front web server writes it [inferred]; the headers are the same either way.
 */
function sendLoginFailure(
  state: SimulatorState,
  res: ServerResponse,
  status: number,
  body: { code: string; message: string },
  headers: Record<string, string> = {},
): void {
  if (state.config.auth.failureBodies === 'json') return sendJson(res, status, body, headers)
  const page = `<!doctype html><html><head><title>${status}</title></head><body><h1>${escapeHtml(body.message)}</h1></body></html>\n`
  sendHtml(res, status, page, headers)
}

function issueJwt(state: SimulatorState, session: SessionRecord, csrfToken: string): string {
  const jwt = signJwt(
    {
      userId: session.userId,
      csrfToken,
      iat: Math.floor(state.clock() / 1000),
      exp: Math.floor(session.expiresAt / 1000),
    },
    state.jwtSecret,
  )
  session.jwts.push(jwt)
  state.sessionsByJwt.set(jwt, session.id)
  return jwt
}

/** Session behind a cookie value, if it is ours, not logged out and not expired. */
export function lookupSession(state: SimulatorState, jwt: string): Authenticated | undefined {
  const payload = verifyJwt(jwt, state.jwtSecret)
  if (!payload) return undefined
  const sessionId = state.sessionsByJwt.get(jwt)
  const session = sessionId === undefined ? undefined : state.sessions.get(sessionId)
  const now = state.clock()
  if (!session || session.loggedOut || session.expiresAt <= now || payload.exp * 1000 <= now) return undefined
  const user = state.users.get(session.userId)
  return user ? { session, user, payload } : undefined
}

/** The CSRF header(s) this console sends (knob `auth.csrfHeaders`, §2: `x-csrf-token` / `X-Updated-Csrf-Token`). */
function csrfHeaders(state: SimulatorState, token: string): Record<string, string> {
  const which = state.config.auth.csrfHeaders
  return {
    ...(which !== 'x-updated-csrf-token' ? { 'x-csrf-token': token } : {}),
    ...(which !== 'x-csrf-token' ? { 'x-updated-csrf-token': token } : {}),
  }
}

/**
 * New CSRF token on every authenticated response (§2 Session: "overwrite from any response
 * with x-csrf-token/X-Updated-Csrf-Token"); the previous one stays valid as a grace for
 * requests already in flight, so the last two are accepted.
 */
function rotateCsrf(state: SimulatorState, session: SessionRecord, res: ServerResponse): void {
  const next = randomUUID()
  session.csrfTokens = [...session.csrfTokens.slice(-1), next]
  for (const [name, value] of Object.entries(csrfHeaders(state, next))) res.setHeader(name, value)
  const { cookieName, reissueCookieOnCsrfRotation } = state.config.auth
  if (reissueCookieOnCsrfRotation) res.setHeader('set-cookie', cookieHeader(cookieName, issueJwt(state, session, next)))
}

/**
 * Cookie-session check for `/proxy/*` and `/api/*` (§2 Session). Sends 401 (no/expired
 * session) or 403 (non-GET without a valid `x-csrf-token`) and returns undefined; on success
 * sets the rotated CSRF headers on `res` (unless `auth.csrfInJwtOnly`, where the CSRF is the
 * JWT's `csrfToken` and never rotates).
 */
export function authenticate(ctx: RequestContext, options: { rotate?: boolean } = {}): Authenticated | undefined {
  const { req, res, state } = ctx
  const auth = state.config.auth
  const jwt = parseCookies(req.headers.cookie).get(auth.cookieName)
  const found = jwt === undefined ? undefined : lookupSession(state, jwt)
  if (!found) {
    sendError(res, 401, 'Unauthorized')
    return undefined
  }
  const method = req.method ?? 'GET'
  if (method !== 'GET' && method !== 'HEAD') {
    const sent = headerValue(req, 'x-csrf-token')
    const valid =
      sent !== undefined &&
      (auth.csrfInJwtOnly ? sent === found.payload.csrfToken : found.session.csrfTokens.includes(sent))
    if (!valid) {
      sendError(res, 403, 'Forbidden')
      return undefined
    }
  }
  if (options.rotate !== false && !auth.csrfInJwtOnly) rotateCsrf(state, found.session, res)
  return found
}

function sendMfaChallenge(state: SimulatorState, res: ServerResponse, user: UserRecord): void {
  const cookie = randomBytes(16).toString('hex')
  state.mfaChallenges.set(cookie, { userId: user.id, expiresAt: state.clock() + MFA_CHALLENGE_TTL_MS })
  // Knob `auth.mfaCookieIn`: the challenge cookie in `data.mfaCookie`, as a Set-Cookie line, or both.
  const where = state.config.auth.mfaCookieIn
  // §2 Failures, MFA [report: hyperb1iss/unifly#2]; authenticator ids are stable per user.
  sendJson(
    res,
    499,
    {
      code: 'MFA_AUTH_REQUIRED',
      message: 'MFA token required to authenticate to SSO',
      data: {
        required: '2fa',
        ...(where !== 'header' ? { mfaCookie: `UBIC_2FA=${cookie}` } : {}),
        authenticators: [
          { id: `${user.id.slice(0, 8)}-totp`, type: 'totp', status: 'ACTIVE', name: 'Authenticator app' },
        ],
      },
    },
    where !== 'body' ? { 'set-cookie': `UBIC_2FA=${cookie}; path=/; samesite=none; secure; httponly` } : {},
  )
}

/** `X-Token-Expire-Time` in the fixture's format "2099-01-01T00:00:00Z" (§2) [fixture]. */
const expireHeader = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Knob `auth.loginCsrf: 'fresh'`: the login's CSRF token (if any) came from `GET /` or a live session. */
function freshCsrf({ req, state }: RequestContext): boolean {
  const sent = headerValue(req, 'x-csrf-token')
  if (state.config.auth.loginCsrf === 'any' || sent === undefined) return true
  if (state.rootCsrfTokens.includes(sent)) return true
  const now = state.clock()
  return [...state.sessions.values()].some((s) => !s.loggedOut && s.expiresAt > now && s.csrfTokens.includes(sent))
}

async function login(ctx: RequestContext): Promise<void> {
  const { req, res, state } = ctx
  const body = await readJsonBody(req)
  const now = state.clock()
  const client = req.socket.remoteAddress ?? 'unknown'
  state.loginAttempts += 1
  const lock = state.loginLockout.attempt(client, now)
  if (lock.locked) {
    return sendLoginFailure(state, res, 429, LOGIN_LIMIT_BODY, { 'retry-after': String(lock.retryAfterSeconds) })
  }
  if (!body.ok) return sendError(res, 400, 'Bad Request')

  if (!freshCsrf(ctx)) {
    state.loginLockout.recordFailure(client, now)
    return sendLoginFailure(state, res, state.config.auth.badCredentialsStatus, INVALID_CREDENTIALS_BODY)
  }
  // §2 Request: {username, password, token ("" or the 2FA code), rememberMe}.
  const { username, password, token } = asRecord(body.value)
  const user = typeof username === 'string' ? findUserByName(state, username) : undefined
  if (!user || typeof password !== 'string' || user.password !== password) {
    state.loginLockout.recordFailure(client, now)
    return sendLoginFailure(state, res, state.config.auth.badCredentialsStatus, INVALID_CREDENTIALS_BODY)
  }

  // §2 2FA: re-POST the same body with "token":"<code>" plus the cookie from data.mfaCookie.
  if (user.mfaCode !== undefined) {
    const cookie = parseCookies(req.headers.cookie).get('UBIC_2FA')
    const challenge = cookie === undefined ? undefined : state.mfaChallenges.get(cookie)
    const passed =
      challenge !== undefined &&
      challenge.userId === user.id &&
      challenge.expiresAt > now &&
      typeof token === 'string' &&
      token === user.mfaCode
    if (!passed) return sendMfaChallenge(state, res, user)
    state.mfaChallenges.delete(cookie as string)
  }

  state.loginLockout.recordSuccess(client)
  const auth = state.config.auth
  const csrf = randomUUID()
  const session: SessionRecord = {
    id: randomUUID(),
    userId: user.id,
    issuedAt: now,
    expiresAt: now + auth.sessionTtlSeconds * 1000,
    csrfTokens: [csrf],
    jwts: [],
    loggedOut: false,
  }
  state.sessions.set(session.id, session)
  const jwt = issueJwt(state, session, csrf)
  const headers: Record<string, string | string[]> = {
    'set-cookie': loginCookies(state, jwt),
    'x-token-expire-time': expireHeader(session.expiresAt),
  }
  if (!auth.csrfInJwtOnly) Object.assign(headers, csrfHeaders(state, csrf))
  // Knob `shapes.loginReplyHasId: false`: a profile without any user id [inferred] (who-am-I still has it).
  const profile = userProfile(state, user)
  // Knob `shapes.loginProfile: 'minimal'`: the identity alone, no statement of rights [inferred].
  if (state.config.shapes.loginProfile === 'minimal') {
    for (const field of ['roles', 'permissions', 'scopes', 'isOwner', 'isSuperAdmin']) delete profile[field]
  }
  if (!state.config.shapes.loginReplyHasId) {
    delete profile.unique_id
    delete profile.id
  }
  const envelope = state.config.shapes.loginEnvelope ? { code: 1, codeS: 'SUCCESS', data: profile } : profile
  sendJson(res, 200, envelope, headers)
}

export function authRoutes(): Route[] {
  return [
    { method: 'POST', path: '/api/auth/login', handler: login },
    {
      // §2 Session: logout needs the CSRF token and invalidates the session.
      method: 'POST',
      path: '/api/auth/logout',
      handler: (ctx) => {
        const found = authenticate(ctx, { rotate: false })
        if (!found) return
        found.session.loggedOut = true
        const name = ctx.state.config.auth.cookieName
        sendJson(
          ctx.res,
          200,
          {},
          { 'set-cookie': `${name}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=none; secure; httponly` },
        )
      },
    },
    {
      // §2 "Who am I": login-body shape or 401. Knob `shapes.whoAmI: 'v2'`: only the v2 path answers.
      method: 'GET',
      path: '/api/users/self',
      handler: (ctx) => {
        if (['v2', 'none'].includes(ctx.state.config.shapes.whoAmI)) return sendError(ctx.res, 404, 'Not Found')
        const found = authenticate(ctx)
        if (found) sendJson(ctx.res, 200, userProfile(ctx.state, found.user))
      },
    },
  ]
}
