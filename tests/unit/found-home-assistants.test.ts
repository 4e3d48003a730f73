// Which URL "Use <Home Assistant>" fills in for an instance discovery found: the
// token is sent there, so an announced URL counts only when it names the address
// the instance was found at.
import { describe, expect, it } from 'vitest'
import type { HomeAssistantDetails, InventoryItem } from '../../shared/inventory.ts'
import { foundHomeAssistants } from '../../renderer/src/keys/model.ts'

function item(address: string, ha: Partial<HomeAssistantDetails>): InventoryItem {
  return {
    id: `ha:${address}`, kind: 'home-assistant', name: 'Home', address, addresses: [address],
    homeAssistant: { instance: 'Home', port: 8123, locationName: 'Home', internalUrl: null, baseUrl: null, ...ha },
  } as InventoryItem
}

describe('foundHomeAssistants', () => {
  it('uses the announced URL when it names the address the instance answered from', () => {
    expect(foundHomeAssistants([item('10.73.0.16', { internalUrl: 'https://10.73.0.16:8443/lovelace' })])).toEqual([
      { id: 'ha:10.73.0.16', name: 'Home', url: 'https://10.73.0.16:8443' },
    ])
  })

  it('ignores an announced URL pointing elsewhere, and falls back to http://address:SRV port', () => {
    const spoofed = item('10.73.0.16', { internalUrl: 'http://203.0.113.9:8123', baseUrl: 'http://evil.example:8123', port: 8124 })
    expect(foundHomeAssistants([spoofed])[0]!.url).toBe('http://10.73.0.16:8124')
    expect(foundHomeAssistants([item('10.73.0.16', { port: null, internalUrl: 'not a url' })])[0]!.url).toBe('http://10.73.0.16:8123')
  })

  it('lists only Home Assistant cards with an address', () => {
    expect(foundHomeAssistants([{ ...item('10.73.0.16', {}), kind: 'device' }, { ...item('10.73.0.17', {}), address: null }])).toEqual([])
  })
})
