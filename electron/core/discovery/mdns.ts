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
import { EventEmitter } from 'node:events'
import { isIP } from 'node:net'
import { Bonjour, Browser } from 'bonjour-service'
import type { DiscoveryInterface, HomeAssistantDetails } from '../../../shared/inventory.ts'
import { cleanOptional, cleanText } from './clean.ts'
import { inSubnet } from './interfaces.ts'
import { SourceRateLimiter } from './limits.ts'
import { ServiceGuard } from './mdns-guard.ts'
import { text } from './ubnt.ts'
import { addressKey } from '../../../shared/format.ts'

export const MDNS_PORT = 5353
export const MDNS_GROUP = '224.0.0.251'
export const HOME_ASSISTANT_TYPE = 'home-assistant'
const REQUERY_MS = [1000, 3000, 9000, 27000, 60000]
const CACHE_LIMIT = 256
/** Generous: a host answers our queries (1, 3, 9 … s) and others'; a flood is hundreds a second. */
const PER_SOURCE_PER_SECOND = 100
const MAX_TXT_ENTRIES = 64

export interface MdnsService {
  /** Service type without underscores, e.g. "home-assistant". */
  type: string
  fqdn: string
  instance: string
  host: string | null
  port: number | null
  addresses: string[]
  /** Source address of the answering packet. */
  referer: string | null
  rawTxt: Buffer[]
}

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
    responses: number; ignored: number; handlerErrors: number; warnings: number
    /** Packets dropped by the per-source rate limit; new instances refused by the guard. */
    rateLimited: number; refused: number
  }
}

// ---- TXT ----------------------------------------------------------------------

export interface ParsedTxt {
  /** Lower-case keys (RFC 6763 §6.4: case-insensitive); first occurrence wins. */
  txt: Record<string, string>
  rawTxt: string[]
}

/** Bounded TXT parsing: ≤ 64 strings, each ≤ 255 bytes as DNS allows. */
export function parseTxt(raw: unknown): ParsedTxt {
  const strings: Uint8Array[] = Array.isArray(raw)
    ? raw.filter((b): b is Uint8Array => b instanceof Uint8Array)
    : raw instanceof Uint8Array ? [raw] : []
  const txt: Record<string, string> = {}
  const rawTxt: string[] = []
  for (const s of strings.slice(0, MAX_TXT_ENTRIES)) {
    const bytes = s.subarray(0, 255)
    rawTxt.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'))
    if (bytes.length === 0) continue
    const eq = bytes.indexOf(0x3d)
    const key = text(eq < 0 ? bytes : bytes.subarray(0, eq), 64).toLowerCase()
    if (key === '' || Object.hasOwn(txt, key)) continue
    // Own data property even for "__proto__": never touches the prototype.
    Object.defineProperty(txt, key, { value: eq < 0 ? '' : text(bytes.subarray(eq + 1)), enumerable: true, writable: true, configurable: true })
  }
  return { txt, rawTxt }
}

const nonEmpty = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v)

const bare = (host: string): string => host.replace(/^\[|\]$/g, '').toLowerCase()

/**
 * Where to connect to an announced HA. mDNS is unauthenticated (discovery.md §6): the TXT
 * `internal_url`/`base_url` is used only when its host is the packet's source address;
 * otherwise the URL is ignored (and marked) and the source address with the SRV port is used.
 */
export function announcedTarget(source: string | null, port: number | null, urls: (string | null)[]): { connectUrl: string | null; urlIgnored: boolean } {
  let urlIgnored = false
  for (const announced of urls) {
    if (!announced) continue
    let parsed: URL
    try {
      parsed = new URL(announced)
    } catch {
      continue
    }
    if (!/^https?:$/.test(parsed.protocol)) continue
    if (source && bare(parsed.hostname) === bare(source)) return { connectUrl: parsed.origin, urlIgnored: false }
    urlIgnored = true
  }
  if (!source) return { connectUrl: null, urlIgnored }
  return { connectUrl: `http://${addressKey(source, port ?? 8123)}`, urlIgnored }
}

/** `_home-assistant._tcp` TXT keys (discovery.md §9a; HA's zeroconf component). */
export function homeAssistantDetails(service: MdnsService): HomeAssistantDetails {
  const { txt, rawTxt } = parseTxt(service.rawTxt)
  const internalUrl = nonEmpty(txt.internal_url)
  const baseUrl = nonEmpty(txt.base_url)
  const source = service.referer && isIP(service.referer) ? service.referer : null
  return {
    source,
    ...announcedTarget(source, service.port, [internalUrl, baseUrl]),
    sameUuidElsewhere: [],
    instance: service.instance,
    fqdn: cleanText(service.fqdn),
    host: cleanOptional(service.host),
    port: service.port,
    uuid: nonEmpty(txt.uuid),
    version: nonEmpty(txt.version),
    locationName: nonEmpty(txt.location_name),
    baseUrl,
    internalUrl,
    externalUrl: nonEmpty(txt.external_url),
    txt,
    rawTxt,
  }
}

// ---- browser ------------------------------------------------------------------

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
interface MulticastDns extends EventEmitter {
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

const lower = (s: string): string => s.toLowerCase().replace(/\.$/, '')

function instanceOf(fqdn: string, suffix: string): string {
  const at = lower(fqdn).lastIndexOf(`.${suffix}`)
  return text(Buffer.from(at > 0 ? fqdn.slice(0, at) : fqdn), 128)
}

function boundedSet<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > CACHE_LIMIT) map.delete(map.keys().next().value as K)
}

export function openMdnsBrowser(options: MdnsBrowserOptions): MdnsBrowser {
  const guard = new ServiceGuard()
  const limiter = new SourceRateLimiter(options.perSourcePerSecond ?? PER_SOURCE_PER_SECOND)
  const stats = {
    responses: 0, ignored: 0, handlerErrors: 0, warnings: 0,
    get rateLimited() { return limiter.dropped },
    get refused() { return guard.refused },
  }
  const { iface } = options
  const bonjour = new Bonjour(
    {
      interface: iface.address, bind: '0.0.0.0', port: options.port ?? MDNS_PORT, ip: options.group ?? MDNS_GROUP,
      multicast: true, reuseAddr: true,
    } as never,
    (err: Error) => options.onError(err.message),
  )
  const mdns = (bonjour as unknown as { server: { mdns: MulticastDns } }).server.mdns
  // Bind failures arrive as 'error'; without a listener EventEmitter would throw.
  mdns.on('error', (err: Error) => options.onError(`mDNS on ${iface.name} (${iface.address}) failed: ${err.message}`))
  mdns.on('warning', () => { stats.warnings++ })

  // The Browser sees only packets from this interface's subnet.
  const proxy = new EventEmitter() as MulticastDns
  proxy.setMaxListeners(0)
  proxy.query = (q: unknown, type?: unknown) => mdns.query(q, type)

  const suffixes = options.types.map((t) => `_${t}._tcp.local`)
  const known = guard // lower-case fqdns with a service, bounded
  const srvCache = new Map<string, { target: string; port: number }>()
  const txtCache = new Map<string, unknown>()
  const addrCache = new Map<string, string[]>()
  const pending = new Map<string, { type: string; fqdn: string; referer: string; asked: number; askedA: boolean }>()
  /** Instances we assembled ourselves (PTR-only answers), by signature of what was emitted. */
  const assembled = new Map<string, string>()
  /** Who said goodbye for an fqdn, for the Browser's `down` that follows (two announcers may share one). */
  const goodbyeFrom = new Map<string, string>()

  const onResponse = (packet: DnsPacket, rinfo: Rinfo): void => {
    stats.responses++
    if (!rinfo || typeof rinfo.address !== 'string' || !inSubnet(rinfo.address, iface.address, iface.prefixLength)) {
      stats.ignored++
      return
    }
    if (!limiter.admit(rinfo.address)) return
    try {
      const admitted = guard.filter(packet, rinfo.address, suffixes)
      track(admitted, rinfo)
      proxy.emit('response', admitted, rinfo)
    } catch {
      stats.handlerErrors++
    }
  }
  mdns.on('response', onResponse)

  function track(packet: DnsPacket, rinfo: Rinfo): void {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(0, 512)
    const srvInPacket = new Set<string>()
    for (const rr of records) {
      if (typeof rr?.name !== 'string') continue
      const name = lower(rr.name)
      const live = (rr.ttl ?? 0) > 0
      if (rr.type === 'SRV' && live) {
        const d = rr.data as { target?: unknown; port?: unknown } | undefined
        if (typeof d?.target === 'string' && typeof d.port === 'number') {
          boundedSet(srvCache, name, { target: d.target, port: d.port })
          srvInPacket.add(name)
        }
      } else if (rr.type === 'TXT' && live) {
        boundedSet(txtCache, name, rr.data)
      } else if ((rr.type === 'A' || rr.type === 'AAAA') && live && typeof rr.data === 'string' && isIP(rr.data)) {
        const list = addrCache.get(name) ?? []
        if (!list.includes(rr.data)) boundedSet(addrCache, name, [...list, rr.data].slice(-8))
      }
      // Sightings keep cards fresh (limit 5: no `down` without a goodbye).
      const subject = rr.type === 'PTR' && typeof rr.data === 'string' ? lower(rr.data) : name
      if (live && known.has(subject)) options.onSeen(subject, rinfo.address)
      if (!live && rr.type === 'PTR' && typeof rr.data === 'string') boundedSet(goodbyeFrom, lower(rr.data), rinfo.address)
    }
    // PTR-only answers (limit 2): ask for the rest, assemble when it arrives.
    for (const rr of records) {
      if (rr?.type !== 'PTR' || typeof rr.data !== 'string') continue
      const type = options.types.find((_, i) => lower(rr.name) === suffixes[i])
      if (!type) continue
      const fqdn = lower(rr.data)
      if (!((rr.ttl ?? 0) > 0)) {
        // Goodbye. The Browser reports its own services; ours are reported here.
        pending.delete(fqdn)
        if (assembled.delete(fqdn)) {
          known.delete(fqdn)
          options.onDown(fqdn, rinfo.address)
        }
        continue
      }
      if ((known.has(fqdn) && !assembled.has(fqdn)) || srvInPacket.has(fqdn)) continue
      const entry = pending.get(fqdn)
      if (!entry && (pending.size >= 64 || !guard.admits(fqdn, rinfo.address))) continue
      const now = Date.now()
      if (!entry || now - entry.asked > 5000) {
        pending.set(fqdn, { type, fqdn: rr.data, referer: rinfo.address, asked: now, askedA: false })
        mdns.query([{ name: rr.data, type: 'SRV' }, { name: rr.data, type: 'TXT' }])
      }
    }
    // Assemble pending instances once their SRV is known; re-emit when a later
    // packet (TXT or A arriving separately) changes what we know.
    for (const [key, p] of pending) {
      const srv = srvCache.get(key)
      if (!srv) continue
      if (!assembled.has(key) && known.has(key)) {
        pending.delete(key)
        continue
      }
      const addresses = addrCache.get(lower(srv.target))
      if (!addresses && !p.askedA) {
        p.askedA = true
        mdns.query([{ name: srv.target, type: 'A' }])
      }
      const service: MdnsService = {
        type: p.type, fqdn: p.fqdn, instance: instanceOf(p.fqdn, `_${p.type}._tcp.local`), host: srv.target,
        port: srv.port, addresses: addresses ?? [], referer: p.referer, rawTxt: normalizeTxt(txtCache.get(key)),
      }
      const signature = JSON.stringify({ ...service, rawTxt: service.rawTxt.map((b) => b.toString('hex')) })
      if (assembled.get(key) !== signature) {
        boundedSet(assembled, key, signature)
        emitUp(service)
      }
      // Complete: nothing more to wait for.
      if (txtCache.has(key) && addresses) pending.delete(key)
    }
  }

  const normalizeTxt = (data: unknown): Buffer[] =>
    (Array.isArray(data) ? data : data instanceof Uint8Array ? [data] : []).filter((b): b is Buffer => Buffer.isBuffer(b))

  function emitUp(service: MdnsService): void {
    if (!known.add(lower(service.fqdn), service.referer)) return
    options.onUp(service)
  }

  /** Drops one instance everywhere it is held (Browser, caches); the Browser reports it `down`. */
  function forget(fqdn: string): void {
    known.delete(fqdn)
    assembled.delete(fqdn)
    pending.delete(fqdn)
    for (const b of browsers) {
      const held = b.services.find((svc) => typeof svc.fqdn === 'string' && lower(svc.fqdn) === fqdn)
      // removeService is private in the typings; it splices `_services` and emits `down` (browser.js 1.4.4).
      if (held) (b as unknown as { removeService(fqdn: string): void }).removeService(held.fqdn)
    }
  }

  const browsers = options.types.map((type, i) => {
    const browser = new Browser(proxy, { type, protocol: 'tcp' })
    const convert = (s: BonjourService): MdnsService | null => {
      if (typeof s.fqdn !== 'string') return null
      const host = typeof s.host === 'string' ? s.host : null
      const fromPacket = (s.addresses ?? []).filter((a) => typeof a === 'string' && isIP(a))
      return {
        type, fqdn: s.fqdn, instance: instanceOf(s.fqdn, suffixes[i]!), host, port: typeof s.port === 'number' ? s.port : null,
        addresses: (fromPacket.length > 0 ? fromPacket : (host && addrCache.get(lower(host))) || []).slice(0, 16),
        referer: typeof s.referer?.address === 'string' ? s.referer.address : null,
        rawTxt: normalizeTxt(s.rawTxt),
      }
    }
    const up = (s: BonjourService): void => {
      const service = convert(s)
      if (service) emitUp(service)
    }
    browser.on('up', up as never)
    browser.on('txt-update', up as never)
    browser.on('srv-update', up as never)
    browser.on('down', ((s: BonjourService) => {
      if (typeof s.fqdn !== 'string') return
      known.delete(lower(s.fqdn))
      options.onDown(lower(s.fqdn), goodbyeFrom.get(lower(s.fqdn)) ?? null)
    }) as never)
    return browser
  })

  let step = 0
  let timer: NodeJS.Timeout | null = null
  let closed = false
  const schedule = (): void => {
    if (closed) return
    const delay = REQUERY_MS[Math.min(step, REQUERY_MS.length - 1)]!
    timer = setTimeout(() => {
      step++
      for (const b of browsers) b.update()
      schedule()
    }, delay)
  }
  schedule()

  return {
    stats,
    retain(keep) {
      const browsed = browsers.flatMap((b) => b.services.map((svc) => lower(String(svc.fqdn))))
      const held = new Set([...known.names(), ...browsed])
      for (const fqdn of held) if (!keep(fqdn)) forget(fqdn)
    },
    restart() {
      if (closed) return
      if (timer) clearTimeout(timer)
      step = 0
      for (const b of browsers) b.update()
      schedule()
    },
    close() {
      if (closed) return Promise.resolve()
      closed = true
      if (timer) clearTimeout(timer)
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
