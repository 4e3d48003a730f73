// Watches every key: sweeps on an interval with jitter, paces each console's
// users below their rate limits, backs off from consoles that do not answer, re-checks
// at once on wake or network change, and turns state changes into the tray
// model and notifications. State is persisted (metadata only) so the tray is
// right immediately after a restart.
import { randomUUID } from 'node:crypto'
import type {
  HaKeyHealth,
  KeyApp,
  KeyCheck,
  KeyCheckSummary,
  KeyNotification,
  KeyRecord,
} from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { EventHub } from '../events.ts'
import type { Logger } from '../log.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { keyViews, type WatchedKey } from '../views.ts'
import { CheckerRegistry, type KeyChecker } from './checkers.ts'
import { NotificationPlanner } from './notifications.ts'
import { createPacer, type Pacer } from './pacer.ts'
import { keyStatus } from './status.ts'
import { trayModel, type TrayModel } from './tray-model.ts'

export interface KeyWatchOptions {
  settings: Settings
  vault: SecretStore
  hub: EventHub
  log: Logger
  /** Checkers known at creation, by key kind; services add theirs later with `registerChecker`. */
  checkers?: Partial<Record<KeyApp, KeyChecker>>
  now?: () => number
  random?: () => number
  pacer?: Pacer
  /** Expiry lead time in days; default: the user's preference. */
  leadDays?: number
  /** Longest wait before retrying an unreachable console. */
  maxBackoffMs?: number
  /** HA's view of the keys it uses (read after each sweep; missing keys keep their last view). */
  haHealth?: (keys: KeyRecord[]) => Promise<Map<string, HaKeyHealth>>
}

export const summarize = (check: KeyCheck): KeyCheckSummary =>
  check.status === 'ok'
    ? {
        status: 'ok',
        problem: null,
        message: check.warning ?? null,
        nextStep: null,
        appVersion: check.appVersion,
        latencyMs: check.latencyMs,
        checkedAt: check.checkedAt,
      }
    : {
        status: 'failed',
        problem: check.problem,
        message: check.message,
        nextStep: check.nextStep,
        appVersion: null,
        latencyMs: null,
        checkedAt: check.checkedAt,
      }

export function createKeyWatch(options: KeyWatchOptions) {
  const { settings, vault, hub, log } = options
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const pacer = options.pacer ?? createPacer()
  const maxBackoffMs = options.maxBackoffMs ?? 6 * 3600_000
  const planner = new NotificationPlanner()
  const checkers = new CheckerRegistry()
  for (const [app, checker] of Object.entries(options.checkers ?? {})) checkers.register([app as KeyApp], checker)
  let timer: NodeJS.Timeout | null = null
  let flushTimer: NodeJS.Timeout | null = null
  let sweeping: Promise<WatchedKey[]> | null = null
  let lastSweep = 0
  let keyListOpen = false
  let running = false

  const intervalMs = () => settings.getPreferences().checkIntervalMinutes * 60_000
  // UISP tokens' consoleKey is their server (no name: the host is shown).
  const consoles = () =>
    new Map<string, { name: string | null; host: string }>([
      ...settings.getUisp().servers.map((s) => [s.key, { name: null, host: s.host }] as const),
      ...settings.listConsoles().map((c) => [c.key, c] as const),
    ])

  const views = (): WatchedKey[] => {
    const byKey = consoles()
    const t = now()
    const lead = options.leadDays ?? settings.getPreferences().expiryLeadDays
    return settings.listKeys().map((k) => ({
      ...k,
      status: keyStatus(k, t, lead),
      consoleName: byKey.get(k.consoleKey)?.name ?? null,
      host: byKey.get(k.consoleKey)?.host ?? null,
    }))
  }

  const tray = (): TrayModel =>
    trayModel(
      views().map((v) => ({
        id: v.id,
        name: v.name,
        consoleName: v.consoleName ?? v.host ?? v.consoleKey,
        status: v.status,
      })),
      { checking: sweeping !== null },
    )

  const publish = () => {
    const list = views()
    hub.emit('keys.changed', keyViews(list))
    hub.emit('tray.changed', tray())
    const planned = planner.update(
      new Map(list.map((v) => [v.id, { name: v.name, status: v.status }])),
      now(),
      keyListOpen,
    )
    notify(planned)
    return list
  }

  const notify = (planned: KeyNotification | null) => {
    if (planned) hub.emit('keys.notification', planned)
    // Throttled notifications wait; one timer at most, only while something waits.
    if (!flushTimer && running) {
      flushTimer = setTimeout(() => {
        flushTimer = null
        notify(planner.flush(now()))
      }, 60_000)
      flushTimer.unref()
    }
  }

  /** Unreachable consoles are retried after 1, 2, 4… intervals, at most maxBackoff. */
  const due = (k: KeyRecord, t: number) => {
    if (k.unreachableStreak === 0 || !k.lastCheck) return true
    const wait = Math.min(maxBackoffMs, intervalMs() * 2 ** (k.unreachableStreak - 1))
    return Date.parse(k.lastCheck.checkedAt) + wait <= t
  }

  const checkOne = async (k: KeyRecord): Promise<KeyRecord> => {
    const secret = await vault.get(k.keyRef).catch((error: unknown) => {
      log.warn('key check skipped: keychain unavailable', { key: k.id, error })
      return null
    })
    if (secret === null) return k // nothing to check with; the status stays what it was
    try {
      // The principal is the key's user on its own console; elsewhere (the wrong-host diagnosis) it is unknown.
      const principal = (consoleKey: string) => (consoleKey === k.consoleKey ? k.username : undefined)
      const check = await checkers.check(
        k,
        secret,
        (consoleKey) => pacer.wait(consoleKey, principal(consoleKey)),
        (consoleKey, reply) => pacer.observe(consoleKey, principal(consoleKey), reply),
      )
      const streak = check.status === 'failed' && check.problem === 'unreachable' ? k.unreachableStreak + 1 : 0
      return { ...k, lastCheck: summarize(check), unreachableStreak: streak }
    } catch (error) {
      log.error('key check failed unexpectedly', { key: k.id, error })
      return k
    }
  }

  /** Checks the given keys (default: every watched key that is due) and publishes. */
  const sweep = (ids?: string[], force = false): Promise<WatchedKey[]> => {
    if (sweeping) return sweeping
    sweeping = (async () => {
      hub.emit('tray.changed', tray())
      const t = now()
      const chosen = settings.listKeys().filter((k) => (ids ? ids.includes(k.id) : !k.paused && (force || due(k, t))))
      const results = await Promise.all(chosen.map(checkOne))
      const updated = new Map(results.map((r) => [r.id, r]))
      const ha = options.haHealth
        ? await options
            .haHealth(chosen.filter((k) => k.pushedTo.length > 0))
            .catch(() => new Map<string, HaKeyHealth>())
        : new Map<string, HaKeyHealth>()
      // Re-read: a key may have been added or removed while the sweep ran.
      settings.saveKeys(
        settings.listKeys().map((k) => {
          const fresh = updated.get(k.id)
          const merged = fresh ? { ...k, lastCheck: fresh.lastCheck, unreachableStreak: fresh.unreachableStreak } : k
          return ha.has(k.id) ? { ...merged, haHealth: ha.get(k.id)! } : merged
        }),
      )
      lastSweep = now()
      return chosen
    })()
      .finally(() => {
        sweeping = null
      })
      .then(() => publish())
    return sweeping
  }

  const schedule = () => {
    if (!running) return
    if (timer) clearTimeout(timer)
    // ±10 % jitter so many Keyward instances (or keys) do not hit consoles in lockstep.
    const delay = intervalMs() * (0.9 + 0.2 * random())
    timer = setTimeout(() => {
      timer = null
      void sweep().finally(schedule)
    }, delay)
    timer.unref()
  }

  return {
    list: views,
    tray,
    /** A service's checker for its key kinds (UniFi apps, UISP tokens); the watch itself knows none. */
    registerChecker(apps: readonly KeyApp[], checker: KeyChecker): void {
      checkers.register(apps, checker)
    },
    /** Adds a freshly minted key (after its first verification). */
    register(input: Omit<KeyRecord, 'id' | 'paused' | 'unreachableStreak' | 'pushedTo' | 'haHealth'>): KeyRecord {
      const keys = settings.listKeys()
      // A resumed flow re-verifies the same key: update it rather than list it twice.
      const existing = keys.find((k) => k.keyRef === input.keyRef)
      const record: KeyRecord = existing
        ? { ...existing, ...input, unreachableStreak: 0 }
        : { ...input, id: randomUUID(), paused: false, unreachableStreak: 0, pushedTo: [], haHealth: null }
      settings.saveKeys([...keys.filter((k) => k.id !== record.id), record])
      publish()
      return record
    },
    /**
     * A key revoked elsewhere (a flow's cleanup) leaves the list; its keychain entries are the
     * caller's to remove, in the caller's order (the user's password only after the user).
     */
    dismiss(keyRef: string): void {
      const keys = settings.listKeys()
      if (!keys.some((k) => k.keyRef === keyRef)) return
      settings.saveKeys(keys.filter((k) => k.keyRef !== keyRef))
      publish()
    },
    checkNow: (ids?: string[]) => sweep(ids, true),
    /** After a rotation: the same key entry, now holding the new secret. */
    replace(record: KeyRecord, check: KeyCheck): KeyRecord {
      const updated = { ...record, lastCheck: summarize(check) }
      settings.saveKeys(settings.listKeys().map((k) => (k.id === record.id ? updated : k)))
      publish()
      return updated
    },
    /** Merges metadata read elsewhere (key usage) into the records and publishes. */
    amend(changed: Map<string, Partial<Pick<KeyRecord, 'usage' | 'access'>>>): WatchedKey[] {
      settings.saveKeys(settings.listKeys().map((k) => (changed.has(k.id) ? { ...k, ...changed.get(k.id) } : k)))
      return publish()
    },
    /** A preference changed: re-plan the next sweep and re-derive statuses (expiry lead time). */
    preferencesChanged() {
      if (running && !sweeping) schedule()
      publish()
    },
    setPaused(id: string, paused: boolean): WatchedKey[] {
      const keys = settings.listKeys()
      if (!keys.some((k) => k.id === id)) throw new KeywardFailure('not-found', 'That key is no longer on record.')
      settings.saveKeys(keys.map((k) => (k.id === id ? { ...k, paused } : k)))
      return publish()
    },
    /** Forgets a key locally (and its secret); it keeps working on the console. */
    async forget(id: string): Promise<WatchedKey[]> {
      const key = settings.listKeys().find((k) => k.id === id)
      if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
      await vault.delete(key.keyRef)
      // The dedicated user's password goes too unless another key still signs in with it.
      if (key.passwordRef && !settings.listKeys().some((k) => k.id !== id && k.passwordRef === key.passwordRef)) {
        await vault.delete(key.passwordRef).catch(() => false)
      }
      settings.saveKeys(settings.listKeys().filter((k) => k.id !== id))
      return publish()
    },
    /** The key list window opened or closed: notifications are suppressed while it is open. */
    setKeyListOpen(open: boolean) {
      keyListOpen = open
    },
    /** The machine woke up or the network changed: check now rather than at the next tick. */
    wake() {
      if (running && now() - lastSweep > 30_000) void sweep(undefined, true)
    },
    start() {
      if (running) return
      running = true
      publish() // the persisted state is right before the first check
      void sweep().finally(schedule)
    },
    async stop() {
      running = false
      if (timer) clearTimeout(timer)
      if (flushTimer) clearTimeout(flushTimer)
      timer = flushTimer = null
      await sweeping
    },
    get running() {
      return running
    },
  }
}

export type KeyWatch = ReturnType<typeof createKeyWatch>
