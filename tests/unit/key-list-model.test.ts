// The key list's pure wording: what "Last used" and "Role / scopes" say for each
// kind of reading, sorting by last use, what Rotate updates, and how same-named keys differ.
import { describe, expect, it } from 'vitest'
import type { HaSummary, KeyView } from '../../shared/domain.ts'
import { keyView } from '../support/key-view.ts'
import {
  accessLabel,
  consoleLine,
  nextSort,
  rotateConsequences,
  sortKeys,
  usageLabel,
} from '../../renderer/src/keys/model.ts'

const at = (offsetMs: number) => new Date(Date.parse('2026-11-20T12:00:00Z') + offsetMs).toISOString()
const NOW = Date.parse('2026-11-20T12:30:00Z')

const key = (over: Partial<KeyView>): KeyView => keyView({ consoleKey: '10.0.0.1', ...over }, at(0))

describe('usageLabel', () => {
  it('says when a key has not been read, was never used, or is an Access token that reports no use', () => {
    expect(usageLabel(key({}), NOW)).toMatchObject({ text: 'not read yet', muted: true })
    expect(usageLabel(key({ usage: { lastUsedAt: null, readAt: at(0) } }), NOW)).toMatchObject({
      text: 'never',
      muted: true,
    })
    expect(usageLabel(key({ app: 'access', usage: { lastUsedAt: at(0), readAt: at(0) } }), NOW)).toMatchObject({
      text: 'not reported',
    })
  })

  it('labels a use within seconds of Keyward’s last check as that check, and any other use plainly', () => {
    expect(usageLabel(key({ usage: { lastUsedAt: at(900), readAt: at(1000) } }), NOW)).toMatchObject({
      text: '30 min ago',
      note: 'Keyward’s check',
      muted: false,
    })
    expect(usageLabel(key({ usage: { lastUsedAt: at(10 * 60_000), readAt: at(11 * 60_000) } }), NOW)).toMatchObject({
      text: '20 min ago',
      note: null,
    })
  })
})

describe('accessLabel', () => {
  it('puts the key’s own app first and counts the rest', () => {
    const scopes = [
      'access.management: admin',
      'network.management: admin',
      'protect.management: admin',
      'talk.management: admin',
    ]
    expect(accessLabel(key({ access: { role: 'Super Admin', scopes } }))).toMatchObject({
      role: 'Super Admin',
      scopes: 'protect admin, access admin +2',
    })
    expect(
      accessLabel(key({ app: 'access', access: { role: null, scopes: ['view:device', 'edit:user'] } })),
    ).toMatchObject({ role: null, scopes: 'view:device, edit:user' })
    expect(accessLabel(key({}))).toBeNull()
  })
})

describe('sorting by last use', () => {
  it('starts newest first and puts unread keys last', () => {
    const keys = [
      key({ name: 'a' }),
      key({ name: 'b', usage: { lastUsedAt: at(5000), readAt: at(6000) } }),
      key({ name: 'c', usage: { lastUsedAt: at(9000), readAt: at(9000) } }),
    ]
    const sort = nextSort({ by: 'name', dir: 'ascending' }, 'used')
    expect(sort).toEqual({ by: 'used', dir: 'descending' })
    expect(sortKeys(keys, sort).map((k) => k.name)).toEqual(['c', 'b', 'a'])
  })
})

describe('rotateConsequences', () => {
  const ha = [
    { id: 'h1', url: 'http://ha.local:8123', locationName: 'Home' },
    { id: 'h2', url: 'http://other:8123', locationName: null },
  ] as HaSummary[]

  it('names each Home Assistant the new key goes to, and leaves the rest to the user', () => {
    const { updates, byHand } = rotateConsequences(key({ app: 'protect', pushedTo: ['h1'] }), ha)
    expect(updates).toEqual([
      'Home Assistant’s UniFi Protect integration on Home (http://ha.local:8123) gets the new key.',
    ])
    expect(byHand).toMatch(/^Anything else you gave this key to .* by hand\.$/)
  })

  it('says plainly that nothing is updated when Keyward knows of no consumer', () => {
    const { updates, byHand } = rotateConsequences(key({ pushedTo: [] }), ha)
    expect(updates).toEqual([])
    expect(byHand).toMatch(/^Keyward knows of nothing that uses this key, so it updates nothing/)
  })
})

describe('consoleLine', () => {
  it('adds the address only when a same-named key sits on a console of the same name', () => {
    const a = key({ id: 'a', name: 'ha', consoleName: 'NVR', consoleKey: '10.0.0.1:443' })
    const b = key({ id: 'b', name: 'HA', consoleName: 'NVR', consoleKey: '10.0.0.2:443' })
    const c = key({ id: 'c', name: 'ha', consoleName: 'Dream Machine', consoleKey: '10.0.0.3:443' })
    expect(consoleLine(a, [a, b, c])).toBe('NVR · 10.0.0.1:443')
    expect(consoleLine(c, [a, b, c])).toBe('Dream Machine')
    expect(consoleLine(a, [a, c])).toBe('NVR')
  })
})
