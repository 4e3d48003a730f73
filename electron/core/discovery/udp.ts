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
  stats: { received: number; handlerErrors: number; sendErrors: number }
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

export async function openUdpEndpoint(options: UdpEndpointOptions): Promise<UdpEndpoint> {
  const stats = { received: 0, handlerErrors: 0, sendErrors: 0 }
  const create = (): dgram.Socket => dgram.createSocket({ type: 'udp4', reuseAddr: true })
  let socket = create()
  let fellBack = false
  let bindError: string | null = null
  try {
    await bind(socket, options.port)
  } catch (err) {
    closeQuietly(socket)
    bindError = describeBindError(err as NodeJS.ErrnoException, options.port)
    if (!options.fallbackToEphemeral)
      throw new UdpOpenError(bindError, (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN')
    socket = create()
    try {
      await bind(socket, 0)
    } catch (err2) {
      closeQuietly(socket)
      const e = err2 as NodeJS.ErrnoException
      throw new UdpOpenError(
        `${bindError}, and no other UDP port could be opened either (${e.code ?? e.message})`,
        e.code ?? 'EUNKNOWN',
      )
    }
    fellBack = true
  }

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
  if (options.group) {
    for (const iface of options.interfaces) {
      try {
        socket.addMembership(options.group, iface.address)
      } catch {
        // e.g. an interface without MULTICAST; broadcast still works there.
      }
    }
  }

  // Sends are serialized: the multicast interface is a socket-wide option, so
  // it must not change while an earlier send is still queued.
  let chain: Promise<unknown> = Promise.resolve()
  let closed = false
  const port = socket.address().port

  const sendOne = (payload: Uint8Array, address: string, dport: number, via?: DiscoveryInterface): Promise<boolean> =>
    new Promise((resolve) => {
      if (closed) return resolve(false)
      try {
        if (via && isMulticast(address)) socket.setMulticastInterface(via.address)
        socket.send(payload, dport, address, (err) => {
          if (err) stats.sendErrors++
          resolve(!err)
        })
      } catch {
        stats.sendErrors++
        resolve(false)
      }
    })

  return {
    port,
    fellBack,
    bindError,
    stats,
    send(payload, address, dport, via) {
      const next = chain.then(() => sendOne(payload, address, dport, via))
      chain = next
      return next
    },
    close() {
      if (closed) return Promise.resolve()
      closed = true
      return chain.then(
        () =>
          new Promise<void>((resolve) => {
            try {
              socket.close(() => resolve())
            } catch {
              resolve()
            }
          }),
      )
    },
  }
}
