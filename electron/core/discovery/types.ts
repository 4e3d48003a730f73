// Discovery's public types (and the per-start session), split out of index.ts.
import type { DiscoveryInterface, DiscoveryStatus, InventoryItem, ManualAddResult } from '../../../shared/inventory.ts'
import type { InterfaceSource } from './interfaces.ts'
import type { MdnsBrowser } from './mdns.ts'
import type { UdpEndpoint } from './udp.ts'

export interface DiscoveryOptions {
  /** Where interfaces come from (default `os.networkInterfaces`); tests inject their own. */
  interfaceSource?: InterfaceSource
  /** Port devices listen on (10001). */
  ubntPort?: number
  /** Local port tried first (default = ubntPort), then an ephemeral one. */
  bindPort?: number
  multicastGroup?: string
  /** airOS announcement port (10002); null = do not listen. */
  airosPort?: number | null
  /** mDNS settings, or false to skip mDNS. */
  mdns?: false | { port?: number; group?: string; types?: string[]; perSourcePerSecond?: number }
  resendMs?: number
  scanDurationMs?: number
  rescanIntervalMs?: number
  ttlMs?: number
  /** HTTPS fingerprints, or false to skip them. */
  fingerprint?:
    | false
    | {
        concurrency?: number
        timeoutMs?: number
        maxAgeMs?: number
        port?: number
        /**
         * UniFi OS Server's port (11443, unifi-os.md §1), also asked on an address that replied to
         * discovery when `port` found no console there; null: never.
         */
        serverPort?: number | null
      }
  /** TCP sweep of each chosen subnet for HTTPS (finds UISP servers); off by default. */
  sweep?: boolean | { port?: number; concurrency?: number; connectTimeoutMs?: number }
  /** Longest wait, after a burst, for its sweep and HTTPS looks before the round counts as ended (30 s). */
  roundGraceMs?: number
  /** Smallest gap between two change events. */
  throttleMs?: number
  /** Gap for changes that only refresh last-seen times. */
  touchEmitMs?: number
  /** Extra unicast UBNT targets asked on every scan (besides manual addresses). */
  unicastTargets?: string[]
  /** Called before every HTTPS fingerprint (diagnostics, tests). */
  onProbe?: (host: string, port: number) => void
  /** UBNT and airOS packets (replies, echoes) accepted per source address and second (limits.ts). */
  perSourcePerSecond?: number
  /** Whose words a refused send gets (macOS Local Network, discovery.md §7); default `process.platform`. */
  platform?: NodeJS.Platform
}

export interface StartOptions {
  /** Interface names (or addresses) to use; default: the recommended ones. */
  interfaces?: string[]
}

export interface DiscoveryStats {
  ubntReceived: number
  ubntInvalid: number
  ubntIgnored: number
  airosReceived: number
  airosInvalid: number
  handlerErrors: number
  requestsSent: number
  fingerprints: number
  /** Services reported up by mDNS. */
  mdnsServices: number
  /** mDNS response packets received. */
  mdnsResponses: number
  /** Cards evicted (or not made) because the inventory was full. */
  overflow: number
  /** Packets dropped by the per-source rate limits (UBNT, airOS and mDNS). */
  rateLimited: number
  /** mDNS instances refused because a browser tracks as many as it may. */
  mdnsRefused: number
  /** HTTPS fingerprints not queued because the queue was full. */
  fingerprintsDropped: number
}

export interface Discovery {
  /** Opens sockets on the chosen interfaces and starts a scan. Restarts when already running. */
  start(options?: StartOptions): Promise<void>
  /** Closes every socket and timer and waits for in-flight probes to end. */
  stop(): Promise<void>
  /** Starts a scan burst now (re-send, re-query mDNS, refresh console fingerprints). */
  scanNow(): void
  /** Fingerprints a typed address (and asks it over UBNT); the card stays until removed by the caller. */
  addManual(address: string): Promise<ManualAddResult>
  /** Removes a card (e.g. a manual address the user deletes); it returns if it is seen again. */
  forget(id: string): boolean
  /** The current inventory, sorted. */
  inventory(): InventoryItem[]
  /**
   * Tries every address of the networks discovery listens on for a UISP server (uisp-search.ts); the
   * status carries its progress. Refused when discovery is not running; a second call while one runs
   * changes nothing.
   */
  searchUisp(): DiscoveryStatus
  /** Stops a running UISP search; it ends with what it found so far. */
  cancelUispSearch(): void
  /** Called when the status changes on its own (a scan round ends, UISP search progress); returns unsubscribe. */
  onStatus(listener: () => void): () => void
  /** Called with the full sorted inventory on changes (coalesced); returns unsubscribe. */
  onChange(listener: (items: InventoryItem[]) => void): () => void
  status(): DiscoveryStatus
  stats(): DiscoveryStats
  listInterfaces(): DiscoveryInterface[]
}

export interface Session {
  interfaces: DiscoveryInterface[]
  ownAddresses: Set<string>
  otherSubnets: DiscoveryInterface[]
  ubnt: UdpEndpoint | null
  airos: UdpEndpoint | null
  mdns: MdnsBrowser[]
  timers: Set<NodeJS.Timeout>
  burst: NodeJS.Timeout | null
  scanUntil: number
  sweeping: boolean
  stopped: boolean
}
