// The page's own clipboard, for hosts without a system clipboard port (the
// browser host): the core hands the key over because the user pressed Copy.
// The key is written and then dropped; only its SHA-256 waits for the timer,
// which clears the clipboard if it still holds the same text.

let pending: ReturnType<typeof setTimeout> | null = null

async function digest(text: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Writes `secret` to the clipboard and clears it after `seconds` if nothing else was copied meanwhile. */
export async function copyAndClear(secret: string, seconds: number): Promise<void> {
  if (!navigator.clipboard?.writeText) throw new Error('no clipboard')
  const fingerprint = await digest(secret)
  await navigator.clipboard.writeText(secret)
  if (pending) clearTimeout(pending)
  pending = setTimeout(() => {
    pending = null
    void (async () => {
      try {
        const now = await navigator.clipboard.readText()
        if (now !== '' && (await digest(now)) === fingerprint) await navigator.clipboard.writeText('')
      } catch {
        // Reading the clipboard was refused: leave it alone rather than clear someone else's text.
      }
    })()
  }, seconds * 1000)
}
