// Discovery end to end on LOOPBACK ONLY: the interface source is injected and
// lists just `lo`, every simulator binds 127.0.0.x, multicast is pinned to
// 127.0.0.1 and all ports are private, so nothing leaves this machine
// (discovery on real interfaces only ever runs inside lab namespaces).
import dgram from 'node:dgram'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { InventoryItem } from '../../shared/inventory.ts'
import { createDiscovery, type Discovery, type DiscoveryOptions } from '../../electron/core/discovery/index.ts'
import { createConsoleConfig, type PresetName } from '../simulators/console/presets.ts'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'
import { startFakeHomeAssistant } from '../simulators/ha/fake-mdns.ts'
import {
  buildReply,
  NOISE,
  startUbntResponder,
  type RunningResponder,
  type SimDevice,
} from '../simulators/ubnt/responder.ts'
import { SAMPLE_A, SAMPLE_B, SAMPLE_C, SAMPLE_D_V2 } from '../simulators/ubnt/fixtures.ts'
import { startUispServer, type RunningUisp } from '../simulators/uisp/server.ts'
import { LOOPBACK } from '../support/loopback-mdns.ts'
import { until } from '../support/until.ts'

/** Free ports: bind to 0, read, release (good enough on a test machine). */
async function freePorts(n: number, type: 'udp' | 'tcp' = 'udp'): Promise<number[]> {
  const out: number[] = []
  while (out.length < n) {
    const port = await new Promise<number>((resolve) => {
      if (type === 'udp') {
        const s = dgram.createSocket('udp4')
        s.bind(0, '127.0.0.1', () => {
          const p = s.address().port
          s.close(() => resolve(p))
        })
      } else {
        void import('node:net').then((net) => {
          const srv = net.createServer().listen(0, '127.0.0.1', () => {
            const p = (srv.address() as { port: number }).port
            srv.close(() => resolve(p))
          })
        })
      }
    })
    if (!out.includes(port)) out.push(port)
  }
  return out
}

const byId = (items: InventoryItem[]): Record<string, InventoryItem> => Object.fromEntries(items.map((i) => [i.id, i]))

let devicePort: number, scanPort: number, airosPort: number, mdnsPort: number, announcePort: number, httpsPort: number
const consoles: RunningConsole[] = []
let uisp: RunningUisp, uispDevice: RunningUisp
let responder: RunningResponder, announcer: RunningResponder

const CONSOLES: { preset: PresetName; role: 'console' | 'nvr'; addresses: string[] }[] = [
  { preset: 'udm-pro', role: 'console', addresses: ['127.0.0.11'] },
  { preset: 'unvr', role: 'nvr', addresses: ['127.0.0.12'] },
  { preset: 'udm-se', role: 'console', addresses: ['127.0.0.13', '127.0.0.113'] },
]
const DEVICES: SimDevice[] = [
  {
    label: 'ap',
    role: 'access-point',
    mac: '802AA8000101',
    addresses: ['127.0.0.20'],
    hostname: 'AP-Hall',
    model: 'U7PG2',
  },
  {
    label: 'cam',
    role: 'camera',
    mac: 'E063DA000101',
    addresses: ['127.0.0.21'],
    hostname: 'Gate',
    model: 'UVC G4 Pro',
  },
  { label: 'bridge', role: 'bridge', mac: '245A4C020101', addresses: ['127.0.0.25'], hostname: 'Bridge' },
  {
    label: 'er',
    role: 'edgerouter',
    mac: '802AAEAEF163',
    addresses: ['127.0.0.22'],
    hostname: 'ubnt-router',
    model: 'ER-X',
    extraInterfaces: [{ mac: '802AAEAEF15E', ip: '55.55.55.10' }],
  },
  {
    label: 'lm5',
    role: 'airos',
    mac: '24A43C0A0B0C',
    addresses: ['127.0.0.23'],
    hostname: 'Rooftop',
    model: 'LM5',
    airosEveryMs: 300,
  },
]

/** Every HTTPS probe any discovery in this file made: all must stay on loopback. */
const probed: string[] = []

function options(extra: Partial<DiscoveryOptions> = {}): DiscoveryOptions {
  return {
    interfaceSource: LOOPBACK,
    ubntPort: devicePort,
    bindPort: scanPort,
    airosPort,
    mdns: { port: mdnsPort },
    fingerprint: { port: httpsPort, timeoutMs: 2000 },
    throttleMs: 50,
    resendMs: 300,
    scanDurationMs: 1500,
    onProbe: (host) => {
      probed.push(host)
    },
    ...extra,
  }
}

beforeAll(async () => {
  const udp = await freePorts(4)
  devicePort = udp[0]!
  airosPort = udp[1]!
  mdnsPort = udp[2]!
  // The scanner's own port doubles as the port announcements go to, as 10001 does for real.
  scanPort = udp[3]!
  announcePort = scanPort
  httpsPort = (await freePorts(1, 'tcp'))[0]!
  for (const c of CONSOLES) {
    consoles.push(
      await startConsoleSimulator(createConsoleConfig(c.preset), { host: c.addresses[0]!, port: httpsPort }),
    )
  }
  uisp = await startUispServer({ host: '127.0.0.30', port: httpsPort })
  uispDevice = await startUispServer({ host: '127.0.0.31', port: httpsPort, mode: 'device' })
  const consoleDevices: SimDevice[] = CONSOLES.map((c) => {
    const config = createConsoleConfig(c.preset)
    return {
      label: c.preset,
      role: c.role,
      mac: config.mac,
      addresses: c.addresses,
      hostname: config.name.replace(/ /g, '-'),
      model: config.model,
      version: config.firmware,
    }
  })
  responder = await startUbntResponder({
    devices: [...consoleDevices, ...DEVICES],
    port: devicePort,
    airosPort,
    broadcast: '127.255.255.255',
    multicastInterface: '127.0.0.1',
  })
  announcer = await startUbntResponder({
    devices: [
      {
        label: 'quiet',
        role: 'access-point',
        mac: '802AA80001FF',
        addresses: ['127.0.0.24'],
        hostname: 'AP-New',
        model: 'U7PG2',
        announceOnly: true,
        announceEveryMs: 300,
        state: 1,
      },
    ],
    port: announcePort,
    broadcast: '127.255.255.255',
    multicastInterface: '127.0.0.1',
    listen: false,
  })
})

afterAll(async () => {
  // The EdgeRouter reports 55.55.55.10: reported, never probed.
  expect(probed.length).toBeGreaterThan(0)
  expect(probed.filter((h) => !h.startsWith('127.'))).toEqual([])
  await Promise.all([
    responder?.close(),
    announcer?.close(),
    uisp?.close(),
    uispDevice?.close(),
    ...consoles.map((c) => c.close()),
  ])
})

let discovery: Discovery | undefined
afterEach(async () => {
  await discovery?.stop()
  discovery = undefined
})

describe('discovery on loopback', () => {
  it('builds ONE de-duplicated inventory from UBNT v1/v2/v0, echoes, announcements, airOS and HTTPS', async () => {
    discovery = createDiscovery(options())
    const emitted: InventoryItem[][] = []
    discovery.onChange((items) => emitted.push(items))
    await discovery.start({ interfaces: ['lo'] })
    const expectedIds = [
      ...CONSOLES.map((c) => `mac:${createConsoleConfig(c.preset).mac}`),
      ...DEVICES.map((d) => `mac:${d.mac}`),
      'mac:802AA80001FF',
    ]
    const items = await until('every device with apps on the consoles', () => {
      const list = discovery!.inventory()
      const map = byId(list)
      const done =
        expectedIds.every((id) => map[id]) &&
        CONSOLES.every((c) => (map[`mac:${createConsoleConfig(c.preset).mac}`]?.apps.length ?? 0) > 0) &&
        map['mac:24A43C0A0B0C']?.foundBy.includes('airos')
      return done ? list : null
    })
    expect(items.map((i) => i.id).sort()).toEqual([...expectedIds].sort())
    const map = byId(items)
    for (const c of CONSOLES) {
      const config = createConsoleConfig(c.preset)
      expect(map[`mac:${config.mac}`]).toMatchObject({
        kind: c.role,
        name: config.name,
        model: config.model,
        apps: [...config.apps].sort(),
        platform: 'unifi-os',
        addresses: c.addresses,
        ubnt: { echoed: true },
      })
      expect(map[`mac:${config.mac}`]!.certificateSha256).toBe(consoles[CONSOLES.indexOf(c)]!.sha256)
    }
    expect(map['mac:802AA8000101']).toMatchObject({
      kind: 'device',
      name: 'AP-Hall',
      model: 'U7PG2',
      foundBy: ['ubnt-v1', 'ubnt-v2'],
      address: '127.0.0.20',
    })
    expect(map['mac:E063DA000101']).toMatchObject({ kind: 'device', model: 'UVC G4 Pro', foundBy: ['ubnt-v1'] })
    expect(map['mac:802AAEAEF163']).toMatchObject({
      macs: ['802AAEAEF15E', '802AAEAEF163'],
      addresses: ['55.55.55.10', '127.0.0.22'],
    })
    expect(map['mac:24A43C0A0B0C']).toMatchObject({ model: 'LM5', foundBy: ['airos', 'ubnt-v1'] })
    expect(map['mac:802AA80001FF']).toMatchObject({ name: 'AP-New', state: 'default', foundBy: ['ubnt-v2'] })
    // Live updates: full sorted lists, consoles first.
    const last = emitted.at(-1)!
    expect(last.length).toBeGreaterThan(0)
    expect(last[0]!.kind === 'console' || last[0]!.kind === 'nvr').toBe(true)
    expect(discovery.status()).toMatchObject({ running: true, interfaces: ['lo'], ubntPort: scanPort, notices: [] })
  })

  it('manual addresses feed the same pipeline: UISP server, UISP-firmware device, bad and dead input', async () => {
    discovery = createDiscovery(options({ unicastTargets: [] }))
    await discovery.start({ interfaces: ['lo'] })
    const server = await discovery.addManual(`https://127.0.0.30:${httpsPort}/nms/`)
    expect(server).toMatchObject({
      ok: true,
      item: {
        id: `addr:127.0.0.30:${httpsPort}`,
        kind: 'uisp-server',
        manual: true,
        version: '2.4.155',
        certificateSha256: uisp.sha256,
      },
    })
    const device = await discovery.addManual(`127.0.0.31:${httpsPort}`)
    expect(device).toMatchObject({
      ok: true,
      item: { kind: 'device', model: 'UISP-R', productName: 'UISP Router', uispDevice: { family: 'UISP Router' } },
    })
    // A console typed in merges with its UBNT card instead of making a second one.
    const udm = await discovery.addManual(`127.0.0.11:${httpsPort}`)
    expect(udm).toMatchObject({ ok: true, item: { id: `mac:${createConsoleConfig('udm-pro').mac}`, manual: true } })
    await until('the UBNT side of the console', () =>
      byId(discovery!.inventory())[`mac:${createConsoleConfig('udm-pro').mac}`]?.foundBy.includes('ubnt-v2'),
    )
    expect(discovery.inventory().filter((i) => i.addresses.includes('127.0.0.11'))).toHaveLength(1)
    expect(await discovery.addManual('not a host!')).toMatchObject({ ok: false })
    expect(discovery.forget(`addr:127.0.0.30:${httpsPort}`)).toBe(true)
    expect(discovery.forget(`addr:127.0.0.30:${httpsPort}`)).toBe(false)
    expect(byId(discovery.inventory())[`addr:127.0.0.30:${httpsPort}`]).toBeUndefined()
    const dead = await discovery.addManual(`127.0.0.99:${httpsPort}`)
    expect(dead.ok).toBe(false)
    // Sweeping 127.0.0.0/8 would be 16 M addresses: refused with a notice.
    await discovery.stop()
    discovery = createDiscovery(options({ sweep: true }))
    await discovery.start({ interfaces: ['lo'] })
    await until('the sweep notice', () => discovery!.status().notices.some((n) => n.code === 'sweep-skipped'))
  })

  it('falls back to an ephemeral port when the UBNT port is taken, and says so', async () => {
    // A program holding the ports without SO_REUSEADDR (fresh ports: ours are shared with simulators).
    const [busyScan, busyAiros] = (await freePorts(2)) as [number, number]
    const holder = dgram.createSocket({ type: 'udp4', reuseAddr: false })
    await new Promise<void>((r) => holder.bind(busyScan, '0.0.0.0', () => r()))
    const airosHolder = dgram.createSocket({ type: 'udp4', reuseAddr: false })
    await new Promise<void>((r) => airosHolder.bind(busyAiros, '0.0.0.0', () => r()))
    try {
      discovery = createDiscovery(options({ bindPort: busyScan, airosPort: busyAiros }))
      await discovery.start({ interfaces: ['lo'] })
      const status = discovery.status()
      expect(status.ubntPort).not.toBe(busyScan)
      expect(status.notices.map((n) => n.code).sort()).toEqual(['airos-port-busy', 'port-busy'])
      expect(status.notices.find((n) => n.code === 'port-busy')!.message).toMatch(
        new RegExp(`UDP port ${busyScan} is in use by another program`),
      )
      // Replies still reach the ephemeral port.
      await until('a reply on the fallback port', () => byId(discovery!.inventory())['mac:E063DA000101'])
    } finally {
      holder.close()
      airosHolder.close()
    }
  })

  it('survives hostile floods on the live sockets (≥ 500 datagrams) and keeps working', async () => {
    discovery = createDiscovery(options({ resendMs: 60_000, scanDurationMs: 10 }))
    await discovery.start({ interfaces: ['lo'] })
    const port = discovery.status().ubntPort!
    const attacker = dgram.createSocket('udp4')
    await new Promise<void>((r) => attacker.bind(0, '127.0.0.66', () => r()))
    let seed = 7
    const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
    const packets: Buffer[] = [...NOISE]
    for (const base of [SAMPLE_A, SAMPLE_B, SAMPLE_C, SAMPLE_D_V2]) {
      for (let i = 0; i < base.length; i += 3) packets.push(Buffer.from(base.subarray(0, i)))
      for (let i = 0; i < 40; i++) {
        const q = Buffer.from(base)
        q.writeUInt16BE(0xffff, 4 + 1 + Math.floor(rand() * 20))
        packets.push(q)
      }
    }
    for (let i = 0; i < 200; i++)
      packets.push(
        Buffer.from(
          Array.from({ length: 1 + Math.floor(rand() * 1400) }, () => (Math.floor(rand() * 256) & 0xfe) | 0x04),
        ),
      )
    packets.push(Buffer.alloc(65000, 0xff))
    expect(packets.length).toBeGreaterThanOrEqual(500)
    const flood = async (list: Buffer[]): Promise<void> => {
      const before = discovery!.stats()
      for (const [i, p] of list.entries()) {
        await new Promise<void>((r) => attacker.send(p, port, '127.0.0.1', () => r()))
        await new Promise<void>((r) => attacker.send(p, airosPort, '127.0.0.1', () => r()))
        // Let the receiver drain now and then: a full socket buffer would drop, not test.
        if (i % 25 === 0) await new Promise((r) => setTimeout(r, 2))
      }
      await until(
        'every datagram handled',
        () =>
          discovery!.stats().ubntReceived - before.ubntReceived >= list.length &&
          discovery!.stats().airosReceived - before.airosReceived >= list.length,
      )
    }
    // Let the real devices' replies land first.
    await until('the loopback devices', () => discovery!.inventory().length >= CONSOLES.length + DEVICES.length)
    await new Promise((r) => setTimeout(r, 300))
    // Garbage (bad headers, requests, lengths past the end, empty fields): no card at all.
    const cardsBefore = discovery.inventory().length
    const invalidBefore = discovery.stats().ubntInvalid
    const garbage = packets.filter((p) => p.length < 4 || p[0]! > 2 || p.readUInt16BE(2) === 0 || NOISE.includes(p))
    await flood(garbage)
    expect(discovery.inventory().length).toBe(cardsBefore)
    expect(discovery.stats().ubntInvalid - invalidBefore).toBeGreaterThan(200)
    // Truncated and corrupted copies of real replies are still replies: they may add
    // a card per (possibly mangled) MAC, but never throw and never exceed the bounds.
    await flood(packets.filter((p) => !garbage.includes(p)))
    attacker.close()
    expect(discovery.stats().handlerErrors).toBe(0)
    const fromAttacker = discovery.inventory().filter((i) => i.addresses.includes('127.0.0.66'))
    expect(fromAttacker.length).toBeLessThan(60)
    for (const card of fromAttacker) expect(JSON.stringify(card).length).toBeLessThan(20_000)
    // Still alive: a fresh scan finds the camera.
    discovery.scanNow()
    await until('the camera after the flood', () => byId(discovery!.inventory())['mac:E063DA000101'])
  })

  it('finds Home Assistant over mDNS: dotted name, PTR-only answers, hostile TXT, goodbye', async () => {
    const txt = [
      'location_name=My Home v1.2',
      'uuid=3c1f0a',
      'version=2026.9.1',
      'base_url=http://127.0.0.40:8123',
      'internal_url=http://127.0.0.40:8123',
      'external_url=',
      '__proto__=x',
      'requires_api_password',
    ].map((s) => Buffer.from(s))
    txt.push(
      Buffer.from([0x62, 0x69, 0x6e, 0x3d, 0xff, 0x00, 0xfe]),
      ...Array.from({ length: 100 }, (_, i) => Buffer.from(`k${i}=${'v'.repeat(250)}`)),
    )
    const ha = await startFakeHomeAssistant({
      port: mdnsPort,
      interface: '127.0.0.1',
      instance: 'My Home v1.2',
      host: '3c1f0a.local',
      address: '127.0.0.40',
      txt,
      mode: 'ptr-only',
    })
    try {
      discovery = createDiscovery(options({ fingerprint: false }))
      await discovery.start({ interfaces: ['lo'] })
      const item = await until('Home Assistant', () => byId(discovery!.inventory())['ha:3c1f0a'])
      expect(item).toMatchObject({
        kind: 'home-assistant',
        name: 'My Home v1.2',
        version: '2026.9.1',
        addresses: ['127.0.0.40'],
        foundBy: ['mdns'],
        homeAssistant: {
          instance: 'My Home v1.2',
          fqdn: 'My Home v1.2._home-assistant._tcp.local',
          host: '3c1f0a.local',
          port: 8123,
          baseUrl: 'http://127.0.0.40:8123',
          internalUrl: 'http://127.0.0.40:8123',
          externalUrl: null,
        },
      })
      expect(item.homeAssistant!.txt.requires_api_password).toBe('')
      expect(item.homeAssistant!.txt.bin).toBe('\uFFFD\uFFFD\uFFFD')
      expect(item.homeAssistant!.rawTxt).toHaveLength(64)
      expect(({} as Record<string, unknown>).x).toBeUndefined()
      await ha.goodbye()
      await until('the goodbye', () => !byId(discovery!.inventory())['ha:3c1f0a'])
    } finally {
      await ha.close()
    }
  })

  it('stop() closes every socket and timer; start() again works; nothing runs at import', async () => {
    // Handles of the kinds discovery opens; others in this process (simulators'
    // servers, closing client sockets of earlier tests) may only go away.
    const own = (): Record<string, number> => {
      const counts: Record<string, number> = {}
      for (const h of process.getActiveResourcesInfo())
        if (/UDP|TCP|TLS|Timeout/.test(h)) counts[h] = (counts[h] ?? 0) + 1
      return counts
    }
    const baselineCounts = own()
    const noMoreThanBaseline = (): void => {
      for (const [h, n] of Object.entries(own())) expect(n, h).toBeLessThanOrEqual(baselineCounts[h] ?? 0)
    }
    discovery = createDiscovery(options({ sweep: false }))
    // Creating does not open anything either.
    noMoreThanBaseline()
    let calls = 0
    const unsubscribe = discovery.onChange(() => {
      calls++
    })
    await discovery.start({ interfaces: ['lo'] })
    await until('a device', () => discovery!.inventory().length > 3)
    await discovery.start({ interfaces: ['lo'] }) // restart
    await discovery.stop()
    noMoreThanBaseline()
    expect(discovery.status()).toMatchObject({ running: false, ubntPort: null })
    const seen = calls
    unsubscribe()
    // A listener still subscribed sees the new scan's changes; the removed one does not.
    let witness = 0
    const unsubscribeWitness = discovery.onChange(() => {
      witness++
    })
    await discovery.start({ interfaces: ['lo'] })
    discovery.scanNow()
    await until('a change after the restart', () => witness > 0)
    unsubscribeWitness()
    expect(calls).toBe(seen)
    await discovery.stop()
    noMoreThanBaseline()
    // No interface chosen: a notice, no sockets.
    discovery = createDiscovery({ ...options(), interfaceSource: () => ({}) })
    await discovery.start()
    expect(discovery.status().notices.map((n) => n.code)).toEqual(['no-interfaces'])
    await discovery.stop()
    noMoreThanBaseline()
  })

  it('drops devices silent past the TTL; announcers stay', async () => {
    discovery = createDiscovery(
      options({ ttlMs: 1200, scanDurationMs: 100, rescanIntervalMs: 60_000, fingerprint: false, mdns: false }),
    )
    await discovery.start({ interfaces: ['lo'] })
    await until('the camera', () => byId(discovery!.inventory())['mac:E063DA000101'])
    // Nothing asks again for a minute: the camera falls silent, announcers keep talking.
    await until('the camera to expire', () => !byId(discovery!.inventory())['mac:E063DA000101'])
    const ids = discovery
      .inventory()
      .map((i) => i.id)
      .sort()
    expect(ids).toEqual(['mac:24A43C0A0B0C', 'mac:802AA80001FF'])
  })

  it('the responder fixtures stay parseable by the simulator itself', () => {
    for (const d of DEVICES) expect(buildReply(d, 'v1', d.addresses[0]!)?.length).toBeGreaterThan(10)
  })
})
