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
import type {
  DeviceState, DiscoveryMethod, HomeAssistantDetails, InventoryApp, InventoryItem, InventoryKind, UbntDetails,
} from '../../../shared/inventory.ts'
import { compareAddresses, compareItems } from '../../../shared/inventory.ts'
import type { Fingerprint } from './fingerprint.ts'
import { replyAddresses, replyMacs, versionFromFirmware, type UbntReply } from './ubnt.ts'

/** Hostile floods of spoofed MACs must not grow memory without bound. */
export const MAX_CARDS = 2048
const MAX_ADDRESSES = 64
const MAX_MACS = 32
const NVR_MODEL = /^(UNVR|ENVR|UNVRPRO|UNVR-PRO|UNVR-INSTANT|UNVRI)/i

interface UbntEvidence {
  signatures: Set<'v0' | 'v1' | 'v2'>
  commands: Set<number>
  echoed: boolean
  hostname: string | null
  platform: string | null
  model: string | null
  productName: string | null
  firmware: string | null
  version16: string | null
  state: DeviceState | null
  uptimeSeconds: number | null
  essid: string | null
  wirelessMode: number | null
  webPort: number | null
  webHttps: boolean | null
  systemId: string | null
  platformVersion: string | null
  sshdPort: number | null
  uuid: string | null
  unknown: Map<number, string>
}

interface Card {
  id: string
  macs: string[]
  /** Addresses replies came from, most recent last (these answered us). */
  replyAddresses: string[]
  addresses: Set<string>
  ubnt: UbntEvidence | null
  https: Fingerprint | null
  ha: HomeAssistantDetails | null
  haAddresses: string[]
  foundBy: Set<DiscoveryMethod>
  manualAddress: string | null
  firstSeen: number
  lastSeen: number
  /** Sorted public view, rebuilt lazily. */
  view: InventoryItem | null
}

export type ChangeKind = 'significant' | 'touch'

export interface InventoryStoreOptions {
  /** Is this address on one of the chosen interfaces' subnets? Used to pick the primary address. */
  isLocal?: (address: string) => boolean
  now?: () => number
  onChange?: (kind: ChangeKind) => void
  onOverflow?: () => void
}

const iso = (t: number): string => new Date(t).toISOString()

/** What the UI would show differently; last-seen and uptime tick on every reply. */
function fingerprintOf(view: InventoryItem | null): string {
  return view ? JSON.stringify({ ...view, lastSeen: null, uptimeSeconds: null }) : ''
}

function emptyUbnt(): UbntEvidence {
  return {
    signatures: new Set(), commands: new Set(), echoed: false, hostname: null, platform: null, model: null,
    productName: null, firmware: null, version16: null, state: null, uptimeSeconds: null, essid: null,
    wirelessMode: null, webPort: null, webHttps: null, systemId: null, platformVersion: null, sshdPort: null,
    uuid: null, unknown: new Map(),
  }
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
    return [...this.cards.values()].map((c) => this.viewOf(c)).sort(compareItems)
  }

  get size(): number {
    return this.cards.size
  }

  get(id: string): InventoryItem | null {
    const card = this.cards.get(id)
    return card ? this.viewOf(card) : null
  }

  /** Card id for an address, if any card has it. */
  idForAddress(address: string): string | null {
    return this.byAddress.get(address) ?? null
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
    const ordered = this.addressOrder(card).filter(
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
    const before = fingerprintOf(this.viewOf(card))
    u.signatures.add(reply.signature)
    if (reply.signature === 'v2') u.commands.add(reply.command)
    const set = <K extends keyof UbntEvidence>(key: K, value: UbntEvidence[K] | null): void => {
      if (value !== null) u[key] = value
    }
    set('hostname', reply.hostname)
    set('platform', reply.platform)
    set('model', reply.model)
    set('productName', reply.productName)
    set('firmware', reply.firmware)
    set('version16', reply.version16)
    set('state', reply.deviceState)
    set('uptimeSeconds', reply.uptimeSeconds)
    set('essid', reply.essid)
    set('wirelessMode', reply.wirelessMode)
    set('webPort', reply.webPort)
    set('webHttps', reply.webHttps)
    set('systemId', reply.systemId)
    set('platformVersion', reply.platformVersion)
    set('sshdPort', reply.sshdPort)
    set('uuid', reply.uuid)
    for (const f of reply.unknown) if (u.unknown.size < 32 || u.unknown.has(f.type)) u.unknown.set(f.type, f.hex)
    for (const mac of macs) this.addMac(card, mac)
    this.addReplyAddress(card, from)
    for (const a of replyAddresses(reply)) this.addAddress(card, a)
    card.foundBy.add(method)
    if (this.pendingEchoes.delete(from)) u.echoed = true
    card.lastSeen = now
    card.view = null
    if (!significant) significant = fingerprintOf(this.viewOf(card)) !== before
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
    card.lastSeen = this.now()
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
    card.lastSeen = now
    card.view = null
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
    const id = details.uuid ? `ha:${details.uuid}` : `mdns:${details.fqdn.toLowerCase()}`
    // The same instance may have been known under its fqdn before the uuid arrived.
    const byFqdn = this.cards.get(`mdns:${details.fqdn.toLowerCase()}`)
    let card = this.cards.get(id)
    if (!card && byFqdn && id !== byFqdn.id) {
      this.cards.delete(byFqdn.id)
      byFqdn.id = id
      this.cards.set(id, byFqdn)
      for (const a of byFqdn.addresses) this.byAddress.set(a, id)
      card = byFqdn
    }
    card ??= this.create(id, now)
    if (!card) return null
    const before = fingerprintOf(card.view)
    card.ha = details
    card.haAddresses = addresses.slice(0, 16)
    for (const a of addresses) this.addAddress(card, a)
    card.foundBy.add('mdns')
    card.lastSeen = now
    card.view = null
    this.changed(fingerprintOf(this.viewOf(card)) === before ? 'touch' : 'significant')
    return card.id
  }

  /** An mDNS sighting of a known instance. */
  touchMdns(fqdn: string): void {
    for (const card of this.cards.values()) {
      if (card.ha && card.ha.fqdn.toLowerCase() === fqdn) {
        card.lastSeen = this.now()
        card.view = null
        this.changed('touch')
      }
    }
  }

  /** Goodbye (TTL 0) for an instance. */
  removeMdns(fqdn: string): void {
    for (const card of [...this.cards.values()]) {
      if (card.ha && card.ha.fqdn.toLowerCase() === fqdn && card.manualAddress === null) this.remove(card)
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

  private create(id: string, now: number): Card | undefined {
    const existing = this.cards.get(id)
    if (existing) return existing
    if (this.cards.size >= MAX_CARDS) {
      this.options.onOverflow?.()
      return undefined
    }
    const card: Card = {
      id, macs: [], replyAddresses: [], addresses: new Set(), ubnt: null, https: null, ha: null, haAddresses: [],
      foundBy: new Set(), manualAddress: null, firstSeen: now, lastSeen: now, view: null,
    }
    this.cards.set(id, card)
    return card
  }

  private remove(card: Card): void {
    this.cards.delete(card.id)
    for (const m of card.macs) if (this.byMac.get(m) === card.id) this.byMac.delete(m)
    for (const a of card.addresses) if (this.byAddress.get(a) === card.id) this.byAddress.delete(a)
    this.changed('significant')
  }

  private findByMacs(macs: string[]): Card | undefined {
    for (const m of macs) {
      const card = this.cards.get(this.byMac.get(m) ?? '')
      if (card) return card
    }
    return undefined
  }

  private addMac(card: Card, mac: string): void {
    if (!card.macs.includes(mac) && card.macs.length < MAX_MACS) card.macs.push(mac)
    if (!this.byMac.has(mac) || !this.cards.has(this.byMac.get(mac)!)) this.byMac.set(mac, card.id)
    // An address-keyed card learns its MAC: re-key it.
    if (card.id.startsWith('addr:') && this.byMac.get(mac) === card.id) this.rekey(card, `mac:${mac}`)
  }

  private rekey(card: Card, id: string): void {
    if (this.cards.has(id)) return
    const old = card.id
    this.cards.delete(old)
    card.id = id
    this.cards.set(id, card)
    for (const [k, v] of this.byMac) if (v === old) this.byMac.set(k, id)
    for (const [k, v] of this.byAddress) if (v === old) this.byAddress.set(k, id)
  }

  private addAddress(card: Card, address: string): void {
    if (!address || address === '0.0.0.0') return
    if (!card.addresses.has(address)) {
      if (card.addresses.size >= MAX_ADDRESSES) return
      card.addresses.add(address)
    }
    this.byAddress.set(address, card.id)
  }

  private addReplyAddress(card: Card, address: string): void {
    const i = card.replyAddresses.indexOf(address)
    if (i >= 0) card.replyAddresses.splice(i, 1)
    card.replyAddresses.push(address)
    if (card.replyAddresses.length > 16) card.replyAddresses.shift()
    this.addAddress(card, address)
  }

  private mergeInto(into: Card, from: Card): void {
    this.cards.delete(from.id)
    for (const m of from.macs) {
      if (!into.macs.includes(m) && into.macs.length < MAX_MACS) into.macs.push(m)
      this.byMac.set(m, into.id)
    }
    for (const a of from.replyAddresses) if (!into.replyAddresses.includes(a)) into.replyAddresses.push(a)
    for (const a of from.addresses) this.addAddress(into, a)
    if (from.ubnt) {
      const u = (into.ubnt ??= emptyUbnt())
      for (const s of from.ubnt.signatures) u.signatures.add(s)
      for (const c of from.ubnt.commands) u.commands.add(c)
      u.echoed ||= from.ubnt.echoed
      for (const [k, v] of Object.entries(from.ubnt) as [keyof UbntEvidence, unknown][]) {
        if (v !== null && (into.ubnt as unknown as Record<string, unknown>)[k] === null) {
          ;(into.ubnt as unknown as Record<string, unknown>)[k] = v
        }
      }
    }
    if (from.https && (!into.https || from.https.at > into.https.at)) into.https = from.https
    into.ha ??= from.ha
    for (const m of from.foundBy) into.foundBy.add(m)
    into.manualAddress ??= from.manualAddress
    into.firstSeen = Math.min(into.firstSeen, from.firstSeen)
    into.lastSeen = Math.max(into.lastSeen, from.lastSeen)
    into.view = null
  }

  /** Addresses by preference: HTTPS worked, answered on a local subnet, answered, reported. */
  private addressOrder(card: Card): string[] {
    const out: string[] = []
    const add = (a: string | null | undefined): void => { if (a && !out.includes(a)) out.push(a) }
    if (card.https?.reachable) add(card.https.host)
    add(card.manualAddress)
    for (const a of [...card.replyAddresses].reverse()) if (this.isLocal(a)) add(a)
    for (const a of card.haAddresses) if (this.isLocal(a)) add(a)
    for (const a of [...card.replyAddresses].reverse()) add(a)
    for (const a of card.haAddresses) add(a)
    for (const a of [...card.addresses].sort(compareAddresses)) if (this.isLocal(a)) add(a)
    for (const a of [...card.addresses].sort(compareAddresses)) add(a)
    return out
  }

  private kindOf(card: Card, model: string | null): InventoryKind {
    if (card.ha) return 'home-assistant'
    if (card.https?.uispServer) return 'uisp-server'
    const u = card.ubnt
    const isConsole = !!card.https?.console || (u !== null && (u.echoed || u.signatures.has('v0') || u.commands.has(9)))
    if (!isConsole) return 'device'
    return model && NVR_MODEL.test(model) ? 'nvr' : 'console'
  }

  private viewOf(card: Card): InventoryItem {
    if (card.view) return card.view
    const u = card.ubnt
    const fp = card.https
    const c = fp?.console ?? null
    const model = c?.model ?? u?.model ?? u?.platform ?? fp?.uispDevice?.model ?? null
    const firmware = u?.firmware ?? null
    const addresses = [...card.addresses].sort(compareAddresses)
    const ubnt: UbntDetails | null = u && {
      signatures: [...u.signatures].sort(),
      echoed: u.echoed,
      commands: [...u.commands].sort((a, b) => a - b),
      hostname: u.hostname,
      platform: u.platform,
      model: u.model,
      essid: u.essid,
      wirelessMode: u.wirelessMode,
      webPort: u.webPort,
      webHttps: u.webHttps,
      systemId: u.systemId,
      platformVersion: u.platformVersion,
      sshdPort: u.sshdPort,
      uuid: u.uuid,
      unknown: [...u.unknown].sort((a, b) => a[0] - b[0]).map(([type, hex]) => ({ type, hex })),
    }
    const apps: InventoryApp[] = c ? [...c.apps].sort() : []
    const view: InventoryItem = {
      id: card.id,
      kind: this.kindOf(card, model),
      name: c?.name ?? u?.hostname ?? card.ha?.locationName ?? card.ha?.instance ?? null,
      model,
      productName: u?.productName ?? fp?.uispDevice?.product ?? null,
      mac: card.id.startsWith('mac:') ? card.id.slice(4) : card.macs[0] ?? null,
      macs: [...card.macs].sort(),
      address: this.addressOrder(card)[0] ?? null,
      addresses,
      firmware,
      version: u?.version16 ?? versionFromFirmware(firmware) ?? fp?.uispServer?.version ?? card.ha?.version ?? null,
      apps,
      foundBy: [...card.foundBy].sort(),
      firstSeen: iso(card.firstSeen),
      lastSeen: iso(card.lastSeen),
      manual: card.manualAddress !== null,
      state: u?.state ?? null,
      platform: c?.kind ?? null,
      directConnectDomain: c?.directConnectDomain ?? null,
      certificateSha256: fp?.certificateSha256 ?? null,
      httpsPort: fp?.reachable ? fp.port : null,
      uptimeSeconds: u?.uptimeSeconds ?? null,
      ubnt,
      homeAssistant: card.ha,
      uisp: fp?.uispServer ?? null,
      uispDevice: fp?.uispDevice ?? null,
    }
    card.view = view
    return view
  }
}
