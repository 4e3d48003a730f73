// A hostile LAN is a normal day (issue 14 §8): floods of crafted UBNT replies
// and mDNS announcements, on LOOPBACK ONLY. As in discovery-loopback.test.ts the
// interface source lists just `lo`, every sender binds 127.x, multicast stays on
// 127.0.0.1 and all ports are private, so nothing reaches a real interface.
// Bounds are counts and bytes, never durations (the suite runs on busy machines).
import dgram from 'node:dgram'
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { InventoryItem } from '../../shared/inventory.ts'
import {
  createDiscovery,
  type Discovery,
  type DiscoveryOptions,
  type DiscoveryStats,
} from '../../electron/core/discovery/index.ts'
import { MAX_CARDS } from '../../electron/core/discovery/inventory.ts'
import { MAX_SERVICES, MAX_SERVICES_PER_SOURCE } from '../../electron/core/discovery/mdns-guard.ts'
import { startFakeHomeAssistant } from '../simulators/ha/fake-mdns.ts'
import { startUbntResponder } from '../simulators/ubnt/responder.ts'
import { dnsResponse, haInstance } from '../support/dns-wire.ts'
import { freeUdpPorts, LOOPBACK } from '../support/loopback-mdns.ts'
import { until } from '../support/until.ts'

/** Crafted replies in the flood, from SOURCES spoofed loopback addresses. */
const FLOOD_PACKETS = 200_000
const SOURCES = 8
/**
 * Growth of the RSS measured after a GC at checkpoints during the flood: what the
 * process keeps, not garbage waiting for collection. The old code kept ~128 MAC
 * index entries per anchored packet, for good; the bounded code stays well below.
 */
const RSS_GROWTH_BOUND = 150 * 1024 * 1024
const CHECKPOINT = 20_000
/** Control and bidi characters a card must never show (clean.ts). */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

const tlv = (type: number, value: Buffer): Buffer =>
  Buffer.concat([Buffer.from([type, value.length >> 8, value.length & 0xff]), value])

/** v1 reply: 0x01 + 64 × 0x02 (MAC+IPv4) + 64 × 0x05 + a bidi-spoofed 0x0B + 0x0C. MACs are rewritten per packet. */
function floodTemplate(): { packet: Buffer; macOffsets: number[] } {
  const fields: Buffer[] = [tlv(0x01, Buffer.alloc(6))]
  for (let i = 0; i < 64; i++) fields.push(tlv(0x02, Buffer.from([0, 0, 0, 0, 0, 0, 10, 66, 0, i])))
  for (let i = 0; i < 64; i++) fields.push(tlv(0x05, Buffer.alloc(6)))
  fields.push(tlv(0x0b, Buffer.from('AP\u202Egnp.exe\u2066\u200F\u061C\u0007', 'utf8')))
  fields.push(tlv(0x0c, Buffer.from('U7PG2')))
  const body = Buffer.concat(fields)
  const packet = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body])
  const macOffsets: number[] = []
  let pos = 4
  while (pos < packet.length) {
    const type = packet[pos]!
    const length = packet.readUInt16BE(pos + 1)
    if (type === 0x01 || type === 0x02 || type === 0x05) macOffsets.push(pos + 3)
    pos += 3 + length
  }
  return { packet, macOffsets }
}

/**
 * Every other packet names its source's fixed "anchor" MAC first, so it lands on
 * one card and offers 128 fresh MACs to it (what grew the old MAC index); the
 * rest name only fresh MACs and ask for new cards (what fills the inventory).
 */
function fillFlood(buf: Buffer, offsets: number[], seq: number, source: number): void {
  const anchored = seq % 2 === 0
  offsets.forEach((at, i) => {
    const fixed = anchored && i === 0
    buf[at] = fixed ? 0xaa : 0x02 // locally administered
    buf[at + 1] = fixed ? 0 : (seq >> 16) & 0xff
    buf[at + 2] = fixed ? 0 : (seq >> 8) & 0xff
    buf[at + 3] = fixed ? 0 : seq & 0xff
    buf[at + 4] = i
    buf[at + 5] = source
  })
}

let devicePort: number, scanPort: number, mdnsPort: number, closedHttpsPort: number
beforeAll(async () => {
  ;[devicePort, scanPort, mdnsPort, closedHttpsPort] = (await freeUdpPorts(4)) as [number, number, number, number]
})

let discovery: Discovery | undefined
afterEach(async () => {
  await discovery?.stop()
  discovery = undefined
})

const probed: string[] = []
const options = (extra: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
  interfaceSource: LOOPBACK,
  ubntPort: devicePort,
  bindPort: scanPort,
  airosPort: null,
  mdns: false,
  // Fingerprints go to a closed loopback port: they fail at once, and their queue must stay bounded too.
  fingerprint: { port: closedHttpsPort, timeoutMs: 500 },
  throttleMs: 50,
  resendMs: 300,
  scanDurationMs: 900,
  onProbe: (host) => {
    if (probed.length < 10_000) probed.push(host)
  },
  ...extra,
})

const byId = (items: InventoryItem[]): Map<string, InventoryItem> => new Map(items.map((i) => [i.id, i]))

interface FloodMemory {
  before: NodeJS.MemoryUsage
  after: NodeJS.MemoryUsage
  /** Highest RSS seen right after a GC (checkpoints and the end). */
  kept: number
  /** Highest RSS sampled without a GC. */
  peak: number
}

/** Sends the flood from SOURCES spoofed loopback addresses to `port`, pacing so the receiver drains. */
async function flood(port: number): Promise<FloodMemory> {
  const senders = await Promise.all(
    Array.from({ length: SOURCES }, async (_, i) => {
      const s = dgram.createSocket('udp4')
      await new Promise<void>((r) => s.bind(0, `127.0.1.${i + 1}`, () => r()))
      return s
    }),
  )
  const { packet, macOffsets } = floodTemplate()
  const ring = Array.from({ length: 32 }, () => Buffer.from(packet))
  gc()
  const before = process.memoryUsage()
  let peak = before.rss
  let kept = before.rss
  for (let seq = 0; seq < FLOOD_PACKETS; seq += ring.length) {
    await Promise.all(
      ring.map((buf, i) => {
        const source = (seq + i) % SOURCES
        fillFlood(buf, macOffsets, seq + i, source + 1)
        return new Promise<void>((r) => senders[source]!.send(buf, port, '127.0.0.1', () => r()))
      }),
    )
    // Let the receiver drain: a full socket buffer would drop datagrams, not test anything.
    await new Promise((r) => setImmediate(r))
    peak = Math.max(peak, process.memoryUsage().rss)
    if ((seq + ring.length) % CHECKPOINT < ring.length) {
      gc()
      kept = Math.max(kept, process.memoryUsage().rss)
    }
  }
  await Promise.all(senders.map((s) => new Promise<void>((r) => s.close(() => r()))))
  await new Promise((r) => setTimeout(r, 200))
  gc()
  const after = process.memoryUsage()
  return { before, after, kept: Math.max(kept, after.rss), peak: Math.max(peak, after.rss) }
}

/** HOSTILE_LAN_REPORT=1 prints the figures (for the record, e.g. old code versus new). */
function report({ before, after, kept, peak }: FloodMemory, stats: DiscoveryStats, cards: number): void {
  const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`
  console.log(
    `flood: rss ${mib(before.rss)} → ${mib(after.rss)} (after GC max ${mib(kept)}, ` +
      `raw peak ${mib(peak)}), heap ${mib(before.heapUsed)} → ${mib(after.heapUsed)}; ` +
      `received ${stats.ubntReceived}, rate-limited ${stats.rateLimited}, overflow ${stats.overflow}, ` +
      `cards ${cards}, fingerprints ${stats.fingerprints}, dropped ${stats.fingerprintsDropped}`,
  )
}

describe('discovery under a crafted-reply flood (loopback)', () => {
  const title = `${FLOOD_PACKETS} spoofed replies: RSS and inventory bounded, names cleaned, real devices appear`
  it(
    title,
    async () => {
      discovery = createDiscovery(options())
      await discovery.start({ interfaces: ['lo'] })
      const { before, after, kept, peak } = await flood(discovery.status().ubntPort!)
      const stats = discovery.stats()
      if (process.env.HOSTILE_LAN_REPORT) report({ before, after, kept, peak }, stats, discovery.inventory().length)
      // Most of the flood really arrived (UDP may drop some; then the bound is easier, not harder).
      expect(stats.ubntReceived).toBeGreaterThan(FLOOD_PACKETS / 2)
      expect(stats.handlerErrors).toBe(0)
      expect(kept - before.rss, 'RSS growth kept during the flood').toBeLessThan(RSS_GROWTH_BOUND)
      // Rate limited per source, counted, and said in the status notices.
      expect(stats.rateLimited).toBeGreaterThan(FLOOD_PACKETS / 2)
      expect(discovery.status().notices.map((n) => n.code)).toContain('rate-limited')
      // The inventory is bounded and every card small; names lost their control and bidi characters.
      const items = discovery.inventory()
      expect(items.length).toBeLessThanOrEqual(MAX_CARDS)
      for (const item of items) {
        expect(item.macs.length).toBeLessThanOrEqual(32)
        expect(item.addresses.length).toBeLessThanOrEqual(64)
        expect(JSON.stringify(item).length).toBeLessThan(20_000)
        expect(item.name ?? '').not.toMatch(UNSAFE)
      }
      expect(items.some((i) => i.name?.startsWith('AP\uFFFDgnp.exe'))).toBe(true)
      // Every probe stayed on loopback.
      expect(probed.filter((h) => !h.startsWith('127.'))).toEqual([])
      // A real device that starts answering now still gets a card (the least recently seen spoofed one makes room).
      const camera = await startUbntResponder({
        devices: [
          {
            label: 'cam',
            role: 'camera',
            mac: 'E063DA00AB01',
            addresses: ['127.0.0.21'],
            hostname: 'Gate',
            model: 'UVC G4 Pro',
          },
        ],
        port: devicePort,
        broadcast: '127.255.255.255',
        multicastInterface: '127.0.0.1',
      })
      try {
        discovery.scanNow()
        const card = await until('the camera after the flood', () =>
          byId(discovery!.inventory()).get('mac:E063DA00AB01'),
        )
        expect(card).toMatchObject({ name: 'Gate', address: '127.0.0.21' })
      } finally {
        await camera.close()
      }
    },
    300_000,
  )

  it('a device name with control and bidi characters, and a huge one, is cleaned and capped', async () => {
    discovery = createDiscovery(options({ fingerprint: false }))
    await discovery.start({ interfaces: ['lo'] })
    const port = discovery.status().ubntPort!
    const s = dgram.createSocket('udp4')
    await new Promise<void>((r) => s.bind(0, '127.0.0.67', () => r()))
    const reply = (mac: string, hostname: string, extra: Buffer[] = []): Buffer => {
      const fields = [tlv(0x01, Buffer.from(mac, 'hex')), tlv(0x0b, Buffer.from(hostname, 'utf8')), ...extra]
      const body = Buffer.concat(fields)
      return Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body])
    }
    const spoof =
      'Office\u202E\u2067AP\u2069\u200E\u200F\u061C\u202A\u202B\u202C\u202D\u2066\u2068' + '\u0000\u001b[31m\u0085'
    const packets = [
      reply('02AB00000001', spoof, [tlv(0x03, Buffer.from(`FW\u202E${'x'.repeat(2000)}`))]),
      reply('02AB00000002', 'N'.repeat(5000)),
    ]
    for (const p of packets) await new Promise<void>((r) => s.send(p, port, '127.0.0.1', () => r()))
    s.close()
    const map = await until('both cards', () => {
      const m = byId(discovery!.inventory())
      return m.has('mac:02AB00000001') && m.has('mac:02AB00000002') ? m : null
    })
    const spoofed = map.get('mac:02AB00000001')!
    expect(spoofed.name).not.toMatch(UNSAFE)
    expect(spoofed.name).toMatch(/^Office\uFFFD+AP/)
    expect(spoofed.firmware!.length).toBeLessThanOrEqual(256)
    expect(spoofed.firmware).not.toMatch(UNSAFE)
    expect(map.get('mac:02AB00000002')!.name!.length).toBeLessThanOrEqual(256)
  })
})

describe('mDNS under an announcement flood (loopback)', () => {
  const title = `tracks ≤ ${MAX_SERVICES_PER_SOURCE} instances per sender, ≤ ${MAX_SERVICES} in all; the real HA stays`
  it(title, async () => {
    const ha = await startFakeHomeAssistant({
      port: mdnsPort,
      interface: '127.0.0.1',
      instance: 'Home',
      host: 'realha.local',
      address: '127.0.0.40',
      txt: [Buffer.from('uuid=real0001'), Buffer.from('location_name=Home')],
    })
    const senders: dgram.Socket[] = []
    try {
      discovery = createDiscovery(options({ fingerprint: false, mdns: { port: mdnsPort } }))
      await discovery.start({ interfaces: ['lo'] })
      await until('the real Home Assistant', () => byId(discovery!.inventory()).get('ha:real0001'))
      // 40 senders × 5 packets × 20 instances: 4000 distinct instances, names carrying bidi controls.
      for (let src = 0; src < 40; src++) {
        const s = dgram.createSocket({ type: 'udp4', reuseAddr: true })
        await new Promise<void>((r) => s.bind(0, `127.0.2.${src + 1}`, () => r()))
        s.setMulticastInterface('127.0.0.1')
        senders.push(s)
        for (let p = 0; p < 5; p++) {
          const records = Array.from({ length: 20 }, (_, i) =>
            haInstance(`Fake\u202E${src}-${p}-${i}`, `f${src}x${p}x${i}`),
          )
          const packet = dnsResponse(
            records.flatMap((r) => r.answers),
            records.flatMap((r) => r.additionals),
          )
          await new Promise<void>((r) => s.send(packet, mdnsPort, '224.0.0.251', () => r()))
        }
      }
      await until('the flood handled', () => discovery!.stats().mdnsRefused > 0)
      await new Promise((r) => setTimeout(r, 300))
      const haCards = discovery.inventory().filter((i) => i.kind === 'home-assistant')
      expect(haCards.length).toBeLessThanOrEqual(MAX_SERVICES)
      for (let src = 0; src < 40; src++) {
        const fromSource = haCards.filter((c) => c.homeAssistant!.instance.includes(`\uFFFD${src}-`))
        expect(fromSource.length).toBeLessThanOrEqual(MAX_SERVICES_PER_SOURCE)
      }
      for (const card of haCards) {
        expect(card.name ?? '').not.toMatch(UNSAFE)
        expect(card.homeAssistant!.fqdn).not.toMatch(UNSAFE)
      }
      expect(byId(discovery.inventory()).get('ha:real0001')).toMatchObject({ name: 'Home' })
      expect(discovery.status().notices.map((n) => n.code)).toContain('inventory-full')
    } finally {
      for (const s of senders) s.close()
      await ha.close()
    }
  })
})
