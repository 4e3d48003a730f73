// Which URL "Use <Home Assistant>" fills in for an instance discovery found: the
// token is sent there, so an announced URL counts only when its host is the source
// address of the announcing packet (discovery.md §6; core: mdns.ts `announcedTarget`),
// and an instance claimed by two announcers is shown twice, each with a warning.
import { describe, expect, it } from 'vitest'
import type { HomeAssistantDetails, InventoryItem } from '../../shared/inventory.ts'
import { announcedTarget } from '../../electron/core/discovery/mdns.ts'
import { foundHomeAssistants } from '../../renderer/src/keys/model.ts'

function item(id: string, ha: Partial<HomeAssistantDetails>): InventoryItem {
  return {
    id,
    kind: 'home-assistant',
    name: 'Home',
    address: '10.73.0.16',
    addresses: ['10.73.0.16'],
    homeAssistant: {
      instance: 'Home',
      port: 8123,
      locationName: 'Home',
      internalUrl: null,
      baseUrl: null,
      connectUrl: null,
      urlIgnored: false,
      sameUuidElsewhere: [],
      ...ha,
    },
  } as InventoryItem
}

describe('announcedTarget', () => {
  it('uses the announced URL when its host is the packet source', () => {
    expect(announcedTarget('10.73.0.16', 8123, ['https://10.73.0.16:8443/lovelace', null])).toEqual({
      connectUrl: 'https://10.73.0.16:8443',
      urlIgnored: false,
    })
  })

  it('ignores (and marks) a URL naming another host, even one the announcement’s A records name', () => {
    expect(announcedTarget('10.73.0.16', 8124, ['http://203.0.113.9:8123', 'http://evil.example:8123'])).toEqual({
      connectUrl: 'http://10.73.0.16:8124',
      urlIgnored: true,
    })
    expect(announcedTarget('10.73.0.16', null, ['not a url', null])).toEqual({
      connectUrl: 'http://10.73.0.16:8123',
      urlIgnored: false,
    })
    expect(announcedTarget(null, 8123, ['http://10.73.0.16:8123'])).toEqual({ connectUrl: null, urlIgnored: true })
  })
})

describe('foundHomeAssistants', () => {
  it('offers the core’s connect URL, and warns about ignored URLs and a second claimant', () => {
    expect(foundHomeAssistants([item('ha:u1', { connectUrl: 'https://10.73.0.16:8443' })])).toEqual([
      { id: 'ha:u1', name: 'Home', url: 'https://10.73.0.16:8443', warning: null },
    ])
    const [real, spoof] = foundHomeAssistants([
      item('ha:u1', { connectUrl: 'http://10.73.0.16:8123', sameUuidElsewhere: ['10.73.0.66'] }),
      item('ha:u1@10.73.0.66', {
        connectUrl: 'http://10.73.0.66:8123',
        urlIgnored: true,
        sameUuidElsewhere: ['10.73.0.16'],
      }),
    ])
    expect(real).toMatchObject({
      url: 'http://10.73.0.16:8123',
      warning: expect.stringMatching(/Another device \(10\.73\.0\.66\) announces itself as this same Home Assistant/),
    })
    expect(spoof).toMatchObject({
      url: 'http://10.73.0.66:8123',
      warning: expect.stringMatching(/10\.73\.0\.16.*ignored that/),
    })
  })

  it('lists only Home Assistant cards with somewhere to connect', () => {
    expect(
      foundHomeAssistants([
        { ...item('a', { connectUrl: 'http://10.73.0.16:8123' }), kind: 'device' },
        item('b', { connectUrl: null }),
      ]),
    ).toEqual([])
  })
})
