// One inventory card and its public view (inventory.ts keeps the cards and
// their indexes). Split out of inventory.ts so each file stays small.
import type {
  DeviceState, DiscoveryMethod, HomeAssistantDetails, InventoryApp, InventoryItem, InventoryKind, UbntDetails,
} from '../../../shared/inventory.ts'
import { compareAddresses } from '../../../shared/inventory.ts'
import type { Fingerprint } from './fingerprint.ts'
import { versionFromFirmware, type UbntReply } from './ubnt.ts'

const NVR_MODEL = /^(UNVR|ENVR|UNVRPRO|UNVR-PRO|UNVR-INSTANT|UNVRI)/i
/** Unknown TLV types kept per card, and hex characters per value: a card shows them (§1.4), so they are capped. */
const MAX_UNKNOWN = 16
const MAX_UNKNOWN_HEX = 128

export interface UbntEvidence {
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
  return {
    signatures: new Set(), commands: new Set(), echoed: false, hostname: null, platform: null, model: null,
    productName: null, firmware: null, version16: null, state: null, uptimeSeconds: null, essid: null,
    wirelessMode: null, webPort: null, webHttps: null, systemId: null, platformVersion: null, sshdPort: null,
    uuid: null, unknown: new Map(),
  }
}

/** Copies what a reply says into the card's UBNT evidence (newest non-null value wins). */
export function absorbReply(u: UbntEvidence, reply: UbntReply): void {
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
  const add = (a: string | null | undefined): void => { if (a && !out.includes(a)) out.push(a) }
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

/** The card's public view, cached on the card until something changes (`card.view = null`). */
export function viewOf(card: Card, isLocal: (address: string) => boolean): InventoryItem {
  if (card.view) return card.view
  const u = card.ubnt
  const fp = card.https
  const c = fp?.console ?? null
  const model = c?.model ?? u?.model ?? u?.platform ?? fp?.uispDevice?.model ?? null
  const firmware = u?.firmware ?? null
  const addresses = [...sortedAddresses(card)]
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
    kind: kindOf(card, model),
    name: c?.name ?? u?.hostname ?? card.ha?.locationName ?? card.ha?.instance ?? null,
    model,
    productName: u?.productName ?? fp?.uispDevice?.product ?? null,
    mac: card.id.startsWith('mac:') ? card.id.slice(4) : card.macs[0] ?? null,
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
