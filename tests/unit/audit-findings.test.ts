// The audit's findings (issue 18) as pure functions: each rule, its reason in words, and the cases it
// must leave alone. Expected values are written out here, never computed by the code under test.
import { describe, expect, it } from 'vitest'
import type { AuditCredential, AuditHostResult } from '../../shared/audit.ts'
import type { KeyRecord } from '../../shared/domain.ts'
import { findingsOf, type FindingContext } from '../../electron/core/audit/findings.ts'
import { UNKNOWN_FIELDS } from '../../electron/core/audit/inventory.ts'
import { keyRecord } from '../support/key-record.ts'

const NOW = Date.parse('2026-12-01T12:00:00Z')
const HOST = '192.0.2.1:443'
const daysAgo = (n: number) => new Date(NOW - n * 86_400_000).toISOString()

function cred(kind: AuditCredential['kind'], remoteId: string, extra: Partial<AuditCredential> = {}): AuditCredential {
  return {
    id: `${HOST}|${kind}|${remoteId}`,
    hostKey: HOST,
    hostLabel: 'NVR',
    kind,
    remoteId,
    ...UNKNOWN_FIELDS,
    name: remoteId,
    status: 'ACTIVE',
    usageReported: kind === 'api-key' || kind === 'uisp-token',
    trackedKeyId: null,
    madeByKeyward: false,
    ...extra,
  }
}

const owner = cred('local-admin', 'u-owner', { name: 'admin', superAdmin: true, isOwner: true, localOnly: true })
const keyOf = (id: string, extra: Partial<AuditCredential> = {}) =>
  cred('api-key', id, { owner: 'admin', ownerId: 'u-owner', lastUsedAt: daysAgo(1), ...extra })
const readHost: AuditHostResult = {
  key: HOST,
  label: 'NVR',
  kind: 'console',
  state: 'read',
  reason: null,
  notes: [],
  listed: ['local-admin', 'api-key'],
  keysReadFor: ['admin', 'keyward-ha'],
}

function ctx(keys: KeyRecord[] = [], extra: Partial<FindingContext> = {}): FindingContext {
  return {
    now: NOW,
    unusedDays: 90,
    expiringDays: 7,
    signedInUserIds: new Map([[HOST, 'u-owner']]),
    pushedTo: (k) => (k.pushedTo.length ? ['http://ha.local:8123'] : []),
    known: { keys, provisions: [], uispFlows: [] },
    ...extra,
  }
}

const kinds = (all: AuditCredential[], c = ctx(), hosts = [readHost]) =>
  findingsOf(hosts, all, c).map((f) => `${f.kind} ${f.credentialId ?? f.keyId}`)

describe('audit findings', () => {
  it('flags a key unused for longer than the preference, and one never used', () => {
    const all = [
      owner,
      keyOf('k89', { lastUsedAt: daysAgo(89) }),
      keyOf('k91', { lastUsedAt: daysAgo(91) }),
      keyOf('kn', { lastUsedAt: null }),
    ]
    expect(kinds(all)).toEqual([`unused ${HOST}|api-key|k91`, `never-used ${HOST}|api-key|kn`])
    expect(kinds(all, ctx([], { unusedDays: 30 }))).toContain(`unused ${HOST}|api-key|k89`)
    const [unused] = findingsOf([readHost], [owner, keyOf('k91', { lastUsedAt: daysAgo(91) })], ctx())
    expect(unused?.reason).toBe(`Last used 91 days ago (${daysAgo(91).slice(0, 10)}), more than 90 days.`)
  })

  it('flags a key whose account is gone or not active', () => {
    const disabled = cred('local-admin', 'u-old', { name: 'old', status: 'DISABLED', localOnly: true })
    const all = [
      owner,
      disabled,
      keyOf('k1', { owner: 'old', ownerId: 'u-old' }),
      keyOf('k2', { owner: 'x', ownerId: 'u-x' }),
    ]
    const found = findingsOf([readHost], all, ctx())
    expect(found.map((f) => [f.kind, f.reason])).toEqual([
      ['owner-disabled', 'Its account old is disabled on NVR.'],
      ['owner-gone', 'Its account x is no longer on NVR.'],
    ])
  })

  it('flags a local-only Super Admin without a key, and leaves the owner, the signed-in, Keyward’s and UI accounts', () => {
    const all = [
      owner,
      cred('local-admin', 'u-orphan', { name: 'orphan', superAdmin: true, localOnly: true }),
      cred('local-admin', 'u-me', { name: 'me', superAdmin: true, localOnly: true }),
      cred('local-admin', 'u-kw', { name: 'keyward-ha', superAdmin: true, localOnly: true, madeByKeyward: true }),
      cred('local-admin', 'u-ui', { name: 'person@example.com', superAdmin: true, localOnly: false }),
      cred('local-admin', 'u-holder', { name: 'holder', superAdmin: true, localOnly: true }),
      keyOf('kh', { owner: 'holder', ownerId: 'u-holder' }),
      cred('local-admin', 'u-view', { name: 'viewer', superAdmin: false, localOnly: true }),
    ]
    const c = ctx([], { signedInUserIds: new Map([[HOST, 'u-me']]) })
    expect(kinds(all, c)).toEqual([`orphan-super-admin ${HOST}|local-admin|u-orphan`])
    const [f] = findingsOf([readHost], all, c)
    expect(f).toMatchObject({ action: 'delete-user', subject: 'the Super Admin orphan' })
    expect(f?.stops).toEqual(['orphan can no longer sign in to NVR.'])
  })

  it('flags a key Keyward made but no longer watches, and a watched key its host no longer lists', () => {
    const tracked = keyRecord('w1', { consoleKey: HOST, remoteId: 'gone', name: 'ha-protect', pushedTo: ['ha1'] })
    const all = [
      owner,
      cred('local-admin', 'u-kw', { name: 'keyward-ha', superAdmin: true, madeByKeyward: true }),
      keyOf('made', { madeByKeyward: true }),
    ]
    const found = findingsOf([readHost], all, ctx([tracked]))
    expect(found.map((f) => f.kind)).toEqual(['untracked-keyward', 'gone-from-console'])
    expect(found[1]).toMatchObject({
      keyId: 'w1',
      action: 'forget-record',
      reason: 'Keyward watches it, but NVR no longer lists it: it was removed there.',
    })
    expect(found[1]?.stops[0]).toBe('Home Assistant at http://ha.local:8123 still holds it; it no longer works there.')
  })

  it('flags a watched Protect key on a console Protect has left, naming where it runs now; not while it runs there', () => {
    const tracked = keyRecord('w2', { consoleKey: HOST, remoteId: 'p1', app: 'protect', name: 'ha-protect' })
    const all = [owner, keyOf('p1', { trackedKeyId: 'w2', madeByKeyward: true })]
    const moved = ctx([tracked], {
      appsOf: (host) => (host === HOST ? ['network'] : null),
      runsOn: (app) => (app === 'protect' ? ['UNVR (192.0.2.9)'] : ['NVR']),
    })
    const found = findingsOf([readHost], all, moved).filter((f) => f.kind === 'app-moved')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({
      credentialId: `${HOST}|api-key|p1`,
      keyId: 'w2',
      action: 'revoke-key',
      reason:
        'Protect no longer runs on NVR, so this key cannot reach it; it still opens everything else there. Protect runs on UNVR (192.0.2.9) now: make its key there.',
    })
    // Still there, or never checked for apps: nothing to say.
    const stays = ctx([tracked], { appsOf: () => ['protect', 'network'], runsOn: () => ['NVR'] })
    expect(findingsOf([readHost], all, stays).filter((f) => f.kind === 'app-moved')).toEqual([])
    const unknown = ctx([tracked], { appsOf: () => null })
    expect(findingsOf([readHost], all, unknown).filter((f) => f.kind === 'app-moved')).toEqual([])
  })

  it('claims nothing is gone from a list it could not read', () => {
    const tracked = keyRecord('w1', { consoleKey: HOST, remoteId: 'r1', username: 'other-admin' })
    const access = keyRecord('w2', { consoleKey: HOST, remoteId: 'r2', app: 'access' })
    const other = cred('local-admin', 'u-o', { name: 'other-admin', superAdmin: false })
    expect(kinds([owner, other], ctx([tracked, access]))).toEqual([])
    expect(kinds([owner, other], ctx([tracked]), [{ ...readHost, state: 'skipped' }])).toEqual([])
  })

  it('flags a UISP token with a broader scope than its stated use, and one that expires soon', () => {
    const watched = keyRecord('t1', {
      app: 'uisp',
      consoleKey: HOST,
      remoteId: 'tok',
      uisp: { purpose: 'monitor', scope: 'guest' },
    })
    const uispHost: AuditHostResult = { ...readHost, kind: 'uisp', listed: ['uisp-token'] }
    const token = cred('uisp-token', 'tok', {
      role: 'admin',
      trackedKeyId: 't1',
      lastUsedAt: daysAgo(1),
      expiresAt: daysAgo(-3),
    })
    const found = findingsOf([uispHost], [token], ctx([watched]))
    expect(found.map((f) => [f.kind, f.reason])).toEqual([
      ['broad-scope', 'It carries Admin rights, more than its stated use needs (Guest (read-only)).'],
      ['expiring', `It expires in 3 days (${daysAgo(-3).slice(0, 10)}).`],
    ])
    const fine = cred('uisp-token', 'tok', {
      role: 'guest',
      trackedKeyId: 't1',
      lastUsedAt: daysAgo(1),
      expiresAt: daysAgo(-30),
    })
    expect(findingsOf([uispHost], [fine], ctx([watched]))).toEqual([])
  })
})
