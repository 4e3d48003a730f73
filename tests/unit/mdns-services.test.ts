// The mDNS service table: PTR-only announcements are asked about and assembled, sightings keep
// cards fresh, goodbyes are reported with their sender, and the guard's bounds hold.
import { describe, expect, it } from 'vitest'
import { ServiceGuard } from '../../electron/core/discovery/mdns-guard.ts'
import { ServiceTable } from '../../electron/core/discovery/mdns-services.ts'
import type { MdnsService } from '../../electron/core/discovery/mdns-txt.ts'

const TYPE = '_home-assistant._tcp.local'
const ptr = (instance: string, ttl = 120) => ({ name: TYPE, type: 'PTR', ttl, data: `${instance}.${TYPE}` })
const srv = (instance: string, target: string) => ({
  name: `${instance}.${TYPE}`,
  type: 'SRV',
  ttl: 120,
  data: { target, port: 8123 },
})

function setup(guard = new ServiceGuard()) {
  const queries: { name: string; type: string }[][] = []
  const ups: MdnsService[] = []
  const seen: [string, string][] = []
  const downs: [string, string | null][] = []
  const table = new ServiceTable({
    types: ['home-assistant'],
    held: guard,
    query: (q) => queries.push(q),
    onUp: (s) => ups.push(s),
    onSeen: (f, s) => seen.push([f, s]),
    onDown: (f, s) => downs.push([f, s]),
  })
  return { table, queries, ups, seen, downs }
}

describe('mDNS service table', () => {
  it('asks about a PTR-only instance and announces it once its SRV, TXT and address arrive', () => {
    const { table, queries, ups } = setup()
    table.track({ answers: [ptr('Home')] }, '192.0.2.10')
    expect(queries).toEqual([
      [
        { name: `Home.${TYPE}`, type: 'SRV' },
        { name: `Home.${TYPE}`, type: 'TXT' },
      ],
    ])
    expect(ups).toEqual([])

    table.track(
      {
        answers: [
          { name: `Home.${TYPE}`, type: 'SRV', ttl: 120, data: { target: 'ha.local', port: 8123 } },
          { name: `Home.${TYPE}`, type: 'TXT', ttl: 120, data: [Buffer.from('uuid=abc')] },
          { name: 'ha.local', type: 'A', ttl: 120, data: '192.0.2.10' },
        ],
      },
      '192.0.2.10',
    )
    expect(ups).toHaveLength(1)
    expect(ups[0]).toMatchObject({
      type: 'home-assistant',
      instance: 'Home',
      host: 'ha.local',
      port: 8123,
      addresses: ['192.0.2.10'],
      referer: '192.0.2.10',
    })
    expect(ups[0]!.rawTxt.map((b) => b.toString())).toEqual(['uuid=abc'])
  })

  it('reports a sighting of a held instance and a goodbye with the address that sent it', () => {
    const { table, seen, downs } = setup()
    table.track({ answers: [ptr('Home')] }, '192.0.2.10')
    table.track({ answers: [srv('Home', 'ha.local')] }, '192.0.2.10')
    table.track({ answers: [ptr('Home')] }, '192.0.2.10')
    expect(seen).toContainEqual([`home.${TYPE}`, '192.0.2.10'])
    table.track({ answers: [ptr('Home', 0)] }, '192.0.2.10')
    expect(downs).toEqual([[`home.${TYPE}`, '192.0.2.10']])
  })

  it('does not ask about more instances from one address than the guard allows', () => {
    const { table, queries } = setup(new ServiceGuard(64, 1))
    table.track({ answers: [ptr('One')] }, '192.0.2.20')
    table.track({ answers: [srv('One', 'one.local')] }, '192.0.2.20')
    const before = queries.length
    table.track({ answers: [ptr('Two')] }, '192.0.2.20')
    expect(
      queries
        .slice(before)
        .flat()
        .map((q) => q.name),
    ).not.toContain(`Two.${TYPE}`)
  })
})
