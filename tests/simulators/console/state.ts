// Mutable per-console state: users, sessions, API keys, Access tokens and the limiters.
// Exposed as `RunningConsole.state` so tests can inspect (and, if they must, seed) it.
import { randomBytes, randomUUID } from 'node:crypto'
import type { FaultSpec } from './faults.ts'
import type { AccountSeed, ConsoleConfig, RoleKey } from './presets.ts'
import { LoginLockout, policyName, PrincipalRateLimiter, type RatePolicy } from './rate-limit.ts'
import { ROLE_DEFINITIONS, type RoleRecord } from './roles.ts'

export interface UserRecord {
  id: string
  username: string
  password: string
  roleKey: RoleKey
  isOwner: boolean
  localAccount: boolean
  /** Expected 2FA code; accounts without one log in directly. */
  mfaCode?: string
  email: string
  firstName: string
  lastName: string
  /** Seconds since the epoch, like the profile's `create_time` (§2 [fixture]). */
  createTime: number
  updateTime: number
  permissionsOverride?: Record<string, string[]>
  /**
   * Knob (issue 18): the profile's `status`. The fixture shows `"ACTIVE"` (unifi-os.md §2); what a
   * disabled account says is not documented, so `"DISABLED"` here is [inferred]. Default ACTIVE.
   */
  status?: string
}

export interface SessionRecord {
  id: string
  userId: string
  issuedAt: number
  /** ms (simulated clock); `expireSessions()` sets it to now. */
  expiresAt: number
  /** Valid CSRF tokens, oldest first; rotation keeps the last two (§2 Session). */
  csrfTokens: string[]
  /** Every cookie value issued for this session (re-issued on rotation, see AuthConfig). */
  jwts: string[]
  loggedOut: boolean
}

export interface ApiKeyRecord {
  id: string
  name: string
  description: string
  /** The full key; only ever returned by the create call (§4.1 "shown once"). */
  key: string
  /** Whose key it is: listed under `/user/{userId}/keys`, and whose rights it carries (§4.2). */
  userId: string
  /** Session user that minted it (differs from `userId` when the owner mints for someone else). */
  creatorUserId: string
  createdAt: number
  updatedAt: number
  lastUsedAt: number | null
}

export interface AccessTokenRecord {
  id: string
  name: string
  token: string
  scopes: string[]
  createdAt: number
  /** null = never expires (`validity_period: 0`, §5.3). */
  expiresAt: number | null
  creatorUserId: string
}

export interface MfaChallenge {
  userId: string
  expiresAt: number
}

/** A queued fault (see faults.ts); `fired` resolves the promise `failNext` returned. */
export interface PendingFault extends FaultSpec {
  fired: () => void
}

export interface SimulatorState {
  config: ConsoleConfig
  /** Simulated time in ms (ListenOptions.clock, default Date.now). */
  clock: () => number
  /** HS256 secret for this console's session JWTs. */
  jwtSecret: Buffer
  roles: RoleRecord[]
  users: Map<string, UserRecord>
  sessions: Map<string, SessionRecord>
  /** Cookie value (JWT) → session id. */
  sessionsByJwt: Map<string, string>
  apiKeys: Map<string, ApiKeyRecord>
  accessTokens: Map<string, AccessTokenRecord>
  /** `UBIC_2FA` cookie value → pending challenge. */
  mfaChallenges: Map<string, MfaChallenge>
  /** CSRF tokens handed out on the unauthenticated `GET /` (the last 100), for knob `auth.loginCsrf`. */
  rootCsrfTokens: string[]
  loginLockout: LoginLockout
  /** Every `POST /api/auth/login` that reached the console, locked or not (issue 14 §2: count, never time). */
  loginAttempts: number
  /** Every HTTP request that reached the console, on any listener (issue 18: "zero requests"). */
  requestCount: number
  /** Requests that reached the Access API listener (:12445) only: a token sent there is counted. */
  accessRequestCount: number
  /** SHA-256 of the certificate served in each finished TLS handshake, oldest first (the last 1000). */
  handshakes: string[]
  /** Integration API budget per user principal (§5.1), built from `config.rateLimit` on every request. */
  integrationLimiter: PrincipalRateLimiter
  /** Every integration request in arrival order (the last 10 000): whose budget it spent and the answer. */
  integrationLog: IntegrationLogEntry[]
  faults: PendingFault[]
  /** Network integration site id of the default site (a UUID, §5.2). */
  defaultSiteId: string
}

export interface IntegrationLogEntry {
  /** Simulated time of arrival (ms). */
  at: number
  app: 'protect' | 'network'
  /** Path below `/proxy/<app>/integration/`. */
  path: string
  /** Whose budget it spent: the key holder's user id, or `anon:<address>` without a known key. */
  principal: string
  /** Status sent (0 until the reply is finished). */
  status: number
  /** `r` and `t` of the policy with least left, as announced (also when headers are off). */
  remaining: number
  resetSeconds: number
}

/** The policies `config.rateLimit` describes: "10-in-1sec", and the second one when its quota is set. */
export function ratePolicies(config: ConsoleConfig): RatePolicy[] {
  const { quota, windowSeconds, second } = config.rateLimit
  const policy = (q: number, w: number): RatePolicy => ({ name: policyName(q, w), quota: q, windowMs: w * 1000 })
  return [policy(quota, windowSeconds), ...(second.quota > 0 ? [policy(second.quota, second.windowSeconds)] : [])]
}

export function userFromSeed(seed: AccountSeed, nowSeconds: number): UserRecord {
  return {
    id: seed.id,
    username: seed.username,
    password: seed.password,
    roleKey: seed.role,
    isOwner: seed.isOwner,
    localAccount: seed.localAccount,
    email: seed.email ?? '',
    firstName: seed.firstName ?? '',
    lastName: seed.lastName ?? '',
    createTime: nowSeconds,
    updateTime: nowSeconds,
    ...(seed.mfa ? { mfaCode: seed.mfa.code } : {}),
    ...(seed.permissions ? { permissionsOverride: seed.permissions } : {}),
  }
}

export function createState(config: ConsoleConfig, clock: () => number): SimulatorState {
  const nowSeconds = Math.floor(clock() / 1000)
  const users = new Map<string, UserRecord>()
  for (const seed of config.accounts) users.set(seed.id, userFromSeed(seed, nowSeconds))
  return {
    config,
    clock,
    jwtSecret: randomBytes(32),
    roles: Object.values(ROLE_DEFINITIONS).map((def) => ({ ...def, uniqueId: randomUUID() })),
    users,
    sessions: new Map(),
    sessionsByJwt: new Map(),
    apiKeys: new Map(),
    accessTokens: new Map(),
    mfaChallenges: new Map(),
    rootCsrfTokens: [],
    loginLockout: new LoginLockout(() => config.auth.lockout),
    loginAttempts: 0,
    requestCount: 0,
    accessRequestCount: 0,
    handshakes: [],
    integrationLimiter: new PrincipalRateLimiter(() => ({
      policies: ratePolicies(config),
      window: config.rateLimit.window,
    })),
    integrationLog: [],
    faults: [],
    defaultSiteId: randomUUID(),
  }
}

export function roleOf(state: SimulatorState, user: UserRecord): RoleRecord {
  const role = state.roles.find((r) => r.key === user.roleKey)
  if (!role) throw new Error(`unknown role ${user.roleKey}`)
  return role
}

export function permissionsOf(state: SimulatorState, user: UserRecord): Record<string, string[]> {
  return user.permissionsOverride ?? roleOf(state, user).permissions
}

export function isSuperAdmin(user: UserRecord): boolean {
  return user.roleKey === 'super_administrator'
}

/** Minting keys and managing admins need Super Admin or Owner (§3 end) [report]. */
export function canManage(user: UserRecord): boolean {
  return user.isOwner || isSuperAdmin(user)
}

/** Whether a key holder may use `<app>`'s APIs: any level on `<app>.management` (§4.2). */
export function hasAppPermission(state: SimulatorState, user: UserRecord, app: string): boolean {
  return (permissionsOf(state, user)[`${app}.management`] ?? []).length > 0
}

export function findUserByName(state: SimulatorState, username: string): UserRecord | undefined {
  const wanted = username.toLowerCase()
  for (const u of state.users.values()) if (u.username.toLowerCase() === wanted) return u
  return undefined
}

/** Drops a user with their sessions and API keys (DELETE user, §3). */
export function deleteUser(state: SimulatorState, userId: string): void {
  state.users.delete(userId)
  for (const [id, key] of state.apiKeys) if (key.userId === userId) state.apiKeys.delete(id)
  for (const [id, session] of state.sessions) {
    if (session.userId !== userId) continue
    for (const jwt of session.jwts) state.sessionsByJwt.delete(jwt)
    state.sessions.delete(id)
  }
}

export const isoTime = (ms: number): string => new Date(ms).toISOString()

/**
 * Knob (issue 18): an admin added on the console's own Admins page (outside Keyward), e.g. a
 * leftover local-only Super Admin or a disabled one (`status`, see UserRecord). Returns its id.
 */
export function seedUser(
  state: SimulatorState,
  seed: { username: string; role?: RoleKey; localAccount?: boolean; status?: string },
): string {
  const user = userFromSeed(
    {
      id: randomUUID(),
      username: seed.username,
      password: `${seed.username}-Pass-1`,
      role: seed.role ?? 'super_administrator',
      isOwner: false,
      localAccount: seed.localAccount ?? true,
    },
    Math.floor(state.clock() / 1000),
  )
  state.users.set(user.id, seed.status ? { ...user, status: seed.status } : user)
  return user.id
}
