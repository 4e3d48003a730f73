// Builds simulator replies from the real sample packets (fixtures.ts) with
// fields substituted. Deliberately independent of the product parser
// (electron/core/discovery): a shared bug must not hide itself.

export interface Field {
  type: number
  value: Buffer
}

export interface Packet {
  version: number
  command: number
  fields: Field[]
}

export function decode(packet: Buffer): Packet {
  const fields: Field[] = []
  const end = Math.min(packet.length, 4 + packet.readUInt16BE(2))
  let pos = 4
  while (pos + 3 <= end) {
    const len = packet.readUInt16BE(pos + 1)
    if (pos + 3 + len > end) throw new Error('fixture field runs past the end')
    fields.push({ type: packet[pos]!, value: Buffer.from(packet.subarray(pos + 3, pos + 3 + len)) })
    pos += 3 + len
  }
  return { version: packet[0]!, command: packet[1]!, fields }
}

export function encode(p: Packet): Buffer {
  const body = Buffer.concat(
    p.fields.map((f) => Buffer.concat([Buffer.from([f.type, f.value.length >> 8, f.value.length & 0xff]), f.value])),
  )
  return Buffer.concat([Buffer.from([p.version, p.command, body.length >> 8, body.length & 0xff]), body])
}

export const macBytes = (mac: string): Buffer => {
  const hex = mac.replace(/[^0-9a-f]/gi, '')
  if (hex.length !== 12) throw new Error(`bad MAC ${mac}`)
  return Buffer.from(hex, 'hex')
}
export const ipBytes = (ip: string): Buffer => Buffer.from(ip.split('.').map(Number))
const str = (s: string): Buffer => Buffer.from(s, 'utf8')
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}

export interface Substitutions {
  header?: { version: number; command: number }
  /** Replaces the fixture's own MAC wherever it appears (0x01, 0x02, 0x05, 0x13). */
  mac?: string
  /** Replaces every 0x02 entry (MAC + IPv4); a MAC-only entry when ip is null. */
  interfaces?: { mac: string; ip: string | null }[]
  /** Replaces the 0x04 address. */
  ip?: string
  hostname?: string
  platform?: string
  firmware?: string
  productName?: string
  model?: string
  version?: string
  uptime?: number
  essid?: string
  /** 0x17, 1 byte. */
  state?: number
  /** Types to remove. */
  drop?: number[]
  /** Fields to append (after substitutions). */
  add?: Field[]
}

function setField(p: Packet, type: number, value: Buffer): void {
  const at = p.fields.findIndex((f) => f.type === type)
  if (at >= 0) p.fields[at] = { type, value }
  else p.fields.push({ type, value })
}

export function substitute(fixture: Buffer, subs: Substitutions): Buffer {
  const p = decode(fixture)
  if (subs.header) {
    p.version = subs.header.version
    p.command = subs.header.command
  }
  if (subs.mac) {
    const own =
      p.fields.find((f) => f.type === 0x01)?.value ?? p.fields.find((f) => f.type === 0x02)?.value.subarray(0, 6)
    const next = macBytes(subs.mac)
    for (const f of p.fields) {
      if ((f.type === 0x01 || f.type === 0x05 || f.type === 0x13) && f.value.length === 6) f.value = next
      if (f.type === 0x02 && own && f.value.subarray(0, 6).equals(own))
        f.value = Buffer.concat([next, f.value.subarray(6)])
    }
  }
  if (subs.interfaces) {
    const at = p.fields.findIndex((f) => f.type === 0x02)
    const entries = subs.interfaces.map((e) => ({
      type: 0x02,
      value: Buffer.concat([macBytes(e.mac), e.ip ? ipBytes(e.ip) : Buffer.alloc(0)]),
    }))
    p.fields = p.fields.filter((f) => f.type !== 0x02)
    p.fields.splice(at < 0 ? 0 : at, 0, ...entries)
  }
  if (subs.ip !== undefined) for (const f of p.fields) if (f.type === 0x04) f.value = ipBytes(subs.ip)
  if (subs.hostname !== undefined) setField(p, 0x0b, str(subs.hostname))
  if (subs.platform !== undefined) setField(p, 0x0c, str(subs.platform))
  if (subs.firmware !== undefined) setField(p, 0x03, str(subs.firmware))
  if (subs.productName !== undefined) setField(p, 0x14, str(subs.productName))
  if (subs.model !== undefined) setField(p, 0x15, str(subs.model))
  if (subs.version !== undefined) setField(p, 0x16, str(subs.version))
  if (subs.uptime !== undefined) setField(p, 0x0a, u32(subs.uptime))
  if (subs.essid !== undefined) setField(p, 0x0d, str(subs.essid))
  if (subs.state !== undefined) setField(p, 0x17, Buffer.from([subs.state]))
  if (subs.drop) p.fields = p.fields.filter((f) => !subs.drop!.includes(f.type))
  if (subs.add) p.fields.push(...subs.add)
  return encode(p)
}
