// What the key list and the tray show: each stored key record with its status (derived at `t` with the
// expiry lead time), the name and host of its console or UISP server, and its user when Keyward made it.
import type { WatchedKey } from '../views.ts'
import type { Settings } from '../settings/settings.ts'
import { keyUserView } from './key-user.ts'
import { keyStatus } from './status.ts'

/** The stored keys as the user sees them at `t`; `leadDays`: how early "expires soon" starts. */
export function keyViews(settings: Settings, t: number, leadDays: number): WatchedKey[] {
  // UISP tokens' consoleKey is their server (no name: the host is shown).
  const byKey = new Map<string, { name: string | null; host: string }>([
    ...settings.getUisp().servers.map((s) => [s.key, { name: null, host: s.host }] as const),
    ...settings.listConsoles().map((c) => [c.key, c] as const),
  ])
  const keys = settings.listKeys()
  const flows = settings.listProvisions()
  return keys.map((k) => ({
    ...k,
    dedicatedUser: keyUserView(k, keys, flows),
    status: keyStatus(k, t, leadDays),
    consoleName: byKey.get(k.consoleKey)?.name ?? null,
    host: byKey.get(k.consoleKey)?.host ?? null,
  }))
}
