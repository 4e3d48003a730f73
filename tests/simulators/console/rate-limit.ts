// Two limiters, both driven by the simulated clock (ListenOptions.clock) so tests never sleep,
// and the rate-limit headers the integration API announces.

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

/** One announced policy, e.g. "10-in-1sec": `quota` requests per `windowMs`. */
export interface RatePolicy {
  name: string
  quota: number
  windowMs: number
}

export interface PolicyState {
  policy: RatePolicy
  /** `r`: what is left after this request (0 on a refusal: "a 429 carries r=0", §5.1). */
  remaining: number
  /** `t`: whole seconds until the budget grows again. */
  resetSeconds: number
}

export interface RateVerdict {
  ok: boolean
  states: PolicyState[]
  /** On a refusal: whole seconds until a request would be accepted (≥ 1). */
  retryAfterSeconds: number
}

export type WindowModel = 'sliding' | 'fixed'

/**
 * Protect's public-API limiter (unifi-os.md §5.1 [source]): express-rate-limit ahead of every
 * `/integration/v1` route, keyed per user principal, so every key of one user (and Home Assistant
 * on that user) draws from one budget; keys of another user have their own. Every policy is
 * enforced; a request is accepted only when each has room.
 *
 * 'sliding' (default): at most `quota` accepted requests in ANY `windowMs`, the strictest model a
 * client has to meet; 'fixed': windows of `windowMs` from a principal's first request, the most
 * forgiving model (the simulator's old one). Refused requests do not spend budget [inferred].
 */
export class PrincipalRateLimiter {
  /** principal + policy → accepted request times in the window (sliding), oldest first. */
  private readonly hits = new Map<string, number[]>()
  /** principal + policy → current fixed window. */
  private readonly windows = new Map<string, { start: number; used: number }>()

  constructor(private readonly settings: () => { policies: RatePolicy[]; window: WindowModel }) {}

  take(principal: string, now: number): RateVerdict {
    const { policies, window } = this.settings()
    const used = policies.map((p) => this.used(`${principal}\n${p.name}`, p, now, window))
    const ok = used.every((u, i) => u.count < policies[i]!.quota)
    if (ok) for (const u of used) u.spend()
    const states = policies.map((policy, i) => ({
      policy,
      remaining: Math.max(0, policy.quota - used[i]!.count - (ok ? 1 : 0)),
      resetSeconds: used[i]!.resetSeconds(),
    }))
    const refusing = states.filter((s, i) => used[i]!.count >= s.policy.quota)
    return { ok, states, retryAfterSeconds: Math.max(1, ...refusing.map((s) => s.resetSeconds)) }
  }

  private used(id: string, p: RatePolicy, now: number, window: WindowModel) {
    const ceilS = (ms: number) => Math.max(0, Math.ceil(ms / 1000))
    if (window === 'fixed') {
      let w = this.windows.get(id)
      if (!w || now - w.start >= p.windowMs || now < w.start) {
        w = { start: now, used: 0 }
        this.windows.set(id, w)
      }
      const current = w
      return {
        count: current.used,
        spend: () => {
          current.used += 1
        },
        resetSeconds: () => ceilS(current.start + p.windowMs - now),
      }
    }
    const times = (this.hits.get(id) ?? []).filter((t) => t > now - p.windowMs && t <= now)
    this.hits.set(id, times)
    return {
      count: times.length,
      spend: () => {
        times.push(now)
      },
      // When the oldest request in the window leaves it: the budget grows again by one.
      resetSeconds: () => (times.length > 0 ? ceilS(times[0]! + p.windowMs - now) : 0),
    }
  }
}

/** How a console announces its budget (§5.1); the knob `rateLimit.headers`. */
export type RateHeaderShape = 'single' | 'lines' | 'draft-7' | 'none'

/** "10-in-1sec" (the reference's example), "600-in-1min". */
export function policyName(quota: number, windowSeconds: number): string {
  return windowSeconds % 60 === 0 ? `${quota}-in-${windowSeconds / 60}min` : `${quota}-in-${windowSeconds}sec`
}

/**
 * The headers a verdict announces (§5.1 [source], IETF draft-8 structured fields):
 *   RateLimit:        "10-in-1sec";r=<remaining>;t=<reset-seconds>
 *   RateLimit-Policy: "10-in-1sec";q=<quota>;w=<window-seconds>;pk=:<key>:
 * 'single': one line each, several policies joined by ", "; 'lines': one line per policy, as the
 * server's `response.append()` adds a second policy (that RateLimit gets its own line too is
 * [inferred]); 'draft-7': express-rate-limit's other form, `limit=…, remaining=…, reset=…` for the
 * policy with least left and `<q>;w=<w>` per policy; 'none': older firmware, no headers at all.
 */
export function rateLimitHeaders(
  shape: RateHeaderShape,
  verdict: RateVerdict,
  partitionKey: string,
): Record<string, string | string[]> {
  const states = verdict.states
  if (shape === 'none' || states.length === 0) return {}
  const seconds = (p: RatePolicy) => Math.max(1, Math.round(p.windowMs / 1000))
  if (shape === 'draft-7') {
    const least = states.reduce((a, b) => (b.remaining < a.remaining ? b : a))
    return {
      ratelimit: `limit=${least.policy.quota}, remaining=${least.remaining}, reset=${least.resetSeconds}`,
      'ratelimit-policy': states.map((s) => `${s.policy.quota};w=${seconds(s.policy)}`).join(', '),
    }
  }
  const limits = states.map((s) => `"${s.policy.name}";r=${s.remaining};t=${s.resetSeconds}`)
  const policies = states.map(
    (s) => `"${s.policy.name}";q=${s.policy.quota};w=${seconds(s.policy)};pk=:${partitionKey}:`,
  )
  return shape === 'lines'
    ? { ratelimit: limits, 'ratelimit-policy': policies }
    : { ratelimit: limits.join(', '), 'ratelimit-policy': policies.join(', ') }
}
