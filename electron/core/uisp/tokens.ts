// Long-lived UISP API tokens (uisp.md §2, swagger tag "Token: Manage access tokens"):
//   GET    /token            → TokenSchema[]
//   POST   /token            {name ≤ 20, meta ≤ 256, scope: superadmin|admin|guest} → NewTokenSchema (+ `token`)
//   GET    /token/{id}
//   DELETE /token/{id}       → {result: true, message}
// `expiresAt` null = never expires; `scope` makes the token independent of its user,
// and a user can only create tokens of its own scope or lower (swagger) [source].
// We always send a scope: the least one that serves the purpose.
import { KeywardFailure } from '../../../shared/result.ts'
import { hapiMessage, isoOrNull, str } from './http.ts'
import { newTokenReply, revokeRefused, tokenReply } from './replies.ts'
import type { UispCaller } from './session.ts'
import type { UispScope, UispTokenInfo, UispTokenPurpose } from '../../../shared/domain.ts'

export type { UispScope, UispTokenInfo, UispTokenPurpose }

export const UISP_TOKEN_NAME_MAX = 20
export const UISP_TOKEN_META_MAX = 256

/**
 * What each scope allows, in words the UI can show. Only the scope values and
 * "own scope or lower" are [source] (swagger); `/nms/connection` needing admin
 * is [source] (UNMS nms/plugin.js). What guest and superadmin cover beyond that
 * is [inferred] from UNMS routes (`auth: {scope: 'admin'}` on every setting
 * change) and the role names.
 */
export const UISP_SCOPES: Record<UispScope, { rank: number; label: string; allows: string; risk: string }> = {
  guest: {
    rank: 1,
    label: 'Guest (read-only)',
    allows: 'Reads devices, sites and their status. Cannot change anything and cannot read the UISP key.',
    risk: 'If it leaks, someone can see your network inventory, nothing more.',
  },
  admin: {
    rank: 2,
    label: 'Admin',
    allows:
      'Everything a guest can, plus changing devices and settings and reading the UISP key that devices use to connect.',
    risk: 'If it leaks, someone can reconfigure devices and attach their own devices to your UISP.',
  },
  superadmin: {
    rank: 3,
    label: 'Super admin',
    allows: 'Everything, including users and their tokens. Keyward never needs it.',
    risk: 'If it leaks, someone owns the UISP server.',
  },
}

/** Why a token is made, the least scope that serves it, and the one call that proves it works. */
export const UISP_TOKEN_PURPOSES: Record<
  UispTokenPurpose,
  { label: string; scope: UispScope; why: string; checkPath: string }
> = {
  monitor: {
    label: 'Watch devices (dashboards, Home Assistant, scripts)',
    scope: 'guest',
    why: 'Reading device status needs no more than guest; a read-only token cannot break anything.',
    // [source] uisp.md §2: `GET /user` (200 user / 401) validates a token. Guest is the lowest scope,
    // so any token that passes has it; `/user` is small where `/devices` grows with the network.
    checkPath: '/user',
  },
  'register-devices': {
    label: 'Read the UISP key to register devices',
    scope: 'admin',
    why: 'UISP gives the UISP key only to admin scope; superadmin would add user management, which this does not need.',
    checkPath: '/nms/connection',
  },
}

export const leastScopeFor = (purpose: UispTokenPurpose): UispScope => UISP_TOKEN_PURPOSES[purpose].scope

export const scopeCovers = (held: UispScope, needed: UispScope): boolean =>
  UISP_SCOPES[held].rank >= UISP_SCOPES[needed].rank

const isScope = (v: unknown): v is UispScope => v === 'guest' || v === 'admin' || v === 'superadmin'

/** Why a token name cannot be used, or null (swagger: name ≤ 20 characters). */
export function tokenNameProblem(name: string): string | null {
  if (name.trim() === '') return 'A token needs a name.'
  if ([...name].length > UISP_TOKEN_NAME_MAX)
    return `UISP token names are at most ${UISP_TOKEN_NAME_MAX} characters; this one has ${[...name].length}.`
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'A token name cannot contain control characters.'
  return null
}

/** A token just created: the only time UISP returns the secret. */
export interface NewUispToken extends UispTokenInfo {
  /** The secret (a UUID v4 per swagger's example): to the keychain only. */
  token: string
}

function parseToken(reply: unknown): UispTokenInfo | null {
  const parsed = tokenReply.safeParse(reply) // TokenSchema, uisp.md §2
  if (!parsed.success) return null
  const t = parsed.data
  return {
    id: t.id,
    name: str(t.name) ?? '',
    scope: isScope(t.scope) ? t.scope : null,
    expiresAt: isoOrNull(t.expiresAt),
    maxExpiresAt: isoOrNull(t.maxExpiresAt),
    createdAt: isoOrNull(t.createdAt),
    lastUsed: isoOrNull(t.lastUsed),
    meta: str(t.meta),
    userId: str(t.userId),
    transient: t.transient === true,
    currentSession: t.currentSession === true,
  }
}

export interface CreateUispTokenRequest {
  name: string
  scope: UispScope
  /** Free text ≤ 256 characters the token list shows; Keyward puts its flow id here. */
  meta?: string
}

export async function createUispToken(caller: UispCaller, request: CreateUispTokenRequest): Promise<NewUispToken> {
  const label = caller.target.label
  const nameProblem = tokenNameProblem(request.name)
  if (nameProblem) throw new KeywardFailure('invalid-input', nameProblem)
  if (request.meta !== undefined && request.meta.length > UISP_TOKEN_META_MAX) {
    throw new KeywardFailure('invalid-input', `The token note is at most ${UISP_TOKEN_META_MAX} characters.`)
  }
  const reply = await caller.call('POST', '/token', {
    name: request.name,
    scope: request.scope,
    ...(request.meta !== undefined ? { meta: request.meta } : {}),
  })
  if (reply.status === 403) {
    throw new KeywardFailure(
      'forbidden',
      `${label} refused to create a ${UISP_SCOPES[request.scope].label} token: an account can only create tokens of its own scope or lower.`,
      hapiMessage(reply.body) ?? undefined,
    )
  }
  if (reply.status === 400) {
    throw new KeywardFailure(
      'refused',
      `${label} refused the token: ${hapiMessage(reply.body) ?? 'invalid request'}.`,
      'status 400',
    )
  }
  if (reply.status !== 200 && reply.status !== 201) {
    throw new KeywardFailure(
      'refused',
      `${label} refused to create the token (${reply.status}): ${hapiMessage(reply.body) ?? 'no explanation'}.`,
      `status ${reply.status}`,
    )
  }
  const info = parseToken(reply.body)
  const created = newTokenReply.safeParse(reply.body) // NewTokenSchema, uisp.md §2
  const secret = created.success ? created.data.token.trim() : null
  if (!info || !secret) throw new KeywardFailure('bad-reply', `${label} created a token but did not send it back.`)
  // A token made with a scope must carry it; a server that ignored it would hand out more rights than asked.
  if (info.scope !== null && info.scope !== request.scope) {
    await revokeUispToken(caller, info.id).catch(() => undefined)
    throw new KeywardFailure(
      'bad-reply',
      `${label} created the token with scope "${info.scope}" instead of "${request.scope}"; Keyward revoked it.`,
    )
  }
  return { ...info, scope: info.scope ?? request.scope, token: secret }
}

/** The tokens of the calling user. Sign-in sessions are left out unless asked for. */
export async function listUispTokens(
  caller: UispCaller,
  options: { includeSessions?: boolean } = {},
): Promise<UispTokenInfo[]> {
  const reply = await caller.call('GET', '/token')
  if (reply.status === 403)
    throw new KeywardFailure(
      'forbidden',
      `${caller.target.label} does not let this account list tokens.`,
      hapiMessage(reply.body) ?? undefined,
    )
  if (reply.status !== 200 || !Array.isArray(reply.body)) {
    throw new KeywardFailure(
      'bad-reply',
      `${caller.target.label} did not list its tokens (${reply.status}).`,
      `status ${reply.status}`,
    )
  }
  const all = reply.body.flatMap((t) => parseToken(t) ?? [])
  return options.includeSessions ? all : all.filter((t) => !t.transient)
}

export async function getUispToken(caller: UispCaller, id: string): Promise<UispTokenInfo | null> {
  const reply = await caller.call('GET', `/token/${encodeURIComponent(id)}`)
  if (reply.status === 404) return null
  if (reply.status !== 200)
    throw new KeywardFailure(
      'bad-reply',
      `${caller.target.label} did not show the token (${reply.status}).`,
      `status ${reply.status}`,
    )
  const info = parseToken(reply.body)
  if (!info) throw new KeywardFailure('bad-reply', `${caller.target.label} sent a token without an id.`)
  return info
}

/** Revokes a token; false when it was already gone. */
export async function revokeUispToken(caller: UispCaller, id: string): Promise<boolean> {
  const reply = await caller.call('DELETE', `/token/${encodeURIComponent(id)}`)
  if (reply.status === 404) return false
  if (reply.status === 403)
    throw new KeywardFailure(
      'forbidden',
      `${caller.target.label} does not let this account revoke that token.`,
      hapiMessage(reply.body) ?? undefined,
    )
  if (reply.status !== 200 && reply.status !== 204) {
    throw new KeywardFailure(
      'refused',
      `${caller.target.label} refused to revoke the token (${reply.status}): ${hapiMessage(reply.body) ?? 'no explanation'}.`,
      `status ${reply.status}`,
    )
  }
  if (revokeRefused.safeParse(reply.body).success) {
    throw new KeywardFailure(
      'refused',
      `${caller.target.label} did not revoke the token: ${hapiMessage(reply.body) ?? 'no explanation'}.`,
    )
  }
  return true
}
