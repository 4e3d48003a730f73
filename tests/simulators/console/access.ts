// UniFi Access developer tokens (unifi-os.md §5.3): minted through the console proxy with a
// cookie session, used as `Authorization: Bearer` on the separate Access API port (12445).
// Console API keys are a different token system and are refused there (§4.2, §5.3).
import { randomBytes, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { authenticate } from './auth.ts'
import { asRecord, headerValue, readJsonBody, sendError, sendJson, type RequestContext, type Route } from './http.ts'
import { seedUuid } from './presets.ts'
import { canManage, isoTime, type AccessTokenRecord, type SimulatorState } from './state.ts'

/** Access envelope `{"code":"SUCCESS","msg":…,"data":…}` (§5.3 [source: YuDefine docs/api/overview.md]). */
function sendAccess(res: ServerResponse, status: number, code: string, msg: string, data?: unknown): void {
  sendJson(res, status, data === undefined ? { code, msg } : { code, msg, data })
}

/** Access token value: opaque; 22 chars of base64url [inferred] (no sample in the reference). */
export function generateAccessToken(): string {
  return randomBytes(16).toString('base64url')
}

const SCOPE = /^(view|edit):[a-z_]+$/

/** Token expiry for a `validity_period` (0 = never, §5.3); unit per `access.validityPeriodUnit` [inferred]. */
function expiryFor(state: SimulatorState, validity: number, now: number): number | null {
  if (validity === 0) return null
  const unitMs = state.config.access.validityPeriodUnit === 'days' ? 86_400_000 : 1000
  return now + validity * unitMs
}

/** `expires_at` as the `access.expiresAt` knob says: ISO text, epoch seconds, or left out. */
function expiresAtJson(state: SimulatorState, at: number | null): Record<string, unknown> {
  const shape = state.config.access.expiresAt
  if (shape === 'absent') return {}
  if (at === null) return { expires_at: null }
  return { expires_at: shape === 'epoch-seconds' ? Math.floor(at / 1000) : isoTime(at) }
}

function tokenJson(state: SimulatorState, token: AccessTokenRecord, full: boolean): Record<string, unknown> {
  return {
    id: token.id,
    name: token.name,
    ...(full ? { api_key: token.token } : { masked_api_key: `${token.token.slice(0, 4)}***${token.token.slice(-4)}` }),
    scopes: token.scopes,
    created_at: isoTime(token.createdAt),
    ...expiresAtJson(state, token.expiresAt),
  }
}

const accessInstalled = (ctx: RequestContext): boolean => {
  if (ctx.state.config.apps.includes('access')) return true
  sendError(ctx.res, 404, 'Not Found')
  return false
}

async function createToken(ctx: RequestContext): Promise<void> {
  const { req, res, state } = ctx
  if (!accessInstalled(ctx)) return
  const body = await readJsonBody(req)
  const found = authenticate(ctx)
  if (!found) return
  if (!canManage(found.user)) return sendAccess(res, 403, 'CODE_UNAUTHORIZED', 'not allowed')
  const b = body.ok ? asRecord(body.value) : {}
  const { name, validity_period: validity, scopes } = b
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    typeof validity !== 'number' ||
    !Number.isInteger(validity) ||
    validity < 0 ||
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((s) => typeof s === 'string' && SCOPE.test(s))
  ) {
    return sendAccess(res, 400, 'CODE_PARAMS_INVALID', 'invalid parameters')
  }
  const now = state.clock()
  const token: AccessTokenRecord = {
    id: randomUUID(),
    name: name.trim(),
    token: generateAccessToken(),
    scopes: [...new Set(scopes as string[])],
    createdAt: now,
    expiresAt: expiryFor(state, validity, now),
    creatorUserId: found.user.id,
  }
  state.accessTokens.set(token.id, token)
  // §5.3 [report: scottmsilver create_api_token()]: {"data":{"api_key":"<token>",…}}, shown once.
  sendAccess(res, 200, 'SUCCESS', 'success', tokenJson(state, token, true))
}

/** Routes on the console (port 443) under `/proxy/access/…`. */
export function accessProxyRoutes(): Route[] {
  return [
    { method: 'POST', path: '/proxy/access/api/v1/developer/tokens', handler: createToken },
    {
      method: 'GET',
      path: '/proxy/access/api/v1/developer/tokens',
      handler: (ctx) => {
        if (!accessInstalled(ctx) || !authenticate(ctx)) return
        sendAccess(
          ctx.res,
          200,
          'SUCCESS',
          'success',
          [...ctx.state.accessTokens.values()].map((t) => tokenJson(ctx.state, t, false)),
        )
      },
    },
    {
      method: 'DELETE',
      path: /^\/proxy\/access\/api\/v1\/developer\/tokens\/([^/]+)$/,
      handler: (ctx) => {
        if (!accessInstalled(ctx)) return
        const found = authenticate(ctx)
        if (!found) return
        if (!canManage(found.user)) return sendAccess(ctx.res, 403, 'CODE_UNAUTHORIZED', 'not allowed')
        if (!ctx.state.accessTokens.delete(ctx.params[0] ?? ''))
          return sendAccess(ctx.res, 404, 'CODE_NOT_FOUND', 'token not found')
        sendAccess(ctx.res, 200, 'SUCCESS', 'success', null)
      },
    },
    {
      // Any other Access path through the proxy: the gateway refuses keys/no session with
      // {"error":{"code":401,"message":"Unauthorized"}} (§5.1, hass-unifi-access#163 [report]).
      method: '*',
      path: /^\/proxy\/access\/api\/.+$/,
      handler: (ctx) => {
        if (accessInstalled(ctx) && authenticate(ctx)) sendError(ctx.res, 404, 'Not Found')
      },
    },
  ]
}

/** Fake doors in the Access API shape (YuDefine docs, "Fetch All Doors"). */
function fakeDoors(state: SimulatorState): Record<string, unknown>[] {
  const names = ['Front Door', 'Garage', 'Back Door', 'Office', 'Storage']
  return Array.from({ length: state.config.access.doors }, (_, i) => {
    const name = names[i % names.length] ?? 'Door'
    return {
      id: seedUuid(state.config.mac, 'door', String(i)),
      name,
      full_name: `${state.config.name} - 1F - ${name}`,
      floor_id: seedUuid(state.config.mac, 'floor', '1'),
      type: 'door',
      is_bind_hub: true,
      door_lock_relay_status: 'lock',
      door_position_status: 'close',
    }
  })
}

const TOKEN_INVALID = ['CODE_ACCESS_TOKEN_INVALID', 'invalid or expired token'] as const

/** Routes on the Access API listener (`accessPort`, default 12445). */
export function accessApiRoutes(): Route[] {
  const bearer = (ctx: RequestContext): AccessTokenRecord | undefined => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(ctx.req, 'authorization') ?? '')
    const value = m?.[1]
    const token = value === undefined ? undefined : [...ctx.state.accessTokens.values()].find((t) => t.token === value)
    // Missing header, unknown token, a console X-API-KEY or an expired token: all 401 (§5.3).
    if (!token || (token.expiresAt !== null && token.expiresAt <= ctx.state.clock())) {
      sendAccess(ctx.res, ctx.state.config.access.errorsAs200 ? 200 : 401, ...TOKEN_INVALID)
      return undefined
    }
    return token
  }
  return [
    {
      method: 'GET',
      path: '/api/v1/developer/doors',
      handler: (ctx) => {
        const token = bearer(ctx)
        if (!token) return
        // Doors need a space scope [inferred: view:space, or edit:space which implies it].
        if (!token.scopes.includes('view:space') && !token.scopes.includes('edit:space')) {
          return sendAccess(
            ctx.res,
            ctx.state.config.access.errorsAs200 ? 200 : 403,
            'CODE_UNAUTHORIZED',
            'not allowed',
          )
        }
        sendAccess(ctx.res, 200, 'SUCCESS', 'success', fakeDoors(ctx.state))
      },
    },
    {
      method: '*',
      path: /^\/.*$/,
      handler: (ctx) => {
        if (bearer(ctx)) sendAccess(ctx.res, 404, 'CODE_NOT_FOUND', 'not found')
      },
    },
  ]
}
