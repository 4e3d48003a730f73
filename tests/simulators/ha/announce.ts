// An unsolicited `_home-assistant._tcp` announcer whose packets come FROM a chosen loopback
// address (127.0.0.x), for spoofing tests (discovery.md §6: only the packet's source address
// is vouched for). It binds its socket to that address, so the kernel uses it as the source,
// and multicasts through 127.0.0.1 — nothing leaves the machine. It repeats the announcement
// every 250 ms until closed, so a test waits on the inventory, never on a sleep.
import type { EventEmitter } from 'node:events'
import { Bonjour } from 'bonjour-service'

export interface AnnouncerOptions {
  /** mDNS port the discovery under test listens on (a private one). */
  port: number
  /** Packet source: a loopback address other than 127.0.0.1 is fine on Linux. */
  source: string
  instance: string
  uuid: string
  /** TXT internal_url / base_url (may name any host: that is the point). */
  url: string
  /** SRV port. */
  servicePort: number
  /** A record of the SRV target (announcements may point anywhere). */
  address?: string
}

interface Mdns extends EventEmitter {
  respond(packet: unknown, cb?: (err?: Error) => void): void
}

const TYPE = '_home-assistant._tcp.local'

export interface Announcer {
  /** Stops repeating (no goodbye): what the inventory holds must then stay as it is. */
  pause(): void
  /** Stops repeating and sends the PTR with TTL 0 (a goodbye) from the same source. */
  goodbye(): Promise<void>
  close(): Promise<void>
}

export async function startAnnouncer(options: AnnouncerOptions): Promise<Announcer> {
  if (!options.source.startsWith('127.')) throw new Error('the announcer is for loopback only')
  const bonjour = new Bonjour({ port: options.port, interface: '127.0.0.1', bind: options.source } as never, () => {})
  const mdns = (bonjour as unknown as { server: { mdns: Mdns } }).server.mdns
  mdns.on('error', () => {})
  mdns.on('warning', () => {})
  const fqdn = `${options.instance}.${TYPE}`
  const host = `${options.uuid}.local`
  const txt = [
    `location_name=${options.instance}`,
    `uuid=${options.uuid}`,
    'version=2026.9.1',
    `base_url=${options.url}`,
    `internal_url=${options.url}`,
  ].map((s) => Buffer.from(s))
  const packet = {
    answers: [{ name: TYPE, type: 'PTR', ttl: 4500, data: fqdn }],
    additionals: [
      { name: fqdn, type: 'SRV', ttl: 120, data: { target: host, port: options.servicePort, priority: 0, weight: 0 } },
      { name: fqdn, type: 'TXT', ttl: 4500, data: txt },
      { name: host, type: 'A', ttl: 120, data: options.address ?? options.source },
    ],
  }
  await new Promise<void>((resolve) => {
    mdns.once('ready', () => resolve())
    setTimeout(resolve, 200)
  })
  const send = () => mdns.respond(packet, () => {})
  send()
  const timer = setInterval(send, 250)
  return {
    pause: () => clearInterval(timer),
    goodbye: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer)
        mdns.respond({ answers: [{ ...packet.answers[0]!, ttl: 0 }] }, () => resolve())
      }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer)
        bonjour.destroy(() => resolve())
      }),
  }
}
