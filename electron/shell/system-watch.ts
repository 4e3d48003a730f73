// What the shell watches on the machine: sleep, screen unlock and address changes (re-check keys at
// once), the start-at-login preference (the OS setting follows it), and on Linux the tray host.
import { powerMonitor } from 'electron'
import type { Core } from '../core/index.ts'
import { checkTrayHost, watchTrayHost, type TrayHostStatus } from '../core/desktop/tray-host.ts'
import { watchNetwork } from '../core/keys/network-watch.ts'
import type { Logger } from '../core/log.ts'
import { applyStartAtLogin } from './autostart.ts'

/** Re-check at once after sleep, a screen unlock or a change of the machine's addresses. */
export function watchSystem(core: Core): () => void {
  powerMonitor.on('resume', () => core.keys.wake())
  powerMonitor.on('unlock-screen', () => core.keys.wake())
  const stopNetwork = watchNetwork(() => core.keys.wake())
  // Start at login is opt-in (a preference); the OS setting follows it.
  applyStartAtLogin(core.settings.getPreferences().startAtLogin)
  const unsubscribe = core.subscribe('preferences.changed', (p) => applyStartAtLogin(p.startAtLogin))
  return () => {
    stopNetwork()
    unsubscribe()
  }
}

/** Linux: is there a StatusNotifierWatcher to show the tray icon? Re-checked when watchers come and go. */
export async function trayHostWatch(core: Core, log: Logger): Promise<() => void> {
  const publish = (status: TrayHostStatus) => {
    if (status.available) log.info('tray host found')
    else log.warn('no tray host: the tray icon cannot be shown', { reason: status.reason })
    core.desktop.set({ trayHost: { available: status.available, advice: status.available ? null : status.advice } })
  }
  if (process.platform !== 'linux') return () => {}
  publish(await checkTrayHost())
  return watchTrayHost(publish).catch((error: unknown) => {
    log.warn('cannot watch for a tray host', { error })
    return () => {}
  })
}
