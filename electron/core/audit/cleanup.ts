// Cleanup of confirmed findings (issue 18): revoke a key or token, delete a local user, forget a watched
// key that is gone. Never the account the audit signed in with, never the owner, never the last Super
// Admin. Each removal is verified by reading the host's list again; the result is said per item and
// written to the activity log.
import type { AuditCleanupItem, AuditCredential, AuditFinding, AuditReport } from '../../../shared/audit.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { revokeAccessToken } from '../unifi/access.ts'
import { deleteUser } from '../unifi/users.ts'
import { revokeKey } from '../unifi/keys.ts'
import type { ConsoleSession } from '../unifi/session.ts'
import type { NewActivity } from './activity.ts'
import { readAccessTokens, readAdmins, readKeysOf } from './console-reads.ts'
import { consoleSession, type OpenSession, type ReaderDeps } from './reader.ts'

export interface CleanupDeps extends ReaderDeps {
  revokeUispToken(serverKey: string, tokenId: string): Promise<{ id: string }[]>
  forgetKey(id: string): Promise<void>
  record(entry: NewActivity): void
}

type Done = Omit<AuditCleanupItem, 'findingId' | 'subject'>
const removed = (message: string): Done => ({ outcome: 'removed', message })
const refused = (message: string): Done => ({ outcome: 'refused', message })
const wasGone = (message: string): Done => ({ outcome: 'was-gone', message })

function stillThere(what: string, label: string): Done {
  return { outcome: 'failed', message: `${label} still lists ${what} after the removal.` }
}

async function revokeConsoleKey(session: ConsoleSession, c: AuditCredential): Promise<Done> {
  const gone = !(await revokeKey(session, c.remoteId))
  const after = c.ownerId ? await readKeysOf(session, c.ownerId) : []
  if (after?.some((k) => k.id === c.remoteId)) return stillThere(`the key “${c.name}”`, c.hostLabel)
  return gone
    ? wasGone(`“${c.name}” was already gone.`)
    : removed(`Revoked “${c.name}”; ${c.hostLabel} no longer lists it.`)
}

async function revokeAccess(session: ConsoleSession, c: AuditCredential): Promise<Done> {
  const gone = !(await revokeAccessToken(session, c.remoteId))
  const after = await readAccessTokens(session)
  if (after?.some((t) => t.id === c.remoteId)) return stillThere(`the Access token “${c.name}”`, c.hostLabel)
  return gone
    ? wasGone(`“${c.name}” was already gone.`)
    : removed(`Revoked “${c.name}”; ${c.hostLabel} no longer lists it.`)
}

/** Deletes a local user unless it is the signed-in account, the owner or the last Super Admin. */
async function removeUser(session: ConsoleSession, c: AuditCredential): Promise<Done> {
  const admins = await readAdmins(session)
  const target = admins.find((a) => a.id === c.remoteId)
  if (!target) return wasGone(`${c.name} was already gone.`)
  if (target.id === session.user?.id) return refused(`${c.name} is the account Keyward is signed in with; it is kept.`)
  if (target.isOwner) return refused(`${c.name} is the console’s owner; it is kept.`)
  const others = admins.filter((a) => a.id !== target.id && (a.superAdmin || a.isOwner))
  if (target.superAdmin && others.length === 0) return refused(`${c.name} is the last Super Admin; it is kept.`)
  await deleteUser(session, target.id)
  if ((await readAdmins(session)).some((a) => a.id === target.id)) return stillThere(c.name, c.hostLabel)
  return removed(`Deleted ${c.name}; ${c.hostLabel} no longer lists it.`)
}

async function onConsole(session: ConsoleSession, f: AuditFinding, c: AuditCredential): Promise<Done> {
  if (f.action === 'revoke-key') return revokeConsoleKey(session, c)
  if (f.action === 'revoke-access-token') return revokeAccess(session, c)
  if (f.action === 'delete-user') return removeUser(session, c)
  return refused('Keyward has no cleanup for this finding.')
}

async function onUisp(deps: CleanupDeps, c: AuditCredential): Promise<Done> {
  try {
    const after = await deps.revokeUispToken(c.hostKey, c.remoteId)
    if (after.some((t) => t.id === c.remoteId)) return stillThere(`the token “${c.name}”`, c.hostLabel)
    return removed(`Revoked “${c.name}”; ${c.hostLabel} no longer lists it.`)
  } catch (error) {
    if (error instanceof KeywardFailure && error.code === 'not-found') return wasGone(`“${c.name}” was already gone.`)
    throw error
  }
}

const ACTION_WORD = {
  'revoke-key': 'revoked',
  'revoke-access-token': 'revoked',
  'revoke-uisp-token': 'revoked',
  'delete-user': 'deleted-user',
  'forget-record': 'forgot',
} as const

export interface CleanupRun {
  report: AuditReport
  ids: readonly string[]
  confirmation: string | null
}

/** Runs the confirmed findings of `report`, one at a time, one session per console. */
export async function runCleanup(deps: CleanupDeps, run: CleanupRun): Promise<AuditCleanupItem[]> {
  const sessions = new Map<string, OpenSession | string>()
  const items: AuditCleanupItem[] = []
  try {
    for (const id of run.ids) {
      const f = run.report.findings.find((x) => x.id === id)
      if (!f) {
        items.push({
          findingId: id,
          subject: id,
          outcome: 'refused',
          message: 'This finding is not in the last audit; open the audit again.',
        })
        continue
      }
      const done = await cleanOne(deps, run.report, f, sessions).catch((error: unknown): Done => ({
        outcome: 'failed',
        message: error instanceof KeywardFailure ? error.message : 'The cleanup failed unexpectedly.',
      }))
      items.push({ findingId: f.id, subject: f.subject, ...done })
      if (f.action) {
        const ok = done.outcome === 'removed' || done.outcome === 'was-gone'
        deps.record({
          action: ACTION_WORD[f.action],
          outcome: ok ? 'ok' : 'failed',
          hostKey: f.hostKey,
          keyId: f.keyId,
          subject: f.subject,
          words: run.confirmation,
          detail: ok ? null : done.message,
        })
      }
    }
  } finally {
    for (const s of sessions.values()) if (typeof s !== 'string') await s.release()
  }
  return items
}

async function cleanOne(
  deps: CleanupDeps,
  report: AuditReport,
  f: AuditFinding,
  sessions: Map<string, OpenSession | string>,
): Promise<Done> {
  if (f.action === 'forget-record') {
    if (!f.keyId) return refused('Keyward does not know which watched key this is.')
    await deps.forgetKey(f.keyId)
    return removed(`Keyward no longer watches ${f.subject.replace(/^the watched key /, '')}.`)
  }
  const c = report.credentials.find((x) => x.id === f.credentialId)
  if (!c || !f.action) return refused('Keyward has no cleanup for this finding.')
  const done = c.kind === 'uisp-token' ? await onUisp(deps, c) : await withSession(deps, sessions, f, c)
  if ((done.outcome === 'removed' || done.outcome === 'was-gone') && c.trackedKeyId && c.kind !== 'uisp-token') {
    await deps.forgetKey(c.trackedKeyId).catch(() => undefined)
  }
  return done
}

async function withSession(
  deps: CleanupDeps,
  sessions: Map<string, OpenSession | string>,
  f: AuditFinding,
  c: AuditCredential,
): Promise<Done> {
  if (!sessions.has(f.hostKey)) {
    const record = deps.consoles.find(f.hostKey)
    sessions.set(
      f.hostKey,
      record ? await consoleSession(deps, record) : 'Keyward does not know this console any more.',
    )
  }
  const open = sessions.get(f.hostKey)!
  if (typeof open === 'string') return refused(open)
  return onConsole(open.session, f, c)
}
