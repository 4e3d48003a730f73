// The per-interface mDNS service table (discovery.md §6 "Browser limits" 2, 3, 5): a bounded
// record cache (SRV, TXT, A/AAAA), instances announced by PTR alone that we ask about and assemble
// ourselves, sightings that keep cards fresh, and who said goodbye. Which instances may be held at
// all is the guard's (mdns-guard.ts, issue 14 §8); the socket and the Browser are mdns.ts's.
import { isIP } from 'node:net'
import type { GuardPacket } from './mdns-guard.ts'
import type { MdnsService } from './mdns-txt.ts'
import { text } from './ubnt.ts'

const CACHE_LIMIT = 256
/** Instances asked about at once (PTR-only answers awaiting SRV/TXT). */
const PENDING_LIMIT = 64
const REASK_MS = 5000
const MAX_RECORDS = 512

export const lower = (s: string): string => s.toLowerCase().replace(/\.$/, '')

/** The instance label of an fqdn: the service type's suffix cut off (dotted names allowed, limit 3). */
export function instanceOf(fqdn: string, suffix: string): string {
  const at = lower(fqdn).lastIndexOf(`.${suffix}`)
  return text(Buffer.from(at > 0 ? fqdn.slice(0, at) : fqdn), 128)
}

export const normalizeTxt = (data: unknown): Buffer[] =>
  (Array.isArray(data) ? data : data instanceof Uint8Array ? [data] : []).filter((b): b is Buffer => Buffer.isBuffer(b))

function boundedSet<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > CACHE_LIMIT) map.delete(map.keys().next().value as K)
}

/** The guard's view the table needs: which instances are held, and room for new ones. */
export interface HeldServices {
  has(fqdn: string): boolean
  add(fqdn: string, source: string | null): boolean
  delete(fqdn: string): void
  admits(fqdn: string, source: string): boolean
}

export interface ServiceTableOptions {
  /** Browsed types without underscores, e.g. "home-assistant". */
  types: string[]
  held: HeldServices
  /** Sends a query on this interface's socket. */
  query(questions: { name: string; type: string }[]): void
  onUp(service: MdnsService): void
  onSeen(fqdn: string, source: string): void
  onDown(fqdn: string, source: string | null): void
  now?: () => number
}

interface Pending {
  type: string
  fqdn: string
  referer: string
  asked: number
  askedA: boolean
}
interface Record_ {
  name: string
  type: string
  ttl?: number
  data?: unknown
}

export class ServiceTable {
  readonly suffixes: string[]
  private readonly srv = new Map<string, { target: string; port: number }>()
  private readonly txt = new Map<string, unknown>()
  private readonly addrs = new Map<string, string[]>()
  private readonly pending = new Map<string, Pending>()
  /** Instances we assembled ourselves (PTR-only answers), by signature of what was emitted. */
  private readonly assembled = new Map<string, string>()
  /** Who said goodbye for an fqdn, for the Browser's `down` that follows (two announcers may share one). */
  private readonly goodbyeFrom = new Map<string, string>()

  constructor(private readonly options: ServiceTableOptions) {
    this.suffixes = options.types.map((t) => `_${t}._tcp.local`)
  }

  /** One admitted response packet from `source` (already filtered by the guard). */
  track(packet: GuardPacket, source: string): void {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(0, MAX_RECORDS) as Record_[]
    const srvInPacket = this.cache(records, source)
    this.askForMissing(records, source, srvInPacket)
    this.assemble()
  }

  /** Announces a service (from the Browser or assembled here) if the guard lets it be held. */
  announce(service: MdnsService): void {
    if (!this.options.held.add(lower(service.fqdn), service.referer)) return
    this.options.onUp(service)
  }

  /** The Browser's `down` for an instance: reported with who said goodbye, when known. */
  gone(fqdn: string): void {
    const key = lower(fqdn)
    this.options.held.delete(key)
    this.options.onDown(key, this.goodbyeFrom.get(key) ?? null)
  }

  /** Addresses cached for a host name (A/AAAA seen in any packet). */
  addressesOf(host: string): string[] | undefined {
    return this.addrs.get(lower(host))
  }

  /** Drops one instance from the table (the caller drops it from the Browser). */
  forget(fqdn: string): void {
    this.options.held.delete(fqdn)
    this.assembled.delete(fqdn)
    this.pending.delete(fqdn)
  }

  /** Caches SRV/TXT/addresses, reports sightings and goodbyes; returns the instances whose SRV came along. */
  private cache(records: Record_[], source: string): Set<string> {
    const srvInPacket = new Set<string>()
    for (const rr of records) {
      if (typeof rr?.name !== 'string') continue
      const name = lower(rr.name)
      const live = (rr.ttl ?? 0) > 0
      if (rr.type === 'SRV' && live) {
        const d = rr.data as { target?: unknown; port?: unknown } | undefined
        if (typeof d?.target === 'string' && typeof d.port === 'number') {
          boundedSet(this.srv, name, { target: d.target, port: d.port })
          srvInPacket.add(name)
        }
      } else if (rr.type === 'TXT' && live) {
        boundedSet(this.txt, name, rr.data)
      } else if ((rr.type === 'A' || rr.type === 'AAAA') && live && typeof rr.data === 'string' && isIP(rr.data)) {
        const list = this.addrs.get(name) ?? []
        if (!list.includes(rr.data)) boundedSet(this.addrs, name, [...list, rr.data].slice(-8))
      }
      // Sightings keep cards fresh (limit 5: no `down` without a goodbye).
      const subject = rr.type === 'PTR' && typeof rr.data === 'string' ? lower(rr.data) : name
      if (live && this.options.held.has(subject)) this.options.onSeen(subject, source)
      if (!live && rr.type === 'PTR' && typeof rr.data === 'string') {
        boundedSet(this.goodbyeFrom, lower(rr.data), source)
      }
    }
    return srvInPacket
  }

  /** PTR-only answers (limit 2): ask for SRV/TXT; goodbyes for what we assembled are reported here. */
  private askForMissing(records: Record_[], source: string, srvInPacket: Set<string>): void {
    const { held, types } = this.options
    for (const rr of records) {
      if (rr?.type !== 'PTR' || typeof rr.data !== 'string') continue
      const type = types.find((_, i) => lower(rr.name) === this.suffixes[i])
      if (!type) continue
      const fqdn = lower(rr.data)
      if (!((rr.ttl ?? 0) > 0)) {
        // Goodbye. The Browser reports its own services; ours are reported here.
        this.pending.delete(fqdn)
        if (this.assembled.delete(fqdn)) {
          held.delete(fqdn)
          this.options.onDown(fqdn, source)
        }
        continue
      }
      if ((held.has(fqdn) && !this.assembled.has(fqdn)) || srvInPacket.has(fqdn)) continue
      const entry = this.pending.get(fqdn)
      if (!entry && (this.pending.size >= PENDING_LIMIT || !held.admits(fqdn, source))) continue
      const now = (this.options.now ?? Date.now)()
      if (!entry || now - entry.asked > REASK_MS) {
        this.pending.set(fqdn, { type, fqdn: rr.data, referer: source, asked: now, askedA: false })
        this.options.query([
          { name: rr.data, type: 'SRV' },
          { name: rr.data, type: 'TXT' },
        ])
      }
    }
  }

  /**
   * Assembles pending instances once their SRV is known; re-emits when a later packet (TXT or A
   * arriving separately) changes what we know.
   */
  private assemble(): void {
    for (const [key, p] of this.pending) {
      const srv = this.srv.get(key)
      if (!srv) continue
      if (!this.assembled.has(key) && this.options.held.has(key)) {
        this.pending.delete(key)
        continue
      }
      const addresses = this.addrs.get(lower(srv.target))
      if (!addresses && !p.askedA) {
        p.askedA = true
        this.options.query([{ name: srv.target, type: 'A' }])
      }
      const service: MdnsService = {
        type: p.type,
        fqdn: p.fqdn,
        instance: instanceOf(p.fqdn, `_${p.type}._tcp.local`),
        host: srv.target,
        port: srv.port,
        addresses: addresses ?? [],
        referer: p.referer,
        rawTxt: normalizeTxt(this.txt.get(key)),
      }
      const signature = JSON.stringify({ ...service, rawTxt: service.rawTxt.map((b) => b.toString('hex')) })
      if (this.assembled.get(key) !== signature) {
        boundedSet(this.assembled, key, signature)
        this.announce(service)
      }
      // Complete: nothing more to wait for.
      if (this.txt.has(key) && addresses) this.pending.delete(key)
    }
  }
}
