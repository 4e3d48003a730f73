// Removing what a key flow made (issue 14 §5): a run that failed after the user step, or that
// minted on the wrong console, leaves a Super Admin and maybe a key. This removes them in the
// safe order: the key first (as its own user where possible), then the dedicated user (as the
// signed-in admin), then the password from the keychain last, so an interruption at any point
// still leaves a way to sign in as the user and finish. Each part is journaled before and after
// it touches anything (ProvisionRecord.cleanup), so a cut-off cleanup resumes.
// Only what the flow's journal names is touched: the key by its id or the flow's marker, the
// user by the id the console gave it (or, when that reply was lost, by name after signing in
// as it with the stored password proves it is the one Keyward made). Never another user, never
// the signed-in account or the owner. Facts: unifi-os.md §3 (delete user), §4.1 (keys), §5.3.
import { CLEANUP_ORDER, cleanupFinal, keyLabel, keyMade, outcomeOf, userMade } from '../../../shared/cleanup.ts'
import type {
  CleanupOutcome,
  CleanupPart,
  CleanupPartName,
  ProvisionCleanup,
  ProvisionRecord,
} from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { listAccessTokens, revokeAccessToken } from './access.ts'
import { listKeys, revokeKey } from './keys.ts'
import { accessTokenName, claimedKeyIds, flowKeys } from './flow-keys.ts'
import type { ProvisionJournal } from './provision.ts'
import type { ConsoleSession } from './session.ts'
import { deleteUser, listAdmins, type ConsoleUser } from './users.ts'

export interface CleanupDeps {
  vault: SecretStore
  journal: ProvisionJournal
  /** Signs in as the flow's dedicated user (the service's: confirmed console, shared lock-outs, current pin). */
  userSession: (username: string, password: string) => Promise<ConsoleSession>
  /** Names of watched keys, other than this flow's own, that sign in as this flow's user with its password ref. */
  keysUsing?: (record: ProvisionRecord) => { sameUser: string[]; samePassword: string[] }
  /** This flow's key is revoked: it leaves the key list (its keychain entries are handled here). */
  onKeyGone?: (record: ProvisionRecord) => void
  now?: () => number
}

type Result = Pick<CleanupPart, 'result' | 'reason'>
const pending = (): CleanupPart => ({ result: 'pending', reason: null })
const done = (result: 'removed' | 'was-gone' | 'not-made'): Result => ({ result, reason: null })
const kept = (reason: string): Result => ({ result: 'kept', reason })
const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

interface Context {
  admin: ConsoleSession
  deps: CleanupDeps
  record: () => ProvisionRecord
  save: (patch: Partial<ProvisionRecord>) => void
}

/**
 * Removes what the flow made, resuming a cleanup that stopped. A part that fails stops the
 * ones after it (kept, with the reason), so nothing is removed out of order.
 */
export async function cleanupProvision(
  admin: ConsoleSession,
  start: ProvisionRecord,
  deps: CleanupDeps,
): Promise<CleanupOutcome> {
  const now = deps.now ?? Date.now
  let record = deps.journal.get(start.id) ?? start
  const save = (patch: Partial<ProvisionRecord>) => {
    const at = new Date(now()).toISOString()
    record = { ...record, ...patch, updatedAt: at }
    deps.journal.save(record)
  }
  const mark = (part: CleanupPartName, result: Result) => {
    const cleanup: ProvisionCleanup = record.cleanup ?? {
      key: pending(),
      user: pending(),
      password: pending(),
      updatedAt: '',
    }
    const entry = { result: result.result, reason: result.reason?.slice(0, 600) ?? null }
    save({ cleanup: { ...cleanup, [part]: entry, updatedAt: new Date(now()).toISOString() } })
  }
  const ctx: Context = { admin, deps, record: () => record, save }
  const steps: Record<CleanupPartName, (previous: CleanupPart) => Promise<Result>> = {
    key: (previous) => removeKey(ctx, previous),
    user: (previous) => removeUser(ctx, previous),
    password: () => removePassword(ctx),
  }
  let stop: string | null = null
  for (const part of CLEANUP_ORDER) {
    const previous = record.cleanup?.[part] ?? pending()
    if (cleanupFinal(previous.result)) continue
    if (stop) {
      mark(part, kept(stop))
      continue
    }
    mark(part, { result: 'running', reason: previous.reason })
    const result = await steps[part](previous).catch((error: unknown) => {
      if (!(error instanceof KeywardFailure)) {
        mark(part, { result: 'failed', reason: 'Keyward hit an unexpected problem here.' })
        throw error
      }
      return { result: 'failed', reason: error.message } satisfies Result
    })
    mark(part, result)
    if (result.result === 'failed' && part === 'key') {
      stop = `It stays until ${keyLabel(record)} is removed, so Keyward can still sign in as it and find the key.`
    } else if (result.result === 'failed' && part === 'user') {
      stop = `It stays while ${record.username} may still be on the console, so Keyward can sign in as it.`
    }
  }
  return outcomeOf(record)
}

/** A key that was there when an interrupted attempt ran, and is not now: that attempt removed it. */
const gone = (previous: CleanupPart, removedNow: boolean): Result =>
  done(removedNow || previous.result === 'running' ? 'removed' : 'was-gone')

async function removeKey(ctx: Context, previous: CleanupPart): Promise<Result> {
  const record = ctx.record()
  if (!keyMade(record)) return done('not-made')
  const holder = await keyHolder(ctx)
  if ('reason' in holder) return holder
  try {
    let removed = 0
    if (record.app === 'access') {
      const tokens = await listAccessTokens(holder.session)
      const ours = tokens.filter((t) => t.id === record.keyId || t.name === accessTokenName(record))
      for (const t of ours) if (await revokeAccessToken(holder.session, t.id)) removed++
    } else {
      const listed = holder.listable ? await listKeys(holder.session) : []
      const claimed = claimedKeyIds(record, ctx.deps.journal.list?.() ?? [])
      const ours = flowKeys(listed, record, holder.session.knownUserId, claimed).map((k) => k.id)
      // The key's own list was not readable (signed in as the admin): revoke it by the id the journal holds.
      if (record.keyId && !ours.includes(record.keyId) && !holder.listable) ours.push(record.keyId)
      for (const id of ours) if (await revokeKey(holder.session, id)) removed++
    }
    await ctx.deps.vault.delete(record.keyRef).catch(() => false)
    ctx.deps.onKeyGone?.(record)
    // Looked in the key's own list and found nothing of this flow: the lost reply had made nothing.
    if (removed === 0 && record.keyId === null && holder.listable && previous.result !== 'running') {
      return done('not-made')
    }
    return gone(previous, removed > 0)
  } finally {
    await holder.release()
  }
}

interface Holder {
  session: ConsoleSession
  /** The session is the key's own user: its key list is the flow's. */
  listable: boolean
  release: () => Promise<void>
}

/**
 * The session that may revoke the flow's key: its own user's (whose key list holds it), or the
 * signed-in admin's when the key was made as the admin, or the user is gone and the journal has
 * the key's id. Otherwise the key cannot be found, and the reason says why.
 */
async function keyHolder(ctx: Context): Promise<Holder | Result> {
  const record = ctx.record()
  const asAdmin = { session: ctx.admin, release: async () => {} }
  if (record.mode === 'signed-in-admin') return { ...asAdmin, listable: true }
  const password = await ctx.deps.vault.get(record.passwordRef)
  if (password) {
    try {
      const session = await ctx.deps.userSession(record.username, password)
      return { session, listable: true, release: () => session.logout().catch(() => undefined) }
    } catch (error) {
      if (!(error instanceof KeywardFailure) || error.code !== 'invalid-credentials') throw error
    }
  }
  const user = await findUser(ctx)
  // The user is gone: its keys went with it (§4.2: a key is its account); one the journal names is revoked by id.
  if (!user) return { ...asAdmin, listable: false }
  if (record.keyId) return { ...asAdmin, listable: false }
  return {
    result: 'failed',
    reason:
      `Keyward cannot sign in as ${record.username} (${
        password ? 'its password was changed on the console' : 'its password is not in the keychain'
      }), so it cannot find the key that run may have made. Remove ` +
      `${record.username} on the console’s Admins page; its keys go with it.`,
  }
}

/** The flow's user on the console: by the id the journal holds, or by name when that reply was lost. */
async function findUser(ctx: Context, listed?: ConsoleUser[]): Promise<ConsoleUser | undefined> {
  const record = ctx.record()
  const admins = listed ?? (await listAdmins(ctx.admin))
  return record.userId
    ? admins.find((u) => u.id === record.userId)
    : admins.find((u) => sameName(u.username, record.username))
}

async function removeUser(ctx: Context, previous: CleanupPart): Promise<Result> {
  const record = ctx.record()
  if (!userMade(record)) return done('not-made')
  if (record.userAdoptedBy) return kept(`A later run of Keyward took ${record.username} over; it stays with that run.`)
  const using = ctx.deps.keysUsing?.(record).sameUser ?? []
  if (using.length > 0) {
    return kept(`The key “${using[0]}” in your key list belongs to ${record.username}; revoke it first.`)
  }
  const admins = await listAdmins(ctx.admin)
  const user = await findUser(ctx, admins)
  if (!user) return done(previous.result === 'running' ? 'removed' : 'was-gone')
  // Never the console's last administrator, whatever the journal says.
  if (!admins.some((u) => u.id !== user.id)) {
    return kept(`${user.username} is the console’s only administrator; Keyward never removes the last one.`)
  }
  const self = ctx.admin.user
  if (user.isOwner || user.id === self?.id || (self && sameName(user.username, self.username))) {
    return kept(`${user.username} is the account you signed in with or the console’s owner; Keyward never removes it.`)
  }
  if (!record.userId) {
    const proof = await provenOurs(ctx, user)
    if (proof) return proof
  }
  return gone(previous, await deleteUser(ctx.admin, user.id))
}

/**
 * A user found by name only (the create reply was lost): it is the one Keyward made if the password
 * Keyward stored signs in as it. Returns the reason to keep it when not proven; records its id when proven.
 */
async function provenOurs(ctx: Context, user: ConsoleUser): Promise<Result | null> {
  const record = ctx.record()
  const notProven = (why: string) =>
    kept(`A user named ${user.username} exists, but ${why}, so it may not be the one Keyward made; Keyward leaves it.`)
  const password = await ctx.deps.vault.get(record.passwordRef)
  if (!password) return notProven('the password Keyward would have given it is not in the keychain')
  let session: ConsoleSession
  try {
    session = await ctx.deps.userSession(record.username, password)
  } catch (error) {
    if (error instanceof KeywardFailure && error.code === 'invalid-credentials') {
      return notProven('the password Keyward stored does not sign in as it')
    }
    throw error
  }
  const id = session.user?.id
  await session.logout().catch(() => undefined)
  if (id !== user.id) return notProven('signing in with the stored password reached another account')
  ctx.save({ userId: user.id })
  return null
}

async function removePassword(ctx: Context): Promise<Result> {
  const record = ctx.record()
  if (record.mode !== 'dedicated-user') return done('not-made')
  const user = record.cleanup?.user.result
  // Kept while the user may still be there: it is the only way to sign in as it.
  if (user === 'failed' || user === 'pending' || user === 'running') {
    return kept(`It stays while ${record.username} may still be on the console, so Keyward can sign in as it.`)
  }
  const using = ctx.deps.keysUsing?.(record).samePassword ?? []
  if (using.length > 0) return kept(`The key “${using[0]}” in your key list signs in with it.`)
  const held = await ctx.deps.vault.get(record.passwordRef)
  if (held === null) return done(userMade(record) ? 'was-gone' : 'not-made')
  await ctx.deps.vault.delete(record.passwordRef)
  return done('removed')
}
