// The Devices tab's model (renderer/src/devices/model.ts): groups with consoles
// first, the summary's counts, the wizard's address for a console, and titles that
// do not change under the user's eyes (issue 17).
import { describe, expect, it } from 'vitest'
import { consoleKey, foundCounts, groupInventory, laterName, stableTitles } from '../../renderer/src/devices/model.ts'
import { wizardTarget } from '../../renderer/src/route.ts'
import { inventoryItem as item } from '../support/inventory-item.ts'

const lan = [
  item({ id: 'ap1', model: 'U7PG2', name: 'AP-01' }),
  item({ id: 'ha', kind: 'home-assistant', name: 'Home' }),
  item({ id: 'udm', kind: 'console', name: 'UDM-Pro', address: '10.0.0.1', httpsPort: 443 }),
  item({ id: 'ap2', model: 'U7PG2', name: 'AP-02' }),
  item({ id: 'nvr', kind: 'nvr', name: 'UNVR', address: 'fe80::1', httpsPort: 8443 }),
  item({ id: 'cam', model: 'UVC G4 Pro', name: 'Cam-01' }),
  item({ id: 'uisp', kind: 'uisp-server', address: '10.0.0.9' }),
]

describe('Devices groups', () => {
  it('puts consoles and recorders first, then Home Assistant, UISP, and the rest by model, largest first', () => {
    const g = groupInventory(lan)
    expect(g.consoles.map((i) => i.id)).toEqual(['udm', 'nvr'])
    expect(g.homeAssistants.map((i) => i.id)).toEqual(['ha'])
    expect(g.uispServers.map((i) => i.id)).toEqual(['uisp'])
    expect(g.others.map((o) => [o.label, o.items.length])).toEqual([
      ['U7PG2', 2],
      ['UVC G4 Pro', 1],
    ])
  })

  it('counts what was found in words, consoles first, and nothing for an empty network', () => {
    expect(foundCounts(lan)).toBe('2 consoles, 3 devices, 1 UISP server, 1 Home Assistant')
    expect(foundCounts([lan[2]!])).toBe('1 console')
    expect(foundCounts([])).toBe('')
  })

  it('sends the wizard to a console by host:port (IPv6 bracketed), and reads it back from the route', () => {
    expect(consoleKey(lan[2]!)).toBe('10.0.0.1:443')
    expect(consoleKey(lan[4]!)).toBe('[fe80::1]:8443')
    expect(consoleKey(item({ kind: 'console' }))).toBeNull()
    expect(wizardTarget('#/new&console=10.0.0.1%3A443')).toEqual({ console: '10.0.0.1:443', uisp: null })
    expect(wizardTarget('#/new&uisp=10.0.0.9%3A443')).toEqual({ console: null, uisp: '10.0.0.9:443' })
    expect(wizardTarget('#/devices&console=10.0.0.1%3A443')).toEqual({ console: null, uisp: null })
  })
})

describe('stable titles', () => {
  it('keeps the first name shown; a later name goes to the details', () => {
    const first = stableTitles(new Map(), [item({ id: 'a', kind: 'console', name: 'UDM-Pro' })])
    const renamed = item({ id: 'a', kind: 'console', name: 'Dream Machine Pro' })
    const next = stableTitles(first, [renamed])
    expect(next.get('a')).toEqual({ title: 'UDM-Pro', named: true })
    expect(laterName(renamed, next.get('a'))).toBe('Dream Machine Pro')
  })

  it('replaces a stand-in title once, when the first real name arrives', () => {
    const nameless = item({ id: 'b', kind: 'console', model: 'UDMPRO', address: '10.0.0.1' })
    const first = stableTitles(new Map(), [nameless])
    expect(first.get('b')).toEqual({ title: 'UDMPRO at 10.0.0.1', named: false })
    // A new address does not move the stand-in either.
    expect(stableTitles(first, [{ ...nameless, address: '10.0.0.2' }]).get('b')!.title).toBe('UDMPRO at 10.0.0.1')
    const named = stableTitles(first, [{ ...nameless, name: 'Garage' }])
    expect(named.get('b')).toEqual({ title: 'Garage', named: true })
    expect(stableTitles(named, [{ ...nameless, name: 'Other' }]).get('b')!.title).toBe('Garage')
  })

  it('forgets cards that left', () => {
    const first = stableTitles(new Map(), [item({ id: 'c', name: 'X' })])
    expect(stableTitles(first, []).size).toBe(0)
  })
})
