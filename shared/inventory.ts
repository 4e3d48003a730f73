// What LAN discovery found, as the UI shows it: ONE card per physical thing.
// Plain data only (crosses IPC by structured clone and the browser bridge as
// JSON): no classes, no Buffers, no Dates, no imports of Node modules.
//
// Identity of a card (`id`):
//   mac:<12 upper-case hex>   anything that told us a MAC (UBNT TLV 0x01/0x02,
//                             /api/system `mac`); consoles answering once per
//                             VLAN collapse into one card (discovery.md §1.6)
//   ha:<uuid>                 Home Assistant, by the `uuid` TXT key
//   mdns:<fqdn>               Home Assistant without a uuid
//   addr:<host>:<port>        an HTTPS-only find without a MAC (UISP server)

/** What a card is. `nvr` is a UniFi OS console whose job is recording (UNVR, UNVR Pro, ENVR). */
export type InventoryKind = 'console' | 'nvr' | 'device' | 'uisp-server' | 'home-assistant'

/**
 * How a card was found. `ubnt-v1`/`ubnt-v2` also cover the v0 reply form and
 * unsolicited announcements on UDP 10001; `airos` is UDP 10002; `https` is a
 * successful fingerprint (including the optional subnet sweep).
 */
export type DiscoveryMethod = 'ubnt-v1' | 'ubnt-v2' | 'airos' | 'mdns' | 'https' | 'manual'

/** UniFi apps answering the unauthenticated 401 probe on a console (unifi-os.md §1). */
export type InventoryApp = 'protect' | 'network' | 'access'

/** UBNT TLV 0x17 (discovery.md §1.4): bit0 factory default, bit3 recovery, else normal. */
export type DeviceState = 'default' | 'recovery' | 'managed'

export interface UnknownField {
  /** TLV type code. */
  type: number
  /** Value as lower-case hex (capped). */
  hex: string
}

/** UBNT discovery details worth keeping on a card (discovery.md §1.4). */
export interface UbntDetails {
  /** Reply forms seen: v1, v2, or v0 (the "legacy response form", e.g. UNVR). */
  signatures: ('v0' | 'v1' | 'v2')[]
  /** The console echoed our v1 request from an ephemeral port (§1.6). */
  echoed: boolean
  /** v2 command codes seen (6 announcement, 8, 9 reply, 11). */
  commands: number[]
  /** 0x0B as sent (the card's `name` may come from HTTPS instead). */
  hostname: string | null
  /** 0x0C short code. */
  platform: string | null
  /** 0x15 v2 model code. */
  model: string | null
  /** 0x0D */
  essid: string | null
  /** 0x0E raw value */
  wirelessMode: number | null
  /** 0x0F `value & 0xFFFF` */
  webPort: number | null
  /** 0x0F upper 16 bits > 0 (v1) */
  webHttps: boolean | null
  /** 0x10 as hex */
  systemId: string | null
  /** 0x1B */
  platformVersion: string | null
  /** 0x1C */
  sshdPort: number | null
  /** 0x20 (Protect cameras) */
  uuid: string | null
  /** Types the table does not know, kept raw. */
  unknown: UnknownField[]
}

/** `_home-assistant._tcp` instance (home-assistant.md, discovery.md §9a). */
export interface HomeAssistantDetails {
  /** DNS-SD instance name, e.g. "Home" (dotted names kept whole). */
  instance: string
  fqdn: string
  /** SRV target and port. */
  host: string | null
  port: number | null
  uuid: string | null
  version: string | null
  locationName: string | null
  baseUrl: string | null
  internalUrl: string | null
  externalUrl: string | null
  /** Source address of the announcing packet: the only address an announcement vouches for (discovery.md §6). */
  source: string | null
  /**
   * Where "Connect Home Assistant" goes: the announced `internal_url`/`base_url` only when its host is
   * the packet's source, else http://<source>:<SRV port> (null without a source).
   */
  connectUrl: string | null
  /** The announcement named a URL on another host than its source; it was ignored. */
  urlIgnored: boolean
  /** Other source addresses announcing the same uuid: flagged, never merged (a spoofer, or a copy). */
  sameUuidElsewhere: string[]
  /** Every TXT entry, decoded as UTF-8; the first occurrence of a key wins (RFC 6763 §6.4). */
  txt: Record<string, string>
  /** Every TXT string as sent, hex, in order. */
  rawTxt: string[]
}

/** `GET /nms/api/v2.1/nms/version` (uisp.md §3). */
export interface UispServerDetails {
  /** null: the server asks for authentication before it tells (uisp.md §3/§8 [inferred]). */
  version: string | null
  deployment: string | null
  build: string | null
  time: string | null
}

/** `GET /api/v1.0/public/device` `identification` (uisp.md §3) [report]. */
export interface UispDeviceDetails {
  product: string | null
  model: string | null
  family: string | null
}

export interface InventoryItem {
  id: string
  kind: InventoryKind
  /** Display name: console name, hostname, HA location name. */
  name: string | null
  /** Short model code: UDMPRO, UNVR, U7PG2, ER-X, LM5, UISP-R. */
  model: string | null
  /** Long product name when one was sent (TLV 0x14, UISP identification.product). */
  productName: string | null
  /** Primary MAC, 12 upper-case hex digits. */
  mac: string | null
  /** Every MAC the thing reported (interfaces of a router…), sorted. */
  macs: string[]
  /** The address to talk to (answered on a chosen interface, or HTTPS worked there). */
  address: string | null
  /** Every address seen or reported, de-duplicated, IPv4 numerically first. */
  addresses: string[]
  /** Firmware string as reported (TLV 0x03), e.g. "BZ.qca956x_6.0.21+13673.220607.2004". */
  firmware: string | null
  /** Software version: TLV 0x16, the version inside 0x03, UISP or HA version. */
  version: string | null
  /** Apps on this host (consoles); empty when not probed or none. */
  apps: InventoryApp[]
  foundBy: DiscoveryMethod[]
  /** ISO timestamps. */
  firstSeen: string
  lastSeen: string
  /** The user typed this address; manual cards do not expire. */
  manual: boolean
  state: DeviceState | null
  /** UniFi OS console vs the self-hosted Network application (unifi-os.md §1). */
  platform: 'unifi-os' | 'legacy-network' | null
  directConnectDomain: string | null
  /** SHA-256 of the HTTPS leaf certificate, as recorded by the fingerprint. */
  certificateSha256: string | null
  /** Port the fingerprint talked to. */
  httpsPort: number | null
  uptimeSeconds: number | null
  ubnt: UbntDetails | null
  homeAssistant: HomeAssistantDetails | null
  uisp: UispServerDetails | null
  uispDevice: UispDeviceDetails | null
}

/** A network interface discovery could use. */
export interface DiscoveryInterface {
  name: string
  address: string
  prefixLength: number
  /** Directed broadcast of the subnet; null for /31 and /32. */
  broadcast: string | null
  mac: string | null
  /** Used when the user did not pick: not loopback, link-local, VPN or virtual. */
  recommended: boolean
  /** Why it is not recommended, as a short phrase. */
  skipReason: string | null
}

export type DiscoveryNoticeCode =
  | 'port-busy' // UDP 10001 taken: scanning from an ephemeral port, passive listening off
  | 'airos-port-busy' // UDP 10002 taken: airOS announcements not heard
  | 'socket-failed' // a discovery socket could not be opened at all
  | 'mdns-failed' // mDNS could not start on an interface
  | 'no-interfaces' // nothing to scan on
  | 'unknown-interface' // the user picked an interface that is gone
  | 'sweep-skipped' // subnet too large for the optional HTTPS sweep
  | 'rate-limited' // packets dropped: a source sent more than the per-source limit (issue 14 §8)
  | 'inventory-full' // more devices or mDNS services than discovery keeps; the least recently seen made room
  | 'send-blocked' // this computer refused to send discovery requests (macOS Local Network permission, a firewall)

export interface DiscoveryNotice {
  code: DiscoveryNoticeCode
  /** One sentence for the user. */
  message: string
  interface: string | null
  at: string
}

/** "Search this subnet for UISP" (discovery/uisp-search.ts): how far it got and what it found. */
export interface UispSearchProgress {
  running: boolean
  /** Addresses tried so far, of `total`. */
  tried: number
  total: number
  /** Addresses where a UISP server answered. */
  found: string[]
  /** The user cancelled it (or discovery stopped) before every address was tried. */
  cancelled: boolean
  /** Interfaces whose network is too large to try address by address. */
  tooLarge: string[]
  startedAt: string
  endedAt: string | null
}

export interface DiscoveryStatus {
  running: boolean
  /**
   * A scan round is under way: from a requested scan's start (start, Scan again; not the quiet
   * periodic rescan) until its burst is over and what it set off (sweep, HTTPS looks) has finished
   * (discovery/scan-round.ts). Every view reads this one flag.
   */
  scanning: boolean
  /** When the last scan round ended (ISO), or null before one did. */
  lastScanEndedAt: string | null
  /** The last "search this subnet for UISP", running or finished; null when never asked. */
  uispSearch: UispSearchProgress | null
  interfaces: string[]
  /** Local UDP port the UBNT socket is bound to (10001, or ephemeral after a fallback). */
  ubntPort: number | null
  notices: DiscoveryNotice[]
}

/**
 * A refusal: `invalid-input` when the text is no address, `unreachable` when nothing answered there;
 * `message` in plain words, `detail` what the network said (for a details element).
 */
export type ManualAddResult =
  | { ok: true; item: InventoryItem }
  | { ok: false; code: 'invalid-input' | 'unreachable'; message: string; detail?: string }

const KIND_ORDER: Record<InventoryKind, number> = {
  console: 0,
  nvr: 1,
  'uisp-server': 2,
  'home-assistant': 3,
  device: 4,
}

function ipv4Number(address: string | null): number | null {
  if (!address) return null
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)
  if (!m) return null
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4])
}

/** Orders addresses: IPv4 numerically, then everything else as text. */
export function compareAddresses(a: string, b: string): number {
  const na = ipv4Number(a)
  const nb = ipv4Number(b)
  if (na !== null && nb !== null) return na - nb
  if (na !== null) return -1
  if (nb !== null) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** The order every inventory list is emitted in: kind, name, address, id. */
export function compareItems(a: InventoryItem, b: InventoryItem): number {
  const kind = KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
  if (kind !== 0) return kind
  const na = (a.name ?? '').toLowerCase()
  const nb = (b.name ?? '').toLowerCase()
  if (na !== nb) return na < nb ? -1 : 1
  const addr = compareAddresses(a.address ?? '', b.address ?? '')
  if (addr !== 0) return addr
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
