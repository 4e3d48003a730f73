// How apps and consoles are named in every sentence a user reads, core and
// renderer alike (issue 14 §4): app ids never reach the text ("protect"), and
// a console without a name is named by its address once, not "host (host)".
import type { ConsoleKind, KeyApp } from './domain.ts'
import { addressKey } from './format.ts'

export const APP_NAMES: Readonly<Record<KeyApp, string>> = {
  protect: 'UniFi Protect',
  network: 'UniFi Network',
  access: 'UniFi Access',
  uisp: 'UISP',
}

/** "UniFi Protect", "UniFi Network", "UniFi Access", "UISP". */
export const appName = (app: KeyApp): string => APP_NAMES[app]

/** "Protect", "Network", "Access", "UISP". */
export const appShort = (app: KeyApp): string => appName(app).replace(/^UniFi /, '')

/** Port of UniFi OS Server, the self-hosted UniFi OS console (unifi-os.md §1 Ports; Art-of-WiFi README). */
export const UOS_SERVER_PORT = 11443

/** Port of the retired self-hosted UniFi Network application (unifi-os.md §1 Ports). */
export const NETWORK_APP_PORT = 8443

export interface LabelledConsole {
  name?: string | null
  host: string
  /** Shown for a nameless console on a port other than 443, so two of them on one host stay apart. */
  port?: number
}

/** "NVR (192.168.1.10)"; a nameless console is its address: "192.168.1.10", "192.168.1.5:11443". */
export function consoleLabel(c: LabelledConsole): string {
  if (c.name && c.name.trim() !== '') return `${c.name} (${c.host})`
  if (c.port === undefined || c.port === 443) return c.host
  return addressKey(c.host, c.port)
}

/** What answered at an address, as the user reads it. */
export function kindLabel(kind: ConsoleKind, port?: number): string {
  if (kind === 'legacy-network') return 'Self-hosted UniFi Network application (retired; no local API keys)'
  return port === UOS_SERVER_PORT ? 'UniFi OS Server (self-hosted UniFi OS console)' : 'UniFi OS console'
}

/**
 * The self-hosted ("legacy") Network application: no local API keys, deprecated in favour of UniFi OS
 * Server, and it will never answer differently (unifi-os.md §1 "UniFi OS Server is a console; the
 * standalone Network Application is being retired", §4: unifi2netbox#9, ha-unifi-insights#39,
 * holdestmade/Unifi-WAN#6; Network 10.3.58 "Move to UniFi OS Server", TAPPaaS/TAPPaaS#202).
 */
export function legacyNetworkExplanation(where: string): string {
  return (
    `${where} is the self-hosted UniFi Network application, not a UniFi OS console. It has no local API keys, ` +
    'so Keyward cannot make one there, and Ubiquiti is retiring it in favour of UniFi OS Server. Your options: ' +
    'move to UniFi OS Server (export a backup, import it there; it has local API keys, and Keyward works with it), ' +
    'or, until then, give Home Assistant a username and password, or use a Site Manager API key from unifi.ui.com.'
  )
}
