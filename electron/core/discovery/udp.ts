// One UDP socket for discovery, opened only on request (never at import).
// Binds 0.0.0.0:<port> with SO_REUSEADDR + SO_BROADCAST like unifi-discovery
// (discovery.md §1.7 step 1), falls back to an ephemeral port when the port is
// taken, joins a multicast group only on the chosen interfaces, and sends
// multicast only out of the chosen interfaces. A handler that throws on a
// hostile packet is contained here: nothing escapes the 'message' event.
import dgram from 'node:dgram'
import type { DiscoveryInterface } from '../../../shared/inventory.ts'

export interface UdpEndpointOptions {
  port: number
  /** Try an ephemeral port when `port` cannot be bound. */
  fallbackToEphemeral: boolean
  /** Multicast group to join on each interface (receive side). */
  group?: string
  interfaces: DiscoveryInterface[]
  onMessage(message: Buffer, from: { address: string; port: number }): void
}

export interface UdpEndpoint {
  /** The port actually bound. */
  readonly port: number
  /** True when `port` was taken and an ephemeral one is used instead. */
  readonly fellBack: boolean
  /** Why the preferred port could not be used (for the notice). */
  readonly bindError: string | null
  /** Sends one datagram; multicast goes out of `via` only. Never throws; resolves false on error. */
  send(payload: Uint8Array, address: string, port: number, via?: DiscoveryInterface): Promise<boolean>
  close(): Promise<void>
  /** `lastSendError`: the error code of the last failed send (e.g. EHOSTUNREACH), null until one fails. */
  stats: { received: number; handlerErrors: number; sendErrors: number; lastSendError: string | null }
}

export class UdpOpenError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

const isMulticast = (address: string): boolean => {
  const first = Number(address.split('.')[0])
  return first >= 224 && first <= 239
}

function bind(socket: dgram.Socket, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err)
    socket.once('error', onError)
    socket.bind({ port, address: '0.0.0.0' }, () => {
      socket.off('error', onError)
      resolve()
    })
  })
}

function closeQuietly(socket: dgram.Socket): void {
  try {
    socket.close()
  } catch {
    // never bound, already closed
  }
}

function describeBindError(err: NodeJS.ErrnoException, port: number): string {
  if (err.code === 'EADDRINUSE')
    return `UDP port ${port} is in use by another program (a local UniFi Network Application, perhaps)`
  if (err.code === 'EACCES' || err.code === 'EPERM') return `this computer refused UDP port ${port} to Keyward`
  return `UDP port ${port} could not be opened (${err.code ?? err.message})`
}

/** A bound socket: the preferred port, or an ephemeral one when it was taken and fallback is allowed. */
export interface BoundSocket {
  socket: dgram.Socket
  fellBack: boolean
  bindError: string | null
}

/** Binds 0.0.0.0:`port` (SO_REUSEADDR), else an ephemeral port; throws UdpOpenError in plain words. */
export async function bindPreferred(port: number, fallbackToEphemeral: boolean): Promise<BoundSocket> {
  const create = (): dgram.Socket => dgram.createSocket({ type: 'udp4', reuseAddr: true })
  const socket = create()
  try {
    await bind(socket, port)
    return { socket, fellBack: false, bindError: null }
  } catch (err) {
    closeQuietly(socket)
    const bindError = describeBindError(err as NodeJS.ErrnoException, port)
    if (!fallbackToEphemeral) throw new UdpOpenError(bindError, (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN')
    const fallback = create()
    try {
      await bind(fallback, 0)
    } catch (err2) {
      closeQuietly(fallback)
      const e = err2 as NodeJS.ErrnoException
      throw new UdpOpenError(
        `${bindError}, and no other UDP port could be opened either (${e.code ?? e.message})`,
        e.code ?? 'EUNKNOWN',
      )
    }
    return { socket: fallback, fellBack: true, bindError }
  }
}

/** Receive side: contained handler, broadcast, link-local multicast, group membership on the chosen interfaces. */
function listen(socket: dgram.Socket, options: UdpEndpointOptions, stats: UdpEndpoint['stats']): void {
  // Late socket errors (ICMP-induced, ENOBUFS…) must not crash the app.
  socket.on('error', () => {
    stats.sendErrors++
  })
  socket.on('message', (message, rinfo) => {
    stats.received++
    try {
      options.onMessage(message, { address: rinfo.address, port: rinfo.port })
    } catch {
      stats.handlerErrors++
    }
  })
  socket.setBroadcast(true)
  // Discovery is link-local by nature; TTL 1 keeps multicast on the link.
  socket.setMulticastTTL(1)
  if (!options.group) return
  for (const iface of options.interfaces) {
    try {
      socket.addMembership(options.group, iface.address)
    } catch {
      // e.g. an interface without MULTICAST; broadcast still works there.
    }
  }
}

/**
 * Sends are serialized: the multicast interface is a socket-wide option, so it
 * must not change while an earlier send is still queued. After close, sends
 * resolve false and nothing more goes out.
 */
class SerialSender {
  private chain: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor(
    private readonly socket: dgram.Socket,
    private readonly stats: UdpEndpoint['stats'],
  ) {}

  send(payload: Uint8Array, address: string, port: number, via?: DiscoveryInterface): Promise<boolean> {
    const next = this.chain.then(() => this.sendOne(payload, address, port, via))
    this.chain = next
    return next
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    return this.chain.then(
      () =>
        new Promise<void>((resolve) => {
          try {
            this.socket.close(() => resolve())
          } catch {
            resolve()
          }
        }),
    )
  }

  private failed(err: NodeJS.ErrnoException): void {
    this.stats.sendErrors++
    this.stats.lastSendError = err.code ?? err.message
  }

  private sendOne(payload: Uint8Array, address: string, port: number, via?: DiscoveryInterface): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(false)
      try {
        if (via && isMulticast(address)) this.socket.setMulticastInterface(via.address)
        this.socket.send(payload, port, address, (err) => {
          if (err) this.failed(err)
          resolve(!err)
        })
      } catch (err) {
        this.failed(err as Error)
        resolve(false)
      }
    })
  }
}

export async function openUdpEndpoint(options: UdpEndpointOptions): Promise<UdpEndpoint> {
  const stats: UdpEndpoint['stats'] = { received: 0, handlerErrors: 0, sendErrors: 0, lastSendError: null }
  const { socket, fellBack, bindError } = await bindPreferred(options.port, options.fallbackToEphemeral)
  listen(socket, options, stats)
  const sender = new SerialSender(socket, stats)
  return {
    port: socket.address().port,
    fellBack,
    bindError,
    stats,
    send: (payload, address, port, via) => sender.send(payload, address, port, via),
    close: () => sender.close(),
  }
}
