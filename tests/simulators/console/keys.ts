// Console API keys ("Integrations"), unifi-os.md §4.1. Keys live in this console's store
// only (§4.2 "per console") and carry the rights of the user they belong to.
import { randomBytes, randomUUID } from 'node:crypto'
import { authenticate, type Authenticated } from './auth.ts'
import {
  asRecord,
  readJsonBody,
  sendEnvelope,
  sendEnvelopeError,
  sendError,
  type RequestContext,
  type Route,
} from './http.ts'
import { canManage, isoTime, permissionsOf, type ApiKeyRecord, type SimulatorState, type UserRecord } from './state.ts'

/**
 * 32 chars of `[A-Za-z0-9_-]` (§4.1 Format [inferred]); knob `shapes.keyFormat: 'base64'`: standard
 * base64 with `+`, `/` and `=` padding, 36 chars (clients "treat keys as opaque", §4.1 [inferred]).
 */
export function generateApiKey(format: 'base64url' | 'base64' = 'base64url'): string {
  return format === 'base64' ? randomBytes(25).toString('base64') : randomBytes(24).toString('base64url')
}

/** `abcd***wxyz` (§4.1 [fixture]). */
export function maskKey(key: string): string {
  return `${key.slice(0, 4)}***${key.slice(-4)}`
}

/**
 * Knob `shapes.keyPaths` (§4.1 "Both exist"): a console whose firmware answers only one of
 * `/user/self/keys` and `/user/{userId}/keys` 404s the other, like an unknown route (issue 14 §1);
 * knob `shapes.missingKeyPath` refuses it with 400/405/501 instead.
 * Sends the 404 and returns true when this request used the missing shape.
 */
function pathMissing(ctx: RequestContext): boolean {
  const paths = ctx.state.config.shapes.keyPaths
  const self = ctx.params[0] === 'self'
  if (paths === 'both' || (paths === 'self') === self) return false
  const status = ctx.state.config.shapes.missingKeyPath
  if (status === 404) sendError(ctx.res, 404, 'Not Found')
  else sendEnvelopeError(ctx.res, status, 'NOT_SUPPORTED', 'This operation is not supported')
  return true
}

/**
 * `/user/self/keys` or `/user/{id}/keys`: `{id}` must be the session user, unless the session
 * user is the owner (who manages everyone's keys) [inferred]. Sends the error and returns
 * undefined when refused.
 */
function resolveTarget(ctx: RequestContext, found: Authenticated): UserRecord | undefined {
  const id = ctx.params[0] ?? ''
  if (id === 'self' || id === found.user.id) return found.user
  if (!found.user.isOwner) {
    sendEnvelopeError(ctx.res, 403, 'PERMISSION_DENIED', 'Not allowed to manage API keys of another user')
    return undefined
  }
  const target = ctx.state.users.get(id)
  if (!target) sendEnvelopeError(ctx.res, 404, 'USER_NOT_FOUND', 'User not found')
  return target
}

/**
 * Knob (issue 18): a key made on the console's own Integrations page, outside Keyward, for `userId`,
 * with the times its list reports (`created_at`, `last_used_at`, unifi-os.md §4.1). Returns its id.
 */
export function seedApiKey(
  state: SimulatorState,
  seed: { userId: string; name: string; createdAt?: number; lastUsedAt?: number | null },
): string {
  const created = seed.createdAt ?? state.clock()
  const key: ApiKeyRecord = {
    id: randomUUID(),
    name: seed.name,
    description: '',
    key: generateApiKey(),
    userId: seed.userId,
    creatorUserId: seed.userId,
    createdAt: created,
    updatedAt: created,
    lastUsedAt: seed.lastUsedAt ?? null,
  }
  state.apiKeys.set(key.id, key)
  return key.id
}

function keyListItem(state: SimulatorState, key: ApiKeyRecord): Record<string, unknown> {
  const holder = state.users.get(key.userId)
  return {
    id: key.id,
    name: key.name,
    masked_api_key: maskKey(key.key),
    description: key.description,
    created_at: isoTime(key.createdAt),
    updated_at: isoTime(key.updatedAt),
    last_used_at: key.lastUsedAt === null ? null : isoTime(key.lastUsedAt),
    creator_user_id: key.creatorUserId,
    // Real keys report the holder's permission map (gitkodak SECURITY.md [report]).
    permissions: holder ? permissionsOf(state, holder) : {},
    key_permissions: [],
    scopes: [],
  }
}

async function createKey(ctx: RequestContext): Promise<void> {
  const { req, res, state } = ctx
  const body = await readJsonBody(req)
  const found = authenticate(ctx)
  if (!found || pathMissing(ctx)) return
  // §3 end: "accounts without owner rights are refused" / "It needs to be 'super admin'" [report].
  if (!canManage(found.user)) {
    return sendEnvelopeError(
      res,
      403,
      'PERMISSION_DENIED',
      'Only a Super Administrator or the Owner can create API keys',
    )
  }
  // Knob `keyCreation: 'owner-only'`: firmware that lets only the owner mint (§9 open question) [inferred body].
  if (state.config.keyCreation === 'owner-only' && !found.user.isOwner) {
    return sendEnvelopeError(res, 403, 'PERMISSION_DENIED', 'Only the Owner can create API keys')
  }
  const target = resolveTarget(ctx, found)
  if (!target) return
  const b = body.ok ? asRecord(body.value) : {}
  const name = typeof b.name === 'string' ? b.name.trim() : ''
  if (name === '' || name.length > 128) return sendEnvelopeError(res, 400, 'INVALID_PARAMETERS', 'name is required')
  const now = state.clock()
  const key: ApiKeyRecord = {
    id: randomUUID(),
    name,
    // Knob `shapes.keyDescription: 'ignored'`: a console that keeps only the name (§4.1).
    description:
      typeof b.description === 'string' && state.config.shapes.keyDescription === 'kept' ? b.description : '',
    key: generateApiKey(state.config.shapes.keyFormat),
    userId: target.id,
    creatorUserId: found.user.id,
    createdAt: now,
    updatedAt: now,
    lastUsedAt: null,
  }
  state.apiKeys.set(key.id, key)
  // §4.1 browser form [source]: the only time the full key is returned.
  sendEnvelope(res, { id: key.id, name: key.name, full_api_key: key.key, permissions: {}, scopes: [] })
}

export function keysRoutes(): Route[] {
  return [
    { method: 'POST', path: /^\/proxy\/users\/api\/v2\/user\/([^/]+)\/keys$/, handler: createKey },
    {
      // §4.1 List [source]: masked keys of one user.
      method: 'GET',
      path: /^\/proxy\/users\/api\/v2\/user\/([^/]+)\/keys$/,
      handler: (ctx) => {
        const found = authenticate(ctx)
        if (!found || pathMissing(ctx)) return
        const target = resolveTarget(ctx, found)
        if (!target) return
        const keys = [...ctx.state.apiKeys.values()].filter((k) => k.userId === target.id)
        sendEnvelope(
          ctx.res,
          keys.map((k) => keyListItem(ctx.state, k)),
        )
      },
    },
    {
      // §4.1 Delete [source]: 200 {"code":1,"codeS":"SUCCESS","data":"success"}.
      method: 'DELETE',
      path: /^\/proxy\/users\/api\/v2\/keys\/([^/]+)$/,
      handler: (ctx) => {
        const found = authenticate(ctx)
        if (!found) return
        const key = ctx.state.apiKeys.get(ctx.params[0] ?? '')
        if (!key) return sendEnvelopeError(ctx.res, 404, 'API_KEY_NOT_FOUND', 'API key not found')
        if (key.userId !== found.user.id && !found.user.isOwner) {
          return sendEnvelopeError(ctx.res, 403, 'PERMISSION_DENIED', 'Not allowed to delete this API key')
        }
        ctx.state.apiKeys.delete(key.id)
        sendEnvelope(ctx.res, 'success')
      },
    },
  ]
}
