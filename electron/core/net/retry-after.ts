// Retry-After (RFC 9110 §10.2.3) as consoles and UISP servers send it on 429/503.

/** Seconds from a Retry-After header (delta or HTTP date), clamped to 1 s – 1 h; default 60 (unpoller). */
export function retryAfterSeconds(header: string | string[] | undefined, now: number): number {
  const text = Array.isArray(header) ? header[0] : header
  let seconds = 60
  if (text && /^\d+$/.test(text.trim())) seconds = Number(text.trim())
  else if (text && !Number.isNaN(Date.parse(text))) seconds = Math.ceil((Date.parse(text) - now) / 1000)
  return Math.min(3600, Math.max(1, seconds))
}
