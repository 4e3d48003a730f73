// The D-Bus wire format for the minimal client in dbus.ts: marshalling method calls (little-endian) and
// reading replies and signals (either byte order), with every length checked against the frame.
// Spec: https://dbus.freedesktop.org/doc/dbus-specification.html ("Message Protocol").
export const MAX_MESSAGE_BYTES = 1024 * 1024
export const E = 'org.freedesktop.DBus.Error.'
export const enum Type {
  Call = 1,
  Return = 2,
  Error = 3,
  Signal = 4,
}

/** A failure named like D-Bus errors: the peer's error name, or a standard name for local failures. */
export class DBusError extends Error {
  override readonly name = 'DBusError'
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(`${message} (${errorName})`)
  }
}

export type DBusValue = string | number | boolean | DBusValue[] | { signature: string; value: DBusValue }
/** A received message's header (type 1 call, 2 reply, 3 error, 4 signal); its body is passed alongside. */
export type DBusMessage = { type: number; serial: number; signature: string; replySerial?: number } & Partial<
  Record<'path' | 'interface' | 'member' | 'errorName' | 'destination' | 'sender', string>
>

export interface CallOptions {
  destination: string
  path: string
  interface: string
  member: string
  /** One of "s" (string) or "u" (uint32) per body item; empty by default. */
  signature?: string
  body?: (string | number)[]
  timeoutMs?: number
}

/** Sent to the bus as an AddMatch rule and checked again here (sender only if a unique name or the bus itself). */
export type SignalMatch = Partial<Record<'sender' | 'path' | 'interface' | 'member' | 'arg0', string>>
export type SignalListener = (body: DBusValue[], message: DBusMessage) => void

export const fail = (name: string, message: string) => new DBusError(E + name, message)
export const printable = (text: string) => JSON.stringify(text.slice(0, 80).replace(/[^\x20-\x7e]/g, '?'))
export const pad = (at: number, n: number) => (n - (at % n)) % n

// ---------------------------------------------------------------- writing (little-endian)
class Writer {
  readonly parts: Buffer[] = []
  len = 0
  put(bytes: Buffer): Buffer {
    if ((this.len += bytes.length) > MAX_MESSAGE_BYTES) throw fail('LimitsExceeded', 'message over the size cap')
    this.parts.push(bytes)
    return bytes
  }
  align(n: number): void {
    this.put(Buffer.alloc(pad(this.len, n)))
  }
  /** Returns the 4 bytes written, to patch a length known only later. */
  u32(v: number): Buffer {
    this.align(4)
    const bytes = Buffer.alloc(4)
    bytes.writeUInt32LE(v)
    return this.put(bytes)
  }
  /** u, or a NUL-terminated s / o (uint32 length) / g (byte length). */
  value(type: string, v: string | number): void {
    if (type === 'u' && Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff) {
      this.u32(v as number)
      return
    }
    if (typeof v !== 'string' || !'sog'.includes(type) || v.includes('\0') || (type === 'g' && v.length > 255)) {
      throw fail('InvalidArgs', `${printable(String(v))} is not a valid "${type}" argument`)
    }
    const bytes = Buffer.from(v, 'utf8')
    if (type === 'g') this.put(Buffer.from([bytes.length]))
    else this.u32(bytes.length)
    this.put(Buffer.concat([bytes, Buffer.alloc(1)]))
  }
}

export function encodeCall(serial: number, call: Omit<CallOptions, 'timeoutMs'>): Buffer {
  const { signature = '', body = [] } = call
  if (!/^[su]*$/.test(signature) || signature.length !== body.length) {
    throw fail('InvalidArgs', `signature "${signature}" does not fit ${body.length} argument(s)`)
  }
  const w = new Writer()
  w.put(Buffer.from([0x6c /* 'l': little-endian */, Type.Call, 0, 1]))
  const bodyLength = w.u32(0)
  w.u32(serial)
  const fieldsLength = w.u32(0) // then the a(yv) header fields, from offset 16
  const fields: [number, string, string][] = [
    [1, 'o', call.path],
    [2, 's', call.interface],
    [3, 's', call.member],
    [6, 's', call.destination],
    [8, 'g', signature],
  ]
  for (const [code, type, value] of fields) {
    if (value === '') continue
    w.align(8)
    w.put(Buffer.from([code]))
    w.value('g', type)
    w.value(type, value)
  }
  fieldsLength.writeUInt32LE(w.len - 16)
  w.align(8)
  const bodyStart = w.len
  ;[...signature].forEach((type, i) => w.value(type, body[i]!))
  bodyLength.writeUInt32LE(w.len - bodyStart)
  return Buffer.concat(w.parts)
}

// ---------------------------------------------------------------- reading (either byte order)
/** Splits a signature into single complete types. */
function splitTypes(sig: string): string[] {
  const end = (i: number): number => {
    const c = sig[i]
    if (c === 'a') return end(i + 1)
    if (c !== '(' && c !== '{') {
      if (c === undefined || !'ybiusogv'.includes(c)) throw fail('InvalidSignature', `unsupported ${printable(sig)}`)
      return i + 1
    }
    let j = i + 1
    while (sig[j] !== (c === '(' ? ')' : '}')) {
      if (j >= sig.length) throw fail('InvalidSignature', `unclosed ${c} in ${printable(sig)}`)
      j = end(j)
    }
    return j + 1
  }
  const types: string[] = []
  for (let i = 0; i < sig.length;) types.push(sig.slice(i, (i = end(i))))
  return types
}

export const bad = (what: string) => fail('InconsistentMessage', what)

/** Positions count from the message start, as D-Bus alignment does. */
class Reader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}
  take(n: number, align = n): number {
    this.pos += pad(this.pos, align)
    const at = this.pos
    if ((this.pos += n) > this.buf.length) throw bad('a value runs past the end of the message')
    return at
  }
  u32(): number {
    const at = this.take(4)
    return this.buf[0] === 0x6c ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at)
  }
  text(lengthBytes: 1 | 4): string {
    const n = lengthBytes === 1 ? this.buf[this.take(1)]! : this.u32()
    const at = this.take(n + 1, 1)
    if (this.buf[at + n] !== 0) throw bad('a string lacks its NUL terminator')
    return this.buf.toString('utf8', at, at + n)
  }
  value(type: string, depth = 0): DBusValue {
    if (depth > 64) throw bad('values nested too deeply')
    switch (type[0]) {
      case 'y':
        return this.buf[this.take(1)]!
      case 'b':
        return this.u32() !== 0
      case 'u':
        return this.u32()
      case 'i':
        return this.u32() | 0
      case 's':
      case 'o':
        return this.text(4)
      case 'g':
        return this.text(1)
      case 'v': {
        const signature = this.text(1)
        if (splitTypes(signature).length !== 1) throw bad('a variant must hold exactly one type')
        return { signature, value: this.value(signature, depth + 1) }
      }
      case 'a': {
        const item = type.slice(1)
        const length = this.u32()
        const end = length + this.take(0, 'ybgv'.includes(item[0]!) ? 1 : '({'.includes(item[0]!) ? 8 : 4)
        if (end > this.buf.length) throw bad('an array runs past the end of the message')
        const items: DBusValue[] = []
        while (this.pos < end) items.push(this.value(item, depth + 1))
        if (this.pos !== end) throw bad('an array length does not match its items')
        return items
      }
      default: // '(' or '{': a struct or dict entry, as an array of its members
        this.take(0, 8)
        return splitTypes(type.slice(1, -1)).map((member) => this.value(member, depth + 1))
    }
  }
}

/** The length of the first message in `buf` once its fixed header is in; refuses oversized ones. */
export function frameLength(buf: Buffer): number | undefined {
  if (buf.length < 16) return undefined
  if ((buf[0] !== 0x6c && buf[0] !== 0x42) || buf[3] !== 1) throw bad('not a D-Bus message (byte order, version)')
  const read = (at: number) => (buf[0] === 0x6c ? buf.readUInt32LE(at) : buf.readUInt32BE(at))
  const fieldsEnd = 16 + read(12)
  const total = fieldsEnd + pad(fieldsEnd, 8) + read(4)
  if (total > MAX_MESSAGE_BYTES) throw fail('LimitsExceeded', `an incoming message of ${total} bytes was refused`)
  return total
}

const FIELDS = ['', 'path', 'interface', 'member', 'errorName', 'replySerial', 'destination', 'sender', 'signature']

/** A bad header throws (fatal to the connection); a bad body only fails this message. */
export function decode(frame: Buffer): { message: DBusMessage; body: DBusValue[] | DBusError } {
  const reader = new Reader(frame, 8)
  const message: DBusMessage = { type: frame[1]!, serial: reader.u32(), signature: '' }
  for (const [code, { value }] of reader.value('a(yv)') as [number, { value: DBusValue }][]) {
    if (FIELDS[code]) Object.assign(message, { [FIELDS[code]]: value })
  }
  reader.take(0, 8)
  try {
    if (typeof message.signature !== 'string') throw bad('the signature field is not a string')
    return { message, body: splitTypes(message.signature).map((type) => reader.value(type)) }
  } catch (error) {
    return { message, body: error instanceof DBusError ? error : bad(String(error)) }
  }
}
