// Retry-After (RFC 9110 §10.2.3) as consoles and UISP servers send it on 429/503.
import { parseRateLimit, parseRetryAfter, type HeaderBag } from './ratelimit.ts'

/** A wait in whole seconds, clamped to 1 s – 1 h; none stated: 60 (unpoller). */
const clampWait = (seconds: number | null) => Math.min(3600, Math.max(1, Math.ceil(seconds ?? 60)))

/** Seconds from a Retry-After header (delta or HTTP date), clamped to 1 s – 1 h; default 60 (unpoller). */
export function retryAfterSeconds(header: string | string[] | undefined, now: number): number {
  return clampWait(parseRetryAfter(header, now))
}

/**
 * Seconds until a refused (429) request may go again: `Retry-After` when sent (uiprotect honours it,
 * unifi-os.md §5.1); otherwise the reset `t` of the spent `RateLimit` policy ("a 429 carries r=0",
 * §5.1: Protect's limiter may answer with the structured fields alone); otherwise its window `w`;
 * otherwise the 60 s default. Clamped like `retryAfterSeconds`.
 */
export function secondsUntilRetry(headers: HeaderBag, now: number): number {
  const stated = parseRetryAfter(headers['retry-after'], now)
  if (stated !== null) return clampWait(stated)
  const waits = parseRateLimit(headers)
    .filter((p) => p.remaining === 0)
    .map((p) => p.resetSeconds ?? p.windowSeconds)
    .filter((s): s is number => s !== null)
  return clampWait(waits.length > 0 ? Math.max(...waits) : null)
}
