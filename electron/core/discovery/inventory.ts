// The single inventory: evidence from every source is merged into one card per
// physical thing. Keys (shared/inventory.ts): MAC first (consoles answer once
// per VLAN/address, so de-duplicating by hw_addr is what unifi-discovery does,
// discovery.md §1.6, §1.7 step 7), HA uuid, else address.
//
// Console classification (§1.7 step 5, with one deliberate difference):
//   console ⇐ echo of our v1 request from an ephemeral port, a v0 reply, a v2
//             cmd 9 reply (COMMAND_V2_CTRL_RESPONSE, §1.3), or HTTPS confirming
//             UniFi OS / the Network application;
//   TLV 0x16 alone is NOT enough: unifi-discovery counts it, but sample A (a
//             U7PG2 access point, §1.5) carries 0x16 too. It only makes the
//             address a fingerprint candidate, and HTTPS decides.
//   Likewise "any v2 reply" (unifi-discovery's signature_version 2) would make
//   every AP announcing with v2 cmd 6 a console, so only cmd 9 counts.
//
// Bounds (issue 14 §8): replies may name any number of MACs and addresses, yet
// everything here is bounded by what the cards show; the cards, their MAC and
// address indexes, eviction and merging are card-table.ts (the base class).
import type { DiscoveryMethod, HomeAssistantDetails, InventoryItem } from '../../../shared/inventory.ts'
import { compareItems } from '../../../shared/inventory.ts'
import { absorbReply, addressOrder, emptyUbnt, fingerprintOf, viewOf, type Card } from './card.ts'
import { CardTable, type CardTableEvents } from './card-table.ts'
import type { Fingerprint } from './fingerprint.ts'
import { flagUuidClaims, fromSource, haCardId } from './ha-claims.ts'
import { replyAddresses, replyMacs, type UbntReply } from './ubnt.ts'

export { MAX_CARDS, type ChangeKind } from './card-table.ts'

export interface InventoryStoreOptions extends CardTableEvents {
  /** Is this address on one of the chosen interfaces' subnets? Used to pick the primary address. */
  isLocal?: (address: string) => boolean
  now?: () => number
}

/** What the fingerprint queue needs to look at a card over HTTPS. */
export interface FingerprintState {
  /** The card's best addresses to ask, at most three. */
  candidates: string[]
  /** Those that replied to discovery themselves (never a sweep hit or an address a TLV listed). */
  replied: string[]
  /** The web port its UBNT reply names (0x0F, discovery.md §1.4), when that is not plain HTTP. */
  webPort: number | null
  lastAt: number | null
  worth: boolean
}

export class InventoryStore extends CardTable {
  /** Echoes from addresses without a card yet (§1.6): applied when one appears. */
  private readonly pendingEchoes = new Map<string, number>()
  private readonly isLocal: (address: string) => boolean
  private readonly now: () => number

  constructor(options: InventoryStoreOptions = {}) {
    super(options)
    this.isLocal = options.isLocal ?? (() => true)
    this.now = options.now ?? Date.now
  }

  // ---- queries --------------------------------------------------------------

  list(): InventoryItem[] {
    return [...this.cards.values()].map((c) => viewOf(c, this.isLocal)).sort(compareItems)
  }

  get(id: string): InventoryItem | null {
    const card = this.cards.get(id)
    return card ? viewOf(card, this.isLocal) : null
  }

  /** Lower-case fqdns of the Home Assistant cards (mDNS keeps only services a card shows). */
  mdnsNames(): Set<string> {
    return new Set([...this.cards.values()].flatMap((c) => (c.ha ? [c.ha.fqdn.toLowerCase()] : [])))
  }

  hasPendingEcho(address: string): boolean {
    return this.pendingEchoes.has(address)
  }

  /** What the fingerprint scheduler needs to know about a card. */
  fingerprintState(id: string): FingerprintState | null {
    const card = this.cards.get(id)
    if (!card) return null
    // Only addresses that answered us, were typed in, or sit on a chosen subnet:
    // a router's TLVs also list WAN and foreign addresses, which are not ours to probe.
    const ordered = addressOrder(card, this.isLocal).filter(
      (a) => this.isLocal(a) || card.replyAddresses.includes(a) || a === card.manualAddress || a === card.https?.host,
    )
    const candidates = ordered.slice(0, 3)
    // 0x0F web port (discovery.md §1.4 [report]): `value & 0xFFFF`, https when v1's upper bits say so.
    const web = card.ubnt?.webHttps === false ? null : (card.ubnt?.webPort ?? null)
    return {
      candidates,
      replied: candidates.filter((a) => card.replyAddresses.includes(a)),
      webPort: web !== null && web > 0 && web <= 65535 ? web : null,
      lastAt: card.https?.at ?? null,
      worth: !card.ha,
    }
  }

  // ---- evidence ------------------------------------------------------------

  /** A UBNT reply or announcement from `from` (UDP 10001 or 10002). */
  applyUbnt(reply: UbntReply, from: string, method: DiscoveryMethod): string | null {
    const now = this.now()
    const macs = replyMacs(reply)
    // A header with nothing usable (truncated or junk fields) identifies nothing.
    if (macs.length === 0 && !reply.hostname && !reply.platform && !reply.model && !reply.productName) return null
    let card = this.findByMacs(macs) ?? (macs.length === 0 ? this.cardAt(from) : undefined)
    let significant = false
    if (!card) {
      card = this.create(macs[0] ? `mac:${macs[0]}` : `addr:${from}`, now)
      if (!card) return null
      significant = true
    }
    // An address-keyed card (an HTTPS find without a MAC) for this address belongs here.
    const orphan = this.cardAt(from)
    if (orphan && orphan !== card && orphan.macs.length === 0 && !orphan.ha) {
      this.mergeInto(card, orphan)
      significant = true
    }
    const u = (card.ubnt ??= emptyUbnt())
    const before = fingerprintOf(viewOf(card, this.isLocal))
    absorbReply(u, reply)
    for (const mac of macs) this.addMac(card, mac)
    this.addReplyAddress(card, from)
    for (const a of replyAddresses(reply)) this.addAddress(card, a, false)
    card.foundBy.add(method)
    if (this.pendingEchoes.delete(from)) u.echoed = true
    this.touch(card, now)
    if (!significant) significant = fingerprintOf(viewOf(card, this.isLocal)) !== before
    this.changed(significant ? 'significant' : 'touch')
    return card.id
  }

  /**
   * `01 00 00 00` from `from` on a port other than 10001: the console echo
   * (§1.6, §1.7 step 3). Returns the card id, or null when no card has that
   * address yet (the echo is remembered; the caller should fingerprint it).
   */
  applyEcho(from: string): string | null {
    const card = this.cardAt(from)
    if (!card) {
      if (this.pendingEchoes.size < 256 || this.pendingEchoes.has(from)) this.pendingEchoes.set(from, this.now())
      return null
    }
    const u = (card.ubnt ??= emptyUbnt())
    this.touch(card, this.now())
    if (u.echoed) {
      this.changed('touch')
    } else {
      u.echoed = true
      card.view = null
      this.changed('significant')
    }
    return card.id
  }

  /**
   * An HTTPS fingerprint. `forId` is the card it was run for (if any). A
   * fingerprint that identified nothing only refreshes an existing card, and
   * creates one only for a manual address.
   */
  applyFingerprint(fp: Fingerprint, forId: string | null, manual: boolean): string | null {
    const now = this.now()
    if (!fp.reachable) {
      if (!manual) return forId
      return null
    }
    const mac = fp.console?.mac ?? null
    const requested = forId ? this.cards.get(forId) : undefined
    let card: Card | undefined = (mac ? this.findByMacs([mac]) : undefined) ?? requested ?? this.cardAt(fp.host)
    const identified = fp.console !== null || fp.uispServer !== null || fp.uispDevice !== null
    if (!card) {
      if (!identified && !manual) return null
      // Consoles without a /api/system MAC and UISP servers are keyed by address.
      card = this.create(mac ? `mac:${mac}` : `addr:${fp.host}:${fp.port}`, now)
      if (!card) return null
    }
    // The card we fingerprinted for (an echo or manual address, keyed by
    // address) turned out to be a console we know by MAC: one card.
    if (requested && requested !== card && requested.macs.length === 0 && !requested.ha) {
      this.mergeInto(card, requested)
    }
    if (mac) this.addMac(card, mac)
    if (identified || !card.https) card.https = fp
    else card.https = { ...card.https, at: fp.at, certificateSha256: fp.certificateSha256 }
    this.addAddress(card, fp.host)
    card.foundBy.add('https')
    if (manual) {
      card.foundBy.add('manual')
      card.manualAddress = fp.host
    }
    if (this.pendingEchoes.delete(fp.host)) (card.ubnt ??= emptyUbnt()).echoed = true
    this.touch(card, now)
    this.changed('significant')
    return card.id
  }

  /** The user typed this address and something there answered (UBNT only, no HTTPS). */
  markManual(id: string, address: string): void {
    const card = this.cards.get(id)
    if (!card) return
    card.manualAddress = address
    card.foundBy.add('manual')
    card.view = null
    this.changed('significant')
  }

  /** A `_home-assistant._tcp` instance (mdns.ts). */
  applyHomeAssistant(details: HomeAssistantDetails, addresses: string[]): string | null {
    const now = this.now()
    const id = haCardId(this.cards, details)
    // The same instance may have been known under its fqdn before the uuid arrived.
    const byFqdn = this.cards.get(`mdns:${details.fqdn.toLowerCase()}`)
    let card = this.cards.get(id)
    if (!card && byFqdn && id !== byFqdn.id) {
      this.rekey(byFqdn, id)
      card = byFqdn
    }
    card ??= this.create(id, now)
    if (!card) return null
    const before = fingerprintOf(card.view)
    card.ha = { ...details, sameUuidElsewhere: [] }
    card.haAddresses = addresses.slice(0, 16)
    for (const a of addresses) this.addAddress(card, a, a === details.source)
    card.foundBy.add('mdns')
    if (details.uuid) flagUuidClaims(this.cards, details.uuid)
    this.touch(card, now)
    this.changed(fingerprintOf(viewOf(card, this.isLocal)) === before ? 'touch' : 'significant')
    return card.id
  }

  /** An mDNS sighting of a known instance, from `source` (only that announcer's card; any when unknown). */
  touchMdns(fqdn: string, source: string | null = null): void {
    for (const card of [...this.cards.values()]) {
      if (card.ha && card.ha.fqdn.toLowerCase() === fqdn && fromSource(card, source)) {
        this.touch(card, this.now())
        this.changed('touch')
      }
    }
  }

  /** Goodbye (TTL 0) for an instance: a second announcer's goodbye does not remove the first one's card. */
  removeMdns(fqdn: string, source: string | null = null): void {
    for (const card of [...this.cards.values()]) {
      if (card.ha && card.ha.fqdn.toLowerCase() === fqdn && card.manualAddress === null && fromSource(card, source))
        this.remove(card)
    }
  }

  /** Removes one card. */
  forget(id: string): boolean {
    const card = this.cards.get(id)
    if (!card) return false
    this.remove(card)
    return true
  }

  /** Drops cards silent for longer than `ttlMs`; manual cards stay. */
  expire(ttlMs: number): number {
    const limit = this.now() - ttlMs
    let dropped = 0
    for (const card of [...this.cards.values()]) {
      if (card.manualAddress === null && card.lastSeen < limit) {
        this.remove(card)
        dropped++
      }
    }
    for (const [address, at] of this.pendingEchoes) if (at < limit) this.pendingEchoes.delete(address)
    return dropped
  }
}
