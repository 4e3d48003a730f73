// The tray as a pure function of the keys' states (mullvad's trayIconType,
// Signal's idempotent render): the shell only draws what this returns.
import type { KeyStatus } from '../../../shared/domain.ts'
import type { TrayIcon, TrayMenuItem, TrayModel } from '../../../shared/tray.ts'

export type { TrayIcon, TrayMenuItem, TrayModel } from '../../../shared/tray.ts'
import { STATUS_SEVERITY } from './status.ts'

export interface TrayKey {
  id: string
  name: string
  consoleName: string
  status: KeyStatus
}

const WORDS: Record<KeyStatus, string> = {
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

/** How many key lines the menu shows before "and N more". */
export const MAX_MENU_KEYS = 12

export function trayModel(keys: readonly TrayKey[], options: { checking?: boolean } = {}): TrayModel {
  const counts = new Map<KeyStatus, number>()
  for (const k of keys) counts.set(k.status, (counts.get(k.status) ?? 0) + 1)
  const n = (s: KeyStatus) => counts.get(s) ?? 0

  const icon: TrayIcon =
    n('failing') + n('expired') > 0 ? 'error' : n('expiring') + n('unknown') > 0 ? 'attention' : 'ok'
  const problems = (['failing', 'expired', 'expiring', 'unknown'] as const)
    .filter((s) => n(s) > 0)
    .map((s) => `${n(s)} ${WORDS[s]}`)
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
    label: `${MARK[k.status]} ${k.name} · ${k.consoleName} — ${WORDS[k.status]}`,
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
