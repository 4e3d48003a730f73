// One sweep of the key watch: checks the chosen keys (each with its kind's checker, paced per console and
// user), asks Home Assistant how it uses the pushed ones, and saves the results. One sweep at a time: a
// sweep asked for while one runs joins it.
import type { HaKeyHealth, KeyCheckSummary, KeyProblem, KeyRecord } from '../../../shared/domain.ts'
import type { Logger } from '../log.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { CheckerRegistry } from './checkers.ts'
import { summarize, type KeyRecords } from './key-records.ts'
import type { Pacer } from './pacer.ts'

/**
 * The keys checked in this sweep → the UniFi Network site ids their check read, or null when it read none
 * (it failed first): HA's health step uses these rather than reading the sites a second time.
 */
export type SeenSites = ReadonlyMap<string, readonly string[] | null>

/** HA's view of the keys it uses; missing keys keep their last view. */
export type HaHealthReader = (keys: KeyRecord[], seen: SeenSites) => Promise<Map<string, HaKeyHealth>>

/** Unreachable consoles are retried after 1, 2, 4… intervals, at most `maxBackoffMs`. */
export function isDue(k: KeyRecord, t: number, intervalMs: number, maxBackoffMs: number): boolean {
  if (k.unreachableStreak === 0 || !k.lastCheck) return true
  const wait = Math.min(maxBackoffMs, intervalMs * 2 ** (k.unreachableStreak - 1))
  return Date.parse(k.lastCheck.checkedAt) + wait <= t
}

/** What an app being reinstalled or updated answers for a while: 404 where it answered before. */
const MOMENTARY: ReadonlySet<KeyProblem> = new Set(['app_not_on_host', 'version_too_old'])

/**
 * A key whose last check was ok and whose app now seems gone or too old (unifi-os.md §1: an app's
 * 404 reads as "absent", and a reinstall or update answers that for a while) is recorded as not
 * checked, and confirmed by the next check: only a repeat makes it failing and says "stopped working".
 */
export function confirmMiss(previous: KeyCheckSummary | null, check: KeyCheckSummary): KeyCheckSummary {
  if (check.status !== 'failed' || !check.problem || !MOMENTARY.has(check.problem)) return check
  if (previous?.status !== 'ok') return check
  // The app answered and told its version; the floor is its consumer's (issue 14 §6): not a momentary miss.
  if (check.appVersion) return check
  const said = check.message ? ` (${check.message.replace(/\.$/, '')})` : ''
  return {
    ...check,
    unconfirmed: true,
    message: `Not checked: the app did not answer as before${said}.`.slice(0, 600),
    nextStep: 'Keyward checks again on its next round; if the app was removed or downgraded, it says so then.',
  }
}

export interface SweepRunnerOptions<T> {
  records: KeyRecords
  vault: SecretStore
  checkers: CheckerRegistry
  pacer: Pacer
  log: Logger
  now: () => number
  intervalMs: () => number
  maxBackoffMs: number
  haHealth?: HaHealthReader
  /** A sweep begins (the tray shows "checking"). */
  onStart: () => void
  /** A sweep ended and was saved; its value is what every caller of that sweep gets. */
  onDone: () => T
}

export class SweepRunner<T> {
  #current: Promise<T> | null = null
  #lastSweep = 0

  constructor(private readonly o: SweepRunnerOptions<T>) {}

  get sweeping(): boolean {
    return this.#current !== null
  }

  /** The sweep under way, if any. */
  get current(): Promise<T> | null {
    return this.#current
  }

  /** When the last sweep ended (0: none yet). */
  get lastSweepAt(): number {
    return this.#lastSweep
  }

  /** Checks `ids` (default: every watched key that is due, or every unpaused one with `force`). */
  run(ids?: readonly string[], force = false): Promise<T> {
    if (this.#current) return this.#current
    this.#current = this.#sweep(ids, force)
      .finally(() => {
        this.#current = null
      })
      .then(() => this.o.onDone())
    return this.#current
  }

  async #sweep(ids: readonly string[] | undefined, force: boolean): Promise<void> {
    const { records, now } = this.o
    this.o.onStart()
    const t = now()
    const due = (k: KeyRecord) => force || isDue(k, t, this.o.intervalMs(), this.o.maxBackoffMs)
    const chosen = records.list().filter((k) => (ids ? ids.includes(k.id) : !k.paused && due(k)))
    const seen = new Map<string, readonly string[] | null>()
    const results = await Promise.all(chosen.map((k) => this.#check(k, seen)))
    const ha = this.o.haHealth
      ? await this.o
          .haHealth(
            chosen.filter((k) => k.pushedTo.length > 0),
            seen,
          )
          .catch(() => new Map<string, HaKeyHealth>())
      : new Map<string, HaKeyHealth>()
    // Saved against a fresh read: a key may have been added or removed while the sweep ran.
    records.saveSweep(new Map(results.map((r) => [r.id, r])), ha)
    this.#lastSweep = now()
  }

  /** One key's check; the record as it was when there is nothing to check with or the checker broke. */
  async #check(k: KeyRecord, seen: Map<string, readonly string[] | null>): Promise<KeyRecord> {
    const { log, pacer } = this.o
    const secret = await this.o.vault.get(k.keyRef).catch((error: unknown) => {
      log.warn('key check skipped: keychain unavailable', { key: k.id, error })
      return null
    })
    if (secret === null) return k // nothing to check with; the status stays what it was
    try {
      // The principal is the key's user on its own console; elsewhere (the wrong-host diagnosis) it is unknown.
      const principal = (consoleKey: string) => (consoleKey === k.consoleKey ? k.username : undefined)
      seen.set(k.id, null)
      const check = await this.o.checkers.check(
        k,
        secret,
        (consoleKey) => pacer.wait(consoleKey, principal(consoleKey)),
        (consoleKey, reply) => pacer.observe(consoleKey, principal(consoleKey), reply),
        (siteIds) => seen.set(k.id, siteIds),
      )
      const streak = check.status === 'failed' && check.problem === 'unreachable' ? k.unreachableStreak + 1 : 0
      return { ...k, lastCheck: confirmMiss(k.lastCheck, summarize(check)), unreachableStreak: streak }
    } catch (error) {
      log.error('key check failed unexpectedly', { key: k.id, error })
      return k
    }
  }
}
