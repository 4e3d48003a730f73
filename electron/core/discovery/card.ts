// One inventory card and its public view (card-table.ts keeps the cards and
// their indexes, inventory.ts decides which card the evidence belongs to).
import type {
  DiscoveryMethod,
  HomeAssistantDetails,
  InventoryApp,
  InventoryItem,
  InventoryKind,
  UbntDetails,
} from '../../../shared/inventory.ts'
import { compareAddresses } from '../../../shared/inventory.ts'
import type { Fingerprint } from './fingerprint.ts'
import { versionFromFirmware, type UbntReply } from './ubnt.ts'

const NVR_MODEL = /^(UNVR|ENVR|UNVRPRO|UNVR-PRO|UNVR-INSTANT|UNVRI)/i
/** Unknown TLV types kept per card, and hex characters per value: a card shows them (§1.4), so they are capped. */
const MAX_UNKNOWN = 16
const MAX_UNKNOWN_HEX = 128

/** The UBNT fields the card's `ubnt` block shows, named and typed once in shared/inventory.ts. */
type UbntShown = Omit<UbntDetails, 'signatures' | 'commands' | 'echoed' | 'unknown'>
/** UBNT facts the card shows elsewhere (its model line, state, uptime), typed as the view has them. */
type UbntOnCard = Pick<InventoryItem, 'productName' | 'firmware' | 'state' | 'uptimeSeconds'> & {
  version16: string | null
}
type UbntValues = UbntShown & UbntOnCard

export interface UbntEvidence extends UbntValues {
  signatures: Set<UbntDetails['signatures'][number]>
  commands: Set<number>
  echoed: boolean
  unknown: Map<number, string>
}

/**
 * Every value field, empty. The compiler holds this to the types above (a field added to
 * UbntDetails and not here fails to build), so the field list is not kept by hand elsewhere.
 */
const NO_VALUES: { [K in keyof UbntValues]: null } = {
  hostname: null,
  platform: null,
  model: null,
  essid: null,
  wirelessMode: null,
  webPort: null,
  webHttps: null,
  systemId: null,
  platformVersion: null,
  sshdPort: null,
  uuid: null,
  productName: null,
  firmware: null,
  version16: null,
  state: null,
  uptimeSeconds: null,
}
const VALUE_FIELDS = Object.keys(NO_VALUES) as (keyof UbntValues)[]

export interface Card {
  id: string
  macs: string[]
  /** Addresses replies came from, most recent last (these answered us). */
  replyAddresses: string[]
  addresses: Set<string>
  /** `addresses` in display order, cached (sorting is most of a reply's cost); null after a change. */
  sorted: string[] | null
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

const iso = (t: number): string => new Date(t).toISOString()

/** What the UI would show differently; last-seen and uptime tick on every reply. */
export function fingerprintOf(view: InventoryItem | null): string {
  return view ? JSON.stringify({ ...view, lastSeen: null, uptimeSeconds: null }) : ''
}

export function emptyUbnt(): UbntEvidence {
  return { ...NO_VALUES, signatures: new Set(), commands: new Set(), echoed: false, unknown: new Map() }
}

/** A reply's value for a field (the reply calls the device state `deviceState`). */
const replyValue = (reply: UbntReply, key: keyof UbntValues): UbntValues[keyof UbntValues] =>
  key === 'state' ? reply.deviceState : reply[key]

/** Copies what a reply says into the card's UBNT evidence (newest non-null value wins). */
export function absorbReply(u: UbntEvidence, reply: UbntReply): void {
  u.signatures.add(reply.signature)
  if (reply.signature === 'v2') u.commands.add(reply.command)
  for (const key of VALUE_FIELDS) {
    const value = replyValue(reply, key)
    if (value !== null) (u as unknown as Record<string, unknown>)[key] = value
  }
  for (const f of reply.unknown) {
    if (u.unknown.size < MAX_UNKNOWN || u.unknown.has(f.type)) u.unknown.set(f.type, f.hex.slice(0, MAX_UNKNOWN_HEX))
  }
}

/** Fills `into`'s missing UBNT evidence from a card being merged into it. */
export function mergeUbnt(into: UbntEvidence, from: UbntEvidence): void {
  for (const s of from.signatures) into.signatures.add(s)
  for (const c of from.commands) into.commands.add(c)
  into.echoed ||= from.echoed
  for (const [k, v] of Object.entries(from) as [keyof UbntEvidence, unknown][]) {
    if (v !== null && (into as unknown as Record<string, unknown>)[k] === null) {
      ;(into as unknown as Record<string, unknown>)[k] = v
    }
  }
  for (const [type, hex] of from.unknown) {
    if (!into.unknown.has(type) && into.unknown.size < MAX_UNKNOWN) into.unknown.set(type, hex)
  }
}

export function sortedAddresses(card: Card): readonly string[] {
  card.sorted ??= [...card.addresses].sort(compareAddresses)
  return card.sorted
}

/** Addresses by preference: HTTPS worked, answered on a local subnet, answered, reported. */
export function addressOrder(card: Card, isLocal: (address: string) => boolean): string[] {
  const out: string[] = []
  const add = (a: string | null | undefined): void => {
    if (a && !out.includes(a)) out.push(a)
  }
  if (card.https?.reachable) add(card.https.host)
  add(card.manualAddress)
  for (const a of [...card.replyAddresses].reverse()) if (isLocal(a)) add(a)
  for (const a of card.haAddresses) if (isLocal(a)) add(a)
  for (const a of [...card.replyAddresses].reverse()) add(a)
  for (const a of card.haAddresses) add(a)
  for (const a of sortedAddresses(card)) if (isLocal(a)) add(a)
  for (const a of sortedAddresses(card)) add(a)
  return out
}

function kindOf(card: Card, model: string | null): InventoryKind {
  if (card.ha) return 'home-assistant'
  if (card.https?.uispServer) return 'uisp-server'
  const u = card.ubnt
  const isConsole = !!card.https?.console || (u !== null && (u.echoed || u.signatures.has('v0') || u.commands.has(9)))
  if (!isConsole) return 'device'
  return model && NVR_MODEL.test(model) ? 'nvr' : 'console'
}

/** The card's `ubnt` block: the shown fields as they are, the sets sorted. */
function ubntView(u: UbntEvidence): UbntDetails {
  // The on-card facts (model line, state, uptime) are shown elsewhere on the card, not in this block.
  const { signatures, commands, echoed, unknown, ...facts } = u
  const { productName: _p, firmware: _f, version16: _v, state: _s, uptimeSeconds: _u, ...shown } = facts
  return {
    signatures: [...signatures].sort(),
    echoed,
    commands: [...commands].sort((a, b) => a - b),
    ...shown,
    unknown: [...unknown].sort((a, b) => a[0] - b[0]).map(([type, hex]) => ({ type, hex })),
  }
}

/** The card's public view, cached on the card until something changes (`card.view = null`). */
export function viewOf(card: Card, isLocal: (address: string) => boolean): InventoryItem {
  if (card.view) return card.view
  const u = card.ubnt
  const fp = card.https
  const c = fp?.console ?? null
  const model = c?.model ?? u?.model ?? u?.platform ?? fp?.uispDevice?.model ?? null
  const firmware = u?.firmware ?? null
  const addresses = [...sortedAddresses(card)]
  const ubnt: UbntDetails | null = u && ubntView(u)
  const apps: InventoryApp[] = c ? [...c.apps].sort() : []
  const view: InventoryItem = {
    id: card.id,
    kind: kindOf(card, model),
    name: c?.name ?? u?.hostname ?? card.ha?.locationName ?? card.ha?.instance ?? null,
    model,
    productName: u?.productName ?? fp?.uispDevice?.product ?? null,
    mac: card.id.startsWith('mac:') ? card.id.slice(4) : (card.macs[0] ?? null),
    macs: [...card.macs].sort(),
    address: addressOrder(card, isLocal)[0] ?? null,
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
