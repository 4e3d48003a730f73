/**
 * Wait until `probe` returns a truthy value, polling. The timeout is a hang guard, not a speed
 * bound: it is generous (30 s) so the suite passes on a loaded machine; speed lives in `npm run bench`.
 */
export async function until<T>(
  what: string,
  probe: () => T | null | undefined | false,
  timeoutMs = 30_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
