// The tray as data: what icon, tooltip and menu to show. Computed by shared/tray-model.ts
// (the core publishes it, the Overview shows the same), drawn by electron/shell.
import type { KeyStatus } from './domain.ts'

export type TrayIcon = 'ok' | 'attention' | 'error'

export type TrayMenuItem =
  | { type: 'key'; keyId: string; label: string; status: KeyStatus }
  | { type: 'more'; label: string }
  | { type: 'action'; id: 'check-all' | 'open-keys' | 'new-key' | 'quit'; label: string; enabled: boolean }
  | { type: 'separator' }

export interface TrayModel {
  icon: TrayIcon
  tooltip: string
  menu: TrayMenuItem[]
}
