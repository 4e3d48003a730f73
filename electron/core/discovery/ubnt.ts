// UBNT discovery protocol (UDP 10001, discovery.md §1): request bytes, header
// classification and the field table. Pure functions, no sockets. Every input
// is hostile until proven otherwise: all reads are bounded, nothing throws.
import { cleanText, MAX_TEXT } from './clean.ts'
import { hex, readTlvs } from './tlv.ts'

export const UBNT_PORT = 10001
/** 233.89.188.1: unifi-discovery 1.4.0, the older Ubiquiti DiscoveryPacket, npm ubnt-discover (§1.1). */
export const UBNT_MULTICAST = '233.89.188.1'
/** v1 info request `01 00 00 00` (§1.2). */
export const V1_REQUEST: Readonly<Buffer> = Buffer.from([0x01, 0x00, 0x00, 0x00])
/** v2 request `02 08 00 00` (§1.2: the official app's bytes; `02 0a` is a conflicting report). */
export const V2_REQUEST: Readonly<Buffer> = Buffer.from([0x02, 0x08, 0x00, 0x00])

export type UbntSignature = 'v0' | 'v1' | 'v2'

export interface UbntInterfaceEntry {
  /** 12 upper-case hex digits. */
  mac: string
  ip: string | null
}

/** Everything a reply can carry (§1.4). Absent fields are null / empty. */
export interface UbntReply {
  signature: UbntSignature
  version: number
  command: number
  /** Header `data_length`. */
  declaredLength: number
  /** 0x01 */
  hwAddr: string | null
  /** 0x02, repeats per interface/IP. */
  interfaces: UbntInterfaceEntry[]
  /** 0x03 */
  firmware: string | null
  /** 0x04 */
  ipAddresses: string[]
  /** 0x05 and 0x13 */
  macAddresses: string[]
  /** 0x06 */
  username: string | null
  /** 0x07, 0x08, 0x09 as hex */
  salt: string | null
  randomChallenge: string | null
  challenge: string | null
  /** 0x0A */
  uptimeSeconds: number | null
  /** 0x0B */
  hostname: string | null
  /** 0x0C short code ("platform" in unifi-discovery) */
  platform: string | null
  /** 0x0D */
  essid: string | null
  /** 0x0E */
  wirelessMode: number | null
  /** 0x0F */
  webPort: number | null
  webHttps: boolean | null
  /** 0x10 as hex */
  systemId: string | null
  /** 0x12 */
  counter: number | null
  /** 0x14 full product name */
  productName: string | null
  /** 0x15 v2 model code */
  model: string | null
  /** 0x16 */
  version16: string | null
  /** 0x17 raw and decoded */
  deviceStateRaw: number | null
  deviceState: 'default' | 'recovery' | 'managed' | null
  /** 0x18 */
  locating: number | null
  /** 0x19, 0x1A */
  dhcpClient: boolean | null
  dhcpBound: boolean | null
  /** 0x1B */
  platformVersion: string | null
  /** 0x1C */
  sshdPort: number | null
  /** 0x20 */
  uuid: string | null
  /** 0x2C */
  defaultCredentialVersion: number | null
  /** Types the table does not decode (incl. 0x27, 0x2A), raw. */
  unknown: { type: number; hex: string }[]
  /** Why some bytes were skipped; the reply is still usable. */
  problems: string[]
}

export type UbntPacket =
  | { kind: 'request'; version: number; command: number }
  | { kind: 'reply'; reply: UbntReply }
  | { kind: 'invalid'; reason: string }

const MAX_STRING = MAX_TEXT
const MAX_REPEATS = 64
const MAX_UNKNOWN = 32

const utf8 = new TextDecoder('utf-8', { fatal: false })

/** UTF-8 with replacement, trailing NULs dropped, controls and bidi controls replaced, capped (clean.ts). */
export function text(value: Uint8Array, max = MAX_STRING): string {
  let end = value.length
  while (end > 0 && value[end - 1] === 0) end--
  return cleanText(utf8.decode(value.subarray(0, Math.min(end, max * 4))), max)
}

export function macText(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, 6).toString('hex').toUpperCase()
}

export function ipv4Text(value: Uint8Array, offset = 0): string {
  return `${value[offset]}.${value[offset + 1]}.${value[offset + 2]}.${value[offset + 3]}`
}

/** RFC 5952 text form of 16 bytes. */
export function ipv6Text(value: Uint8Array, offset = 0): string {
  const groups: number[] = []
  for (let i = 0; i < 8; i++) groups.push((value[offset + 2 * i]! << 8) | value[offset + 2 * i + 1]!)
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i > 1) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const parts = groups.map((g) => g.toString(16))
  if (bestStart < 0) return parts.join(':')
  return `${parts.slice(0, bestStart).join(':')}::${parts.slice(bestStart + bestLen).join(':')}`
}

/** Big-endian unsigned integer of 1–4 bytes, else null. */
function uint(value: Uint8Array): number | null {
  if (value.length < 1 || value.length > 4) return null
  let n = 0
  for (const b of value) n = n * 256 + b
  return n
}

function ipText(value: Uint8Array): string | null {
  if (value.length === 4) return ipv4Text(value)
  if (value.length === 16) return ipv6Text(value)
  return null
}

/**
 * 0x17 / 0x18: bit0 (0x1) FACTORY_DEFAULT, bit3 (0x8) RECOVERY, else NORMAL
 * (official app `parseDeviceState`, §1.4). nmap reads 1 = default/unmanaged,
 * 0 = managed, which is the same thing for those two values.
 */
export function deviceState(raw: number): 'default' | 'recovery' | 'managed' {
  if (raw & 0x1) return 'default'
  if (raw & 0x8) return 'recovery'
  return 'managed'
}

/** "v1.10.7" out of "EdgeRouter.ER-e50.v1.10.7.5127989.181001.1227" (nmap's pattern, §1.4 0x03). */
export function versionFromFirmware(firmware: string | null): string | null {
  if (!firmware) return null
  const m = /\.(v\d+\.\d+\.\d+)/.exec(firmware)
  return m ? m[1]! : null
}

function emptyReply(signature: UbntSignature, version: number, command: number, declaredLength: number): UbntReply {
  return {
    signature,
    version,
    command,
    declaredLength,
    hwAddr: null,
    interfaces: [],
    firmware: null,
    ipAddresses: [],
    macAddresses: [],
    username: null,
    salt: null,
    randomChallenge: null,
    challenge: null,
    uptimeSeconds: null,
    hostname: null,
    platform: null,
    essid: null,
    wirelessMode: null,
    webPort: null,
    webHttps: null,
    systemId: null,
    counter: null,
    productName: null,
    model: null,
    version16: null,
    deviceStateRaw: null,
    deviceState: null,
    locating: null,
    dhcpClient: null,
    dhcpBound: null,
    platformVersion: null,
    sshdPort: null,
    uuid: null,
    defaultCredentialVersion: null,
    unknown: [],
    problems: [],
  }
}

/**
 * Which (version, command) pairs are replies (§1.3). Union of the official
 * app `(1,0)`, `(2,{6,8,9})`, unifi-discovery `(0,*)`, nmap `(2,11)`, plus
 * `(1,6)`: airOS announcements on 10002 are [inferred] v1 cmd 6 (§2).
 */
function signatureOf(version: number, command: number): UbntSignature | null {
  if (version === 0) return 'v0'
  if (version === 1 && (command === 0 || command === 6)) return 'v1'
  if (version === 2 && (command === 6 || command === 8 || command === 9 || command === 11)) return 'v2'
  return null
}

/** Requests carry no data: v1 `01 00`, v2 `02 08`, and the reported variant `02 0a` (§1.2). */
function isRequestHeader(version: number, command: number): boolean {
  return (version === 1 && command === 0) || (version === 2 && (command === 8 || command === 10))
}

/**
 * What the 4-byte header alone says (no TLV walk): a request, a reply, or
 * neither. Lets a receiver charge a packet to its sender before the bounded
 * but not free field walk (issue 14 §8).
 */
export function ubntHeaderKind(packet: Uint8Array): 'request' | 'reply' | null {
  if (packet.length < 4) return null
  const version = packet[0]!
  const command = packet[1]!
  if (packet[2] === 0 && packet[3] === 0) return isRequestHeader(version, command) ? 'request' : null
  return signatureOf(version, command) ? 'reply' : null
}

export function parseUbntPacket(packet: Uint8Array): UbntPacket {
  try {
    return parseUnsafe(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength))
  } catch (err) {
    // Unreachable by construction; a parser bug must still never reach the socket.
    return { kind: 'invalid', reason: `parser error: ${(err as Error).message}` }
  }
}

function parseUnsafe(buf: Buffer): UbntPacket {
  if (buf.length < 4) return { kind: 'invalid', reason: `${buf.length}-byte packet is shorter than the 4-byte header` }
  const version = buf[0]!
  const command = buf[1]!
  const declaredLength = buf.readUInt16BE(2)
  if (declaredLength === 0) {
    // `02 08 00 00` is the v2 request even though 8 is also a reply command:
    // replies have data (unifi-discovery test_parse_v2_echo_rejected, §1.3).
    if (isRequestHeader(version, command)) return { kind: 'request', version, command }
    return { kind: 'invalid', reason: `empty packet ${version}/${command}` }
  }
  const signature = signatureOf(version, command)
  if (!signature) return { kind: 'invalid', reason: `unknown header version ${version} command ${command}` }

  const reply = emptyReply(signature, version, command, declaredLength)
  const available = buf.length - 4
  // Walk min(data_length, payload) like unifi-discovery (§1.7 step 3); nmap
  // would drop the packet instead, so say why fields may be missing.
  if (declaredLength > available)
    reply.problems.push(`header says ${declaredLength} bytes of fields, only ${available} arrived`)
  else if (declaredLength < available)
    reply.problems.push(`${available - declaredLength} byte(s) after the declared length ignored`)
  const walk = readTlvs(buf.subarray(4, 4 + Math.min(declaredLength, available)))
  reply.problems.push(...walk.problems)
  for (const { type, value } of walk.tlvs) decodeField(reply, type, value)
  return { kind: 'reply', reply }
}

function pushUnique<T>(list: T[], item: T, reply: UbntReply, what: string): void {
  if (list.includes(item)) return
  if (list.length >= MAX_REPEATS) {
    if (!reply.problems.includes(`too many ${what}`)) reply.problems.push(`too many ${what}`)
    return
  }
  list.push(item)
}

function bad(reply: UbntReply, type: number, length: number): void {
  reply.problems.push(`field 0x${type.toString(16).padStart(2, '0')} has unexpected length ${length}`)
}

function decodeField(r: UbntReply, type: number, v: Buffer): void {
  const first = <K extends keyof UbntReply>(key: K, value: UbntReply[K] | null): void => {
    if (value === null) return bad(r, type, v.length)
    if (r[key] === null && value !== '') r[key] = value as UbntReply[K] // an empty field says nothing (§1.4)
  }
  switch (type) {
    case 0x01:
      return first('hwAddr', v.length === 6 ? macText(v) : null)
    case 0x02: {
      // MAC(6) + optional IPv4(4) or IPv6(16) (UbiquitiFieldParser.parseNetworkIface).
      if (v.length !== 6 && v.length !== 10 && v.length !== 22) return bad(r, type, v.length)
      const entry = { mac: macText(v), ip: v.length === 6 ? null : ipText(v.subarray(6)) }
      if (r.interfaces.some((e) => e.mac === entry.mac && e.ip === entry.ip)) return
      if (r.interfaces.length < MAX_REPEATS) r.interfaces.push(entry)
      else if (!r.problems.includes('too many interface entries')) r.problems.push('too many interface entries')
      return
    }
    case 0x03:
      return first('firmware', text(v))
    case 0x04: {
      const ip = ipText(v)
      return ip === null ? bad(r, type, v.length) : pushUnique(r.ipAddresses, ip, r, 'address entries')
    }
    case 0x05:
    case 0x13:
      return v.length === 6 ? pushUnique(r.macAddresses, macText(v), r, 'MAC entries') : bad(r, type, v.length)
    case 0x06:
      return first('username', text(v))
    case 0x07:
      return first('salt', hex(v, 64))
    case 0x08:
      return first('randomChallenge', hex(v, 64))
    case 0x09:
      return first('challenge', hex(v, 64))
    case 0x0a:
      return first('uptimeSeconds', v.length === 4 ? v.readUInt32BE(0) : null)
    case 0x0b:
      return first('hostname', text(v))
    case 0x0c:
      return first('platform', text(v))
    case 0x0d:
      return first('essid', text(v))
    case 0x0e:
      // Usually 1 byte; UniFi Video sends 4 (npm ubnt-discover) [report].
      return first('wirelessMode', uint(v))
    case 0x0f: {
      // u32: port = value & 0xFFFF; upper 16 bits > 0 ⇒ https in v1 [report: nmap, ubnt-parsers.js].
      const n = v.length === 4 ? v.readUInt32BE(0) : v.length === 2 ? v.readUInt16BE(0) : null
      if (n === null) return bad(r, type, v.length)
      if (r.webPort === null) {
        r.webPort = n & 0xffff
        r.webHttps = v.length === 4 && r.version === 1 ? n >>> 16 > 0 : null
      }
      return
    }
    case 0x10:
      return first('systemId', v.length > 0 && v.length <= 16 ? hex(v) : null)
    case 0x12:
      // u32 in the table; unifi-discovery's fixture sends 2 bytes.
      return first('counter', uint(v))
    case 0x14:
      return first('productName', text(v))
    case 0x15:
      return first('model', text(v))
    case 0x16:
      return first('version16', text(v))
    case 0x17: {
      // 1 or 4 bytes BE (§1.4).
      const n = v.length === 1 || v.length === 4 ? uint(v) : null
      if (n === null) return bad(r, type, v.length)
      if (r.deviceStateRaw === null) {
        r.deviceStateRaw = n
        r.deviceState = deviceState(n)
      }
      return
    }
    case 0x18:
      return first('locating', uint(v))
    case 0x19:
      return first('dhcpClient', v.length === 1 ? v[0] !== 0 : null)
    case 0x1a:
      return first('dhcpBound', v.length === 1 ? v[0] !== 0 : null)
    case 0x1b:
      return first('platformVersion', text(v))
    case 0x1c:
      return first('sshdPort', v.length === 2 ? v.readUInt16BE(0) : null)
    case 0x20:
      return first('uuid', text(v, 64))
    case 0x2c:
      return first('defaultCredentialVersion', v.length === 1 ? v[0]! : null)
    default:
      if (r.unknown.length < MAX_UNKNOWN) r.unknown.push({ type, hex: hex(v) })
      else if (!r.problems.includes('too many unknown fields')) r.problems.push('too many unknown fields')
  }
}

/** All MACs a reply names: 0x01 first, then interfaces, then 0x05/0x13. */
export function replyMacs(reply: UbntReply): string[] {
  const out: string[] = []
  const add = (m: string | null): void => {
    if (m && !out.includes(m)) out.push(m)
  }
  add(reply.hwAddr)
  for (const e of reply.interfaces) add(e.mac)
  for (const m of reply.macAddresses) add(m)
  return out
}

/** All IPs a reply names (0x02, 0x04), unspecified addresses dropped. */
export function replyAddresses(reply: UbntReply): string[] {
  const out: string[] = []
  for (const ip of [...reply.interfaces.map((e) => e.ip), ...reply.ipAddresses]) {
    if (ip && ip !== '0.0.0.0' && ip !== '::' && !out.includes(ip)) out.push(ip)
  }
  return out
}
