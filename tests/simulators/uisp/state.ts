// Configuration and mutable state of the UISP simulator: users, sessions, API
// tokens, pending 2FA sign-ins, the UISP key. Exposed as `RunningUisp.state`
// so tests can inspect it. Times are ms on the simulated clock.
import { randomBytes, randomUUID } from 'node:crypto'

export type Scope = 'guest' | 'admin' | 'superadmin'
export const SCOPE_RANK: Record<Scope, number> = { guest: 1, admin: 2, superadmin: 3 }
export const SCOPES: readonly Scope[] = ['superadmin', 'admin', 'guest']

export type KeyOption = 'allowSelfSignedCertificate' | 'allowUntrustedCertificate'

export interface UserSpec {
  id: string
  username: string
  password: string
  email: string
  /** UNMS UserSchema `role`; also the scope of the user's sessions. */
  role: Scope
  /** Base32 TOTP secret; users with one sign in with 2FA. */
  totpSecret: string | null
}

/** A well-known RFC 6238 example secret; codes come from `RunningUisp.totp()`. */
export const UISP_TOTP_SECRET = 'JBSWY3DPEHPK3PXP'
export const UISP_ADMIN = { username: 'uisp-admin', password: 'Uisp-Admin-Pass-1' } as const
export const UISP_OPERATOR = { username: 'operator', password: 'Operator-Pass-2' } as const
export const UISP_VIEWER = { username: 'viewer', password: 'Viewer-Pass-3' } as const

export function defaultUsers(twoFactor: boolean): UserSpec[] {
  return [
    {
      id: '5a6c1f00-0000-4000-8000-000000000001',
      ...UISP_ADMIN,
      email: 'admin@example.invalid',
      role: 'superadmin',
      totpSecret: twoFactor ? UISP_TOTP_SECRET : null,
    },
    {
      id: '5a6c1f00-0000-4000-8000-000000000002',
      ...UISP_OPERATOR,
      email: 'operator@example.invalid',
      role: 'admin',
      totpSecret: null,
    },
    {
      id: '5a6c1f00-0000-4000-8000-000000000003',
      ...UISP_VIEWER,
      email: 'viewer@example.invalid',
      role: 'guest',
      totpSecret: null,
    },
  ]
}

/** 32 random bytes + 4 zero bytes, base64url: the observed 48-character form (uisp.md §4 rule 3). */
export const newAesKey = (): string => Buffer.concat([randomBytes(32), Buffer.alloc(4)]).toString('base64url')

export interface UispConfig {
  users: UserSpec[]
  /** API token lifetime; null = tokens never expire (`expiresAt: null`, §2). */
  tokenLifetimeMs: number | null
  /** Sign-in session lifetime [inferred]. */
  sessionLifetimeMs: number
  /** How long the 201 TwoFactorToken stays usable (`exp`) [inferred]. */
  twoFactorWindowMs: number
  /** UNMS 0.11.3 validates `password` in /user/login/totpauth; the swagger does not (§1 vs user/routes.js). */
  totpNeedsPassword: boolean
  aesKey: string
  /** The key's certificate suffix (§4); §7 checklist: allowSelfSignedCertificate. */
  keyOption: KeyOption | null
  /** Host and port in the key; default the listening address. */
  connectionHost: string | null
  connectionPort: number | null
  /** `/nms/connection` body: `raw` = the string as hapi sends one (text/html) [inferred], `json` = a JSON string. */
  connectionFormat: 'raw' | 'json'
  /** `omitted`: token views leave `meta` out (an implementation that does not keep it, uisp.md §2). */
  tokenMeta: 'listed' | 'omitted'
  devices: unknown[]
}

export interface SessionRecord {
  id: string
  jwt: string
  userId: string
  createdAt: number
  expiresAt: number
  lastUsed: number | null
}

export interface TokenRecord {
  id: string
  token: string
  name: string
  meta: string | null
  /** null = acts with the rights of its user (swagger `scope`). */
  scope: Scope | null
  userId: string
  createdAt: number
  expiresAt: number | null
  maxExpiresAt: number | null
  lastUsed: number | null
}

export interface PendingTwoFactor {
  id: string
  userId: string
  exp: number
}

export interface UispState {
  config: UispConfig
  clock: () => number
  sessions: Map<string, SessionRecord>
  tokens: Map<string, TokenRecord>
  pending: Map<string, PendingTwoFactor>
  /** Every request as "METHOD /path". */
  requests: string[]
  /** The next request matching this loses its reply after the handler ran (for resume tests). */
  dropReply: { method: string; path: string; fired: () => void } | null
  /** Filled in once listening: the address the key points at by default. */
  listen: { host: string; port: number }
}

export function createState(config: UispConfig, clock: () => number): UispState {
  return {
    config,
    clock,
    sessions: new Map(),
    tokens: new Map(),
    pending: new Map(),
    requests: [],
    dropReply: null,
    listen: { host: '127.0.0.1', port: 0 },
  }
}

/** The key `/nms/connection` hands out (UNMS lib/settings: `wss://${hostname}:${publicWsPort}+${aesKey}`). */
export function connectionString(state: UispState): string {
  const c = state.config
  const host = c.connectionHost ?? state.listen.host
  const port = c.connectionPort ?? state.listen.port
  const h = host.includes(':') ? `[${host}]` : host
  return `wss://${h}:${port}+${c.aesKey}${c.keyOption ? `+${c.keyOption}` : ''}`
}

/**
 * Knob (issue 18): a token made on UISP's own Users page (outside Keyward) for `userId`, with the
 * `scope`, `expiresAt` and `lastUsed` its list reports (uisp.md §2 TokenSchema). Returns its id.
 */
export function seedToken(
  state: UispState,
  seed: { userId: string; name: string; scope?: Scope | null; expiresAt?: number | null; lastUsed?: number | null },
): string {
  const now = state.clock()
  const id = randomUUID()
  state.tokens.set(id, {
    id,
    token: randomUUID(),
    name: seed.name,
    meta: null,
    scope: seed.scope ?? null,
    userId: seed.userId,
    createdAt: now,
    expiresAt: seed.expiresAt ?? null,
    maxExpiresAt: seed.expiresAt ?? null,
    lastUsed: seed.lastUsed ?? null,
  })
  return id
}
