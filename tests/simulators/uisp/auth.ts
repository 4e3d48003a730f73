// Sign-in, 2FA and the `x-auth-token` header (uisp.md §1):
//   POST /user/login            {username, password[, sessionTimeout, mobilePlatform]}
//                               → 200 user + x-auth-token (a JWT-looking string), or 201 TwoFactorToken {id, userId, exp}
//   POST /user/login/totpauth   {token, verificationCode[, sessionTimeout]} (+ `password` when totpNeedsPassword,
//                               the UNMS 0.11.3 shape) → 200 user + x-auth-token
//   POST /user/logout           ends the calling session (UNMS: `logout(request.token.id)`, so an API token
//                               calling it is deleted too)
//   GET  /user, GET /nms/keep-alive
// Messages of 401s are [inferred]; the body shape is [source].
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import {
  asRecord,
  headerValue,
  readJsonBody,
  sendBoom,
  sendJson,
  sendValidation,
  unknownKey,
  type Principal,
  type Route,
} from './http.ts'
import type { UispState, UserSpec } from './state.ts'
import { totpMatches } from './totp.ts'

export const apiUser = (user: UserSpec) => ({
  id: user.id,
  username: user.username,
  email: user.email,
  alerts: false,
  totpAuthEnabled: user.totpSecret !== null,
  role: user.role,
})

function newJwt(state: UispState, user: UserSpec, sessionId: string, expiresAt: number): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  return `${part({ typ: 'JWT', alg: 'HS256' })}.${part({ userId: user.id, tokenId: sessionId, iat: Math.floor(state.clock() / 1000), exp: Math.floor(expiresAt / 1000) })}.${randomBytes(32).toString('base64url')}`
}

function startSession(state: UispState, user: UserSpec): string {
  const id = randomUUID()
  const now = state.clock()
  const expiresAt = now + state.config.sessionLifetimeMs
  const jwt = newJwt(state, user, id, expiresAt)
  state.sessions.set(id, { id, jwt, userId: user.id, createdAt: now, expiresAt, lastUsed: now })
  return jwt
}

export type Resolution = { ok: true; principal: Principal } | { ok: false; message: string }

/** The caller behind `x-auth-token`, if it is a live session or API token. */
export function resolvePrincipal(req: IncomingMessage, state: UispState): Resolution {
  const token = headerValue(req, 'x-auth-token')
  if (!token) return { ok: false, message: 'Missing authentication' }
  const now = state.clock()
  const userOf = (id: string) => state.config.users.find((u) => u.id === id)
  for (const session of state.sessions.values()) {
    if (session.jwt !== token) continue
    const user = userOf(session.userId)
    if (!user || session.expiresAt <= now) return { ok: false, message: 'Invalid token' }
    session.lastUsed = now
    return { ok: true, principal: { kind: 'session', id: session.id, user, scope: user.role, record: session } }
  }
  for (const record of state.tokens.values()) {
    if (record.token !== token) continue
    const user = userOf(record.userId)
    if (!user || (record.expiresAt !== null && record.expiresAt <= now)) return { ok: false, message: 'Invalid token' }
    record.lastUsed = now
    return { ok: true, principal: { kind: 'token', id: record.id, user, scope: record.scope ?? user.role, record } }
  }
  return { ok: false, message: 'Invalid token' }
}

export function authRoutes(): Route[] {
  return [
    {
      method: 'POST',
      path: '/user/login',
      auth: false,
      async handler({ req, res, state }) {
        const parsed = await readJsonBody(req)
        if (!parsed.ok) return sendBoom(res, 400, 'Invalid request payload JSON format')
        const body = asRecord(parsed.value)
        const extra = unknownKey(body, ['username', 'password', 'sessionTimeout', 'mobilePlatform'])
        if (extra) return sendValidation(res, extra, `"${extra}" is not allowed`)
        for (const key of ['username', 'password']) {
          if (typeof body[key] !== 'string' || body[key] === '') return sendValidation(res, key, `"${key}" is required`)
        }
        const user = state.config.users.find((u) => u.username === body.username && u.password === body.password)
        if (!user) return sendBoom(res, 401, 'Invalid credentials')
        if (user.totpSecret) {
          const pending = { id: randomUUID(), userId: user.id, exp: state.clock() + state.config.twoFactorWindowMs }
          state.pending.set(pending.id, pending)
          return sendJson(res, 201, pending)
        }
        sendJson(res, 200, apiUser(user), { 'x-auth-token': startSession(state, user) })
      },
    },
    {
      method: 'POST',
      path: '/user/login/totpauth',
      auth: false,
      async handler({ req, res, state }) {
        const parsed = await readJsonBody(req)
        if (!parsed.ok) return sendBoom(res, 400, 'Invalid request payload JSON format')
        const body = asRecord(parsed.value)
        const needsPassword = state.config.totpNeedsPassword
        const extra = unknownKey(body, [
          'token',
          'verificationCode',
          'sessionTimeout',
          ...(needsPassword ? ['password'] : []),
        ])
        if (extra) return sendValidation(res, extra, `"${extra}" is not allowed`)
        for (const key of ['token', 'verificationCode', ...(needsPassword ? ['password'] : [])]) {
          if (typeof body[key] !== 'string' || body[key] === '') return sendValidation(res, key, `"${key}" is required`)
        }
        const pending = state.pending.get(String(body.token))
        if (!pending || pending.exp <= state.clock()) return sendBoom(res, 401, 'Invalid token')
        const user = state.config.users.find((u) => u.id === pending.userId)
        if (!user?.totpSecret) return sendBoom(res, 401, 'Invalid token')
        if (needsPassword && body.password !== user.password) return sendBoom(res, 401, 'Invalid credentials')
        if (!totpMatches(user.totpSecret, state.clock(), String(body.verificationCode)))
          return sendBoom(res, 401, 'Invalid verification code')
        state.pending.delete(pending.id)
        sendJson(res, 200, apiUser(user), { 'x-auth-token': startSession(state, user) })
      },
    },
    {
      method: 'POST',
      path: '/user/logout',
      auth: 'guest',
      handler({ res, state, principal }) {
        if (principal.kind === 'session') state.sessions.delete(principal.id)
        else state.tokens.delete(principal.id)
        sendJson(res, 200, { result: true, message: 'Logged out' })
      },
    },
    {
      method: 'GET',
      path: '/user',
      auth: 'guest',
      handler: ({ res, principal }) => sendJson(res, 200, apiUser(principal.user)),
    },
    {
      method: 'GET',
      path: '/nms/keep-alive',
      auth: 'guest',
      handler: ({ res }) => sendJson(res, 200, { result: true, message: 'Session extended' }),
    },
  ]
}
