// The tray as a pure function of the keys' states (mullvad's trayIconType,
// Signal's idempotent render): the shell only draws what this returns. One copy
// for the core (keys/watch.ts publishes it) and the renderer (the Overview shows
// the same icon state and counts), so it lives here, free of Node and React.
import type { KeyStatus } from './domain.ts'
import type { TrayIcon, TrayMenuItem, TrayModel } from './tray.ts'

export type { TrayIcon, TrayMenuItem, TrayModel } from './tray.ts'

/** Worst first, for sorting and for the tray. */
export const STATUS_SEVERITY: Record<KeyStatus, number> = {
  failing: 5,
  expired: 4,
  expiring: 3,
  unknown: 2,
  ok: 1,
  paused: 0,
}

export interface TrayKey {
  id: string
  name: string
  consoleName: string
  status: KeyStatus
}

/** A key as the key list shows it: its console by name, else its host, else its address key. */
export interface ListedKey {
  id: string
  name: string
  consoleName: string | null
  host: string | null
  consoleKey: string
  status: KeyStatus
}

/** The tray for the key list's keys (`checking` while a sweep runs): one copy for the core's tray and the Overview. */
export function trayOfKeys(keys: readonly ListedKey[], checking: boolean): TrayModel {
  const named = keys.map((k) => ({
    id: k.id,
    name: k.name,
    consoleName: k.consoleName ?? k.host ?? k.consoleKey,
    status: k.status,
  }))
  return trayModel(named, { checking })
}

/** A status in the tray's words ("3 failing, 1 expiring soon"). */
export const STATUS_WORDS: Record<KeyStatus, string> = {
  ok: 'OK',
  failing: 'failing',
  expiring: 'expiring soon',
  expired: 'expired',
  paused: 'checks paused',
  unknown: 'not checked yet',
}
const MARK: Record<KeyStatus, string> = {
  ok: '✓',
  failing: '✕',
  expiring: '!',
  expired: '✕',
  paused: '‖',
  unknown: '?',
}

/** How many keys have each status (every status present, 0 when none). */
export function statusCounts(keys: readonly { status: KeyStatus }[]): Record<KeyStatus, number> {
  const counts: Record<KeyStatus, number> = { ok: 0, failing: 0, expiring: 0, expired: 0, paused: 0, unknown: 0 }
  for (const k of keys) counts[k.status] += 1
  return counts
}

/** The icon's state: any failing or expired key is an error; expiring or unchecked ones need attention. */
export function trayIcon(counts: Record<KeyStatus, number>): TrayIcon {
  return counts.failing + counts.expired > 0 ? 'error' : counts.expiring + counts.unknown > 0 ? 'attention' : 'ok'
}

/** How many key lines the menu shows before "and N more". */
export const MAX_MENU_KEYS = 12

export function trayModel(keys: readonly TrayKey[], options: { checking?: boolean } = {}): TrayModel {
  const counts = statusCounts(keys)
  const n = (s: KeyStatus) => counts[s]

  const icon = trayIcon(counts)
  const problems = (['failing', 'expired', 'expiring', 'unknown'] as const)
    .filter((s) => n(s) > 0)
    .map((s) => `${n(s)} ${STATUS_WORDS[s]}`)
  const watched = keys.length - n('paused')
  const tooltip =
    keys.length === 0
      ? 'Keyward — no keys yet'
      : problems.length === 0
        ? `Keyward — ${watched === 1 ? 'the key is' : `all ${watched} keys are`} OK${n('paused') ? ` (${n('paused')} paused)` : ''}`
        : `Keyward — ${keys.length} key${keys.length === 1 ? '' : 's'}: ${problems.join(', ')}`

  const ordered = [...keys].sort(
    (a, b) =>
      STATUS_SEVERITY[b.status] - STATUS_SEVERITY[a.status] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  )
  const lines: TrayMenuItem[] = ordered.slice(0, MAX_MENU_KEYS).map((k) => ({
    type: 'key',
    keyId: k.id,
    status: k.status,
    label: `${MARK[k.status]} ${k.name} · ${k.consoleName} — ${STATUS_WORDS[k.status]}`,
  }))
  if (ordered.length > MAX_MENU_KEYS) lines.push({ type: 'more', label: `and ${ordered.length - MAX_MENU_KEYS} more…` })

  return {
    icon,
    tooltip,
    menu: [
      ...lines,
      ...(lines.length ? [{ type: 'separator' } as const] : []),
      {
        type: 'action',
        id: 'check-all',
        label: options.checking ? 'Checking…' : 'Check all now',
        enabled: !options.checking && watched > 0,
      },
      { type: 'action', id: 'open-keys', label: 'Open key list', enabled: true },
      { type: 'action', id: 'new-key', label: 'New key…', enabled: true },
      { type: 'separator' },
      { type: 'action', id: 'quit', label: 'Quit Keyward', enabled: true },
    ],
  }
}
