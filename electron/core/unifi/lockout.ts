// A sign-in lock-out belongs to the console, not to a session object (issue 14 §2).
// unifi-os.md §2 Failures, "rate limit": after too many failed logins a console answers
// 429 `AUTHENTICATION_FAILED_LIMIT_REACHED`, and "each new login attempt extends the timer"
// (merlijntishauser/unifi-network-maps-ha#211) [report]. So once one path learns of a
// lock, no path may send another login to that console until it ends: the wizard's
// sign-in, the dedicated user's sessions for rotate/revoke/usage, and the one re-login
// inside a session all ask `check()` first. The length comes from Retry-After (unpoller
// honours it, default 60 s [source]; see `retryAfterSeconds` in session.ts).
// Keyed by the host's `host:port` (IPv6 in brackets, as net/address.ts writes it).
// UISP servers use the same unit (uisp/session.ts): uisp.md §1 documents no lock-out
// (only 200/201/400/401), so there it acts only on a 429 a server actually sends.
import { KeywardFailure } from '../../../shared/result.ts'

/** Most hosts a registry remembers; expired entries are dropped first (a LAN has far fewer consoles). */
const MAX_ENTRIES = 1000

/** `locked-out`, with the end of the lock every caller and every screen shares. */
export class LockedOutFailure extends KeywardFailure {
  constructor(
    label: string,
    /** When the lock ends, in ms since the epoch. */
    readonly until: number,
    /** Whole seconds left when this failure was made. */
    readonly retryAfterSeconds: number,
  ) {
    const clock = new Date(until).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    super(
      'locked-out',
      `${label} has paused sign-ins after too many attempts. Try again after ${clock} (in ${retryAfterSeconds} s); ` +
        'every attempt before then restarts the wait.',
      `retry-after ${retryAfterSeconds}; until ${new Date(until).toISOString()}`,
    )
  }

  override toError() {
    return { ...super.toError(), retryAfterSeconds: this.retryAfterSeconds, until: new Date(this.until).toISOString() }
  }
}

/** The lock-outs of the hosts one core talks to. */
export class LoginLocks {
  readonly #until = new Map<string, number>()

  /** When the lock on `id` ends (ms since the epoch), or null when sign-ins are open. */
  until(id: string, now: number): number | null {
    const until = this.#until.get(id)
    if (until === undefined) return null
    if (until > now) return until
    this.#until.delete(id) // ran out: a fresh start
    return null
  }

  /** Throws `locked-out` while `id` is locked; call before sending any login. */
  check(id: string, label: string, now: number): void {
    const until = this.until(id, now)
    if (until !== null) throw new LockedOutFailure(label, until, Math.ceil((until - now) / 1000))
  }

  /** Records a 429 for `id` lasting `seconds` and returns the failure to throw. */
  lock(id: string, label: string, seconds: number, now: number): LockedOutFailure {
    if (!this.#until.has(id) && this.#until.size >= MAX_ENTRIES) this.#prune(now)
    const until = Math.max(this.#until.get(id) ?? 0, now + seconds * 1000)
    this.#until.set(id, until)
    return new LockedOutFailure(label, until, Math.ceil((until - now) / 1000))
  }

  /** A login went through: whatever was recorded is over. */
  clear(id: string): void {
    this.#until.delete(id)
  }

  #prune(now: number): void {
    for (const [id, until] of this.#until) if (until <= now) this.#until.delete(id)
    // Still full (a flood of distinct hosts): forget the lock that ends first.
    if (this.#until.size >= MAX_ENTRIES) {
      const first = [...this.#until].sort((a, b) => a[1] - b[1])[0]
      if (first) this.#until.delete(first[0])
    }
  }
}
