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
// everything here is bounded by what the cards show: ≤ MAX_CARDS cards; the MAC
// and address indexes hold only what a card holds and lose it with the card.
// When full, the least recently seen card nobody vouches for makes room, so a
// flood of spoofed devices cannot keep a real one out.
import type { DiscoveryMethod, HomeAssistantDetails, InventoryItem } from '../../../shared/inventory.ts'
import { compareItems } from '../../../shared/inventory.ts'
import { absorbReply, addressOrder, emptyUbnt, fingerprintOf, mergeUbnt, viewOf, type Card } from './card.ts'
import type { Fingerprint } from './fingerprint.ts'
import { flagUuidClaims, fromSource, haCardId } from './ha-claims.ts'
import { replyAddresses, replyMacs, type UbntReply } from './ubnt.ts'

/** Hostile floods of spoofed MACs must not grow memory without bound. */
export const MAX_CARDS = 2048
const MAX_ADDRESSES = 64
const MAX_MACS = 32
const MAX_REPLY_ADDRESSES = 16
/** How many of the least recently seen cards are considered for eviction. */
const EVICTION_SCAN = 64

export type ChangeKind = 'significant' | 'touch'

export interface InventoryStoreOptions {
  /** Is this address on one of the chosen interfaces' subnets? Used to pick the primary address. */
  isLocal?: (address: string) => boolean
  now?: () => number
  onChange?: (kind: ChangeKind) => void
  /** A card was evicted to make room, or could not be made at all. */
  onOverflow?: () => void
}

export class InventoryStore {
  private readonly cards = new Map<string, Card>()
  private readonly byMac = new Map<string, string>()
  private readonly byAddress = new Map<string, string>()
  /** Echoes from addresses without a card yet (§1.6): applied when one appears. */
  private readonly pendingEchoes = new Map<string, number>()
  private readonly isLocal: (address: string) => boolean
  private readonly now: () => number

  constructor(private readonly options: InventoryStoreOptions = {}) {
    this.isLocal = options.isLocal ?? (() => true)
    this.now = options.now ?? Date.now
  }

  // ---- queries --------------------------------------------------------------

  list(): InventoryItem[] {
    return [...this.cards.values()].map((c) => viewOf(c, this.isLocal)).sort(compareItems)
  }

  get size(): number {
    return this.cards.size
  }

  get(id: string): InventoryItem | null {
    const card = this.cards.get(id)
    return card ? viewOf(card, this.isLocal) : null
  }

  /** Card id for an address, if any card has it. */
  idForAddress(address: string): string | null {
    return this.byAddress.get(address) ?? null
  }

  /** Lower-case fqdns of the Home Assistant cards (mDNS keeps only services a card shows). */
  mdnsNames(): Set<string> {
    return new Set([...this.cards.values()].flatMap((c) => (c.ha ? [c.ha.fqdn.toLowerCase()] : [])))
  }

  hasPendingEcho(address: string): boolean {
    return this.pendingEchoes.has(address)
  }

  /** What the fingerprint scheduler needs to know about a card. */
  fingerprintState(id: string): { candidates: string[]; lastAt: number | null; worth: boolean } | null {
    const card = this.cards.get(id)
    if (!card) return null
    // Only addresses that answered us, were typed in, or sit on a chosen subnet:
    // a router's TLVs also list WAN and foreign addresses, which are not ours to probe.
    const ordered = addressOrder(card, this.isLocal).filter(
      (a) => this.isLocal(a) || card.replyAddresses.includes(a) || a === card.manualAddress || a === card.https?.host,
    )
    return { candidates: ordered.slice(0, 3), lastAt: card.https?.at ?? null, worth: !card.ha }
  }

  // ---- evidence ------------------------------------------------------------

  /** A UBNT reply or announcement from `from` (UDP 10001 or 10002). */
  applyUbnt(reply: UbntReply, from: string, method: DiscoveryMethod): string | null {
    const now = this.now()
    const macs = replyMacs(reply)
    // A header with nothing usable (truncated or junk fields) identifies nothing.
    if (macs.length === 0 && !reply.hostname && !reply.platform && !reply.model && !reply.productName) return null
    let card = this.findByMacs(macs) ?? (macs.length === 0 ? this.cards.get(this.byAddress.get(from) ?? '') : undefined)
    let significant = false
    if (!card) {
      card = this.create(macs[0] ? `mac:${macs[0]}` : `addr:${from}`, now)
      if (!card) return null
      significant = true
    }
    // An address-keyed card (an HTTPS find without a MAC) for this address belongs here.
    const orphan = this.cards.get(this.byAddress.get(from) ?? '')
    if (orphan && orphan !== card && orphan.macs.length === 0 && !orphan.ha) {
      this.mergeInto(card, orphan)
      significant = true
    }
    const u = (card.ubnt ??= emptyUbnt())
    const before = fingerprintOf(viewOf(card, this.isLocal))
    absorbReply(u, reply)
    for (const mac of macs) this.addMac(card, mac)
    this.addReplyAddress(card, from)
    for (const a of replyAddresses(reply)) this.addAddress(card, a)
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
    const card = this.cards.get(this.byAddress.get(from) ?? '')
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
    let card: Card | undefined =
      (mac ? this.findByMacs([mac]) : undefined) ?? requested ?? this.cards.get(this.byAddress.get(fp.host) ?? '')
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
    for (const a of addresses) this.addAddress(card, a)
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

  // ---- internals -------------------------------------------------------------

  private changed(kind: ChangeKind): void {
    this.options.onChange?.(kind)
  }

  /** Marks a card as just seen: the card map is kept in least-recently-seen-first order for eviction. */
  private touch(card: Card, now: number): void {
    card.lastSeen = Math.max(card.lastSeen, now)
    card.view = null
    if (this.cards.get(card.id) !== card) return
    this.cards.delete(card.id)
    this.cards.set(card.id, card)
  }

  private create(id: string, now: number): Card | undefined {
    const existing = this.cards.get(id)
    if (existing) return existing
    if (this.cards.size >= MAX_CARDS) {
      this.options.onOverflow?.()
      if (!this.evictOne()) return undefined
    }
    const card: Card = {
      id,
      macs: [],
      replyAddresses: [],
      addresses: new Set(),
      sorted: null,
      ubnt: null,
      https: null,
      ha: null,
      haAddresses: [],
      foundBy: new Set(),
      manualAddress: null,
      firstSeen: now,
      lastSeen: now,
      view: null,
    }
    this.cards.set(id, card)
    return card
  }

  /**
   * Drops the least recently seen card that nobody vouches for (not typed in, not
   * identified over HTTPS, not Home Assistant); failing that among the oldest
   * few, the oldest one not typed in. False when every card was typed in.
   */
  private evictOne(): boolean {
    let fallback: Card | undefined
    let scanned = 0
    for (const card of this.cards.values()) {
      if (card.manualAddress !== null) continue
      const vouched = card.ha !== null || card.https?.console || card.https?.uispServer || card.https?.uispDevice
      if (!vouched) {
        this.remove(card)
        return true
      }
      fallback ??= card
      if (++scanned >= EVICTION_SCAN) break
    }
    if (fallback) this.remove(fallback)
    return fallback !== undefined
  }

  /** Drops a card and every index entry that points at it (the indexes hold nothing else). */
  private remove(card: Card): void {
    this.cards.delete(card.id)
    for (const m of card.macs) if (this.byMac.get(m) === card.id) this.byMac.delete(m)
    for (const a of card.addresses) if (this.byAddress.get(a) === card.id) this.byAddress.delete(a)
    if (card.ha?.uuid) flagUuidClaims(this.cards, card.ha.uuid)
    this.changed('significant')
  }

  private findByMacs(macs: string[]): Card | undefined {
    for (const m of macs) {
      const card = this.cards.get(this.byMac.get(m) ?? '')
      if (card) return card
    }
    return undefined
  }

  /** Indexes a MAC only if the card keeps it: the index never outgrows the cards (issue 14 §8). */
  private addMac(card: Card, mac: string): void {
    if (!card.macs.includes(mac)) {
      if (card.macs.length >= MAX_MACS) return
      card.macs.push(mac)
    }
    if (!this.cards.has(this.byMac.get(mac) ?? '')) this.byMac.set(mac, card.id)
    // An address-keyed card learns its MAC: re-key it.
    if (card.id.startsWith('addr:') && this.byMac.get(mac) === card.id) this.rekey(card, `mac:${mac}`)
  }

  private rekey(card: Card, id: string): void {
    if (this.cards.has(id)) return
    const old = card.id
    this.cards.delete(old)
    card.id = id
    this.cards.set(id, card)
    for (const m of card.macs) if (this.byMac.get(m) === old) this.byMac.set(m, id)
    for (const a of card.addresses) if (this.byAddress.get(a) === old) this.byAddress.set(a, id)
  }

  private addAddress(card: Card, address: string): void {
    if (!address || address === '0.0.0.0') return
    if (!card.addresses.has(address)) {
      if (card.addresses.size >= MAX_ADDRESSES) return
      card.addresses.add(address)
      card.sorted = null
    }
    this.byAddress.set(address, card.id)
  }

  private addReplyAddress(card: Card, address: string): void {
    const i = card.replyAddresses.indexOf(address)
    if (i >= 0) card.replyAddresses.splice(i, 1)
    card.replyAddresses.push(address)
    if (card.replyAddresses.length > MAX_REPLY_ADDRESSES) card.replyAddresses.shift()
    this.addAddress(card, address)
  }

  private mergeInto(into: Card, from: Card): void {
    this.remove(from)
    for (const m of from.macs) this.addMac(into, m)
    for (const a of from.replyAddresses) {
      const room = into.replyAddresses.length < MAX_REPLY_ADDRESSES
      if (room && !into.replyAddresses.includes(a)) into.replyAddresses.push(a)
    }
    for (const a of from.addresses) this.addAddress(into, a)
    if (from.ubnt) mergeUbnt((into.ubnt ??= emptyUbnt()), from.ubnt)
    if (from.https && (!into.https || from.https.at > into.https.at)) into.https = from.https
    into.ha ??= from.ha
    for (const m of from.foundBy) into.foundBy.add(m)
    into.manualAddress ??= from.manualAddress
    into.firstSeen = Math.min(into.firstSeen, from.firstSeen)
    into.lastSeen = Math.max(into.lastSeen, from.lastSeen)
    into.view = null
  }
}
