// A minimal D-Bus client, just enough for the tray-host self-check (/work/shared/reference/electron.md §6a): ask
// the session bus whether a name has an owner and hear NameOwnerChanged. Unix sockets only (`unix:path=`,
// `unix:abstract=`), SASL EXTERNAL, little-endian method calls with string/uint32 arguments; replies and signals
// (either byte order) are parsed for y b i u s o g, arrays, structs, dict entries and variants. Every step has a
// timeout, messages over MAX_MESSAGE_BYTES are refused, a protocol error closes the socket.
// Wire format: https://dbus.freedesktop.org/doc/dbus-specification.html ("Message Protocol", "Authentication").
import { createConnection, type Socket } from 'node:net'

import {
  decode,
  encodeCall,
  fail,
  frameLength,
  MAX_MESSAGE_BYTES,
  printable,
  Type,
  DBusError,
  type CallOptions,
  type DBusMessage,
  type DBusValue,
  type SignalListener,
  type SignalMatch,
} from './dbus-wire.ts'

export { DBusError, MAX_MESSAGE_BYTES }
export type { CallOptions, DBusMessage, DBusValue, SignalListener, SignalMatch }

const DEFAULT_TIMEOUT_MS = 2_000
const DRIVER = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' }

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

  constructor(
    private readonly socket: Socket,
    private inbox: Buffer,
    private readonly timeoutMs: number,
  ) {
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
  return (
    (!senderKnown || message.sender === match.sender) &&
    (match.path === undefined || message.path === match.path) &&
    (match.interface === undefined || message.interface === match.interface) &&
    (match.member === undefined || message.member === match.member) &&
    (match.arg0 === undefined || body[0] === match.arg0)
  )
}

/**
 * Socket paths of the unix entries of a D-Bus address list ("\0"-prefixed when abstract); others are skipped.
 * Abstract sockets need libuv 1.48+ (Node 22+, Electron's Node): older libuv pads the name with NULs, so the
 * connect is refused (nodejs/node#49656) and the next address is tried.
 */
export function socketPaths(address: string): string[] {
  return address.split(';').flatMap((entry) => {
    if (!entry.startsWith('unix:')) return []
    const params = new Map(
      entry
        .slice(5)
        .split(',')
        .map((kv) => [kv.split('=', 1)[0], kv.slice(kv.indexOf('=') + 1)]),
    )
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
async function open(path: string, timeoutMs: number, callTimeoutMs: number): Promise<Bus> {
  const where = path.startsWith('\0') ? `unix:abstract=${path.slice(1)}` : `unix:path=${path}`
  const socket = createConnection({ path })
  const timer = setTimeout(() => {
    socket.destroy(fail('Timeout', `the bus at ${where} did not answer within ${timeoutMs} ms`))
  }, timeoutMs)
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    const bus = new Bus(socket, await authenticate(socket), callTimeoutMs)
    bus.uniqueName = String((await bus.call({ ...DRIVER, member: 'Hello', timeoutMs }))[0])
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
      return await open(path, left, timeoutMs)
    } catch (error) {
      last = error
    }
  }
  throw last
}
