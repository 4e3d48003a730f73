// Turns the key list's states into desktop notifications (the planner decides which: transitions only,
// throttled, grouped, none while the key list is open). Notifications the throttle held back are shown by
// one timer, set only while something waits and the watch runs.
import type { KeyNotification } from '../../../shared/domain.ts'
import type { WatchedKey } from '../views.ts'
import type { EventHub } from '../events.ts'
import { NotificationPlanner } from './notifications.ts'

export class KeyNotifier {
  readonly #planner: NotificationPlanner
  readonly #flushMs: number
  #flushTimer: NodeJS.Timeout | null = null
  #active = false
  #listOpen = false

  constructor(
    private readonly hub: EventHub,
    private readonly now: () => number,
    options: { planner?: NotificationPlanner; flushMs?: number } = {},
  ) {
    this.#planner = options.planner ?? new NotificationPlanner()
    this.#flushMs = options.flushMs ?? 60_000
  }

  /** The current list: shows what its changes call for now, and keeps the rest for the throttle. */
  update(list: readonly WatchedKey[]): void {
    const statuses = new Map(list.map((v) => [v.id, { name: v.name, status: v.status }]))
    this.#notify(this.#planner.update(statuses, this.now(), this.#listOpen))
  }

  /** The key list window opened or closed: notifications are suppressed while it is open. */
  setListOpen(open: boolean): void {
    this.#listOpen = open
  }

  /** Held-back notifications are flushed only between start and stop. */
  start(): void {
    this.#active = true
  }

  stop(): void {
    this.#active = false
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    this.#flushTimer = null
  }

  #notify(planned: KeyNotification | null): void {
    if (planned) this.hub.emit('keys.notification', planned)
    // Throttled notifications wait; one timer at most, only while something waits.
    if (!this.#flushTimer && this.#active) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = null
        this.#notify(this.#planner.flush(this.now()))
      }, this.#flushMs)
      this.#flushTimer.unref()
    }
  }
}
