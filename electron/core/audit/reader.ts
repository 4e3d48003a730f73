// Reads the hosts the user opened the audit for, and no other (issue 18): a console through its
// signed-in admin session or, without one, a session as a dedicated user whose password Keyward keeps
// (a watched key's); a UISP server through its signed-in session. A console in a sign-in lock-out is
// skipped with the reason before anything is sent (unifi/lockout.ts); so is a host with no way in.
import type { AuditCredential, AuditHostResult, CredentialKind } from '../../../shared/audit.ts'
import type { ConsoleRecord, UispTokenInfo } from '../../../shared/domain.ts'
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { LockedOutFailure } from '../unifi/lockout.ts'
import type { ConsoleSession } from '../unifi/session.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { readAccessTokens, readAdmins, readKeysOf } from './console-reads.ts'
import {
  consoleCredentials,
  uispCredentials,
  type AuditHost,
  type ConsoleRead,
  type KeywardKnowledge,
} from './inventory.ts'

export interface ConsoleAccess {
  find(key: string): ConsoleRecord | undefined
  signedInSession(key: string): ConsoleSession | null
  lockedUntil(c: ConsoleRecord): number | null
  userSession(key: string, username: string, password: string): Promise<ConsoleSession>
}

export interface UispAccess {
  isKnown(key: string): boolean
  isSignedIn(key: string): boolean
  listTokens(key: string): Promise<UispTokenInfo[]>
}

export interface ReaderDeps {
  consoles: ConsoleAccess
  uisp: UispAccess
  vault: SecretStore
  known: () => KeywardKnowledge
  now?: () => number
}

export interface HostRead {
  host: AuditHostResult
  credentials: AuditCredential[]
  /** The account the audit read as (never flagged as an orphan); null on UISP or when skipped. */
  readAsUserId: string | null
}

export interface OpenSession {
  session: ConsoleSession
  release: () => Promise<void>
}

const words = (error: unknown, fallback: string) => (error instanceof KeywardFailure ? error.message : fallback)

function result(
  key: string,
  label: string,
  kind: 'console' | 'uisp',
  state: AuditHostResult['state'],
  reason: string | null,
): AuditHostResult {
  return { key, label, kind, state, reason, notes: [], listed: [], keysReadFor: [] }
}

/** A session that may read the console: the signed-in admin's, else a stored dedicated user's. */
export async function consoleSession(deps: ReaderDeps, c: ConsoleRecord): Promise<OpenSession | string> {
  const until = deps.consoles.lockedUntil(c)
  const now = (deps.now ?? Date.now)()
  if (until !== null) return new LockedOutFailure(consoleLabel(c), until, Math.ceil((until - now) / 1000)).message
  const admin = deps.consoles.signedInSession(c.key)
  if (admin) return { session: admin, release: async () => {} }
  // One stored account, tried once: a refused password counts towards the console's lock-out, and a
  // read must never lock the user out (docs/architecture.md "Watching keys").
  const stored = deps.known().keys.find((k) => k.consoleKey === c.key && k.passwordRef && k.app !== 'uisp')
  const password = stored?.passwordRef ? await deps.vault.get(stored.passwordRef).catch(() => null) : null
  if (stored && password) {
    try {
      const session = await deps.consoles.userSession(c.key, stored.username, password)
      return { session, release: () => session.logout().catch(() => undefined) }
    } catch (error) {
      return `${words(error, 'The sign-in failed.')} (Keyward tried its stored account ${stored.username}; sign in to ${consoleLabel(c)} to audit it.)`
    }
  }
  return `Sign in to ${consoleLabel(c)} first: Keyward has no signed-in session there and no stored account that signs in.`
}

async function readConsoleLists(
  session: ConsoleSession,
  c: ConsoleRecord,
  host: AuditHostResult,
): Promise<ConsoleRead> {
  const admins = await readAdmins(session)
  host.listed.push('local-admin')
  const keysByAdmin = new Map<string, Awaited<ReturnType<typeof readKeysOf>> & object>()
  const unread: string[] = []
  for (const admin of admins) {
    const keys = await readKeysOf(session, admin.id)
    if (keys === null) unread.push(admin.username)
    else {
      keysByAdmin.set(admin.id, keys)
      host.keysReadFor.push(admin.username)
    }
  }
  host.listed.push('api-key')
  if (unread.length)
    host.notes.push(`${consoleLabel(c)} did not let this account read the API keys of ${unread.join(', ')}.`)
  let accessTokens = null
  if ((c.apps ?? []).includes('access')) {
    accessTokens = await readAccessTokens(session)
    if (accessTokens) host.listed.push('access-token')
    else host.notes.push('UniFi Access answered that it is not installed, so no Access tokens were read.')
  }
  return { admins, keysByAdmin, accessTokens }
}

export async function readConsole(deps: ReaderDeps, key: string): Promise<HostRead> {
  const c = deps.consoles.find(key)
  if (!c)
    return {
      host: result(key, key, 'console', 'skipped', 'Keyward does not know this console.'),
      credentials: [],
      readAsUserId: null,
    }
  const label = consoleLabel(c)
  const access = await consoleSession(deps, c)
  if (typeof access === 'string')
    return { host: result(key, label, 'console', 'skipped', access), credentials: [], readAsUserId: null }
  const host = result(key, label, 'console', 'read', null)
  try {
    const read = await readConsoleLists(access.session, c, host)
    const credentials = consoleCredentials({ key, label }, read, deps.known())
    return { host, credentials, readAsUserId: access.session.user?.id ?? null }
  } catch (error) {
    const failed = result(key, label, 'console', 'failed', words(error, `Reading ${label} failed unexpectedly.`))
    return { host: failed, credentials: [], readAsUserId: null }
  } finally {
    await access.release()
  }
}

export async function readUisp(deps: ReaderDeps, key: string): Promise<HostRead> {
  const label = `UISP at ${key}`
  const skipped = (reason: string) => ({
    host: result(key, label, 'uisp', 'skipped', reason),
    credentials: [],
    readAsUserId: null,
  })
  if (!deps.uisp.isKnown(key)) return skipped('Keyward does not know this UISP server.')
  if (!deps.uisp.isSignedIn(key)) return skipped(`Sign in to ${label} first: Keyward keeps no UISP password.`)
  const host: AuditHostResult = result(key, label, 'uisp', 'read', null)
  try {
    const tokens = await deps.uisp.listTokens(key)
    host.listed.push('uisp-token' satisfies CredentialKind)
    const host2: AuditHost = { key, label }
    return { host, credentials: uispCredentials(host2, tokens, deps.known()), readAsUserId: null }
  } catch (error) {
    return {
      host: result(key, label, 'uisp', 'failed', words(error, `Reading ${label} failed unexpectedly.`)),
      credentials: [],
      readAsUserId: null,
    }
  }
}
