// What a key may do and when it was last used, for the key list's "role/scopes"
// and "last used" columns. Console keys report `last_used_at` and the holder's
// permission map only in the console's key list (unifi-os.md §4.1 [fixture]/[report]),
// which needs a cookie session as the key's own user (`/user/self/keys`). So
// reading usage costs a sign-in per console user: it runs when the key list is
// opened, at most once per console every `minIntervalMs`, never in the sweep.
import type { KeyAccess, KeyRecord, ProvisionRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Logger } from '../log.ts'
import { DEFAULT_ACCESS_SCOPES } from '../unifi/access.ts'
import { listKeys, type ListedKey } from '../unifi/keys.ts'
import type { ConsoleSession, SignedInUser } from '../unifi/session.ts'

/** A role in words: the two that may mint keys by name, any other by its system key. */
export function roleName(user: Pick<SignedInUser, 'isOwner' | 'isSuperAdmin' | 'roles'> | null): string | null {
  if (!user) return null
  if (user.isOwner) return 'Owner'
  if (user.isSuperAdmin) return 'Super Admin'
  return user.roles[0] ?? null
}

/** `{"protect.management":["admin"]}` → `["protect.management: admin"]` (unifi-os.md §4.1 "Real keys"). */
export function permissionScopes(permissions: unknown): string[] {
  if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) return []
  return Object.entries(permissions)
    .flatMap(([area, levels]) =>
      Array.isArray(levels) && levels.length > 0
        ? [`${area}: ${levels.filter((l) => typeof l === 'string').join(', ')}`]
        : [],
    )
    .sort()
    .slice(0, 100)
}

/**
 * A new key's rights, known at mint time: a dedicated user is created as Super Admin
 * (provision.ts, unifi-os.md §3); a key minted as the signed-in admin has that admin's
 * role. Access tokens have the scopes they were created with (§5.3).
 */
export function accessOf(done: Pick<ProvisionRecord, 'app' | 'mode'>, admin: Pick<ConsoleSession, 'user'>): KeyAccess {
  if (done.app === 'access') return { role: null, scopes: [...DEFAULT_ACCESS_SCOPES] }
  return { role: done.mode === 'dedicated-user' ? 'Super Admin' : roleName(admin.user), scopes: [] }
}

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

  type Changes = Map<string, Pick<KeyRecord, 'usage' | 'access'>>

  /** Each key of the group with its entry in a list the host sent; keys gone from it are left alone (the next check says so). */
  const matched = <L extends { id: string }>(group: KeyRecord[], listed: L[]): [KeyRecord, L][] => {
    const byId = new Map(listed.map((l) => [l.id, l]))
    return group.flatMap((key) => {
      const found = key.remoteId ? byId.get(key.remoteId) : undefined
      return found ? [[key, found] as [KeyRecord, L]] : []
    })
  }

  /** One sign-in per (console, user): `/user/self/keys` lists only that user's keys. */
  const readConsole = async (group: KeyRecord[], changed: Changes) => {
    const first = group[0]!
    await options.pace?.(first.consoleKey)
    const { session, release } = await options.sessionFor(first)
    let listed: ListedKey[]
    try {
      listed = await listKeys(session)
    } finally {
      await release()
    }
    const readAt = new Date(now()).toISOString()
    for (const [key, found] of matched(group, listed)) {
      const scopes = permissionScopes(found.permissions)
      changed.set(key.id, {
        usage: { lastUsedAt: found.lastUsedAt, readAt },
        access: { role: key.access?.role ?? null, scopes: scopes.length > 0 ? scopes : (key.access?.scopes ?? []) },
      })
    }
  }

  /** UISP lists every token of the signed-in user with `lastUsed`; no sign-in of our own (it may need 2FA). */
  const readUisp = async (group: KeyRecord[], changed: Changes) => {
    const listed = await options.uispTokens!(group[0]!.consoleKey)
    const readAt = new Date(now()).toISOString()
    for (const [key, found] of matched(group, listed))
      changed.set(key.id, { usage: { lastUsedAt: found.lastUsed, readAt }, access: key.access ?? null })
  }

  const refresh = async (force: boolean) => {
    const t = now()
    const due = (consoleKey: string) => force || t - (lastRead.get(consoleKey) ?? -Infinity) >= minIntervalMs
    const add = (groups: Map<string, KeyRecord[]>, id: string, key: KeyRecord) =>
      groups.set(id, [...(groups.get(id) ?? []), key])
    const consoleGroups = new Map<string, KeyRecord[]>()
    const uispGroups = new Map<string, KeyRecord[]>()
    for (const key of options.listKeys()) {
      if (!key.remoteId || !due(key.consoleKey)) continue
      if (key.app === 'uisp') {
        if (options.uispTokens) add(uispGroups, key.consoleKey, key)
      } else if (key.app !== 'access') {
        // Access tokens are not in the console key list, and their list reports no use (§5.3).
        const id = `${key.consoleKey}\n${key.passwordRef ? key.username : ''}`
        if (!refused.has(id)) add(consoleGroups, id, key)
      }
    }
    const changed: Changes = new Map()
    await Promise.all([
      ...[...uispGroups.values()].map(async (group) => {
        lastRead.set(group[0]!.consoleKey, t)
        await readUisp(group, changed).catch((error: unknown) =>
          options.log.info('token usage not read', { server: group[0]!.consoleKey, error }),
        )
      }),
      ...[...consoleGroups.entries()].map(async ([id, group]) => {
        lastRead.set(group[0]!.consoleKey, t)
        await readConsole(group, changed).catch((error: unknown) => {
          // Not signed in, the user is gone, the console is down: the column keeps its last reading.
          // A lock-out is the console's and ends by itself; the lock-out unit (unifi/lockout.ts) already
          // keeps every login away until then, so only a refused password is remembered here.
          if (error instanceof KeywardFailure && error.code === 'locked-out') {
            const where = { console: group[0]!.consoleKey, detail: error.detail }
            options.log.info('key usage: the console has paused sign-ins', where)
            return
          }
          if (error instanceof KeywardFailure && error.code === 'invalid-credentials') {
            refused.add(id)
            options.log.warn('key usage: the console refused the stored sign-in; not trying again', {
              console: group[0]!.consoleKey,
              code: error.code,
            })
            return
          }
          options.log.info('key usage not read', { console: group[0]!.consoleKey, error })
        })
      }),
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
