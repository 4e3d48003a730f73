// The wizard's core flow on one console: create a dedicated local-only user →
// sign in as that user → mint the key → store it → verify it. Each step is
// journaled (metadata only) before and after it touches the console, so a
// flow cut off anywhere resumes without a second user or a stray key:
//   - the password is in the keychain BEFORE the user is created, so a user
//     whose creation reply was lost is found by name and adopted;
//   - every key carries the flow id in its description, so a key whose mint
//     reply was lost is found and revoked before minting again;
//   - a key that cannot be stored in the keychain is revoked at once;
//   - each create request is journaled as sent before it goes, so Keyward knows what it may
//     have made; a later flow recognises a user an earlier one made (issue 14 §5), and
//     cleanup.ts removes what a failed flow made.
// Facts: unifi-os.md §3 (users, Super Admin needed to mint), §4.1 (keys).
import { journaled } from '../journal.ts'
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { keyMade, requestSent } from '../../../shared/cleanup.ts'
import type { KeyCheck, ProvisionRecord, UnifiApp } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { createAccessToken, listAccessTokens, revokeAccessToken } from './access.ts'
import { accessTokenName, claimedKeyIds, flowKeys, marker } from './flow-keys.ts'
import { listKeys, mintKey, revokeKey } from './keys.ts'
import { ConsoleSession, type ConsoleTarget } from './session.ts'
import { createLocalUser, listAdmins, listRoles, type ConsoleUser } from './users.ts'

export interface ProvisionJournal {
  get(id: string): ProvisionRecord | null
  save(record: ProvisionRecord): void
  /** Every flow on record: a user an earlier flow made is recognised as Keyward's. */
  list?(): ProvisionRecord[]
  /** Whether a flow's key is in the key list (a working key there keeps what its flow made). */
  watched?(record: ProvisionRecord): boolean
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
    requested: { user: false, key: false },
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
  const parts = [
    pick('ABCDEFGHJKLMNPQRSTUVWXYZ'),
    pick('abcdefghijkmnopqrstuvwxyz'),
    pick('23456789'),
    pick('!#%+=?@'),
    ...body,
  ]
  for (let i = parts.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[parts[i], parts[j]] = [parts[j]!, parts[i]!]
  }
  return parts.join('')
}

export { accessTokenName, marker } from './flow-keys.ts'

type Save = (patch: Partial<ProvisionRecord>) => void
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
/** Codes by which the console (or Keyward, before sending) said no: the request made nothing. */
const MADE_NOTHING = new Set(['forbidden', 'refused', 'not-found', 'conflict', 'session-expired', 'locked-out'])

/**
 * Sends one create request, journaled as sent before it goes and as not sent when the console
 * refused it (nothing was made), so the journal always says what Keyward may have made.
 */
async function creating<T>(
  record: ProvisionRecord,
  step: 'user' | 'key',
  save: Save,
  send: () => Promise<T>,
): Promise<T> {
  const requested = (value: boolean) => ({
    requested: { user: requestSent(record, 'user'), key: requestSent(record, 'key'), [step]: value },
  })
  save(requested(true))
  try {
    return await send()
  } catch (error) {
    if (error instanceof KeywardFailure && MADE_NOTHING.has(error.code)) save(requested(false))
    throw error
  }
}

/** Suggested names: short, recognisable on the console's Admins page. */
export const suggestUsername = (app: UnifiApp) => `keyward-${app}`
export const suggestKeyName = (app: UnifiApp, consumer = 'home-assistant') => `${consumer}-${app}`

type ProvisionStep = 'user' | 'key' | 'verify'

/** A user an earlier flow made is in the way: names that flow, whose cleanup can remove it (issue 14 §5). */
export class MadeByEarlierRun extends KeywardFailure {
  constructor(
    message: string,
    readonly flowId: string,
  ) {
    super('conflict', message)
  }
}

export class ProvisionFailure extends KeywardFailure {
  /** The earlier flow whose user is in the way, when that is the failure. */
  readonly earlierFlow: string | null
  constructor(
    failure: KeywardFailure,
    readonly step: ProvisionStep,
    /** The dedicated user could not be created: minting as the signed-in admin is possible. */
    readonly fallbackAvailable: boolean,
  ) {
    super(failure.code, failure.message, failure.detail)
    this.earlierFlow = failure instanceof MadeByEarlierRun ? failure.flowId : null
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
    new ProvisionFailure(
      failure,
      'user',
      failure.code === 'refused' || failure.code === 'forbidden' || failure.code === 'not-found',
    )

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

/**
 * The console's admins. Their list is [report, unattributed] (unifi-os.md §2): a console without it
 * (404) is asked to create the user anyway, and a name taken there comes back as `conflict`.
 */
async function adminsIfListed(admin: ConsoleSession): Promise<ConsoleUser[]> {
  try {
    return await listAdmins(admin)
  } catch (error) {
    if (error instanceof KeywardFailure && error.code === 'not-found') return []
    throw error
  }
}

async function ensureUser(
  admin: ConsoleSession,
  record: ProvisionRecord,
  deps: ProvisionDeps,
  save: Save,
): Promise<void> {
  const existing = (await adminsIfListed(admin)).find((u) => sameName(u.username, record.username))
  if (existing) {
    // Resume: the create reply was lost, but the user exists and we hold its password.
    if (await deps.vault.get(record.passwordRef)) {
      save({ userId: existing.id })
      return
    }
    return adoptOrName(admin, record, existing, deps, save)
  }
  const superAdmin = (await listRoles(admin)).find((r) => r.systemKey === 'super_administrator')
  if (!superAdmin)
    throw new KeywardFailure(
      'not-found',
      `${admin.target.label} lists no Super Admin role, which a user needs to create API keys.`,
    )
  let password = await deps.vault.get(record.passwordRef)
  if (!password) {
    password = generatePassword()
    await deps.vault.set(record.passwordRef, password) // before the console hears of it
  }
  const user = await creating(record, 'user', save, () =>
    createLocalUser(admin, { username: record.username, password, roleId: superAdmin.id }),
  ).catch(async (error: unknown) => {
    // Refused: no user signs in with this password, so the keychain does not keep it.
    if (error instanceof KeywardFailure && MADE_NOTHING.has(error.code)) {
      await deps.vault.delete(record.passwordRef).catch(() => false)
    }
    throw error
  })
  save({ userId: user.id })
}

/**
 * A user of that name exists and this flow holds no password for it. When the journal says an
 * earlier flow on this console made it, it is Keyward's: a flow that stopped before minting hands
 * it over (its password is copied to this flow, and that flow's cleanup leaves the user alone);
 * one that minted a key, or is being cleaned up, keeps it and is named. Anyone else's user stays
 * untouched.
 */
async function adoptOrName(
  admin: ConsoleSession,
  record: ProvisionRecord,
  existing: ConsoleUser,
  deps: ProvisionDeps,
  save: Save,
): Promise<void> {
  const label = admin.target.label
  const earlier = (deps.journal.list?.() ?? [])
    .filter((p) => p.id !== record.id && p.consoleKey === record.consoleKey && p.mode === 'dedicated-user')
    .filter((p) => !p.userAdoptedBy && sameName(p.username, record.username))
    .filter((p) => p.userId === existing.id || (p.userId === null && requestSent(p, 'user')))
    .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))[0]
  if (!earlier) {
    throw new KeywardFailure(
      'conflict',
      `${label} already has a user named "${record.username}" that Keyward did not create. Choose another name.`,
    )
  }
  const adoptable = earlier.userId === existing.id && !earlier.cleanup && !keyMade(earlier)
  const password = adoptable ? await deps.vault.get(earlier.passwordRef) : null
  if (password) {
    await deps.vault.set(record.passwordRef, password)
    const at = new Date((deps.now ?? Date.now)()).toISOString()
    deps.journal.save({ ...earlier, userAdoptedBy: record.id, updatedAt: at })
    save({ userId: existing.id })
    return
  }
  const run = `an earlier run (${earlier.createdAt.slice(0, 10)})`
  const what = earlier.cleanup
    ? `made in ${run}; removing what that run made has not finished`
    : keyMade(earlier)
      ? `made in ${run} for the key “${earlier.keyName}”`
      : earlier.userId === null
        ? `may have made in ${run} whose reply was lost`
        : `made in ${run}; its password is no longer in this computer’s keychain`
  const taken = `${label} already has a user named "${record.username}" that Keyward ${what}.`
  // A key in the key list keeps its user; what any other run made can be removed (cleanup.ts).
  if (earlier.steps.verify === 'done' && deps.journal.watched?.(earlier)) {
    throw new KeywardFailure('conflict', `${taken} That key is in your key list and needs it: choose another name.`)
  }
  throw new MadeByEarlierRun(`${taken} Remove what that run made, or choose another name.`, earlier.id)
}

async function mintAndStore(
  admin: ConsoleSession,
  record: ProvisionRecord,
  deps: ProvisionDeps,
  save: Save,
): Promise<string> {
  let session = admin
  if (record.mode === 'dedicated-user') {
    const password = await deps.vault.get(record.passwordRef)
    if (!password)
      throw new KeywardFailure(
        'keychain-unavailable',
        `The password of "${record.username}" is missing from the keychain; start over to create a new user.`,
      )
    session = (deps.openSession ?? ((t) => new ConsoleSession(t)))(admin.target)
    const outcome = await session.login({ username: record.username, password })
    if (outcome.state !== 'signed-in') {
      throw new KeywardFailure(
        'refused',
        `${admin.target.label} asked the new local user for a two-factor code, which local-only users should not need.`,
      )
    }
  }
  try {
    if (record.app === 'access') return await mintAccessToken(session, record, deps, save)
    // A key from an earlier, interrupted attempt of this flow (its reply lost): revoke it first.
    const claimed = claimedKeyIds(record, deps.journal.list?.() ?? [])
    for (const stray of flowKeys(await listKeys(session), record, session.knownUserId, claimed)) {
      await revokeKey(session, stray.id)
    }
    // Any earlier key of this flow is revoked by now: a refused mint leaves none.
    const minted = await creating(record, 'key', save, () => mintKey(session, record.keyName, marker(record)))
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
async function mintAccessToken(
  session: ConsoleSession,
  record: ProvisionRecord,
  deps: ProvisionDeps,
  save: Save,
): Promise<string> {
  const name = accessTokenName(record)
  for (const stray of (await listAccessTokens(session)).filter((t) => t.name === name)) {
    await revokeAccessToken(session, stray.id)
  }
  const plan = deps.accessToken ?? { validityDays: record.accessValidityDays ?? 365 }
  const now = (deps.now ?? Date.now)()
  const token = await creating(record, 'key', save, () => createAccessToken(session, { name, ...plan }, now))
  try {
    await deps.vault.set(record.keyRef, token.token)
  } catch (error) {
    if (token.id) await revokeAccessToken(session, token.id).catch(() => undefined)
    throw error
  }
  save({ keyId: token.id, expiresAt: token.expiresAt })
  return token.token
}
