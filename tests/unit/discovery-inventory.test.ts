// The inventory store (merging, de-duplication, classification, expiry) and
// interface selection, without sockets.
import { describe, expect, it } from 'vitest'
import type { HomeAssistantDetails, InventoryItem } from '../../shared/inventory.ts'
import type { Fingerprint } from '../../electron/core/discovery/fingerprint.ts'
import {
  broadcastOf,
  chooseInterfaces,
  inSubnet,
  listInterfaces,
  prefixFromNetmask,
  subnetHosts,
} from '../../electron/core/discovery/interfaces.ts'
import { InventoryStore, MAX_CARDS } from '../../electron/core/discovery/inventory.ts'
import { parseUbntPacket, type UbntReply } from '../../electron/core/discovery/ubnt.ts'
import { LOOPBACK } from '../support/loopback-mdns.ts'
import { SAMPLE_A, SAMPLE_B, SAMPLE_D_V0, SAMPLE_D_V2, SAMPLE_F_ER } from '../simulators/ubnt/fixtures.ts'
import { substitute } from '../simulators/ubnt/packet.ts'

const parse = (b: Buffer): UbntReply => {
  const p = parseUbntPacket(b)
  if (p.kind !== 'reply') throw new Error('not a reply')
  return p.reply
}

function clockStore(): { store: InventoryStore; tick: (ms: number) => void; changes: string[] } {
  let now = 1_700_000_000_000
  const changes: string[] = []
  const store = new InventoryStore({
    now: () => now,
    onChange: (k) => changes.push(k),
    isLocal: (a) => a.startsWith('192.168.1.'),
  })
  return {
    store,
    tick: (ms) => {
      now += ms
    },
    changes,
  }
}

const fp = (over: Partial<Fingerprint>): Fingerprint => ({
  host: '192.168.1.1',
  port: 443,
  reachable: true,
  error: null,
  certificateSha256: 'AA:BB',
  console: null,
  uispServer: null,
  uispDevice: null,
  at: 1,
  ...over,
})

/** A `_home-assistant._tcp` announcement from 192.168.1.50 as mdns-txt.ts reads it. */
const haDetails = (uuid: string): HomeAssistantDetails => ({
  instance: 'Home',
  fqdn: 'Home._home-assistant._tcp.local',
  host: 'x.local',
  port: 8123,
  uuid,
  version: '2026.9.1',
  locationName: 'Home',
  baseUrl: null,
  internalUrl: null,
  externalUrl: null,
  txt: {},
  rawTxt: [],
  source: '192.168.1.50',
  connectUrl: 'http://192.168.1.50:8123',
  urlIgnored: false,
  sameUuidElsewhere: [],
})

const only = (store: InventoryStore): InventoryItem => {
  const list = store.list()
  expect(list).toHaveLength(1)
  return list[0]!
}

describe('InventoryStore', () => {
  it('a console answering from two VLAN addresses is ONE card with both addresses (§1.6)', () => {
    const { store } = clockStore()
    const reply = parse(SAMPLE_D_V2)
    store.applyUbnt(reply, '192.168.1.1', 'ubnt-v2')
    store.applyUbnt(reply, '192.168.20.1', 'ubnt-v2')
    const card = only(store)
    expect(card).toMatchObject({
      id: 'mac:E063DA005E08',
      kind: 'console',
      model: 'UDMPROMAX',
      version: '10.3.47',
      firmware: '7.0.0',
      addresses: ['192.168.1.1', '192.168.20.1'],
      address: '192.168.1.1',
      foundBy: ['ubnt-v2'],
    })
  })

  it('a reply with zero-length text fields (§1.4) keeps the name and model another reply gave', () => {
    const { store } = clockStore()
    store.applyUbnt(parse(SAMPLE_A), '192.168.1.20', 'ubnt-v2')
    // The same AP answering with empty 0x0B/0x0C/0x15 and an all-NUL 0x14: nothing to show, nothing to blank.
    const empty = substitute(SAMPLE_A, { hostname: '', platform: '', model: '', productName: '\0' })
    const reply = parse(empty)
    expect([reply.hostname, reply.platform, reply.model, reply.productName, reply.problems]).toEqual([
      null,
      null,
      null,
      null,
      [],
    ])
    store.applyUbnt(reply, '192.168.1.20', 'ubnt-v1')
    expect(only(store)).toMatchObject({ name: 'Zi0001', model: 'U7PG2' })
  })

  it('the echo alone makes no card; it marks the console once one appears', () => {
    const { store } = clockStore()
    expect(store.applyEcho('192.168.1.1')).toBeNull()
    expect(store.size).toBe(0)
    expect(store.hasPendingEcho('192.168.1.1')).toBe(true)
    // v1 reply of a camera from the same address: the pending echo now applies.
    store.applyUbnt(parse(SAMPLE_B), '192.168.1.1', 'ubnt-v1')
    expect(only(store)).toMatchObject({ kind: 'console', ubnt: { echoed: true } })
  })

  it('an echo followed by a UniFi OS fingerprint is a console keyed by the /api/system MAC', () => {
    const { store } = clockStore()
    store.applyEcho('192.168.1.1')
    store.applyFingerprint(
      fp({
        console: {
          kind: 'unifi-os',
          model: 'UCKP',
          name: 'CloudKey',
          mac: '28704E522AFF',
          directConnectDomain: null,
          apps: ['protect'],
        },
      }),
      null,
      false,
    )
    expect(only(store)).toMatchObject({
      id: 'mac:28704E522AFF',
      kind: 'console',
      name: 'CloudKey',
      apps: ['protect'],
      platform: 'unifi-os',
      ubnt: { echoed: true },
    })
  })

  it('TLV 0x16 alone (sample A, an access point) does not make a console; v2 cmd 9 and v0 do', () => {
    const { store } = clockStore()
    store.applyUbnt(parse(SAMPLE_A), '192.168.1.20', 'ubnt-v2')
    store.applyUbnt(parse(SAMPLE_D_V0), '192.168.1.30', 'ubnt-v2')
    const kinds = Object.fromEntries(store.list().map((c) => [c.id, c.kind]))
    expect(kinds).toEqual({ 'mac:802AA853587A': 'device', 'mac:E4388332C9B1': 'nvr' })
  })

  it('an EdgeRouter without 0x01 is keyed by its first 0x02 MAC and lists every MAC and address', () => {
    const { store } = clockStore()
    store.applyUbnt(parse(SAMPLE_F_ER), '192.168.0.1', 'ubnt-v1')
    expect(only(store)).toMatchObject({
      id: 'mac:802AAEAEF163',
      kind: 'device',
      name: 'ubnt-router',
      model: 'ER-X',
      version: 'v1.10.7',
      macs: ['802AAEAEF15E', '802AAEAEF163'],
      addresses: ['55.55.55.10', '55.55.55.11', '55.55.55.12', '172.25.16.1', '192.168.0.1'],
    })
  })

  it('a reply with nothing identifying creates nothing', () => {
    const { store } = clockStore()
    expect(
      store.applyUbnt(parse(Buffer.from('0100000b0a00040000000117000100', 'hex')), '192.168.1.5', 'ubnt-v1'),
    ).toBeNull()
    expect(store.size).toBe(0)
  })

  it('fingerprints: UISP servers are keyed by address; unidentified hosts make no card unless typed in', () => {
    const { store } = clockStore()
    store.applyFingerprint(fp({ host: '192.168.1.9' }), null, false)
    expect(store.size).toBe(0)
    store.applyFingerprint(
      fp({ host: '192.168.1.10', uispServer: { version: '2.4.155', deployment: 'docker', build: null, time: null } }),
      null,
      false,
    )
    store.applyFingerprint(fp({ host: '192.168.1.9' }), null, true)
    const list = store.list()
    expect(list.map((c) => [c.id, c.kind, c.manual, c.foundBy])).toEqual([
      ['addr:192.168.1.10:443', 'uisp-server', false, ['https']],
      ['addr:192.168.1.9:443', 'device', true, ['https', 'manual']],
    ])
    expect(store.applyFingerprint(fp({ host: '192.168.1.11', reachable: false }), null, true)).toBeNull()
  })

  it('an address-keyed card becomes the MAC card when UBNT names its MAC', () => {
    const { store } = clockStore()
    store.applyFingerprint(fp({ host: '192.168.1.7' }), null, true)
    store.applyUbnt(
      parse(substitute(SAMPLE_B, { interfaces: [{ mac: 'E063DA000001', ip: '192.168.1.7' }], mac: 'E063DA000001' })),
      '192.168.1.7',
      'ubnt-v1',
    )
    expect(only(store)).toMatchObject({ id: 'mac:E063DA000001', manual: true, foundBy: ['https', 'manual', 'ubnt-v1'] })
  })

  it('expires silent cards but keeps manual ones; last-seen alone is a "touch"', () => {
    const { store, tick, changes } = clockStore()
    store.applyUbnt(parse(SAMPLE_B), '192.168.1.3', 'ubnt-v1')
    store.applyFingerprint(fp({ host: '192.168.1.9' }), null, true)
    changes.length = 0
    tick(1000)
    store.applyUbnt(parse(SAMPLE_B), '192.168.1.3', 'ubnt-v1')
    expect(changes).toEqual(['touch'])
    tick(60_000)
    expect(store.expire(30_000)).toBe(1)
    expect(store.list().map((c) => c.id)).toEqual(['addr:192.168.1.9:443'])
  })

  it('an announcement naming a console’s address (mDNS A records, §6) does not take its echo away', () => {
    const { store } = clockStore()
    // A console answering v1 only (no v2 cmd 9): the echo is what makes it a console (§1.6).
    const v1 = substitute(SAMPLE_D_V2, { header: { version: 1, command: 0 } })
    store.applyUbnt(parse(v1), '192.168.1.1', 'ubnt-v1')
    const consoleId = store.idForAddress('192.168.1.1')
    expect(store.get(consoleId!)!.kind).toBe('device')
    // Anyone may announce a Home Assistant whose A records list other hosts' addresses.
    const ha = haDetails('u-spoof')
    store.applyHomeAssistant(ha, ['192.168.1.50', '192.168.1.1'])
    expect(store.idForAddress('192.168.1.1')).toBe(consoleId)
    expect(store.idForAddress('192.168.1.50')).toBe('ha:u-spoof')
    expect(store.applyEcho('192.168.1.1')).toBe(consoleId)
    expect(store.get(consoleId!)!.kind).toBe('console')
    expect(store.get('ha:u-spoof')!.ubnt).toBeNull()
  })

  it('Home Assistant: keyed by uuid, refreshed by sightings, removed by a goodbye', () => {
    const { store, tick } = clockStore()
    const details = haDetails('u1')
    store.applyHomeAssistant(details, ['192.168.1.50'])
    expect(only(store)).toMatchObject({
      id: 'ha:u1',
      kind: 'home-assistant',
      name: 'Home',
      version: '2026.9.1',
      foundBy: ['mdns'],
    })
    const before = only(store).lastSeen
    tick(5000)
    store.touchMdns('home._home-assistant._tcp.local')
    expect(only(store).lastSeen).not.toBe(before)
    store.removeMdns('home._home-assistant._tcp.local')
    expect(store.size).toBe(0)
  })

  it(`never holds more than ${MAX_CARDS} cards (spoofed MAC floods)`, () => {
    let overflow = 0
    const store = new InventoryStore({
      onOverflow: () => {
        overflow++
      },
    })
    for (let i = 0; i < MAX_CARDS + 100; i++) {
      const mac = (0x0200_0000_0000 + i).toString(16).padStart(12, '0')
      store.applyUbnt(
        parse(substitute(SAMPLE_B, { mac, interfaces: [{ mac, ip: '10.0.0.1' }] })),
        `10.0.${i >> 8}.${i & 255}`,
        'ubnt-v1',
      )
    }
    expect(store.size).toBe(MAX_CARDS)
    expect(overflow).toBe(100)
  })

  it('sorts consoles first, then by name and address', () => {
    const { store } = clockStore()
    store.applyUbnt(parse(substitute(SAMPLE_B, { hostname: 'b-cam', mac: 'E063DA0000BB' })), '192.168.1.3', 'ubnt-v1')
    store.applyUbnt(parse(substitute(SAMPLE_A, { hostname: 'a-ap' })), '192.168.1.4', 'ubnt-v2')
    store.applyUbnt(parse(SAMPLE_D_V2), '192.168.1.1', 'ubnt-v2')
    expect(store.list().map((c) => c.name ?? c.model)).toEqual(['UDMPROMAX', 'a-ap', 'b-cam'])
  })
})

describe('interfaces', () => {
  const source = () =>
    ({
      ...LOOPBACK(),
      eth0: [
        {
          address: '192.168.1.20',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '3c:22:fb:00:00:01',
          internal: false,
          cidr: '192.168.1.20/24',
        },
        {
          address: 'fe80::1',
          netmask: 'ffff:ffff:ffff:ffff::',
          family: 'IPv6',
          mac: '3c:22:fb:00:00:01',
          internal: false,
          cidr: 'fe80::1/64',
          scopeid: 2,
        },
      ],
      wlan0: [
        {
          address: '169.254.3.4',
          netmask: '255.255.0.0',
          family: 'IPv4',
          mac: '3c:22:fb:00:00:02',
          internal: false,
          cidr: '169.254.3.4/16',
        },
      ],
      tailscale0: [
        {
          address: '100.64.0.5',
          netmask: '255.255.255.255',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: '100.64.0.5/32',
        },
      ],
      wg0: [
        {
          address: '10.8.0.2',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: '10.8.0.2/24',
        },
      ],
      docker0: [
        {
          address: '172.17.0.1',
          netmask: '255.255.0.0',
          family: 'IPv4',
          mac: '02:42:00:00:00:01',
          internal: false,
          cidr: '172.17.0.1/16',
        },
      ],
    }) as never

  it('recommends real LAN interfaces and says why others are skipped', () => {
    const list = listInterfaces(source)
    expect(list.map((i) => [i.name, i.recommended, i.skipReason, i.broadcast])).toEqual([
      ['eth0', true, null, '192.168.1.255'],
      ['lo', false, 'loopback', '127.255.255.255'],
      ['wlan0', false, 'link-local address only', '169.254.255.255'],
      ['tailscale0', false, 'looks like a VPN tunnel', null],
      ['wg0', false, 'looks like a VPN tunnel', '10.8.0.255'],
      ['docker0', false, 'looks like a container or VM network', '172.17.255.255'],
    ])
    expect(list[0]).toMatchObject({ mac: '3C22FB000001', prefixLength: 24 })
    expect(
      listInterfaces(() => {
        throw new Error('boom')
      }),
    ).toEqual([])
  })

  it('chooses by name or address; default = recommended; reports unknown names', () => {
    const list = listInterfaces(source)
    expect(chooseInterfaces(list, undefined).chosen.map((i) => i.name)).toEqual(['eth0'])
    expect(chooseInterfaces(list, ['wg0', '127.0.0.1', 'eth9'])).toMatchObject({
      chosen: [{ name: 'wg0' }, { name: 'lo' }],
      missing: ['eth9'],
    })
  })

  it('does subnet arithmetic', () => {
    expect(prefixFromNetmask('255.255.252.0')).toBe(22)
    expect(prefixFromNetmask('255.0.255.0')).toBeNull()
    expect(prefixFromNetmask('255.255.255.255')).toBe(32)
    expect(broadcastOf('10.73.0.10', 24)).toBe('10.73.0.255')
    expect(broadcastOf('10.0.0.1', 31)).toBeNull()
    expect(inSubnet('10.73.0.99', '10.73.0.10', 24)).toBe(true)
    expect(inSubnet('10.73.10.1', '10.73.0.10', 24)).toBe(false)
    expect(subnetHosts('10.73.0.10', 24, 1022)).toHaveLength(254)
    expect(subnetHosts('10.73.0.10', 16, 1022)).toBeNull()
  })
})
