// airOS announcements on UDP 10002 (discovery.md §2): radios broadcast about
// every 20 s; we only listen. Two shapes are handled because the sources
// disagree (§2):
//  1. [inferred] the standard v1 header `01 06 LLLL` + the usual TLVs, read by
//     the same parser as UDP 10001;
//  2. CoMPaTech/python-airos `airos/discovery.py`: a 6-byte header `01 06 ?? ?? ?? ??`,
//     then TLVs where type 0x06 is a bare 6-byte MAC without a length and the
//     other known types (0x02 0x03 0x0A 0x0B 0x0C 0x0D 0x0E 0x10 0x14 0x18)
//     carry a u16 length; an unknown type ends the walk. Its only fixture is
//     synthetic (`script/generate_discovery_fixture.py`).
import { parseUbntPacket, type UbntPacket, type UbntReply } from './ubnt.ts'

export const AIROS_PORT = 10002

const PYAIROS_LENGTH_TYPES = new Set([0x02, 0x03, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x10, 0x14, 0x18])

function fitsStandard(packet: Uint8Array): boolean {
  return packet.length >= 4 && ((packet[2]! << 8) | packet[3]!) === packet.length - 4
}

/** The python-airos shape, or null when the bytes do not fit it. */
export function parsePythonAirosShape(packet: Uint8Array): UbntReply | null {
  const buf = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength)
  if (buf.length < 7 || buf[0] !== 0x01 || buf[1] !== 0x06) return null
  const fields: { type: number; value: Buffer }[] = []
  let pos = 6
  while (pos < buf.length && fields.length < 64) {
    const type = buf[pos]!
    if (type === 0x06) {
      if (pos + 7 > buf.length) return null
      fields.push({ type: 0x01, value: buf.subarray(pos + 1, pos + 7) })
      pos += 7
    } else if (PYAIROS_LENGTH_TYPES.has(type)) {
      if (pos + 3 > buf.length) return null
      const length = buf.readUInt16BE(pos + 1)
      if (pos + 3 + length > buf.length) return null
      fields.push({ type, value: buf.subarray(pos + 3, pos + 3 + length) })
      pos += 3 + length
    } else {
      return null
    }
  }
  if (!fields.some((f) => f.type === 0x01)) return null
  // Re-encode as a standard v1 cmd 6 packet so one decoder fills the fields.
  const body = Buffer.concat(
    fields.map(({ type, value }) => Buffer.concat([Buffer.from([type, value.length >> 8, value.length & 255]), value])),
  )
  if (body.length > 0xffff) return null
  const parsed = parseUbntPacket(Buffer.concat([Buffer.from([0x01, 0x06, body.length >> 8, body.length & 255]), body]))
  if (parsed.kind !== 'reply') return null
  parsed.reply.problems.push('python-airos 6-byte header form')
  return parsed.reply
}

/** Parses one datagram received on UDP 10002. Never throws. */
export function parseAirosPacket(packet: Uint8Array): UbntPacket {
  try {
    if (fitsStandard(packet)) {
      const standard = parseUbntPacket(packet)
      if (standard.kind === 'reply') return standard
    }
    const alt = parsePythonAirosShape(packet)
    if (alt) return { kind: 'reply', reply: alt }
    return parseUbntPacket(packet)
  } catch (err) {
    return { kind: 'invalid', reason: `parser error: ${(err as Error).message}` }
  }
}
