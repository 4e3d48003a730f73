// UBNT discovery responders (discovery.md §9 item 1). One process can be many
// devices: each device owns one or more addresses on the host's interface and
// answers from each of them ("consoles respond from every VLAN interface",
// §1.6). Replies are the real sample packets (fixtures.ts) with fields
// substituted. Behaviour per role:
//   console      v1 request → the echo `01 00 00 00` from an ephemeral port (§1.6);
//                v2 request → v2 cmd 9 (D shape) from port 10001
//   nvr          v1 request → echo; v2 request → the v0 form (D shape), sent from an
//                ephemeral port like unifi-discovery's fixture (rinfo port 35827)
//   access-point v1 → A's fields under a v1 header; v2 → A (v2 cmd 6);
//                optional periodic cmd 6 announcements to 233.89.188.1 and broadcast
//   camera       v1 → B; bridge v1 → C (no v2 answer)
//   edgerouter   v1 → F with its several 0x02 entries
//   airos        v1 → E, sent to the BROADCAST address (§1.1 [report]); periodic
//                v1 cmd 6 announcements on UDP 10002 [inferred shape, §2]
// Sockets: 0.0.0.0:<port> receives broadcast/multicast; <address>:<port> per
// address receives unicast and sends replies; all with SO_REUSEADDR.
import dgram from 'node:dgram'
import { SAMPLE_A, SAMPLE_B, SAMPLE_C, SAMPLE_D_V0, SAMPLE_D_V2, SAMPLE_E_LM5, SAMPLE_F_ER } from './fixtures.ts'
import { decode, encode, macBytes, substitute } from './packet.ts'

export type Role = 'console' | 'nvr' | 'access-point' | 'camera' | 'bridge' | 'edgerouter' | 'airos'

export interface SimDevice {
  label: string
  role: Role
  /** 12 hex digits (separators allowed). */
  mac: string
  /** Addresses it answers from; the first is its main one. */
  addresses: string[]
  hostname?: string
  /** 0x15 model (console/nvr) or 0x0C platform (others). */
  model?: string
  productName?: string
  version?: string
  firmware?: string
  /** 0x17 (0 managed, 1 factory default). */
  state?: number
  uptime?: number
  /** More 0x02 entries after the main address (EdgeRouter, airOS). */
  extraInterfaces?: { mac: string; ip: string }[]
  /** Never answers requests; only announces (tests the passive listener). */
  announceOnly?: boolean
  /** v2 cmd 6 announcements on the UBNT port. */
  announceEveryMs?: number
  /** airOS announcements on UDP 10002. */
  airosEveryMs?: number
}

export interface ResponderOptions {
  devices: SimDevice[]
  port?: number
  airosPort?: number
  group?: string
  /** Directed broadcast of the LAN (airOS replies and announcements go there). */
  broadcast: string
  /** Address of the interface to join the multicast group on (never left to the OS). */
  multicastInterface: string
  /**
   * Bind 0.0.0.0:<port> for broadcast/multicast requests (default true). An
   * announce-only responder sharing a port with a scanner on the same host turns
   * it off, so unicast to the scanner is never split between two wildcard sockets.
   */
  listen?: boolean
  /** Broadcast malformed packets (NOISE) from this address now and then (§9 item 1 "malformed cases"). */
  noise?: { from: string; everyMs: number }
}

/**
 * Hostile or broken datagrams that must never create a card: unknown header,
 * a v2 request, a v1 request from an ephemeral port (looks like a console
 * echo; the sender has no HTTPS), lengths past the end, a bad MAC length.
 */
export const NOISE: readonly Buffer[] = [
  Buffer.from('07ff000301020304', 'hex'),
  Buffer.from('02080000', 'hex'),
  Buffer.from('01000000', 'hex'),
  Buffer.from('0100ffff0100', 'hex'),
  Buffer.from('020900050b000941', 'hex'),
  Buffer.from('00000003ffffff', 'hex'),
  Buffer.from('01000008010005aabbccddee', 'hex'),
  Buffer.from('02', 'hex'),
]

export interface RunningResponder {
  stats: { requests: number; replies: number; announcements: number }
  close(): Promise<void>
}

const V1_REQUEST = Buffer.from([1, 0, 0, 0])

function isRequest(msg: Buffer): 'v1' | 'v2' | null {
  if (msg.length < 4 || msg.readUInt16BE(2) !== 0) return null
  if (msg[0] === 1 && msg[1] === 0) return 'v1'
  if (msg[0] === 2 && (msg[1] === 8 || msg[1] === 10)) return 'v2'
  return null
}

function bindSocket(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr: true })
    s.once('error', reject)
    s.bind({ address, port }, () => {
      s.off('error', reject)
      s.on('error', () => {})
      resolve(s)
    })
  })
}

/** The reply a device sends for a request kind from one of its addresses, or null. */
export function buildReply(d: SimDevice, kind: 'v1' | 'v2', address: string): Buffer | null {
  const ifaces = [{ mac: d.mac, ip: address }, ...(d.extraInterfaces ?? [])]
  const common = {
    mac: d.mac,
    ...(d.hostname !== undefined ? { hostname: d.hostname } : {}),
    ...(d.firmware !== undefined ? { firmware: d.firmware } : {}),
    ...(d.version !== undefined ? { version: d.version } : {}),
    ...(d.uptime !== undefined ? { uptime: d.uptime } : {}),
    ...(d.productName !== undefined ? { productName: d.productName } : {}),
  }
  switch (d.role) {
    case 'console':
      if (kind !== 'v2') return null
      // D's four fields plus 0x02/0x0B/0x17 as in nmap's UCK-v2 v2 example (§1.5 F).
      return substitute(SAMPLE_D_V2, {
        ...common,
        ...(d.model !== undefined ? { model: d.model } : {}),
        interfaces: ifaces,
        state: d.state ?? 0,
      })
    case 'nvr':
      if (kind !== 'v2') return null
      return substitute(SAMPLE_D_V0, { ...common, ...(d.model !== undefined ? { model: d.model } : {}) })
    case 'access-point':
      return substitute(SAMPLE_A, {
        ...common,
        ...(d.model !== undefined ? { platform: d.model, model: d.model } : {}),
        interfaces: ifaces,
        state: d.state ?? 0,
        header: kind === 'v1' ? { version: 1, command: 0 } : { version: 2, command: 6 },
      })
    case 'camera':
      return kind === 'v1'
        ? substitute(SAMPLE_B, {
            ...common,
            ...(d.model !== undefined ? { platform: d.model } : {}),
            interfaces: ifaces,
          })
        : null
    case 'bridge':
      return kind === 'v1'
        ? substitute(SAMPLE_C, {
            ...common,
            ...(d.model !== undefined ? { platform: d.model } : {}),
            interfaces: ifaces,
            ip: address,
          })
        : null
    case 'edgerouter':
      return kind === 'v1'
        ? substitute(SAMPLE_F_ER, {
            ...common,
            ...(d.model !== undefined ? { platform: d.model } : {}),
            interfaces: ifaces,
          })
        : null
    case 'airos':
      return kind === 'v1'
        ? substitute(SAMPLE_E_LM5, {
            ...common,
            ...(d.model !== undefined ? { platform: d.model } : {}),
            interfaces: ifaces,
          })
        : null
  }
}

/** v2 cmd 6 announcement (sample A's shape). */
export function buildAnnouncement(d: SimDevice, address: string): Buffer {
  return substitute(SAMPLE_A, {
    mac: d.mac,
    interfaces: [{ mac: d.mac, ip: address }],
    state: d.state ?? 1,
    ...(d.hostname !== undefined ? { hostname: d.hostname } : {}),
    ...(d.model !== undefined ? { platform: d.model, model: d.model } : {}),
    ...(d.firmware !== undefined ? { firmware: d.firmware } : {}),
    ...(d.version !== undefined ? { version: d.version } : {}),
  })
}

/** airOS announcement on 10002: [inferred] a v1 cmd 6 header with 0x01 + the reply's fields (§2). */
export function buildAirosAnnouncement(d: SimDevice, address: string): Buffer {
  const p = decode(buildReply({ ...d, role: 'airos' }, 'v1', address)!)
  p.command = 6
  p.fields.unshift({ type: 0x01, value: macBytes(d.mac) })
  return encode(p)
}

export async function startUbntResponder(options: ResponderOptions): Promise<RunningResponder> {
  const port = options.port ?? 10001
  const airosPort = options.airosPort ?? 10002
  const group = options.group ?? '233.89.188.1'
  const stats = { requests: 0, replies: 0, announcements: 0 }
  const sockets: dgram.Socket[] = []
  const timers: NodeJS.Timeout[] = []
  const own = new Set([...options.devices.flatMap((d) => d.addresses), ...(options.noise ? [options.noise.from] : [])])
  const bySocket = new Map<string, dgram.Socket>() // address → socket bound address:port
  const ephemeral = new Map<string, dgram.Socket>() // address → socket bound address:0
  let closed = false

  const send = (s: dgram.Socket | undefined, payload: Buffer, to: string, toPort: number): void => {
    if (!s || closed) return
    try {
      s.send(payload, toPort, to, () => {})
      stats.replies++
    } catch {
      // closing
    }
  }

  const answer = (d: SimDevice, kind: 'v1' | 'v2', address: string, to: { address: string; port: number }): void => {
    if (d.announceOnly) return
    if ((d.role === 'console' || d.role === 'nvr') && kind === 'v1') {
      send(ephemeral.get(address), V1_REQUEST, to.address, to.port)
    }
    const reply = buildReply(d, kind, address)
    if (!reply) return
    if (d.role === 'nvr') send(ephemeral.get(address), reply, to.address, to.port)
    else if (d.role === 'airos') send(bySocket.get(address), reply, options.broadcast, to.port)
    else send(bySocket.get(address), reply, to.address, to.port)
  }

  if (options.listen !== false) {
    const wildcard = await bindSocket('0.0.0.0', port)
    sockets.push(wildcard)
    wildcard.setBroadcast(true)
    try {
      wildcard.addMembership(group, options.multicastInterface)
    } catch {
      // no multicast on this interface: broadcast still works
    }
    wildcard.on('message', (msg, rinfo) => {
      const kind = isRequest(msg)
      if (!kind || own.has(rinfo.address)) return
      stats.requests++
      for (const d of options.devices) for (const a of d.addresses) answer(d, kind, a, rinfo)
    })
  }

  for (const d of options.devices) {
    for (const address of d.addresses) {
      if (bySocket.has(address)) continue
      const s = await bindSocket(address, port)
      s.setBroadcast(true)
      s.setMulticastInterface(address)
      s.setMulticastTTL(1)
      s.on('message', (msg, rinfo) => {
        const kind = isRequest(msg)
        if (!kind || own.has(rinfo.address)) return
        stats.requests++
        for (const dev of options.devices) if (dev.addresses.includes(address)) answer(dev, kind, address, rinfo)
      })
      bySocket.set(address, s)
      sockets.push(s)
      const e = await bindSocket(address, 0)
      e.setBroadcast(true)
      ephemeral.set(address, e)
      sockets.push(e)
    }
  }

  for (const d of options.devices) {
    const address = d.addresses[0]!
    if (d.announceEveryMs) {
      const tick = (): void => {
        const packet = buildAnnouncement(d, address)
        send(bySocket.get(address), packet, group, port)
        send(bySocket.get(address), packet, options.broadcast, port)
        stats.announcements++
      }
      tick()
      timers.push(setInterval(tick, d.announceEveryMs))
    }
    if (d.airosEveryMs) {
      const tick = (): void => {
        send(ephemeral.get(address), buildAirosAnnouncement(d, address), options.broadcast, airosPort)
        stats.announcements++
      }
      tick()
      timers.push(setInterval(tick, d.airosEveryMs))
    }
  }

  if (options.noise) {
    const noiseSocket = await bindSocket(options.noise.from, 0)
    noiseSocket.setBroadcast(true)
    sockets.push(noiseSocket)
    const tick = (): void => {
      for (const packet of NOISE) send(noiseSocket, packet, options.broadcast, port)
    }
    tick()
    timers.push(setInterval(tick, options.noise.everyMs))
  }

  return {
    stats,
    async close() {
      if (closed) return
      closed = true
      for (const t of timers) clearInterval(t)
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
    },
  }
}
