// discovery.* and inventory.*: the LAN scan, created on first use so that importing or
// creating the core opens no socket and sends nothing.
import type { DiscoveryStatus } from '../../../shared/inventory.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { createDiscovery, type Discovery, type DiscoveryOptions } from '../discovery/index.ts'
import type { Handlers } from '../dispatch.ts'
import type { EventHub } from '../events.ts'

/** The status of a discovery never created (also the tests' starting point). */
export const IDLE: DiscoveryStatus = {
  running: false,
  scanning: false,
  lastScanEndedAt: null,
  uispSearch: null,
  interfaces: [],
  ubntPort: null,
  notices: [],
}

/** The discovery, once something needed it; its inventory changes go out as `inventory.changed`. */
export interface LazyDiscovery {
  /** The discovery if it was ever created, else null (reading never creates it). */
  current(): Discovery | null
  /** The discovery, created now if it was not. */
  get(): Discovery
  /** Its status; idle when it was never created. */
  status(): DiscoveryStatus
}

export function createLazyDiscovery(
  hub: Pick<EventHub, 'emit'>,
  options: DiscoveryOptions = {},
  create: (options: DiscoveryOptions) => Discovery = createDiscovery,
): LazyDiscovery {
  let discovery: Discovery | null = null
  return {
    current: () => discovery,
    get() {
      if (!discovery) {
        const created = create(options)
        discovery = created
        created.onChange((items) => hub.emit('inventory.changed', items))
        // A round's end and the UISP search's progress happen on their own: every window hears of them.
        created.onStatus(() => hub.emit('discovery.changed', created.status()))
      }
      return discovery
    },
    status: () => discovery?.status() ?? { ...IDLE },
  }
}

type DiscoveryRequests = Extract<keyof Handlers, `discovery.${string}` | `inventory.${string}`>

export function discoveryHandlers(
  finder: LazyDiscovery,
  hub: Pick<EventHub, 'emit'>,
): Pick<Handlers, DiscoveryRequests> {
  /** The running discovery; a scan or search asked of a stopped one is refused (never creates it). */
  const running = (): Discovery => {
    const discovery = finder.current()
    if (!discovery?.status().running) {
      throw new KeywardFailure('invalid-input', 'Discovery is not running; start it first.')
    }
    return discovery
  }
  /** Every change of state is announced, so a second window sees it too. */
  const announce = () => {
    const status = finder.status()
    hub.emit('discovery.changed', status)
    return status
  }
  return {
    'discovery.interfaces': () => finder.get().listInterfaces(),
    'discovery.start': async ({ interfaces }) => {
      await finder.get().start(interfaces ? { interfaces } : {})
      return announce()
    },
    'discovery.stop': async () => {
      await finder.current()?.stop()
      return announce()
    },
    'discovery.status': () => finder.status(),
    'discovery.scan': () => {
      running().scanNow()
      return announce()
    },
    'discovery.searchUisp': () => {
      running().searchUisp()
      return announce()
    },
    'discovery.cancelUispSearch': () => {
      finder.current()?.cancelUispSearch()
      return announce()
    },
    'inventory.list': () => finder.current()?.inventory() ?? [],
    'inventory.addManual': ({ address }) => finder.get().addManual(address),
  }
}
