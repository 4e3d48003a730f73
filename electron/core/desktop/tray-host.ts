// Linux: can a tray icon be shown at all? A tray-only app started hidden at login is invisible when no
// StatusNotifierWatcher owns its name on the session bus (plain GNOME without the AppIndicator extension, minimal
// window managers), so the shell shows the window instead and tells the user how to get tray icons.
// Watchers restart with an empty registry when a shell or panel reloads, hence the NameOwnerChanged watch.
// See /work/shared/reference/electron.md §6a ("Self-check").
import { connectSessionBus, type Bus } from './dbus.ts'

export const WATCHER_NAME = 'org.kde.StatusNotifierWatcher'
const DEFAULT_TIMEOUT_MS = 2_000
const DRIVER = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' }

export type TrayHostStatus =
  | { available: true }
  | {
      available: false
      /** no-session-bus: DBUS_SESSION_BUS_ADDRESS unset; no-watcher: nobody owns the watcher name; bus-error: the bus
       *  could not be asked (unreachable, not a bus, too slow). */
      reason: 'no-session-bus' | 'no-watcher' | 'bus-error'
      /** Plain words for the user: how to get tray icons on this desktop. */
      advice: string
      /** bus-error only: what went wrong, for the log. */
      detail?: string
    }

export interface TrayHostOptions {
  /** Defaults to process.platform; only 'linux' is checked. */
  platform?: NodeJS.Platform
  /** Defaults to process.env; only DBUS_SESSION_BUS_ADDRESS is read. */
  env?: Record<string, string | undefined>
  /** For the whole check (connect and ask), default 2 s. */
  timeoutMs?: number
}

const HOW_TO_GET_TRAY_ICONS =
  'On GNOME, install and turn on the "AppIndicator and KStatusNotifierItem Support" extension ' +
  '(on Debian and Ubuntu it is the package gnome-shell-extension-appindicator), then log out and back in. ' +
  'On other desktops, add a panel with a system tray (a StatusNotifier host), for example the tray module of ' +
  'waybar, or run snixembed. Until then Keyward opens its window instead of hiding in the tray.'

const ADVICE: Record<'no-session-bus' | 'no-watcher' | 'bus-error', string> = {
  'no-session-bus':
    'Keyward was started outside a desktop session (no session bus), so it cannot tell whether ' +
    'your desktop shows tray icons. Start it from your desktop session or its autostart. ' +
    HOW_TO_GET_TRAY_ICONS,
  'no-watcher': "Your desktop does not show tray icons, so Keyward's icon would be invisible. " + HOW_TO_GET_TRAY_ICONS,
  'bus-error':
    'Keyward could not ask your desktop whether it shows tray icons. If you see no Keyward icon in ' +
    'the tray: ' +
    HOW_TO_GET_TRAY_ICONS,
}

const AVAILABLE: TrayHostStatus = { available: true }
const unavailable = (reason: keyof typeof ADVICE, detail?: string): TrayHostStatus =>
  detail === undefined
    ? { available: false, reason, advice: ADVICE[reason] }
    : { available: false, reason, advice: ADVICE[reason], detail }
const busError = (error: unknown) => unavailable('bus-error', error instanceof Error ? error.message : String(error))

async function hasWatcher(bus: Bus, timeoutMs: number): Promise<TrayHostStatus> {
  const [owned] = await bus.call({ ...DRIVER, member: 'NameHasOwner', signature: 's', body: [WATCHER_NAME], timeoutMs })
  if (typeof owned !== 'boolean') throw new Error(`NameHasOwner answered ${JSON.stringify(owned)}`)
  return owned ? AVAILABLE : unavailable('no-watcher')
}

/** Where to ask, or the answer when there is nothing to ask. */
function settle(options: TrayHostOptions): { address: string; timeoutMs: number } | TrayHostStatus {
  if ((options.platform ?? process.platform) !== 'linux') return AVAILABLE
  const address = (options.env ?? process.env).DBUS_SESSION_BUS_ADDRESS
  if (!address) return unavailable('no-session-bus')
  return { address, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS }
}

/** Checks once whether a tray host exists; never throws, answers within `timeoutMs`. */
export async function checkTrayHost(options: TrayHostOptions = {}): Promise<TrayHostStatus> {
  const target = settle(options)
  if ('available' in target) return target
  const deadline = Date.now() + target.timeoutMs
  let bus: Bus | undefined
  try {
    bus = await connectSessionBus(target)
    return await hasWatcher(bus, Math.max(1, deadline - Date.now()))
  } catch (error) {
    return busError(error)
  } finally {
    bus?.close()
  }
}

/**
 * Reports the current status once subscribed, then again on every NameOwnerChanged of the watcher name (a
 * restarted watcher has an empty registry, electron.md §6a) and once more, as bus-error, if the bus connection is
 * lost. Off Linux or without a bus it reports once. Never rejects; the returned function stops watching.
 */
export async function watchTrayHost(
  onChange: (status: TrayHostStatus) => void,
  options: TrayHostOptions = {},
): Promise<() => void> {
  const target = settle(options)
  if ('available' in target) {
    onChange(target)
    return () => undefined
  }
  let bus: Bus | undefined
  let heard = false
  let lost = false
  const report = (error: unknown) => {
    if (!lost) onChange(busError(error))
    lost = true
  }
  try {
    bus = await connectSessionBus(target)
    bus.onClose(report)
    const nameOwnerChanged = { sender: DRIVER.destination, interface: DRIVER.interface, member: 'NameOwnerChanged' }
    await bus.onSignal({ ...nameOwnerChanged, arg0: WATCHER_NAME }, ([, , newOwner]) => {
      heard = true
      onChange(newOwner ? AVAILABLE : unavailable('no-watcher'))
    })
    const now = await hasWatcher(bus, target.timeoutMs)
    // A signal heard meanwhile is at least as recent as this answer.
    if (!heard) onChange(now)
    const connected = bus
    return () => connected.close()
  } catch (error) {
    bus?.close()
    report(error)
    return () => undefined
  }
}
