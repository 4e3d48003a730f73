// Two limiters, both driven by the simulated clock (ListenOptions.clock) so tests never sleep.

/**
 * Login lock-out per client address (unifi-os.md §2 Failures, "rate limit"): after
 * `maxFailures` bad logins every attempt answers 429 with `Retry-After`, and "each new
 * login attempt extends the timer" (merlijntishauser/unifi-network-maps-ha#211) [report]:
 * an attempt during the lock restarts the full `lockSeconds`.
 */
export class LoginLockout {
  readonly entries = new Map<string, { failures: number; lockedUntil: number | null }>()

  constructor(private readonly limits: () => { maxFailures: number; lockSeconds: number }) {}

  /** Call once per login attempt before checking credentials. */
  attempt(client: string, now: number): { locked: false } | { locked: true; retryAfterSeconds: number } {
    const entry = this.entries.get(client)
    if (!entry || entry.lockedUntil === null) return { locked: false }
    if (entry.lockedUntil <= now) {
      this.entries.delete(client) // lock ran out: a fresh budget
      return { locked: false }
    }
    const { lockSeconds } = this.limits()
    entry.lockedUntil = now + lockSeconds * 1000
    return { locked: true, retryAfterSeconds: lockSeconds }
  }

  recordFailure(client: string, now: number): void {
    const { maxFailures, lockSeconds } = this.limits()
    const entry = this.entries.get(client) ?? { failures: 0, lockedUntil: null }
    entry.failures += 1
    if (entry.failures >= maxFailures) entry.lockedUntil = now + lockSeconds * 1000
    this.entries.set(client, entry)
  }

  recordSuccess(client: string): void {
    this.entries.delete(client)
  }
}

/**
 * Fixed one-second window shared by all integration calls of one console (§5.1: "The
 * observed budget is 10/1s", advertised as draft-8 `RateLimit-Policy: q=10;w=1`).
 */
export class WindowRateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY
  private used = 0

  constructor(private readonly quota: () => number, private readonly windowMs = 1000) {}

  /** Header value for every response governed by this limiter. */
  policy(): string {
    return `q=${this.quota()};w=${Math.round(this.windowMs / 1000)}`
  }

  take(now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (now - this.windowStart >= this.windowMs || now < this.windowStart) {
      this.windowStart = now
      this.used = 0
    }
    if (this.used < this.quota()) {
      this.used += 1
      return { ok: true }
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000)) }
  }
}
