// The inventory's cards and their two indexes (MAC → card, address → card),
// kept consistent and bounded (issue 14 §8): ≤ MAX_CARDS cards, the indexes hold
// only what a card holds and lose it with the card, and when the table is full
// the least recently seen card nobody vouches for makes room, so a flood of
// spoofed devices cannot keep a real one out. What evidence means (which card
// a reply belongs to) is inventory.ts; this is only the bookkeeping.
import type { Card } from './card.ts'
import { emptyUbnt, mergeUbnt } from './card.ts'
import { flagUuidClaims } from './ha-claims.ts'

/** Hostile floods of spoofed MACs must not grow memory without bound. */
export const MAX_CARDS = 2048
const MAX_ADDRESSES = 64
const MAX_MACS = 32
const MAX_REPLY_ADDRESSES = 16
/** How many of the least recently seen cards are considered for eviction. */
const EVICTION_SCAN = 64

export type ChangeKind = 'significant' | 'touch'

export interface CardTableEvents {
  onChange?: (kind: ChangeKind) => void
  /** A card was evicted to make room, or could not be made at all. */
  onOverflow?: () => void
}

export class CardTable {
  /** In least-recently-seen-first order (touch moves a card to the end), for eviction. */
  protected readonly cards = new Map<string, Card>()
  protected readonly byMac = new Map<string, string>()
  protected readonly byAddress = new Map<string, string>()

  constructor(private readonly events: CardTableEvents = {}) {}

  get size(): number {
    return this.cards.size
  }

  /** Card id for an address, if any card has it. */
  idForAddress(address: string): string | null {
    return this.byAddress.get(address) ?? null
  }

  protected cardAt(address: string): Card | undefined {
    return this.cards.get(this.byAddress.get(address) ?? '')
  }

  protected changed(kind: ChangeKind): void {
    this.events.onChange?.(kind)
  }

  /** Marks a card as just seen: the card map is kept in least-recently-seen-first order for eviction. */
  protected touch(card: Card, now: number): void {
    card.lastSeen = Math.max(card.lastSeen, now)
    card.view = null
    if (this.cards.get(card.id) !== card) return
    this.cards.delete(card.id)
    this.cards.set(card.id, card)
  }

  /** The card with this id, made when missing; undefined when the table is full of typed-in cards. */
  protected create(id: string, now: number): Card | undefined {
    const existing = this.cards.get(id)
    if (existing) return existing
    if (this.cards.size >= MAX_CARDS) {
      this.events.onOverflow?.()
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
  protected remove(card: Card): void {
    this.cards.delete(card.id)
    for (const m of card.macs) if (this.byMac.get(m) === card.id) this.byMac.delete(m)
    for (const a of card.addresses) if (this.byAddress.get(a) === card.id) this.byAddress.delete(a)
    if (card.ha?.uuid) flagUuidClaims(this.cards, card.ha.uuid)
    this.changed('significant')
  }

  protected findByMacs(macs: string[]): Card | undefined {
    for (const m of macs) {
      const card = this.cards.get(this.byMac.get(m) ?? '')
      if (card) return card
    }
    return undefined
  }

  /** Indexes a MAC only if the card keeps it: the index never outgrows the cards (issue 14 §8). */
  protected addMac(card: Card, mac: string): void {
    if (!card.macs.includes(mac)) {
      if (card.macs.length >= MAX_MACS) return
      card.macs.push(mac)
    }
    if (!this.cards.has(this.byMac.get(mac) ?? '')) this.byMac.set(mac, card.id)
    // An address-keyed card learns its MAC: re-key it.
    if (card.id.startsWith('addr:') && this.byMac.get(mac) === card.id) this.rekey(card, `mac:${mac}`)
  }

  protected rekey(card: Card, id: string): void {
    if (this.cards.has(id)) return
    const old = card.id
    this.cards.delete(old)
    card.id = id
    this.cards.set(id, card)
    for (const m of card.macs) if (this.byMac.get(m) === old) this.byMac.set(m, id)
    for (const a of card.addresses) if (this.byAddress.get(a) === old) this.byAddress.set(a, id)
  }

  /**
   * `claim`: the address answered for this card (a reply's source, an HTTPS look) and takes the index
   * over. An address a reply or an announcement only names (UBNT 0x02/0x04, mDNS A records: anyone can
   * name any address, discovery.md §6) fills the index only where no other card holds it, so a spoofed
   * or stale list cannot take a console's address (and its echo, §1.6) away from it.
   */
  protected addAddress(card: Card, address: string, claim = true): void {
    if (!address || address === '0.0.0.0') return
    if (!card.addresses.has(address)) {
      if (card.addresses.size >= MAX_ADDRESSES) return
      card.addresses.add(address)
      card.sorted = null
    }
    if (claim || !this.cards.has(this.byAddress.get(address) ?? '')) this.byAddress.set(address, card.id)
  }

  /** An address a reply came from: most recent last, at most MAX_REPLY_ADDRESSES. */
  protected addReplyAddress(card: Card, address: string): void {
    const i = card.replyAddresses.indexOf(address)
    if (i >= 0) card.replyAddresses.splice(i, 1)
    card.replyAddresses.push(address)
    if (card.replyAddresses.length > MAX_REPLY_ADDRESSES) card.replyAddresses.shift()
    this.addAddress(card, address)
  }

  /** Two cards turned out to be one thing: `from` goes, `into` keeps what both knew. */
  protected mergeInto(into: Card, from: Card): void {
    this.remove(from)
    for (const m of from.macs) this.addMac(into, m)
    for (const a of from.replyAddresses) {
      const room = into.replyAddresses.length < MAX_REPLY_ADDRESSES
      if (room && !into.replyAddresses.includes(a)) into.replyAddresses.push(a)
    }
    for (const a of from.addresses) this.addAddress(into, a, false)
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
