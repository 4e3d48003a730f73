// A card's UBNT evidence as the inventory shows it: replies fill it (newest non-null wins), the
// `ubnt` block shows the TLV fields, and the model line, firmware, state and uptime sit on the card.
import { describe, expect, it } from 'vitest'
import { absorbReply, emptyUbnt, viewOf, type Card } from '../../electron/core/discovery/card.ts'
import { parseUbntPacket, type UbntReply } from '../../electron/core/discovery/ubnt.ts'
import type { DiscoveryMethod } from '../../shared/inventory.ts'
import { SAMPLE_A, SAMPLE_C, SAMPLE_D_EXTRA } from '../simulators/ubnt/fixtures.ts'

const reply = (packet: Buffer): UbntReply => {
  const parsed = parseUbntPacket(packet)
  if (parsed.kind !== 'reply') throw new Error('fixture is not a reply')
  return parsed.reply
}

const card = (): Card => ({
  id: 'mac:802aa853587a',
  macs: ['802aa853587a'],
  replyAddresses: ['172.39.0.148'],
  addresses: new Set(['172.39.0.148']),
  sorted: null,
  ubnt: emptyUbnt(),
  https: null,
  ha: null,
  haAddresses: [],
  foundBy: new Set<DiscoveryMethod>(['ubnt-v2']),
  manualAddress: null,
  firstSeen: 0,
  lastSeen: 0,
  view: null,
})

describe('card UBNT evidence', () => {
  it('shows an announcement’s fields in the ubnt block and its firmware, state and uptime on the card', () => {
    const c = card()
    absorbReply(c.ubnt!, reply(SAMPLE_A))
    const view = viewOf(c, () => true)
    expect(view.ubnt).toMatchObject({
      signatures: ['v2'],
      commands: [6],
      echoed: false,
      hostname: 'Zi0001',
      platform: 'U7PG2',
      model: 'U7PG2',
      platformVersion: '3.4.1',
      unknown: [
        { type: 0x27, hex: '1ee19be8059b3ecf' },
        { type: 0x2a, hex: 'e4a6775b72a346c18ee19be8059b3ecf' },
      ],
    })
    expect(view.ubnt).not.toHaveProperty('firmware')
    expect(view).toMatchObject({
      firmware: 'BZ.qca956x_6.0.21+13673.220607.2004',
      version: '6.0.21.13673',
      state: 'managed',
      uptimeSeconds: 3457066,
      name: 'Zi0001',
    })
  })

  it('keeps what an earlier reply said when a later one leaves it out, and takes what the later one says', () => {
    const c = card()
    absorbReply(c.ubnt!, reply(SAMPLE_C))
    absorbReply(c.ubnt!, reply(SAMPLE_D_EXTRA))
    const view = viewOf(c, () => true)
    expect(view).toMatchObject({ productName: 'Unifi-Protect-UAP-Bridge', name: 'AlexanderTechRoom', state: 'managed' })
    expect(view.ubnt).toMatchObject({
      signatures: ['v1', 'v2'],
      commands: [6],
      systemId: 'a620',
      platform: 'UFP-UAP-B',
    })
  })
})
