// Watches every key: sweeps on an interval with jitter (sweep-scheduler.ts), paces each console's users
// below their rate limits and backs off from consoles that do not answer (sweep.ts), re-checks at once on
// wake or network change, and turns state changes into the tray model and notifications (key-notifier.ts).
// State is persisted (metadata only, key-records.ts) so the tray is right immediately after a restart.
import type { KeyApp, KeyCheck, KeyRecord } from '../../../shared/domain.ts'
import type { SweepScheduleView } from '../../../shared/views.ts'
import { keyViews as toViews, type WatchedKey } from '../views.ts'
import type { EventHub } from '../events.ts'
import type { Logger } from '../log.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { CheckerRegistry, type KeyChecker } from './checkers.ts'
import { KeyNotifier } from './key-notifier.ts'
import { KeyRecords, type NewKeyRecord } from './key-records.ts'
import { trayOfKeys } from '../../../shared/tray-model.ts'
import { keyViews } from './key-views.ts'
import { createPacer, type Pacer } from './pacer.ts'
import { SweepRunner, type HaHealthReader } from './sweep.ts'
import { SweepScheduler } from './sweep-scheduler.ts'

export { summarize } from './key-records.ts'
export type { SeenSites } from './sweep.ts'

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
  /** HA's view of the keys it uses (read after each sweep, with the sites the sweep's checks read). */
  haHealth?: HaHealthReader
}

/** The watch's parts: its records, notifier, sweep runner and scheduler, and how it publishes. */
function assemble(options: KeyWatchOptions) {
  const { settings, hub } = options
  const now = options.now ?? Date.now
  const checkers = new CheckerRegistry()
  for (const [app, checker] of Object.entries(options.checkers ?? {})) checkers.register([app as KeyApp], checker)
  const records = new KeyRecords(settings, options.vault)
  const notifier = new KeyNotifier(hub, now)
  const intervalMs = () => settings.getPreferences().checkIntervalMinutes * 60_000
  const views = () => keyViews(settings, now(), options.leadDays ?? settings.getPreferences().expiryLeadDays)
  const tray = () => trayOfKeys(views(), runner.sweeping)
  /** Tells the renderer, the tray and the notifier what the records say now. */
  const publish = (): WatchedKey[] => {
    const list = views()
    hub.emit('keys.changed', toViews(list)) // a view: no keychain names (views.ts)
    hub.emit('tray.changed', tray())
    notifier.update(list)
    return list
  }
  const runner: SweepRunner<WatchedKey[]> = new SweepRunner({
    ...options,
    records,
    checkers,
    pacer: options.pacer ?? createPacer(),
    now,
    intervalMs,
    maxBackoffMs: options.maxBackoffMs ?? 6 * 3600_000,
    onStart: () => hub.emit('tray.changed', tray()),
    onDone: publish,
  })
  const scheduler: SweepScheduler = new SweepScheduler({
    intervalMs,
    now,
    sweep: () => runner.run(),
    random: options.random ?? Math.random,
    onPlan: () => hub.emit('keys.scheduleChanged', schedule()),
  })
  const schedule = (): SweepScheduleView => ({
    watching: scheduler.running,
    sweeping: runner.sweeping,
    lastSweepAt: runner.lastSweepAt > 0 ? new Date(runner.lastSweepAt).toISOString() : null,
    nextSweepAt: scheduler.nextAt === null ? null : new Date(scheduler.nextAt).toISOString(),
  })
  return { now, checkers, records, notifier, views, tray, publish, runner, scheduler, schedule }
}

export function createKeyWatch(options: KeyWatchOptions) {
  const { now, checkers, records, notifier, views, tray, publish, runner, scheduler, schedule } = assemble(options)
  /** Applies a change to the records, then publishes. */
  const changed = <R>(change: () => R): R => {
    const result = change()
    publish()
    return result
  }

  return {
    list: views,
    tray,
    /** The last and the next background sweep (the Overview's "next check at …"). */
    schedule,
    /** A service's checker for its key kinds (UniFi apps, UISP tokens); the watch itself knows none. */
    registerChecker: (apps: readonly KeyApp[], checker: KeyChecker): void => checkers.register(apps, checker),
    /** Adds a freshly minted key (after its first verification). */
    register: (input: NewKeyRecord): KeyRecord => changed(() => records.add(input)),
    /**
     * A key revoked elsewhere (a flow's cleanup) leaves the list; its keychain entries are the
     * caller's to remove, in the caller's order (the user's password only after the user).
     */
    dismiss(keyRef: string): void {
      if (records.dropByRef(keyRef)) publish()
    },
    checkNow: (ids?: string[]) => runner.run(ids, true),
    /** After a rotation: the same key entry, now holding the new secret. */
    replace: (record: KeyRecord, check: KeyCheck): KeyRecord => changed(() => records.replace(record, check)),
    /** Merges metadata read elsewhere (key usage) into the records and publishes. */
    amend(changes: Map<string, Partial<Pick<KeyRecord, 'usage' | 'access'>>>): WatchedKey[] {
      records.amend(changes)
      return publish()
    },
    /** A preference changed: re-plan the next sweep and re-derive statuses (expiry lead time). */
    preferencesChanged: (): void => {
      if (!runner.sweeping) scheduler.reschedule()
      publish()
    },
    setPaused(id: string, paused: boolean): WatchedKey[] {
      records.setPaused(id, paused)
      return publish()
    },
    /** Forgets a key locally (and its secret); it keeps working on the console. */
    forget: async (id: string): Promise<WatchedKey[]> => {
      await records.forget(id)
      return publish()
    },
    /** The key list window opened or closed: notifications are suppressed while it is open. */
    setKeyListOpen: (open: boolean): void => notifier.setListOpen(open),
    /** The machine woke up or the network changed: check now rather than at the next tick. */
    wake(): void {
      if (scheduler.running && now() - runner.lastSweepAt > 30_000) void runner.run(undefined, true)
    },
    start(): void {
      if (scheduler.running) return
      notifier.start()
      publish() // the persisted state is right before the first check
      scheduler.start()
    },
    async stop(): Promise<void> {
      scheduler.stop()
      notifier.stop()
      await runner.current
    },
    get running() {
      return scheduler.running
    },
  }
}

export type KeyWatch = ReturnType<typeof createKeyWatch>
