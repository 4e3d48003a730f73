// mDNS browsing with bonjour-service, confined to ONE interface, working
// around the library's documented limits (discovery.md §6 "Browser limits"):
//  1. it queries once: we re-query at 1, 3, 9, 27 s, then every 60 s;
//  2. it needs PTR+SRV(+TXT) in one packet: for PTR-only answers we ask for
//     SRV/TXT/A ourselves and assemble the service from a small record cache;
//  3. dotted instance names break `name`: we key on `fqdn` and cut the type off it;
//  4. its TXT decoding is lossy: we parse `rawTxt` ourselves (bounded);
//  5. `down` only comes with a goodbye: we report every sighting so the
//     inventory can age cards out itself.
// Socket options follow §6 multicast-dns: `{interface: <ip>, bind: '0.0.0.0'}`
// (a unicast bind address would filter out multicast on Linux), so the
// membership and every query use the chosen interface only.
// Ubiquiti gear advertises no DNS-SD type (§0, §6), so by default only
// `_home-assistant._tcp` is browsed; callers may add types as generic hints.
// A hostile LAN is expected (issue 14 §8): packets are rate-limited per source
// address, the instances tracked are bounded (mdns-guard.ts), and `retain`
// drops what no card shows.
// This file is the socket and Browser lifecycle; the record cache and assembly
// (2, 3, 5) are mdns-services.ts, the re-query schedule (1) mdns-requery.ts, and
// TXT parsing with the record → HA card translation (4) mdns-txt.ts.
import { EventEmitter } from 'node:events'
import { isIP } from 'node:net'
import { Bonjour, Browser } from 'bonjour-service'
import type { DiscoveryInterface } from '../../../shared/inventory.ts'
import { inSubnet } from './interfaces.ts'
import { SourceRateLimiter } from './limits.ts'
import { ServiceGuard } from './mdns-guard.ts'
import { RequerySchedule } from './mdns-requery.ts'
import { instanceOf, lower, normalizeTxt, ServiceTable } from './mdns-services.ts'
import type { MdnsService } from './mdns-txt.ts'

// The record → HA card translation lives in mdns-txt.ts; re-exported for the session and tests.
export { announcedTarget, homeAssistantDetails, parseTxt, type MdnsService, type ParsedTxt } from './mdns-txt.ts'

export const MDNS_PORT = 5353
export const MDNS_GROUP = '224.0.0.251'
export const HOME_ASSISTANT_TYPE = 'home-assistant'
/** Generous: a host answers our queries (1, 3, 9 … s) and others'; a flood is hundreds a second. */
const PER_SOURCE_PER_SECOND = 100

export interface MdnsBrowserOptions {
  iface: DiscoveryInterface
  types: string[]
  port?: number
  group?: string
  onUp(service: MdnsService): void
  /** `source`: the packet's source address (a sighting or goodbye vouches only for its sender's card). */
  onSeen(fqdn: string, source: string): void
  onDown(fqdn: string, source: string | null): void
  onError(message: string): void
  /** Response packets accepted per source address and second (limits.ts). */
  perSourcePerSecond?: number
}

export interface MdnsBrowser {
  /** Start the re-query schedule over (1, 3, 9 … s). */
  restart(): void
  /** Forgets every instance `keep` does not want (the inventory has no card for it). */
  retain(keep: (fqdn: string) => boolean): void
  close(): Promise<void>
  readonly stats: {
    responses: number
    ignored: number
    handlerErrors: number
    warnings: number
    /** Packets dropped by the per-source rate limit; new instances refused by the guard. */
    rateLimited: number
    refused: number
  }
}

interface DnsRecord {
  name: string
  type: string
  ttl?: number
  data?: unknown
}
interface DnsPacket {
  answers?: DnsRecord[]
  additionals?: DnsRecord[]
}
interface Rinfo {
  address: string
  port: number
}
export interface MulticastDns extends EventEmitter {
  query(q: unknown, type?: unknown): void
}
interface BonjourService {
  fqdn?: string
  host?: string
  port?: number
  addresses?: string[]
  referer?: { address?: string }
  rawTxt?: unknown
}

/** The multicast socket on one interface (§6 multicast-dns: interface = its address, bind 0.0.0.0). */
function openSocket(options: MdnsBrowserOptions, onWarning: () => void): { bonjour: Bonjour; mdns: MulticastDns } {
  const { iface } = options
  const bonjour = new Bonjour(
    {
      interface: iface.address,
      bind: '0.0.0.0',
      port: options.port ?? MDNS_PORT,
      ip: options.group ?? MDNS_GROUP,
      multicast: true,
      reuseAddr: true,
    } as never,
    (err: Error) => options.onError(err.message),
  )
  const mdns = (bonjour as unknown as { server: { mdns: MulticastDns } }).server.mdns
  // Bind failures arrive as 'error'; without a listener EventEmitter would throw.
  mdns.on('error', (err: Error) => options.onError(`mDNS on ${iface.name} (${iface.address}) failed: ${err.message}`))
  mdns.on('warning', onWarning)
  return { bonjour, mdns }
}

/** One bonjour-service Browser per type, fed by `proxy`; what it reports goes through the table. */
function openBrowsers(proxy: MulticastDns, types: string[], table: ServiceTable): Browser[] {
  return types.map((type, i) => {
    const browser = new Browser(proxy, { type, protocol: 'tcp' })
    const convert = (s: BonjourService): MdnsService | null => {
      if (typeof s.fqdn !== 'string') return null
      const host = typeof s.host === 'string' ? s.host : null
      const fromPacket = (s.addresses ?? []).filter((a) => typeof a === 'string' && isIP(a))
      return {
        type,
        fqdn: s.fqdn,
        instance: instanceOf(s.fqdn, table.suffixes[i]!),
        host,
        port: typeof s.port === 'number' ? s.port : null,
        addresses: (fromPacket.length > 0 ? fromPacket : (host && table.addressesOf(host)) || []).slice(0, 16),
        referer: typeof s.referer?.address === 'string' ? s.referer.address : null,
        rawTxt: normalizeTxt(s.rawTxt),
      }
    }
    const up = (s: BonjourService): void => {
      const service = convert(s)
      if (service) table.announce(service)
    }
    browser.on('up', up as never)
    browser.on('txt-update', up as never)
    browser.on('srv-update', up as never)
    browser.on('down', ((s: BonjourService) => {
      if (typeof s.fqdn === 'string') table.gone(s.fqdn)
    }) as never)
    return browser
  })
}

/** What the Browser may see (admittedResponses): the interface, the bounds, and where to count. */
export interface Admission {
  iface: DiscoveryInterface
  limiter: SourceRateLimiter
  guard: ServiceGuard
  table: ServiceTable
  stats: { responses: number; ignored: number; handlerErrors: number }
}

/**
 * A stand-in socket for the Browsers: it sees only packets from this interface's
 * subnet, within the per-source rate limit and the guard's bounds; queries go
 * out through the real socket.
 */
export function admittedResponses(
  mdns: MulticastDns,
  { iface, limiter, guard, table, stats }: Admission,
): { proxy: MulticastDns; onResponse: (packet: DnsPacket, rinfo: Rinfo) => void } {
  const proxy = new EventEmitter() as MulticastDns
  proxy.setMaxListeners(0)
  proxy.query = (q: unknown, type?: unknown) => mdns.query(q, type)
  const onResponse = (packet: DnsPacket, rinfo: Rinfo): void => {
    stats.responses++
    if (!rinfo || typeof rinfo.address !== 'string' || !inSubnet(rinfo.address, iface.address, iface.prefixLength)) {
      stats.ignored++
      return
    }
    if (!limiter.admit(rinfo.address)) return
    try {
      const admitted = guard.filter(packet, rinfo.address, table.suffixes)
      table.track(admitted, rinfo.address)
      proxy.emit('response', admitted, rinfo)
    } catch {
      stats.handlerErrors++
    }
  }
  return { proxy, onResponse }
}

/** Drops one instance everywhere it is held (Browser, table); the Browser reports it `down`. */
function forgetInstance(fqdn: string, table: ServiceTable, browsers: Browser[]): void {
  table.forget(fqdn)
  for (const b of browsers) {
    const held = b.services.find((svc) => typeof svc.fqdn === 'string' && lower(svc.fqdn) === fqdn)
    // removeService is private in the typings; it splices `_services` and emits `down` (browser.js 1.4.4).
    if (held) (b as unknown as { removeService(fqdn: string): void }).removeService(held.fqdn)
  }
}

export function openMdnsBrowser(options: MdnsBrowserOptions): MdnsBrowser {
  const guard = new ServiceGuard()
  const limiter = new SourceRateLimiter(options.perSourcePerSecond ?? PER_SOURCE_PER_SECOND)
  const stats = {
    responses: 0,
    ignored: 0,
    handlerErrors: 0,
    warnings: 0,
    get rateLimited() {
      return limiter.dropped
    },
    get refused() {
      return guard.refused
    },
  }
  const { iface } = options
  const { bonjour, mdns } = openSocket(options, () => {
    stats.warnings++
  })
  const table = new ServiceTable({
    types: options.types,
    held: guard,
    query: (questions) => mdns.query(questions),
    onUp: options.onUp,
    onSeen: options.onSeen,
    onDown: options.onDown,
  })

  const { proxy, onResponse } = admittedResponses(mdns, { iface, limiter, guard, table, stats })
  mdns.on('response', onResponse)

  const browsers = openBrowsers(proxy, options.types, table)
  const forget = (fqdn: string): void => forgetInstance(fqdn, table, browsers)
  const requery = new RequerySchedule(() => {
    for (const b of browsers) b.update()
  })
  let closed = false

  return {
    stats,
    retain(keep) {
      const browsed = browsers.flatMap((b) => b.services.map((svc) => lower(String(svc.fqdn))))
      const held = new Set([...guard.names(), ...browsed])
      for (const fqdn of held) if (!keep(fqdn)) forget(fqdn)
    },
    restart() {
      if (!closed) requery.restart()
    },
    close() {
      if (closed) return Promise.resolve()
      closed = true
      requery.stop()
      for (const b of browsers) b.stop()
      mdns.off('response', onResponse)
      return new Promise<void>((resolve) => {
        try {
          bonjour.destroy(() => resolve())
        } catch {
          resolve()
        }
      })
    },
  }
}
