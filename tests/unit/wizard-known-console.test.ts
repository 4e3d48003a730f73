// The Find step shows one card per console (discovery.md §5 "Group a console's VLAN addresses under
// one MAC"): a console Keyward already knows under one of its VLAN addresses, or by the MAC its
// /api/system reports, is that discovered card, not a second "Checked before" one. The inventory
// items come from the real discovery store fed real UBNT replies (simulator fixtures).
import { describe, expect, it } from 'vitest'
import type { ConsoleRecord } from '../../shared/domain.ts'
import type { Fingerprint } from '../../electron/core/discovery/fingerprint.ts'
import { InventoryStore } from '../../electron/core/discovery/inventory.ts'
import { parseUbntPacket, type UbntReply } from '../../electron/core/discovery/ubnt.ts'
import { buildCards } from '../../renderer/src/wizard/model.ts'
import { SAMPLE_D_V2 } from '../simulators/ubnt/fixtures.ts'
import { substitute } from '../simulators/ubnt/packet.ts'

const parse = (b: Buffer): UbntReply => {
  const p = parseUbntPacket(b)
  if (p.kind !== 'reply') throw new Error('not a reply')
  return p.reply
}

const record = (over: Partial<ConsoleRecord>): ConsoleRecord =>
  ({
    key: '10.0.30.1:443',
    host: '10.0.30.1',
    port: 443,
    kind: 'unifi-os',
    model: 'UDMPROMAX',
    name: 'Home UDM',
    mac: null,
    certificateSha256: 'AA'.repeat(32),
    confirmed: true,
    ...over,
  }) as ConsoleRecord

/** A console answering from 192.168.1.1 with its other VLAN addresses in 0x02 (v2 cmd 9, §1.3). */
function consoleOnVlans(): InventoryStore {
  const store = new InventoryStore({ isLocal: (a) => a.startsWith('192.168.1.') })
  const reply = substitute(SAMPLE_D_V2, {
    interfaces: [
      { mac: 'E0:63:DA:00:5E:08', ip: '192.168.1.1' },
      { mac: 'E0:63:DA:00:5E:08', ip: '10.0.30.1' },
    ],
  })
  store.applyUbnt(parse(reply), '192.168.1.1', 'ubnt-v2')
  return store
}

describe('a known console found again by discovery', () => {
  it('is one card when Keyward knows it under another of its VLAN addresses', () => {
    const inventory = consoleOnVlans().list()
    expect(inventory[0]).toMatchObject({ address: '192.168.1.1', addresses: ['10.0.30.1', '192.168.1.1'] })
    const cards = buildCards(inventory, [record({})], {})
    expect(cards.map((c) => [c.key, c.name])).toEqual([['10.0.30.1:443', 'Home UDM']])
  })

  it('is one card when Keyward knows it by the MAC /api/system reported, not the UBNT one', () => {
    const store = consoleOnVlans()
    const fp: Fingerprint = {
      host: '192.168.1.1',
      port: 443,
      reachable: true,
      error: null,
      certificateSha256: 'AA'.repeat(32),
      console: {
        kind: 'unifi-os',
        model: 'UDMPROMAX',
        name: 'Home UDM',
        mac: '265A4C005E08',
        directConnectDomain: null,
        apps: [],
      },
      uispServer: null,
      uispDevice: null,
      at: 1,
    }
    const id = store.list()[0]!.id
    store.applyFingerprint(fp, id, false)
    const known = record({ key: 'udm.home.arpa:443', host: 'udm.home.arpa', mac: '265A4C005E08' })
    const cards = buildCards(store.list(), [known], {})
    expect(cards.map((c) => c.key)).toEqual(['udm.home.arpa:443'])
  })

  it('keeps two cards when the known address belongs to another discovered console', () => {
    const store = consoleOnVlans()
    const other = substitute(SAMPLE_D_V2, {
      mac: 'E0:63:DA:00:AA:AA',
      interfaces: [{ mac: 'E0:63:DA:00:AA:AA', ip: '10.0.30.1' }],
    })
    store.applyUbnt(parse(other), '10.0.30.1', 'ubnt-v2')
    const cards = buildCards(store.list(), [record({})], {})
    expect(cards.map((c) => c.key).sort()).toEqual(['10.0.30.1:443', '192.168.1.1:443'])
  })
})
