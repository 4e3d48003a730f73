// What the mDNS Browsers get to see (mdns.ts `admittedResponses`): answers from
// this interface's subnet, within each sender's rate, reach them; packets from
// elsewhere and a flooding sender's excess never do, and a packet the table
// chokes on is counted instead of breaking discovery.
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { DiscoveryInterface } from '../../shared/inventory.ts'
import { SourceRateLimiter } from '../../electron/core/discovery/limits.ts'
import { admittedResponses, type MulticastDns } from '../../electron/core/discovery/mdns.ts'
import { ServiceGuard } from '../../electron/core/discovery/mdns-guard.ts'
import { ServiceTable } from '../../electron/core/discovery/mdns-services.ts'

const TYPE = '_home-assistant._tcp.local'
const packet = { answers: [{ name: TYPE, type: 'PTR', ttl: 120, data: `Home.${TYPE}` }] }
const iface: DiscoveryInterface = {
  name: 'eth0',
  address: '192.0.2.5',
  prefixLength: 24,
  broadcast: '192.0.2.255',
  mac: null,
  recommended: true,
  skipReason: null,
}

function setup(perSecond = 100) {
  const socket = Object.assign(new EventEmitter(), { query: () => {} }) as MulticastDns
  const guard = new ServiceGuard()
  const limiter = new SourceRateLimiter(perSecond)
  const table = new ServiceTable({
    types: ['home-assistant'],
    held: guard,
    query: () => {},
    onUp: () => {},
    onSeen: () => {},
    onDown: () => {},
  })
  const stats = { responses: 0, ignored: 0, handlerErrors: 0 }
  const { proxy, onResponse } = admittedResponses(socket, { iface, limiter, guard, table, stats })
  const seen: string[] = []
  proxy.on('response', (_p: unknown, rinfo: { address: string }) => seen.push(rinfo.address))
  return { onResponse, seen, stats, limiter, table }
}

describe('mDNS admission', () => {
  it("passes answers from the interface's subnet and ignores the rest", () => {
    const { onResponse, seen, stats } = setup()
    onResponse(packet, { address: '192.0.2.10', port: 5353 })
    onResponse(packet, { address: '198.51.100.7', port: 5353 })
    expect(seen).toEqual(['192.0.2.10'])
    expect(stats).toMatchObject({ responses: 2, ignored: 1 })
  })

  it("drops a flooding sender's excess, not its neighbour's answers", () => {
    const { onResponse, seen, limiter } = setup(3)
    for (let i = 0; i < 10; i++) onResponse(packet, { address: '192.0.2.66', port: 5353 })
    onResponse(packet, { address: '192.0.2.10', port: 5353 })
    expect(seen.filter((a) => a === '192.0.2.66')).toHaveLength(3)
    expect(seen).toContain('192.0.2.10')
    expect(limiter.dropped).toBe(7)
  })

  it('counts a packet the table chokes on instead of throwing', () => {
    const { onResponse, seen, stats, table } = setup()
    table.track = () => {
      throw new Error('a crafted record')
    }
    expect(() => onResponse(packet, { address: '192.0.2.10', port: 5353 })).not.toThrow()
    expect(seen).toEqual([])
    expect(stats.handlerErrors).toBe(1)
  })
})
