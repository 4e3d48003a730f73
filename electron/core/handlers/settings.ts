// settings.status, preferences.*, logs.*, desktop.status, vault.status and app.about: the app's own
// state, with the small pieces of state behind them (what the desktop offers, the last
// keychain status seen).
import type { DesktopStatus, VaultStatus } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Handlers } from '../dispatch.ts'
import type { EventHub } from '../events.ts'
import type { KeyWatch } from '../keys/watch.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'

export interface LogsOptions {
  dir: string
  file: string
  open?: () => Promise<string | void>
}

/** What the desktop offers (the Electron shell sets it); each change goes out as `desktop.changed`. */
export interface DesktopState {
  status(): DesktopStatus
  set(status: DesktopStatus): void
}

export function createDesktopState(hub: Pick<EventHub, 'emit'>): DesktopState {
  let current: DesktopStatus = { trayHost: null }
  return {
    status: () => current,
    set(status) {
      current = status
      hub.emit('desktop.changed', status)
    },
  }
}

/** The keychain's status; `vault.changed` goes out when it differs from the one last read. */
export function createVaultStatus(vault: Pick<SecretStore, 'status'>, hub: Pick<EventHub, 'emit'>) {
  let last: VaultStatus | null = null
  return async (): Promise<VaultStatus> => {
    const status = await vault.status()
    if (last && (last.available !== status.available || last.problem !== status.problem)) {
      hub.emit('vault.changed', status)
    }
    last = status
    return status
  }
}

/** `logs.location` and `logs.open`: where the log file is, and showing its folder. */
export function logsHandlers(logs: LogsOptions | undefined): Pick<Handlers, 'logs.location' | 'logs.open'> {
  return {
    'logs.location': () => (logs ? { dir: logs.dir, file: logs.file, canOpen: typeof logs.open === 'function' } : null),
    'logs.open': async () => {
      if (!logs) {
        throw new KeywardFailure('unsupported', 'Keyward keeps no log file here, so there is no folder to open.')
      }
      if (!logs.open) {
        throw new KeywardFailure('unsupported', `Keyward cannot open folders from here. The log file is ${logs.file}.`)
      }
      let problem: string | void
      try {
        problem = await logs.open()
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error)
      }
      if (problem) {
        const message = `Your system did not open the log folder. Open ${logs.dir} yourself.`
        throw new KeywardFailure('refused', message, problem)
      }
      return null
    },
  }
}

type SettingsRequests =
  | 'settings.status'
  | 'preferences.get'
  | 'preferences.set'
  | 'desktop.status'
  | 'vault.status'
  | 'logs.location'
  | 'logs.open'
  | 'app.about'

export function settingsHandlers(deps: {
  settings: Settings
  hub: Pick<EventHub, 'emit'>
  keys: Pick<KeyWatch, 'preferencesChanged'>
  desktop: DesktopState
  vaultStatus: () => Promise<VaultStatus>
  logs: LogsOptions | undefined
  version: string
}): Pick<Handlers, SettingsRequests> {
  const { settings, hub, keys } = deps
  return {
    'settings.status': () => ({ path: settings.path, recoveredFrom: settings.recoveredFrom }),
    'preferences.get': () => settings.getPreferences(),
    'preferences.set': (partial) => {
      const preferences = settings.setPreferences(partial)
      hub.emit('preferences.changed', preferences)
      // The check schedule follows its two preferences now, not at the next sweep.
      if (partial.checkIntervalMinutes !== undefined || partial.expiryLeadDays !== undefined) keys.preferencesChanged()
      return preferences
    },
    'desktop.status': () => deps.desktop.status(),
    'vault.status': () => deps.vaultStatus(),
    'app.about': () => ({ version: deps.version }),
    ...logsHandlers(deps.logs),
  }
}
