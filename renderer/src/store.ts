// UI state in one zustand store, built around the injected API so components
// never call the transport themselves.
import { create } from 'zustand'
import type { KeywardApi } from '../../shared/contract.ts'
import type {
  ConsoleProbe,
  ConsoleRecord,
  DesktopStatus,
  KeyNotification,
  SettingsStatus,
  VaultStatus,
} from '../../shared/domain.ts'
import type { KeywardError } from '../../shared/result.ts'

export type ProbeState =
  | { status: 'idle' }
  | { status: 'running'; address: string }
  | { status: 'done'; result: ConsoleProbe }
  | { status: 'failed'; address: string; error: KeywardError }

export interface KeywardState {
  consoles: ConsoleRecord[]
  vault: VaultStatus | null
  /** Set when a damaged settings file was set aside at start-up. */
  settingsStatus: SettingsStatus | null
  /** What the desktop offers (Linux: whether the tray icon can be shown at all). */
  desktop: DesktopStatus | null
  probe: ProbeState
  loadError: KeywardError | null
  /** The last key notification (shown in the window besides the system one). */
  notification: KeyNotification | null
  load(): Promise<void>
  dismissNotification(): void
  probeAddress(address: string): Promise<void>
  /** Asks the core for the keychain's status again (Settings → Keychain "Check again"). */
  refreshVault(): Promise<KeywardError | null>
}

export function createKeywardStore(api: KeywardApi) {
  return create<KeywardState>()((set, get) => {
    api.on('console.changed', (consoles) => set({ consoles }))
    api.on('vault.changed', (vault) => set({ vault }))
    api.on('keys.notification', (notification) => set({ notification }))
    api.on('desktop.changed', (desktop) => set({ desktop }))
    return {
      consoles: [],
      vault: null,
      settingsStatus: null,
      desktop: null,
      probe: { status: 'idle' },
      loadError: null,
      notification: null,
      dismissNotification() {
        set({ notification: null })
      },
      async load() {
        const [consoles, vault, settingsStatus, desktop] = await Promise.all([
          api.console.list({}),
          api.vault.status({}),
          api.settings.status({}),
          api.desktop.status({}),
        ])
        set({
          desktop: desktop.ok ? desktop.value : null,
          consoles: consoles.ok ? consoles.value : [],
          vault: vault.ok ? vault.value : null,
          settingsStatus: settingsStatus.ok ? settingsStatus.value : null,
          loadError: consoles.ok ? (vault.ok ? null : vault.error) : consoles.error,
        })
      },
      async refreshVault() {
        const vault = await api.vault.status({})
        if (vault.ok) set({ vault: vault.value })
        return vault.ok ? null : vault.error
      },
      async probeAddress(address) {
        if (get().probe.status === 'running') return
        set({ probe: { status: 'running', address } })
        const outcome = await api.console.probe({ address })
        set({
          probe: outcome.ok
            ? { status: 'done', result: outcome.value }
            : { status: 'failed', address, error: outcome.error },
        })
      },
    }
  })
}

export type KeywardStore = ReturnType<typeof createKeywardStore>
