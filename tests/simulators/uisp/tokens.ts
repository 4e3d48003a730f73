// API tokens (uisp.md §2, swagger tag "Token"):
//   GET /token, POST /token {name ≤ 20, meta ≤ 256, scope}, GET /token/{id}, DELETE /token/{id} → {result, message}
// Tokens are UUID v4 strings; `expiresAt` is null unless `tokenLifetimeMs` is set (then also `maxExpiresAt`).
// "The user can only create scope token of its own scope or lower": a higher scope answers 403 [the status is
// inferred]. The caller's own sign-in sessions are listed too, as `transient` (swagger TokenSchema fields).
// Any authenticated caller manages its own user's tokens [inferred]. POST answers 200 [inferred].
import { randomUUID } from 'node:crypto'
import {
  asRecord,
  readJsonBody,
  sendBoom,
  sendJson,
  sendValidation,
  unknownKey,
  type Principal,
  type Route,
} from './http.ts'
import { SCOPE_RANK, SCOPES, type Scope, type SessionRecord, type TokenRecord, type UispState } from './state.ts'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function tokenView(record: TokenRecord, state: UispState, principal: Principal) {
  const user = state.config.users.find((u) => u.id === record.userId)
  return {
    id: record.id,
    name: record.name,
    lastIp: '127.0.0.1',
    createdAt: iso(record.createdAt),
    lastUsed: iso(record.lastUsed),
    expiresAt: iso(record.expiresAt),
    maxExpiresAt: iso(record.maxExpiresAt),
    scope: record.scope,
    userId: record.userId,
    user: user ? { id: user.id, username: user.username } : null,
    transient: false,
    currentSession: principal.kind === 'token' && principal.id === record.id,
    ...(state.config.tokenMeta === 'omitted' ? {} : { meta: record.meta }),
    allIpsCount: 1,
    ips: ['127.0.0.1'],
  }
}

function sessionView(record: SessionRecord, principal: Principal) {
  return {
    id: record.id,
    name: 'Web session',
    lastIp: '127.0.0.1',
    createdAt: iso(record.createdAt),
    lastUsed: iso(record.lastUsed),
    expiresAt: iso(record.expiresAt),
    maxExpiresAt: null,
    scope: null,
    userId: record.userId,
    user: null,
    transient: true,
    currentSession: principal.kind === 'session' && principal.id === record.id,
    meta: null,
    allIpsCount: 1,
    ips: ['127.0.0.1'],
  }
}

export function tokenRoutes(): Route[] {
  const own = (state: UispState, principal: Principal, id: string) => {
    const record = state.tokens.get(id)
    return record && record.userId === principal.user.id ? record : null
  }
  return [
    {
      method: 'GET',
      path: '/token',
      auth: 'guest',
      handler({ res, state, principal }) {
        const now = state.clock()
        const tokens = [...state.tokens.values()]
          .filter((t) => t.userId === principal.user.id)
          .map((t) => tokenView(t, state, principal))
        const sessions = [...state.sessions.values()]
          .filter((s) => s.userId === principal.user.id && s.expiresAt > now)
          .map((s) => sessionView(s, principal))
        sendJson(res, 200, [...tokens, ...sessions])
      },
    },
    {
      method: 'POST',
      path: '/token',
      auth: 'guest',
      async handler({ req, res, state, principal }) {
        const parsed = await readJsonBody(req)
        if (!parsed.ok) return sendBoom(res, 400, 'Invalid request payload JSON format')
        const body = asRecord(parsed.value)
        const extra = unknownKey(body, ['name', 'meta', 'scope'])
        if (extra) return sendValidation(res, extra, `"${extra}" is not allowed`)
        if (typeof body.name !== 'string' || body.name === '') return sendValidation(res, 'name', '"name" is required')
        if ([...body.name].length > 20)
          return sendValidation(res, 'name', '"name" length must be less than or equal to 20 characters long')
        if (
          body.meta !== undefined &&
          body.meta !== null &&
          (typeof body.meta !== 'string' || body.meta.length > 256)
        ) {
          return sendValidation(res, 'meta', '"meta" length must be less than or equal to 256 characters long')
        }
        if (body.scope !== undefined && !SCOPES.includes(body.scope as Scope)) {
          return sendValidation(res, 'scope', '"scope" must be one of [superadmin, admin, guest]')
        }
        const scope = (body.scope as Scope | undefined) ?? null
        if (scope && SCOPE_RANK[scope] > SCOPE_RANK[principal.scope])
          return sendBoom(res, 403, 'Cannot create a token with a higher scope than your own')
        const now = state.clock()
        const lifetime = state.config.tokenLifetimeMs
        const record: TokenRecord = {
          id: randomUUID(),
          token: randomUUID(),
          name: body.name,
          meta: typeof body.meta === 'string' ? body.meta : null,
          scope,
          userId: principal.user.id,
          createdAt: now,
          expiresAt: lifetime === null ? null : now + lifetime,
          maxExpiresAt: lifetime === null ? null : now + lifetime,
          lastUsed: null,
        }
        state.tokens.set(record.id, record)
        sendJson(res, 200, { ...tokenView(record, state, principal), token: record.token })
      },
    },
    {
      method: 'GET',
      path: /^\/token\/([^/]+)$/,
      auth: 'guest',
      handler({ res, params, state, principal }) {
        const record = own(state, principal, params[0]!)
        if (!record) return sendBoom(res, 404, 'Token not found')
        sendJson(res, 200, tokenView(record, state, principal))
      },
    },
    {
      method: 'DELETE',
      path: /^\/token\/([^/]+)$/,
      auth: 'guest',
      handler({ res, params, state, principal }) {
        const record = own(state, principal, params[0]!)
        if (!record) return sendBoom(res, 404, 'Token not found')
        state.tokens.delete(record.id)
        sendJson(res, 200, { result: true, message: 'Token deleted' })
      },
    },
  ]
}
