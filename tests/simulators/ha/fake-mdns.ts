// A Home Assistant mDNS responder for loopback tests, answering queries from a
// raw multicast-dns instance (reached through bonjour-service) instead of
// `publish()`, so it can send what publish never would (discovery.md §6
// "Loopback test recipe"): fake addresses, dotted instance names, PTR-only
// answers, arbitrary TXT bytes and goodbyes.
// Loopback only: `{interface: '127.0.0.1', bind: '0.0.0.0'}` keeps every packet on lo.
import type { EventEmitter } from 'node:events'
import { Bonjour } from 'bonjour-service'

export interface FakeHomeAssistantOptions {
  port: number
  /** Multicast interface; must be a loopback address in tests. */
  interface: string
  instance: string
  /** SRV target, e.g. "<uuid>.local". */
  host: string
  address: string
  servicePort?: number
  txt: Buffer[]
  /** 'ptr-only': answer the PTR query without SRV/TXT/A (bonjour-service limit 2). */
  mode?: 'full' | 'ptr-only'
}

export interface FakeHomeAssistant {
  readonly queries: number
  /** Sends PTR with TTL 0. */
  goodbye(): Promise<void>
  close(): Promise<void>
}

interface Question {
  name: string
  type: string
}
interface Mdns extends EventEmitter {
  respond(packet: unknown, cb?: (err?: Error) => void): void
}

const TYPE = '_home-assistant._tcp.local'

export async function startFakeHomeAssistant(options: FakeHomeAssistantOptions): Promise<FakeHomeAssistant> {
  if (!options.interface.startsWith('127.')) throw new Error('the fake mDNS responder is for loopback only')
  const bonjour = new Bonjour({ port: options.port, interface: options.interface, bind: '0.0.0.0' } as never, () => {})
  const mdns = (bonjour as unknown as { server: { mdns: Mdns } }).server.mdns
  mdns.on('error', () => {})
  mdns.on('warning', () => {})
  const fqdn = `${options.instance}.${TYPE}`
  const ptr = (ttl: number) => ({ name: TYPE, type: 'PTR', ttl, data: fqdn })
  const srv = {
    name: fqdn,
    type: 'SRV',
    ttl: 120,
    data: { target: options.host, port: options.servicePort ?? 8123, priority: 0, weight: 0 },
  }
  const txt = { name: fqdn, type: 'TXT', ttl: 4500, data: options.txt }
  const a = { name: options.host, type: 'A', ttl: 120, data: options.address }
  let queries = 0
  const respond = (packet: unknown): Promise<void> => new Promise((resolve) => mdns.respond(packet, () => resolve()))

  mdns.on('query', (query: { questions?: Question[] }) => {
    for (const q of query.questions ?? []) {
      const name = q.name.toLowerCase()
      if (name === TYPE.toLowerCase() && (q.type === 'PTR' || q.type === 'ANY')) {
        queries++
        void respond(
          options.mode === 'ptr-only' ? { answers: [ptr(4500)] } : { answers: [ptr(4500)], additionals: [srv, txt, a] },
        )
      } else if (name === fqdn.toLowerCase() && (q.type === 'SRV' || q.type === 'TXT' || q.type === 'ANY')) {
        void respond({ answers: q.type === 'TXT' ? [txt] : q.type === 'SRV' ? [srv] : [srv, txt], additionals: [a] })
      } else if (name === options.host.toLowerCase() && (q.type === 'A' || q.type === 'ANY')) {
        void respond({ answers: [a] })
      }
    }
  })
  // Wait until the socket is bound.
  await new Promise<void>((resolve) => {
    mdns.once('ready', () => resolve())
    setTimeout(resolve, 200)
  })
  return {
    get queries() {
      return queries
    },
    goodbye: () => respond({ answers: [ptr(0)] }),
    close: () => new Promise<void>((resolve) => bonjour.destroy(() => resolve())),
  }
}
