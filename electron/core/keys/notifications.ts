// Which notifications to show when key states change: transitions only,
// de-duplicated, throttled, grouped when many keys change at once, and
// suppressed while the key list is open (mullvad's notification controller:
// mayDisplay + suppression reasons; electron.md §6).
import type { KeyStatus } from '../../../shared/domain.ts'

export type TransitionKind = 'failing' | 'expiring' | 'expired' | 'recovered'

export interface Transition {
  keyId: string
  name: string
  kind: TransitionKind
}

export interface PlannedNotification {
  title: string
  body: string
  keyIds: string[]
}

export interface NotificationPolicy {
  /** At most one notification per this many ms; the rest wait and are grouped. */
  throttleMs?: number
  /** More transitions than this at once become one grouped notification. */
  groupAbove?: number
}

/**
 * The transition a status change means, or null. Going unknown (a console that
 * does not answer) and pausing are silent: the key may be fine. Coming back to
 * ok from failing, expired or unknown is reported as recovered.
 */
export function transitionOf(before: KeyStatus | undefined, after: KeyStatus): TransitionKind | null {
  if (before === after) return null
  if (after === 'failing' || after === 'expired' || after === 'expiring') return after
  if (after === 'ok' && (before === 'failing' || before === 'expired' || before === 'unknown')) return 'recovered'
  return null
}

const SENTENCE: Record<TransitionKind, (name: string) => string> = {
  failing: (n) => `${n} stopped working.`,
  expiring: (n) => `${n} expires soon.`,
  expired: (n) => `${n} has expired.`,
  recovered: (n) => `${n} works again.`,
}

export class NotificationPlanner {
  #last = new Map<string, KeyStatus>()
  /** Last transition we told the user about, per key (de-dup). */
  #told = new Map<string, TransitionKind>()
  #pending: Transition[] = []
  #lastShown = -Infinity
  readonly #throttleMs: number
  readonly #groupAbove: number

  constructor(policy: NotificationPolicy = {}) {
    this.#throttleMs = policy.throttleMs ?? 60_000
    this.#groupAbove = policy.groupAbove ?? 2
  }

  /**
   * Feed the current statuses; returns what to show now (possibly nothing).
   * `suppressed`: the key list is open, so the user sees the change there.
   */
  update(
    statuses: ReadonlyMap<string, { name: string; status: KeyStatus }>,
    now: number,
    suppressed = false,
  ): PlannedNotification | null {
    for (const [keyId, { name, status }] of statuses) {
      const before = this.#last.get(keyId)
      this.#last.set(keyId, status)
      const kind = before === undefined ? null : transitionOf(before, status) // the first sighting is not a change
      if (!kind) continue
      if (this.#told.get(keyId) === kind) continue
      this.#told.set(keyId, kind)
      this.#pending = this.#pending.filter((t) => t.keyId !== keyId) // only the newest change of a key counts
      if (!suppressed) this.#pending.push({ keyId, name, kind })
    }
    for (const keyId of [...this.#last.keys()]) {
      if (!statuses.has(keyId)) {
        this.#last.delete(keyId)
        this.#told.delete(keyId)
        this.#pending = this.#pending.filter((t) => t.keyId !== keyId)
      }
    }
    if (suppressed) this.#pending = []
    return this.flush(now)
  }

  /** Shows what waited for the throttle, if its time has come. */
  flush(now: number): PlannedNotification | null {
    if (this.#pending.length === 0 || now - this.#lastShown < this.#throttleMs) return null
    const batch = this.#pending
    this.#pending = []
    this.#lastShown = now
    return compose(batch, this.#groupAbove)
  }
}

function compose(batch: Transition[], groupAbove: number): PlannedNotification {
  const keyIds = batch.map((t) => t.keyId)
  if (batch.length <= groupAbove) {
    const bad = batch.filter((t) => t.kind !== 'recovered')
    return {
      title: bad.length ? 'Keyward: a key needs attention' : 'Keyward: key recovered',
      body: batch.map((t) => SENTENCE[t.kind](t.name)).join(' '),
      keyIds,
    }
  }
  const by = (kind: TransitionKind) => batch.filter((t) => t.kind === kind).length
  const parts = (['failing', 'expired', 'expiring', 'recovered'] as const)
    .filter((k) => by(k) > 0)
    .map(
      (k) =>
        `${by(k)} ${k === 'failing' ? 'stopped working' : k === 'expiring' ? 'expire soon' : k === 'expired' ? 'expired' : 'recovered'}`,
    )
  return {
    title: `Keyward: ${batch.length} keys changed`,
    body: `${parts.join(', ')}. Open the key list for details.`,
    keyIds,
  }
}
