// Which links the window may open in the user's browser (`shell.openExternal`).
// Every other navigation and window.open is denied (Electron security checklist
// items 13–15). Allowed: https pages of the documentation Keyward points to,
// and the Home Assistant instances the user connected (their "add integration"
// links, home-assistant.md §4 "My links"). No Electron runtime import.

/** Public documentation and My-link hosts, https only. */
export const EXTERNAL_HOSTS: readonly string[] = [
  'help.ui.com',
  'developer.ui.com',
  'my.home-assistant.io',
  'www.home-assistant.io',
]

/**
 * True if `url` may be handed to the OS browser. `haOrigins` are the origins of
 * the Home Assistant instances Keyward knows (http is allowed there: that is
 * how many home labs run HA; the link carries no secret).
 */
export function externalUrlAllowed(url: string, haOrigins: readonly string[]): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.username || parsed.password) return false
  if (parsed.protocol === 'https:' && EXTERNAL_HOSTS.includes(parsed.hostname) && parsed.port === '') return true
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false
  return haOrigins.some((origin) => {
    try {
      return new URL(origin).origin === parsed.origin
    } catch {
      return false
    }
  })
}
