// The wizard's core flow on one console: create a dedicated local-only user →
// sign in as that user → mint the key → store it → verify it. Each step is
// journaled (metadata only) before and after it touches the console, so a
// flow cut off anywhere resumes without a second user or a stray key:
//   - the password is in the keychain BEFORE the user is created, so a user
//     whose creation reply was lost is found by name and adopted;
//   - every key carries the flow id in its description, so a key whose mint
//     reply was lost is found and revoked before minting again;
//   - a key that cannot be stored in the keychain is revoked at once.
// Facts: unifi-os.md §3 (users, Super Admin needed to mint), §4.1 (keys).
import { journaled } from '../journal.ts'
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import type { KeyCheck, ProvisionRecord, UnifiApp } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { createAccessToken, listAccessTokens, revokeAccessToken } from './access.ts'
import { listKeys, mintKey, revokeKey } from './keys.ts'
import { ConsoleSession, type ConsoleTarget } from './session.ts'
import { createLocalUser, listAdmins, listRoles } from './users.ts'

export interface ProvisionJournal {
  get(id: string): ProvisionRecord | null
  save(record: ProvisionRecord): void
}

export interface ProvisionDeps {
  vault: SecretStore
  journal: ProvisionJournal
  /** Opens a session as the dedicated user (injectable for tests). */
  openSession?: (target: ConsoleTarget) => ConsoleSession
  verify: (key: string) => Promise<KeyCheck>
  /** For `app: 'access'`: the token's validity and scopes (default: 365 days, the web UI's scopes). */
  accessToken?: AccessTokenPlan
  now?: () => number
}

export interface ProvisionRequest {
  consoleKey: string
  app: UnifiApp
  username: string
  keyName: string
  mode?: ProvisionRecord['mode']
  /** Access tokens: days until it expires (0 = never). */
  accessValidityDays?: number
}

/** Access tokens: validity and scopes chosen in the plan (0 days = never expires). */
export interface AccessTokenPlan {
  validityDays: number
  scopes?: string[]
}

export function newProvision(request: ProvisionRequest, now = Date.now()): ProvisionRecord {
  const id = randomUUID()
  const at = new Date(now).toISOString()
  return {
    id,
    consoleKey: request.consoleKey,
    app: request.app,
    mode: request.mode ?? 'dedicated-user',
    username: request.username,
    keyName: request.keyName,
    userId: null,
    passwordRef: `user-password:${id}`,
    keyRef: `key:${id}`,
    keyId: null,
    expiresAt: null,
    accessValidityDays: request.app === 'access' ? (request.accessValidityDays ?? 365) : null,
    steps: { user: request.mode === 'signed-in-admin' ? 'skipped' : 'pending', key: 'pending', verify: 'pending' },
    lastError: null,
    createdAt: at,
    updatedAt: at,
  }
}

/**
 * A password the console accepts and nobody needs to type: 24 characters with
 * upper, lower, digit and a symbol, so any plausible strength rule is met.
 */
export function generatePassword(): string {
  const pick = (chars: string) => chars[randomInt(chars.length)]!
  // 20 random characters plus one of each class, shuffled: never cut after the shuffle.
  const body = randomBytes(30).toString('base64url').replace(/[-_]/g, '').slice(0, 20)
  const parts = [pick('ABCDEFGHJKLMNPQRSTUVWXYZ'), pick('abcdefghijkmnopqrstuvwxyz'), pick('23456789'), pick('!#%+=?@'), ...body]
  for (let i = parts.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[parts[i], parts[j]] = [parts[j]!, parts[i]!]
  }
  return parts.join('')
}

const marker = (record: ProvisionRecord) => `Keyward ${record.id}`

/** Suggested names: short, recognisable on the console's Admins page. */
export const suggestUsername = (app: UnifiApp) => `keyward-${app}`
export const suggestKeyName = (app: UnifiApp, consumer = 'home-assistant') => `${consumer}-${app}`

type ProvisionStep = 'user' | 'key' | 'verify'

export class ProvisionFailure extends KeywardFailure {
  constructor(
    failure: KeywardFailure,
    readonly step: ProvisionStep,
    /** The dedicated user could not be created: minting as the signed-in admin is possible. */
    readonly fallbackAvailable: boolean,
  ) {
    super(failure.code, failure.message, failure.detail)
  }
}

/**
 * Runs (or resumes) a provision with `admin` signed in as Owner or Super Admin.
 * Returns the final record and the key check; the key itself stays in the vault.
 */
export async function runProvision(
  admin: ConsoleSession,
  start: ProvisionRecord,
  deps: ProvisionDeps,
): Promise<{ record: ProvisionRecord; check: KeyCheck }> {
  const flow = journaled<ProvisionStep, ProvisionRecord>(start, deps.journal, {
    ...(deps.now ? { now: deps.now } : {}),
    fail: (failure, step) => new ProvisionFailure(failure, step, false),
  })
  // A refused user creation (UniFi OS 5 "Fabric") may fall back to minting as the signed-in admin.
  const userFailed = (failure: KeywardFailure) =>
    new ProvisionFailure(failure, 'user', failure.code === 'refused' || failure.code === 'forbidden' || failure.code === 'not-found')

  if (flow.record.mode === 'dedicated-user' && flow.record.steps.user !== 'done') {
    await flow.step('user', () => ensureUser(admin, flow.record, deps, flow.save), userFailed)
  }

  let key: string | null = flow.record.steps.key === 'done' ? await deps.vault.get(flow.record.keyRef) : null
  if (!key) {
    key = await flow.step('key', () => mintAndStore(admin, flow.record, deps, flow.save))
  }

  // A failed check is a diagnosis, returned as a value; the key stays stored so the user can act on it.
  const check = await flow.check('verify', () => deps.verify(key))
  return { record: flow.record, check }
}

async function ensureUser(admin: ConsoleSession, record: ProvisionRecord, deps: ProvisionDeps, save: (p: Partial<ProvisionRecord>) => void): Promise<void> {
  const existing = (await listAdmins(admin)).find((u) => u.username.toLowerCase() === record.username.toLowerCase())
  if (existing) {
    // Resume: the create reply was lost, but the user exists and we hold its password.
    if (await deps.vault.get(record.passwordRef)) {
      save({ userId: existing.id })
      return
    }
    throw new KeywardFailure('conflict', `${admin.target.label} already has a user named "${record.username}" that Keyward did not create. Choose another name.`)
  }
  const superAdmin = (await listRoles(admin)).find((r) => r.systemKey === 'super_administrator')
  if (!superAdmin) throw new KeywardFailure('not-found', `${admin.target.label} lists no Super Admin role, which a user needs to create API keys.`)
  let password = await deps.vault.get(record.passwordRef)
  if (!password) {
    password = generatePassword()
    await deps.vault.set(record.passwordRef, password) // before the console hears of it
  }
  const user = await createLocalUser(admin, { username: record.username, password, roleId: superAdmin.id })
  save({ userId: user.id })
}

async function mintAndStore(admin: ConsoleSession, record: ProvisionRecord, deps: ProvisionDeps, save: (p: Partial<ProvisionRecord>) => void): Promise<string> {
  let session = admin
  if (record.mode === 'dedicated-user') {
    const password = await deps.vault.get(record.passwordRef)
    if (!password) throw new KeywardFailure('keychain-unavailable', `The password of "${record.username}" is missing from the keychain; start over to create a new user.`)
    session = (deps.openSession ?? ((t) => new ConsoleSession(t)))(admin.target)
    const outcome = await session.login({ username: record.username, password })
    if (outcome.state !== 'signed-in') {
      throw new KeywardFailure('refused', `${admin.target.label} asked the new local user for a two-factor code, which local-only users should not need.`)
    }
  }
  try {
    if (record.app === 'access') return await mintAccessToken(session, record, deps, save)
    // A key from an earlier, interrupted attempt of this flow: revoke it first.
    for (const stray of (await listKeys(session)).filter((k) => k.description === marker(record))) {
      await revokeKey(session, stray.id)
    }
    const minted = await mintKey(session, record.keyName, marker(record))
    try {
      await deps.vault.set(record.keyRef, minted.key)
    } catch (error) {
      await revokeKey(session, minted.id).catch(() => undefined) // a key we cannot keep must not live on
      throw error
    }
    save({ keyId: minted.id, expiresAt: null })
    return minted.key
  } finally {
    if (session !== admin) await session.logout().catch(() => undefined)
  }
}

/**
 * Access uses its own tokens (unifi-os.md §5.3). Tokens have no description,
 * so the flow id goes into the name the Access settings page shows.
 */
async function mintAccessToken(session: ConsoleSession, record: ProvisionRecord, deps: ProvisionDeps, save: (p: Partial<ProvisionRecord>) => void): Promise<string> {
  const name = `${record.keyName} (${marker(record)})`
  for (const stray of (await listAccessTokens(session)).filter((t) => t.name === name)) {
    await revokeAccessToken(session, stray.id)
  }
  const plan = deps.accessToken ?? { validityDays: record.accessValidityDays ?? 365 }
  const token = await createAccessToken(session, { name, ...plan }, (deps.now ?? Date.now)())
  try {
    await deps.vault.set(record.keyRef, token.token)
  } catch (error) {
    if (token.id) await revokeAccessToken(session, token.id).catch(() => undefined)
    throw error
  }
  save({ keyId: token.id, expiresAt: token.expiresAt })
  return token.token
}
