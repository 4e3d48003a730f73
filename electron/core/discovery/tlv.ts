// Bounded TLV walk for UBNT discovery payloads (discovery.md §1.4): each field is
// `type:u8, length:u16 BE, value`. Every read is checked against the end of the
// buffer; a field whose length runs past the end stops the walk (the fields
// before it are kept, as unifi-discovery does, §1.7 step 3). Never throws.

export interface Tlv {
  type: number
  /** Offset of the type byte inside the walked buffer. */
  offset: number
  /** A view into the packet: copy out what you keep. */
  value: Buffer
}

export interface TlvWalk {
  tlvs: Tlv[]
  /** Human-readable reasons the walk stopped early or skipped bytes. */
  problems: string[]
}

/**
 * A UDP payload is at most 65 507 bytes, i.e. at most ~21 800 zero-length
 * fields. Real replies carry ~20; stop long before a hostile packet could make
 * the merge work quadratic.
 */
export const MAX_TLVS = 256

export function hex(value: Uint8Array, maxBytes = 256): string {
  const shown = Buffer.from(value.buffer, value.byteOffset, Math.min(value.length, maxBytes)).toString('hex')
  return value.length > maxBytes ? `${shown}…` : shown
}

export function readTlvs(data: Buffer, maxCount = MAX_TLVS): TlvWalk {
  const tlvs: Tlv[] = []
  const problems: string[] = []
  let pos = 0
  while (pos < data.length) {
    if (tlvs.length >= maxCount) {
      problems.push(`more than ${maxCount} fields; the rest was ignored`)
      break
    }
    if (pos + 3 > data.length) {
      problems.push(`${data.length - pos} stray byte(s) after the last field`)
      break
    }
    const type = data[pos]!
    const length = data.readUInt16BE(pos + 1)
    const start = pos + 3
    if (start + length > data.length) {
      problems.push(
        `field 0x${type.toString(16).padStart(2, '0')} claims ${length} bytes but only ${data.length - start} remain`,
      )
      break
    }
    tlvs.push({ type, offset: pos, value: data.subarray(start, start + length) })
    pos = start + length
  }
  return { tlvs, problems }
}
