// Bounds for one mDNS browser (one interface), issue 14 §8. mDNS answers are
// unauthenticated (discovery.md §6): any host may announce any number of
// instances, and bonjour-service's Browser keeps every one it ever saw in an
// array it searches linearly (`_services`, `serviceMap`; §6 "Browser limits" 5:
// nothing leaves without a goodbye). The guard decides which instances may be
// tracked at all: at most MAX_SERVICES per browser and MAX_SERVICES_PER_SOURCE
// per answering address, and strips PTR records for any other instance from a
// packet before the Browser sees it. What no card shows is forgotten again
// (`retain`, driven by the inventory).

export const MAX_SERVICES = 64
export const MAX_SERVICES_PER_SOURCE = 8
/** Records per section handed on: the Browser's matching is quadratic in the packet's records. */
export const MAX_RECORDS = 256

export interface GuardRecord {
  name: string
  type: string
  ttl?: number
  data?: unknown
}

export interface GuardPacket {
  answers?: GuardRecord[]
  additionals?: GuardRecord[]
}

const lower = (s: string): string => s.toLowerCase().replace(/\.$/, '')

export class ServiceGuard {
  /** Tracked instances (lower-case fqdn) → the address that announced them. */
  private readonly owners = new Map<string, string | null>()
  /** PTR records (new instances) refused since creation. */
  refused = 0

  constructor(
    private readonly maxServices = MAX_SERVICES,
    private readonly maxPerSource = MAX_SERVICES_PER_SOURCE,
  ) {}

  has(fqdn: string): boolean {
    return this.owners.has(lower(fqdn))
  }

  get size(): number {
    return this.owners.size
  }

  names(): string[] {
    return [...this.owners.keys()]
  }

  /** May `fqdn` be tracked? `extra` counts instances admitted but not yet added (same packet). */
  admits(fqdn: string, source: string | null, extra: Map<string, string | null> = new Map()): boolean {
    const key = lower(fqdn)
    if (this.owners.has(key) || extra.has(key)) return true
    if (this.owners.size + extra.size >= this.maxServices) return false
    let fromSource = 0
    for (const owner of [...this.owners.values(), ...extra.values()]) if (owner === source) fromSource++
    return fromSource < this.maxPerSource
  }

  /** Starts tracking `fqdn`; false (and nothing stored) when the guard refuses it. */
  add(fqdn: string, source: string | null): boolean {
    if (!this.admits(fqdn, source)) {
      this.refused++
      return false
    }
    if (!this.owners.has(lower(fqdn))) this.owners.set(lower(fqdn), source)
    return true
  }

  delete(fqdn: string): boolean {
    return this.owners.delete(lower(fqdn))
  }

  /**
   * The packet cut to MAX_RECORDS per section and without live PTR records
   * (under one of `ptrNames`) that would start tracking an instance the guard
   * refuses; the same object when nothing had to go. Goodbyes (TTL 0) pass.
   */
  filter<P extends GuardPacket>(packet: P, source: string, ptrNames: readonly string[]): P {
    const admitted = new Map<string, string | null>()
    let dropped = 0
    const keep = (rr: GuardRecord): boolean => {
      if (rr?.type !== 'PTR' || typeof rr.data !== 'string' || typeof rr.name !== 'string') return true
      if (!((rr.ttl ?? 0) > 0) || !ptrNames.includes(lower(rr.name))) return true
      if (!this.admits(rr.data, source, admitted)) {
        dropped++
        return false
      }
      if (!this.owners.has(lower(rr.data))) admitted.set(lower(rr.data), source)
      return true
    }
    const section = (list: GuardRecord[] | undefined): GuardRecord[] =>
      Array.isArray(list) ? list.slice(0, MAX_RECORDS).filter(keep) : []
    const long = (packet.answers?.length ?? 0) > MAX_RECORDS || (packet.additionals?.length ?? 0) > MAX_RECORDS
    const answers = section(packet.answers)
    const additionals = section(packet.additionals)
    this.refused += dropped
    return dropped === 0 && !long ? packet : { ...packet, answers, additionals }
  }
}
