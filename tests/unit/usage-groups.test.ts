// Which keys one usage read covers, and what it costs: one sign-in per (console, user), none for Access.
import { describe, expect, it } from 'vitest'
import type { KeyApp, KeyRecord } from '../../shared/domain.ts'
import { signInOf, usageGroups } from '../../electron/core/keys/usage-groups.ts'
import { keyRecord } from '../support/key-record.ts'

const key = (id: string, app: KeyApp, extra: Partial<KeyRecord> = {}): KeyRecord =>
  keyRecord(id, { app, username: 'kw-ha', remoteId: `remote-${id}`, passwordRef: 'pw-ha', ...extra })

const ids = (m: Map<string, KeyRecord[]>) => [...m.values()].map((g) => g.map((k) => k.id))

describe('usageGroups', () => {
  it('one sign-in for two keys of one user; another user and the admin’s own keys sign in apart', () => {
    const keys = [
      key('a', 'protect'),
      key('b', 'network'),
      key('c', 'protect', { username: 'kw-other', passwordRef: 'pw-other' }),
      key('d', 'protect', { username: 'admin', passwordRef: null }),
    ]
    const groups = usageGroups(keys, () => true, new Set(), false)
    expect(ids(groups.consoles)).toEqual([['a', 'b'], ['c'], ['d']])
  })

  it('never reads Access tokens, keys without a remote id, consoles not due, or a refused sign-in', () => {
    const refused = key('r', 'protect', { username: 'kw-refused', passwordRef: 'pw-r' })
    const keys = [
      key('x', 'access'),
      key('n', 'protect', { remoteId: null }),
      key('l', 'protect', { consoleKey: '192.0.2.9:443' }),
      refused,
      key('ok', 'protect'),
    ]
    const groups = usageGroups(keys, (c) => c !== '192.0.2.9:443', new Set([signInOf(refused)]), false)
    expect(ids(groups.consoles)).toEqual([['ok']])
  })

  it('UISP tokens by server, only where a token reader exists', () => {
    const keys = [key('u1', 'uisp'), key('u2', 'uisp', { consoleKey: 'uisp.example:443' })]
    expect(ids(usageGroups(keys, () => true, new Set(), true).uisp)).toEqual([['u1'], ['u2']])
    expect(usageGroups(keys, () => true, new Set(), false).uisp.size).toBe(0)
  })
})
