// A minimal D-Bus client, just enough for the tray-host self-check (/work/shared/reference/electron.md §6a): ask
// the session bus whether a name has an owner and hear NameOwnerChanged. Unix sockets only (`unix:path=`,
// `unix:abstract=`), SASL EXTERNAL, little-endian method calls with string/uint32 arguments; replies and signals
// (either byte order) are parsed for y b i u s o g, arrays, structs, dict entries and variants. Every step has a
// timeout, messages over MAX_MESSAGE_BYTES are refused, a protocol error closes the socket.
// Wire format: https://dbus.freedesktop.org/doc/dbus-specification.html ("Message Protocol", "Authentication").
import { createConnection, type Socket } from 'node:net'

export const MAX_MESSAGE_BYTES = 1024 * 1024
const DEFAULT_TIMEOUT_MS = 2_000
const E = 'org.freedesktop.DBus.Error.'
const DRIVER = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' }
const enum Type { Call = 1, Return = 2, Error = 3, Signal = 4 }

/** A failure named like D-Bus errors: the peer's error name, or a standard name for local failures. */
export class DBusError extends Error {
  override readonly name = 'DBusError'
  constructor(readonly errorName: string, message: string) {
    super(`${message} (${errorName})`)
  }
}

export type DBusValue = string | number | boolean | DBusValue[] | { signature: string; value: DBusValue }
/** A received message's header (type 1 call, 2 reply, 3 error, 4 signal); its body is passed alongside. */
export type DBusMessage = { type: number; serial: number; signature: string; replySerial?: number }
  & Partial<Record<'path' | 'interface' | 'member' | 'errorName' | 'destination' | 'sender', string>>

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

const fail = (name: string, message: string) => new DBusError(E + name, message)
const printable = (text: string) => JSON.stringify(text.slice(0, 80).replace(/[^\x20-\x7e]/g, '?'))
const pad = (at: number, n: number) => (n - (at % n)) % n

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
  /** s and o (uint32 length) or g (byte length), NUL-terminated. */
  value(type: string, v: string | number): void {
    if (type === 'u' && Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff) {
      this.u32(v as number)
      return
    }
    if (typeof v !== 'string' || !'sog'.includes(type) || v.includes('\0')) {
      throw fail('InvalidArgs', `${printable(String(v))} is not a valid "${type}" argument`)
    }
    const bytes = Buffer.from(v, 'utf8')
    if (type === 'g') this.put(Buffer.from([bytes.length]))
    else this.u32(bytes.length)
    this.put(Buffer.concat([bytes, Buffer.alloc(1)]))
  }
}

function encodeCall(serial: number, call: Omit<CallOptions, 'timeoutMs'>): Buffer {
  const { signature = '', body = [] } = call
  if (!/^[su]*$/.test(signature) || signature.length !== body.length) {
    throw fail('InvalidArgs', `signature "${signature}" does not fit ${body.length} argument(s)`)
  }
  const w = new Writer()
  w.put(Buffer.from([0x6c /* 'l': little-endian */, Type.Call, 0, 1]))
  const bodyLength = w.u32(0)
  w.u32(serial)
  const fieldsLength = w.u32(0) // then the a(yv) header fields, from offset 16
  const fields: [number, string, string][] = [[1, 'o', call.path], [2, 's', call.interface], [3, 's', call.member],
    [6, 's', call.destination], [8, 'g', signature]]
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
  for (let i = 0; i < sig.length; ) types.push(sig.slice(i, (i = end(i))))
  return types
}

const bad = (what: string) => fail('InconsistentMessage', what)

/** Positions count from the message start, as D-Bus alignment does. */
class Reader {
  constructor(readonly buf: Buffer, public pos: number) {}
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
      case 'y': return this.buf[this.take(1)]!
      case 'b': return this.u32() !== 0
      case 'u': return this.u32()
      case 'i': return this.u32() | 0
      case 's': case 'o': return this.text(4)
      case 'g': return this.text(1)
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
function frameLength(buf: Buffer): number | undefined {
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
function decode(frame: Buffer): { message: DBusMessage; body: DBusValue[] | DBusError } {
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

// ---------------------------------------------------------------- connection
type Pending = { resolve: (body: DBusValue[]) => void; reject: (error: DBusError) => void; timer: NodeJS.Timeout }
const asDBusError = (e: unknown, name = 'Disconnected') => (e instanceof DBusError ? e : fail(name, String(e)))

export class Bus {
  /** Our unique connection name (":1.42"), set once Hello has been answered. */
  uniqueName = ''
  private serial = 0
  private closedWith: DBusError | undefined
  private readonly pending = new Map<number, Pending>()
  private readonly signals = new Set<{ match: SignalMatch; listener: SignalListener }>()
  private readonly closeListeners = new Set<(error: DBusError) => void>()

  constructor(private readonly socket: Socket, private inbox: Buffer, private readonly timeoutMs: number) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', (e) => this.shutdown(asDBusError(e)))
    socket.on('close', () => this.shutdown(fail('Disconnected', 'the bus closed the connection')))
    socket.resume()
  }

  call(options: CallOptions): Promise<DBusValue[]> {
    if (this.closedWith) return Promise.reject(this.closedWith)
    const { timeoutMs = this.timeoutMs, ...call } = options
    const serial = (this.serial = (this.serial % 0xffffffff) + 1)
    return new Promise((resolve, reject) => {
      const frame = encodeCall(serial, call) // a throw here rejects
      const timer = setTimeout(() => {
        this.pending.delete(serial)
        reject(fail('NoReply', `no reply to ${call.interface}.${call.member} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(serial, { resolve, reject, timer })
      this.socket.write(frame)
    })
  }

  /** Subscribes (AddMatch); the returned function unsubscribes (RemoveMatch). */
  async onSignal(match: SignalMatch, listener: SignalListener): Promise<() => void> {
    const rule = Object.entries({ type: 'signal', ...match })
      .map(([key, value]) => `${key}='${value.replaceAll("'", "'\\''")}'`)
      .join(',')
    const entry = { match, listener }
    this.signals.add(entry) // before asking: a signal may come in the same read as the AddMatch reply
    try {
      await this.call({ ...DRIVER, member: 'AddMatch', signature: 's', body: [rule] })
    } catch (error) {
      this.signals.delete(entry)
      throw error
    }
    return () => {
      if (!this.signals.delete(entry) || this.closedWith) return
      this.call({ ...DRIVER, member: 'RemoveMatch', signature: 's', body: [rule] }).catch(() => undefined)
    }
  }

  /** `listener` runs once if the connection is lost, not after close(). */
  onClose(listener: (error: DBusError) => void): void {
    this.closeListeners.add(listener)
  }

  close(): void {
    this.closeListeners.clear()
    this.shutdown(fail('Disconnected', 'the connection was closed'))
  }

  private shutdown(error: DBusError): void {
    if (this.closedWith) return
    this.closedWith = error
    this.socket.destroy()
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer)
      reject(error)
    }
    this.pending.clear()
    this.signals.clear()
    for (const listener of this.closeListeners) listener(error)
  }

  private receive(chunk: Buffer): void {
    try {
      this.inbox = Buffer.concat([this.inbox, chunk])
      for (let n = frameLength(this.inbox); n !== undefined && this.inbox.length >= n; n = frameLength(this.inbox)) {
        const frame = this.inbox.subarray(0, n)
        this.inbox = this.inbox.subarray(n)
        this.dispatch(frame)
      }
    } catch (error) {
      this.shutdown(asDBusError(error, 'InconsistentMessage'))
    }
  }

  /** Replies settle their call; signals go to matching listeners; calls to us are not expected and dropped. */
  private dispatch(frame: Buffer): void {
    const { message, body } = decode(frame)
    const waiting = this.pending.get(message.replySerial ?? 0)
    if (waiting && (message.type === Type.Return || message.type === Type.Error)) {
      this.pending.delete(message.replySerial!)
      clearTimeout(waiting.timer)
      if (body instanceof DBusError) waiting.reject(body)
      else if (message.type === Type.Return) waiting.resolve(body)
      else waiting.reject(new DBusError(String(message.errorName), typeof body[0] === 'string' ? body[0] : 'error'))
    } else if (message.type === Type.Signal && !(body instanceof DBusError)) {
      for (const { match, listener } of this.signals) {
        // A listener's throw is its own (reported as uncaught), not the connection's.
        if (matches(match, message, body)) queueMicrotask(() => listener(body, message))
      }
    }
  }
}

function matches(match: SignalMatch, message: DBusMessage, body: DBusValue[]): boolean {
  const senderKnown = match.sender?.startsWith(':') || match.sender === DRIVER.destination
  return (!senderKnown || message.sender === match.sender)
    && (match.path === undefined || message.path === match.path)
    && (match.interface === undefined || message.interface === match.interface)
    && (match.member === undefined || message.member === match.member)
    && (match.arg0 === undefined || body[0] === match.arg0)
}

/** Socket paths of the unix entries of a D-Bus address list ("\0"-prefixed when abstract); others are skipped. */
export function socketPaths(address: string): string[] {
  return address.split(';').flatMap((entry) => {
    if (!entry.startsWith('unix:')) return []
    const params = new Map(entry.slice(5).split(',').map((kv) => [kv.split('=', 1)[0], kv.slice(kv.indexOf('=') + 1)]))
    const [key, value] = params.has('path') ? ['path', params.get('path')] : ['abstract', params.get('abstract')]
    try {
      return value ? [(key === 'abstract' ? '\0' : '') + decodeURIComponent(value)] : []
    } catch {
      return [] // a malformed %-escape
    }
  })
}

/** SASL EXTERNAL as our uid; resolves with any bytes that followed the server's "OK <guid>". */
function authenticate(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0)
    const finish = (error?: DBusError) => {
      socket.off('data', onData).off('error', onError).off('close', onClose).pause() // the Bus resumes it
      if (error) return reject(error)
      socket.write('BEGIN\r\n')
      resolve(got.subarray(got.indexOf('\r\n') + 2))
    }
    const onError = (e: Error) => finish(asDBusError(e))
    const onClose = () => finish(fail('AuthFailed', 'the server closed the connection during authentication'))
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk])
      const end = got.indexOf('\r\n')
      if (end >= 0) {
        const line = got.toString('latin1', 0, end)
        finish(line.startsWith('OK ') ? undefined : fail('AuthFailed', `EXTERNAL refused: ${printable(line)}`))
      } else if (got.length > 512) finish(fail('AuthFailed', 'not a D-Bus server (no authentication reply)'))
    }
    socket.on('data', onData).on('error', onError).on('close', onClose)
    socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid?.() ?? '')).toString('hex')}\r\n`)
  })
}

/** One address: connect, authenticate, Hello, all within `timeoutMs`. */
async function open(path: string, timeoutMs: number): Promise<Bus> {
  const where = path.startsWith('\0') ? `unix:abstract=${path.slice(1)}` : `unix:path=${path}`
  const socket = createConnection({ path })
  const timer = setTimeout(() => {
    socket.destroy(fail('Timeout', `the bus at ${where} did not answer within ${timeoutMs} ms`))
  }, timeoutMs)
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    const bus = new Bus(socket, await authenticate(socket), timeoutMs)
    bus.uniqueName = String((await bus.call({ ...DRIVER, member: 'Hello' }))[0])
    return bus
  } catch (error) {
    socket.destroy()
    throw error instanceof DBusError ? error : fail('NoServer', `cannot connect to ${where}: ${String(error)}`)
  } finally {
    clearTimeout(timer)
  }
}

export interface ConnectOptions {
  /** A D-Bus address list; defaults to DBUS_SESSION_BUS_ADDRESS. */
  address?: string
  /** For connecting (all addresses together, default 2 s) and the default for each later call. */
  timeoutMs?: number
}

/** Connects to the first unix address of the list that answers, authenticates and says Hello. */
export async function connectSessionBus(options: ConnectOptions = {}): Promise<Bus> {
  const address = options.address ?? process.env.DBUS_SESSION_BUS_ADDRESS
  if (!address) throw fail('BadAddress', 'no session bus address (DBUS_SESSION_BUS_ADDRESS is not set)')
  const paths = socketPaths(address)
  if (paths.length === 0) throw fail('BadAddress', `no unix:path= or unix:abstract= in ${printable(address)}`)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const deadline = Date.now() + timeoutMs
  let last: unknown = fail('Timeout', `no bus answered within ${timeoutMs} ms`)
  for (const path of paths) {
    const left = deadline - Date.now()
    if (left <= 0) break
    try {
      return await open(path, left)
    } catch (error) {
      last = error
    }
  }
  throw last
}
