// The key list's pure wording: what "Last used" and "Role / scopes" say for each
// kind of reading, and sorting by last use.
import { describe, expect, it } from 'vitest'
import type { KeyView } from '../../shared/domain.ts'
import { keyView } from '../support/key-view.ts'
import { accessLabel, nextSort, sortKeys, usageLabel } from '../../renderer/src/keys/model.ts'

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
