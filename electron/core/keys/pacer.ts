// Spaces requests per (console, user principal) below the budget the console announces.
// Protect limits its public API per user principal: 10 requests per second shared by every key of that
// user, and by Home Assistant when it uses the same user (unifi-os.md §5.1). So two keys of one user on
// one console share one budget and keys of different users do not. Requests are spaced evenly at
// (q − 2) / w of the strictest announced policy (8/s for "10-in-1sec", as uiprotect paces, leaving room for
// a websocket or Home Assistant on the same user; 8/s before any header). Every reply feeds back
// (`observe`): `RateLimit` saying nothing is left stops that principal until its reset, and a 429 stops it
// for Retry-After, so a budget someone else is spending is honoured too.
import { parseRateLimit, parseRetryAfter, strictestPolicy, type HeaderBag } from '../net/ratelimit.ts'

/** What a reply said: its status and headers (RateLimit, RateLimit-Policy, Retry-After). */
export interface PacedReply {
  status: number
  headers: HeaderBag
}

/** Waits for the budget before one request to `consoleKey` (the caller binds the principal). */
export type Pace = (consoleKey: string) => Promise<void>
/** Hands a reply from `consoleKey` back to the pacer. */
export type PaceReply = (consoleKey: string, reply: PacedReply) => void

export interface Pacer {
  /** Waits for a slot in the budget of `principal` (the key's user) on `consoleKey`; undefined = unknown user. */
  wait(consoleKey: string, principal?: string): Promise<void>
  /** A reply for that principal: its rate-limit headers set the pace and may stop it until a reset. */
  observe(consoleKey: string, principal: string | undefined, reply: PacedReply): void
}

export interface PacerOptions {
  /** Monotonic milliseconds (default performance.now). */
  now?: () => number
  /** Wall-clock milliseconds, for a Retry-After given as a date (default Date.now). */
  wallClock?: () => number
  sleep?: (ms: number) => Promise<void>
  /** Longest one reply can stop a principal: a confused or hostile console must not stall a sweep. */
  maxBlockMs?: number
}

/** Assumed until a console announces its own: Protect's "10-in-1sec" (§5.1). */
const DEFAULT_POLICY = { quota: 10, windowSeconds: 1 }
/**
 * Left per window (uiprotect reserves 2 req/s for its websocket, §5.1): room for a request of ours still
 * under way and for jitter at the window's edge, where evenly spaced requests alone already see r = 1.
 * So "low" is r = 0: the window is full, and the next request waits for the reset.
 */
const RESERVE = 2
const LOW = 0

/** Milliseconds between requests for a policy of `quota` per `windowSeconds`. */
export function gapMs(quota: number, windowSeconds: number): number {
  const usable = quota > RESERVE ? Math.min(quota - RESERVE, quota * 0.8) : Math.max(quota, 1) / 2
  return (windowSeconds * 1000) / usable
}

interface Budget {
  gapMs: number
  /** Earliest time the next request may go (monotonic ms). */
  next: number
  /** Nothing goes before this: the console said the budget is spent. */
  blockedUntil: number
}

export function createPacer(options: PacerOptions = {}): Pacer {
  const now = options.now ?? (() => performance.now())
  const wallClock = options.wallClock ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const maxBlockMs = options.maxBlockMs ?? 60_000
  const budgets = new Map<string, Budget>()

  const budget = (consoleKey: string, principal: string | undefined): Budget => {
    const id = `${consoleKey}\n${principal ?? ''}`
    let b = budgets.get(id)
    if (!b) {
      b = { gapMs: gapMs(DEFAULT_POLICY.quota, DEFAULT_POLICY.windowSeconds), next: 0, blockedUntil: 0 }
      budgets.set(id, b)
    }
    return b
  }
  const take = (b: Budget): number => {
    const slot = Math.max(now(), b.next, b.blockedUntil)
    b.next = slot + b.gapMs
    return slot
  }

  return {
    async wait(consoleKey, principal) {
      const b = budget(consoleKey, principal)
      let slot = take(b)
      for (;;) {
        const t = now()
        if (t < slot) await sleep(slot - t)
        // Stopped while waiting (a reply said the budget is spent): queue again behind the reset.
        else if (t < b.blockedUntil) slot = take(b)
        else return
      }
    },
    observe(consoleKey, principal, reply) {
      const b = budget(consoleKey, principal)
      const policies = parseRateLimit(reply.headers)
      const strictest = strictestPolicy(policies)
      if (strictest) b.gapMs = Math.min(gapMs(strictest.quota!, strictest.windowSeconds!), maxBlockMs)
      let waitSeconds = 0
      for (const p of policies) {
        if (p.remaining !== null && p.remaining <= LOW) {
          waitSeconds = Math.max(waitSeconds, p.resetSeconds ?? p.windowSeconds ?? DEFAULT_POLICY.windowSeconds)
        }
      }
      if (reply.status === 429) {
        const retry = parseRetryAfter(reply.headers['retry-after'], wallClock())
        waitSeconds = Math.max(waitSeconds, retry ?? strictest?.windowSeconds ?? DEFAULT_POLICY.windowSeconds)
      }
      if (waitSeconds > 0) b.blockedUntil = Math.max(b.blockedUntil, now() + Math.min(waitSeconds * 1000, maxBlockMs))
    },
  }
}
