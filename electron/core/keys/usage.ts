// What a key may do and when it was last used, for the key list's "role/scopes"
// and "last used" columns. Console keys report `last_used_at` and the holder's
// permission map only in the console's key list (unifi-os.md §4.1 [fixture]/[report]),
// which needs a cookie session as the key's own user (`/user/self/keys`). So
// reading usage costs a sign-in per console user: it runs when the key list is
// opened, at most once per console every `minIntervalMs`, never in the sweep.
import type { KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Logger } from '../log.ts'
import { permissionScopes } from '../unifi/key-access.ts'
import { listKeys, type ListedKey } from '../unifi/keys.ts'
import type { ConsoleSession } from '../unifi/session.ts'
import { usageGroups } from './usage-groups.ts'

export { accessOf, permissionScopes, roleName } from '../unifi/key-access.ts'

export interface UsageReaderOptions {
  listKeys: () => KeyRecord[]
  /** Saves changed records (by id) and tells the renderer. */
  save: (changed: Map<string, Pick<KeyRecord, 'usage' | 'access'>>) => void
  /** A session as the key's own user, or the signed-in admin's; throws when there is none. */
  sessionFor: (key: KeyRecord) => Promise<{ session: ConsoleSession; release: () => Promise<void> }>
  /** UISP tokens of a server (`GET /token`, uisp.md: `lastUsed`), through the open session; throws when none. */
  uispTokens?: (serverKey: string) => Promise<{ id: string; lastUsed: string | null }[]>
  pace?: (consoleKey: string) => Promise<void>
  log: Logger
  now?: () => number
  minIntervalMs?: number
}

type Changes = Map<string, Pick<KeyRecord, 'usage' | 'access'>>

/** Each key of the group with its entry in a list the host sent; keys gone from it are left alone (the next check says so). */
function matched<L extends { id: string }>(group: KeyRecord[], listed: L[]): [KeyRecord, L][] {
  const byId = new Map(listed.map((l) => [l.id, l]))
  return group.flatMap((key) => {
    const found = key.remoteId ? byId.get(key.remoteId) : undefined
    return found ? [[key, found] as [KeyRecord, L]] : []
  })
}

/** One sign-in per (console, user): `/user/self/keys` lists only that user's keys. */
async function readConsole(options: UsageReaderOptions, group: KeyRecord[], readAt: () => string, changed: Changes) {
  const first = group[0]!
  await options.pace?.(first.consoleKey)
  const { session, release } = await options.sessionFor(first)
  let listed: ListedKey[]
  try {
    listed = await listKeys(session)
  } finally {
    await release()
  }
  const at = readAt()
  for (const [key, found] of matched(group, listed)) {
    const scopes = permissionScopes(found.permissions)
    changed.set(key.id, {
      usage: { lastUsedAt: found.lastUsedAt, readAt: at },
      access: { role: key.access?.role ?? null, scopes: scopes.length > 0 ? scopes : (key.access?.scopes ?? []) },
    })
  }
}

/** UISP lists every token of the signed-in user with `lastUsed`; no sign-in of our own (it may need 2FA). */
async function readUisp(options: UsageReaderOptions, group: KeyRecord[], readAt: () => string, changed: Changes) {
  const listed = await options.uispTokens!(group[0]!.consoleKey)
  const at = readAt()
  for (const [key, found] of matched(group, listed))
    changed.set(key.id, { usage: { lastUsedAt: found.lastUsed, readAt: at }, access: key.access ?? null })
}

/**
 * Logs why a console's usage was not read; true when the console refused the stored sign-in. Not signed
 * in, the user is gone, the console is down: the column keeps its last reading. A lock-out is the console's
 * and ends by itself; the lock-out unit (unifi/lockout.ts) already keeps every login away until then, so
 * only a refused password is remembered.
 */
function consoleReadFailed(log: Logger, consoleKey: string, error: unknown): boolean {
  if (error instanceof KeywardFailure && error.code === 'locked-out') {
    log.info('key usage: the console has paused sign-ins', { console: consoleKey, detail: error.detail })
    return false
  }
  if (error instanceof KeywardFailure && error.code === 'invalid-credentials') {
    log.warn('key usage: the console refused the stored sign-in; not trying again', {
      console: consoleKey,
      code: error.code,
    })
    return true
  }
  log.info('key usage not read', { console: consoleKey, error })
  return false
}

export function createUsageReader(options: UsageReaderOptions) {
  const now = options.now ?? Date.now
  const minIntervalMs = options.minIntervalMs ?? 10 * 60_000
  const lastRead = new Map<string, number>()
  /**
   * Console users whose stored password was refused. Consoles lock sign-ins per client address
   * after a few failures (unifi-os.md §2), so a background read must never try a refused
   * password twice: that would lock the user out of their own console. Forgotten on restart.
   */
  const refused = new Set<string>()
  let running: Promise<void> | null = null
  const readAt = () => new Date(now()).toISOString()

  const refresh = async (force: boolean) => {
    const t = now()
    const due = (consoleKey: string) => force || t - (lastRead.get(consoleKey) ?? -Infinity) >= minIntervalMs
    const groups = usageGroups(options.listKeys(), due, refused, options.uispTokens !== undefined)
    const changed: Changes = new Map()
    /** Reads one group, noting the time first so a failing console is not asked again before its interval. */
    const read = async (consoleKey: string, work: () => Promise<void>, failed: (error: unknown) => void) => {
      lastRead.set(consoleKey, t)
      await work().catch(failed)
    }
    await Promise.all([
      ...[...groups.uisp.values()].map((group) =>
        read(
          group[0]!.consoleKey,
          () => readUisp(options, group, readAt, changed),
          (error) => options.log.info('token usage not read', { server: group[0]!.consoleKey, error }),
        ),
      ),
      ...[...groups.consoles].map(([id, group]) =>
        read(
          group[0]!.consoleKey,
          () => readConsole(options, group, readAt, changed),
          (error) => {
            if (consoleReadFailed(options.log, group[0]!.consoleKey, error)) refused.add(id)
          },
        ),
      ),
    ])
    if (changed.size > 0) options.save(changed)
  }

  return {
    /** Reads usage where due (or everywhere with `force`); one read at a time. */
    refresh(force = false): Promise<void> {
      running ??= refresh(force).finally(() => {
        running = null
      })
      return running
    },
  }
}
