// What a hostile LAN cannot grow or spoof in discovery (issue 14 §8), without
// sockets: the per-source rate limit, the inventory's indexes and eviction, the
// mDNS guard, the fingerprint queue's cap and text cleaning.
import { describe, expect, it } from 'vitest'
import { cleanText, MAX_TEXT } from '../../electron/core/discovery/clean.ts'
import type { Fingerprint } from '../../electron/core/discovery/fingerprint.ts'
import { InventoryStore, MAX_CARDS } from '../../electron/core/discovery/inventory.ts'
import { SourceRateLimiter } from '../../electron/core/discovery/limits.ts'
import {
  MAX_RECORDS,
  MAX_SERVICES,
  MAX_SERVICES_PER_SOURCE,
  ServiceGuard,
} from '../../electron/core/discovery/mdns-guard.ts'
import { parseUbntPacket, ubntHeaderKind, type UbntReply } from '../../electron/core/discovery/ubnt.ts'
import { SAMPLE_A, SAMPLE_B } from '../simulators/ubnt/fixtures.ts'
import { substitute } from '../simulators/ubnt/packet.ts'

const parse = (b: Buffer): UbntReply => {
  const p = parseUbntPacket(b)
  if (p.kind !== 'reply') throw new Error('not a reply')
  return p.reply
}
const mac = (prefix: number, i: number): string => (prefix * 2 ** 40 + i).toString(16).toUpperCase().padStart(12, '0')
const indexSizes = (store: InventoryStore): { macs: number; addresses: number } => {
  const inner = store as unknown as { byMac: Map<string, string>; byAddress: Map<string, string> }
  return { macs: inner.byMac.size, addresses: inner.byAddress.size }
}

describe('SourceRateLimiter', () => {
  it('allows N packets per source and second, counts the rest, and starts over each second', () => {
    let now = 1_000_000
    const limiter = new SourceRateLimiter(5, 100, () => now)
    const admitted = Array.from({ length: 20 }, () => limiter.admit('10.0.0.66')).filter(Boolean).length
    expect(admitted).toBe(5)
    expect(limiter.admit('10.0.0.20')).toBe(true) // another sender has its own budget
    expect(limiter).toMatchObject({ dropped: 15, lastDropped: '10.0.0.66' })
    now += 1000
    expect(limiter.admit('10.0.0.66')).toBe(true)
  })

  it('tracks a bounded number of sources; the rest share one budget', () => {
    const limiter = new SourceRateLimiter(3, 10, () => 0)
    for (let i = 0; i < 1000; i++) limiter.admit(`10.0.${i >> 8}.${i & 255}`)
    expect(limiter.size).toBeLessThanOrEqual(11)
    expect(limiter.dropped).toBe(1000 - 10 - 3)
  })
})

describe('InventoryStore bounds', () => {
  it('the MAC and address indexes hold only what cards hold, and lose it with the card', () => {
    let now = 1_700_000_000_000
    const store = new InventoryStore({ now: () => now })
    // One anchor MAC, then 64 + 64 fresh MACs and 64 addresses per reply, 200 times.
    for (let i = 0; i < 200; i++) {
      const interfaces = Array.from({ length: 64 }, (_, k) => ({ mac: mac(0x02, i * 256 + k), ip: `10.1.${i}.${k}` }))
      store.applyUbnt(parse(substitute(SAMPLE_B, { mac: 'AA0000000001', interfaces })), '192.168.1.9', 'ubnt-v1')
    }
    const [card] = store.list()
    expect(store.size).toBe(1)
    expect(card!.macs.length).toBeLessThanOrEqual(32)
    expect(indexSizes(store).macs).toBe(card!.macs.length)
    expect(indexSizes(store).addresses).toBe(card!.addresses.length)
    now += 10 * 60_000
    expect(store.expire(60_000)).toBe(1)
    expect(indexSizes(store)).toEqual({ macs: 0, addresses: 0 })
  })

  it('when full, the least recently seen card nobody vouches for makes room; typed-in and identified ones stay', () => {
    let now = 1_700_000_000_000
    const store = new InventoryStore({ now: () => now })
    const fp: Fingerprint = {
      host: '192.168.1.1',
      port: 443,
      reachable: true,
      error: null,
      certificateSha256: 'AA:BB',
      uispServer: null,
      uispDevice: null,
      console: {
        kind: 'unifi-os',
        model: 'UDMPRO',
        name: 'Rack',
        mac: 'F4E2C6000001',
        directConnectDomain: null,
        apps: [],
      },
      at: now,
    }
    const consoleId = store.applyFingerprint(fp, null, false)!
    const typed = { ...fp, host: '192.168.1.2', console: { ...fp.console!, mac: 'F4E2C6000002' } }
    const manualId = store.applyFingerprint(typed, null, true)!
    for (let i = 0; i < MAX_CARDS + 500; i++) {
      now++
      const reply = parse(substitute(SAMPLE_B, { mac: mac(0x06, i), interfaces: [] }))
      store.applyUbnt(reply, `10.2.${i >> 8}.${i & 255}`, 'ubnt-v1')
    }
    expect(store.size).toBe(MAX_CARDS)
    expect(store.get(consoleId)).not.toBeNull()
    expect(store.get(manualId)).not.toBeNull()
    // The newest spoofed card is there, the oldest made room.
    expect(store.get(`mac:${mac(0x06, MAX_CARDS + 499)}`)).not.toBeNull()
    expect(store.get(`mac:${mac(0x06, 0)}`)).toBeNull()
    expect(indexSizes(store).macs).toBeLessThanOrEqual(MAX_CARDS * 32)
  })

  it('keeps a bounded, cleaned copy of unknown fields and names', () => {
    const store = new InventoryStore()
    const reply = parse(substitute(SAMPLE_A, { hostname: `AP\u202E\u2066\u200E\u061C${'x'.repeat(1000)}` }))
    reply.unknown = Array.from({ length: 32 }, (_, t) => ({ type: 0x40 + t, hex: 'ab'.repeat(256) }))
    const id = store.applyUbnt(reply, '192.168.1.4', 'ubnt-v2')!
    const item = store.get(id)!
    expect(item.ubnt!.unknown.length).toBeLessThanOrEqual(16)
    for (const f of item.ubnt!.unknown) expect(f.hex.length).toBeLessThanOrEqual(128)
    expect(item.name!.length).toBeLessThanOrEqual(MAX_TEXT)
    expect(item.name).toMatch(/^AP\uFFFD{4}x/)
  })
})

describe('ServiceGuard (mDNS)', () => {
  const TYPE = '_home-assistant._tcp.local'
  const ptr = (fqdn: string, ttl = 4500) => ({ name: TYPE, type: 'PTR', ttl, data: fqdn })

  it(`admits at most ${MAX_SERVICES_PER_SOURCE} instances per sender and ${MAX_SERVICES} in all`, () => {
    const guard = new ServiceGuard()
    const packet = { answers: Array.from({ length: 50 }, (_, i) => ptr(`x${i}.${TYPE}`)), additionals: [] }
    const filtered = guard.filter(packet, '10.0.0.66', [TYPE])
    expect(filtered.answers).toHaveLength(MAX_SERVICES_PER_SOURCE)
    expect(guard.refused).toBe(50 - MAX_SERVICES_PER_SOURCE)
    for (let s = 0; s < 20; s++) {
      for (let i = 0; i < MAX_SERVICES_PER_SOURCE; i++) guard.add(`s${s}i${i}.${TYPE}`, `10.0.1.${s}`)
    }
    expect(guard.size).toBe(MAX_SERVICES)
    // Known instances and goodbyes always pass; a packet too long is cut.
    const knownAndGoodbye = { answers: [ptr('s0i0.' + TYPE), ptr('new.' + TYPE, 0)] }
    expect(guard.filter(knownAndGoodbye, '10.0.9.9', [TYPE]).answers).toHaveLength(2)
    const a = { name: 'a.local', type: 'A', ttl: 120, data: '10.0.0.1' }
    const long = { answers: Array.from({ length: 5000 }, () => a) }
    expect(guard.filter(long, '10.0.9.9', [TYPE]).answers).toHaveLength(MAX_RECORDS)
    guard.delete(`s0i0.${TYPE}`)
    expect(guard.add(`fresh.${TYPE}`, '10.0.9.9')).toBe(true)
  })
})

describe('device text', () => {
  it('replaces controls, bidi embeddings, overrides, isolates and marks; caps the length', () => {
    const all =
      '\u0000\u0007\t\n\u001b\u007f\u0085\u061c\u200e\u200f\u2028\u2029' +
      '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069'
    expect(cleanText(`a${all}b`)).toBe(`a${'\uFFFD'.repeat(all.length)}b`)
    expect(cleanText('Zürich 東京 🙂')).toBe('Zürich 東京 🙂')
    expect(cleanText('x'.repeat(1000), 10)).toHaveLength(10)
    // Never half a surrogate pair.
    expect(cleanText(`${'x'.repeat(9)}🙂`, 10)).toBe('x'.repeat(9))
  })

  it('the header alone says request or reply, before any field is read', () => {
    expect(ubntHeaderKind(Buffer.from('01000000', 'hex'))).toBe('request')
    expect(ubntHeaderKind(SAMPLE_A)).toBe('reply')
    expect(ubntHeaderKind(Buffer.from('07ff0003010203', 'hex'))).toBeNull()
    expect(ubntHeaderKind(Buffer.from('0100', 'hex'))).toBeNull()
  })
})
