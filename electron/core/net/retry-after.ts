// Retry-After (RFC 9110 §10.2.3) as consoles and UISP servers send it on 429/503.
import { parseRateLimit, parseRetryAfter, type HeaderBag } from './ratelimit.ts'

/** Seconds from a Retry-After header (delta or HTTP date), clamped to 1 s – 1 h; default 60 (unpoller). */
export function retryAfterSeconds(header: string | string[] | undefined, now: number): number {
  return Math.min(3600, Math.max(1, parseRetryAfter(header, now) ?? 60))
}

/**
 * Seconds until a refused (429) request may go again: `Retry-After` when sent (uiprotect honours it,
 * unifi-os.md §5.1); otherwise the reset `t` of the spent `RateLimit` policy ("a 429 carries r=0",
 * §5.1: Protect's limiter may answer with the structured fields alone); otherwise its window `w`;
 * otherwise the 60 s default. Clamped like `retryAfterSeconds`.
 */
export function secondsUntilRetry(headers: HeaderBag, now: number): number {
  const header = headers['retry-after']
  if (parseRetryAfter(header, now) !== null) return retryAfterSeconds(header, now)
  const waits = parseRateLimit(headers)
    .filter((p) => p.remaining === 0)
    .map((p) => p.resetSeconds ?? p.windowSeconds)
    .filter((s): s is number => s !== null)
  return waits.length > 0 ? retryAfterSeconds(String(Math.max(...waits)), now) : retryAfterSeconds(undefined, now)
}
