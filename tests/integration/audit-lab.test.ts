// The lab audit (issue 18) against two console simulators and a UISP simulator on loopback, plus a
// console that is trusted but not opened for audit and one in a sign-in lock-out. Everything goes
// through the core's contract (core.invoke); the simulators' own lists are the proof.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ActivityEntry, AuditCleanupResult, AuditReport, FindingKind } from '../../shared/audit.ts'
import type { Outcome } from '../../shared/result.ts'
import { seedApiKey } from '../simulators/console/keys.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { seedUser } from '../simulators/console/state.ts'
import { seedToken, UISP_OPERATOR } from '../simulators/uisp/state.ts'
import { startUisp } from '../simulators/uisp/testing.ts'
import type { RunningUisp } from '../simulators/uisp/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'
import { probeAndTrust, probeAndTrustUisp } from '../support/trust.ts'

const DAY = 86_400_000
const core = makeCore()
let nvr: RunningConsole // console A: Keyward's key, a foreign old key, a never-used key, an orphan admin
let udm: RunningConsole // console B: a key of a disabled admin
let bystander: RunningConsole // trusted, never opened for audit
let locked: RunningConsole // opened for audit while its sign-ins are locked
let uisp: RunningUisp
const at = (sim: { port: number }) => `127.0.0.1:${sim.port}`
const ids = { foreign: '', never: '', orphan: '', disabledKey: '', goneToken: '', foreignToken: '' }
let report: AuditReport

async function value<T>(name: string, input: unknown): Promise<T> {
  const outcome = (await core.invoke(name, input)) as Outcome<T>
  if (!outcome.ok) throw new Error(`${name}: ${outcome.error.message}`)
  return outcome.value
}

const findingsFor = (kind: FindingKind) => report.findings.filter((f) => f.kind === kind)

beforeAll(async () => {
  ;[nvr, udm, bystander, locked] = await Promise.all([
    startConsole('unvr'),
    startConsole('udm-pro', { apps: ['network', 'protect', 'access'], accessPort: 0 }),
    startConsole('unvr'),
    startConsole('unvr', { auth: { lockout: { maxFailures: 2, lockSeconds: 3600 } } }),
  ])
  uisp = await startUisp()
  const owner = (sim: RunningConsole) => [...sim.state.users.values()].find((u) => u.isOwner)!.id
  await provisionedKey(core, nvr)
  ids.foreign = seedApiKey(nvr.state, {
    userId: owner(nvr),
    name: 'old-script',
    createdAt: Date.now() - 400 * DAY,
    lastUsedAt: Date.now() - 200 * DAY,
  })
  ids.never = seedApiKey(nvr.state, { userId: owner(nvr), name: 'tried-once', createdAt: Date.now() - 30 * DAY })
  ids.orphan = seedUser(nvr.state, { username: 'old-integration' })

  await probeAndTrust(core, at(udm))
  await value('console.signIn', { key: at(udm), username: OWNER_USERNAME, password: OWNER_PASSWORD })
  const gone = seedUser(udm.state, { username: 'former-staff', status: 'DISABLED' })
  // An Access developer token made on Access's own settings page (unifi-os.md §5.3).
  udm.state.accessTokens.set('door-token-1', {
    id: 'door-token-1',
    name: 'door-panel',
    token: 'not-a-real-token-0000000000000000',
    scopes: ['view:device'],
    createdAt: Date.now() - 10 * DAY,
    expiresAt: null,
    creatorUserId: owner(udm),
  })
  ids.disabledKey = seedApiKey(udm.state, { userId: gone, name: 'staff-laptop', lastUsedAt: Date.now() - DAY })

  await probeAndTrust(core, at(bystander))
  await probeAndTrust(core, at(locked))
  for (let i = 0; i < 4; i++) {
    const o = await core.invoke('console.signIn', { key: at(locked), username: OWNER_USERNAME, password: 'wrong-1234' })
    if (!o.ok && o.error.code === 'locked-out') break
  }

  await probeAndTrustUisp(core, at(uisp))
  await value('uisp.signIn', { key: at(uisp), ...UISP_OPERATOR })
  const made = await value<{ record: { tokenId: string } }>('uisp.createToken', {
    key: at(uisp),
    purpose: 'monitor',
    name: 'ha-monitor',
  })
  ids.goneToken = made.record.tokenId
  uisp.state.tokens.delete(ids.goneToken) // deleted on the server's own page
  const operator = uisp.state.config.users.find((u) => u.username === UISP_OPERATOR.username)!.id
  ids.foreignToken = seedToken(uisp.state, {
    userId: operator,
    name: 'nightly',
    scope: 'admin',
    lastUsed: Date.now() - 3 * DAY,
  })
}, 120_000)

afterAll(async () => {
  await core.close()
  core.dispose()
})

describe('the lab audit', () => {
  it('reads only the hosts it was opened for, and skips a locked console without a login', async () => {
    const before = { bystander: bystander.state.requestCount, lockedLogins: locked.state.loginAttempts }
    const lockedRequests = locked.state.requestCount
    report = await value<AuditReport>('audit.open', {
      consoles: [at(nvr), at(udm), at(locked)],
      uispServers: [at(uisp)],
    })
    expect(bystander.state.requestCount).toBe(before.bystander)
    expect(locked.state.loginAttempts).toBe(before.lockedLogins)
    expect(locked.state.requestCount).toBe(lockedRequests)
    const skipped = report.hosts.find((h) => h.key === at(locked))
    expect(skipped).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/paused sign-ins/) })
    expect(report.hosts.filter((h) => h.state === 'read').map((h) => h.key)).toEqual([at(nvr), at(udm), at(uisp)])
    expect(report.hosts.map((h) => h.key)).not.toContain(at(bystander))
  })

  it('finds each problem with its reason', () => {
    const about = (kind: FindingKind, remoteId: string) =>
      findingsFor(kind).find((f) => f.credentialId?.endsWith(`|${remoteId}`))
    expect(about('unused', ids.foreign)).toMatchObject({
      subject: 'the API key “old-script” of admin',
      reason: expect.stringMatching(/Last used 200 days ago .*more than 90 days/),
      action: 'revoke-key',
    })
    expect(about('never-used', ids.never)).toMatchObject({ reason: expect.stringMatching(/never been used/) })
    expect(about('orphan-super-admin', ids.orphan)).toMatchObject({
      subject: 'the Super Admin old-integration',
      reason: expect.stringMatching(/holds no API key/),
      action: 'delete-user',
    })
    expect(about('owner-disabled', ids.disabledKey)).toMatchObject({
      reason: expect.stringMatching(/former-staff is disabled/),
    })
    const gone = findingsFor('gone-from-console').filter((f) => f.hostKey === at(uisp))
    expect(gone).toEqual([
      expect.objectContaining({ subject: 'the watched key “ha-monitor”', action: 'forget-record' }),
    ])
    // Neither the owner, nor Keyward's own dedicated user, nor the UI-account admin is an orphan.
    expect(findingsFor('orphan-super-admin').map((f) => f.subject)).toEqual(['the Super Admin old-integration'])
    // Access runs on the second console: its developer tokens are listed too.
    expect(report.hosts.find((h) => h.key === at(udm))?.listed).toContain('access-token')
    expect(report.credentials.find((c) => c.kind === 'access-token')).toMatchObject({
      hostKey: at(udm),
      remoteId: 'door-token-1',
      name: 'door-panel',
    })
    // The foreign UISP token that was used three days ago is listed, and not flagged.
    expect(report.credentials.some((c) => c.remoteId === ids.foreignToken)).toBe(true)
    expect(report.findings.some((f) => f.credentialId?.endsWith(ids.foreignToken))).toBe(false)
  })

  it('removes exactly what was confirmed, verified on the hosts, and logs each step', async () => {
    const confirmed = [
      findingsFor('unused').find((f) => f.credentialId?.endsWith(ids.foreign))!.id,
      findingsFor('never-used').find((f) => f.credentialId?.endsWith(ids.never))!.id,
      findingsFor('orphan-super-admin')[0]!.id,
      findingsFor('gone-from-console').find((f) => f.hostKey === at(uisp))!.id,
    ]
    const keysBefore = [...nvr.state.apiKeys.keys()]
    const usersBefore = [...nvr.state.users.keys()]
    const result = await value<AuditCleanupResult>('audit.cleanup', {
      ids: confirmed,
      confirmation: 'Remove 4 items; what uses them stops working.',
    })
    expect(result.items.map((i) => i.outcome)).toEqual(['removed', 'removed', 'removed', 'removed'])
    expect([...nvr.state.apiKeys.keys()].sort()).toEqual(
      keysBefore.filter((k) => k !== ids.foreign && k !== ids.never).sort(),
    )
    expect([...nvr.state.users.keys()].sort()).toEqual(usersBefore.filter((u) => u !== ids.orphan).sort())
    expect(udm.state.apiKeys.has(ids.disabledKey)).toBe(true) // found, not confirmed: kept
    expect(uisp.state.tokens.has(ids.foreignToken)).toBe(true)
    expect(core.keys.list().map((k) => k.name)).toEqual(['home-assistant'])
    // The audit read again after the cleanup no longer finds them.
    const left = result.report.findings.map((f) => f.subject)
    expect(left).not.toContain('the Super Admin old-integration')
    expect(left).not.toContain('the API key “old-script” of admin')

    const log = await value<ActivityEntry[]>('activity.list', {})
    const actions = log.map((e) => `${e.action}:${e.outcome}`)
    for (const step of [
      'probed:ok',
      'trusted:ok',
      'signed-in:ok',
      'signed-in:failed',
      'created-user:ok',
      'minted:ok',
      'verified:ok',
      'audited:ok',
      'audited:failed',
      'revoked:ok',
      'deleted-user:ok',
      'forgot:ok',
      'cleaned-up:ok',
    ])
      expect(actions).toContain(step)
    const deleted = log.find((e) => e.action === 'deleted-user')!
    expect(deleted).toMatchObject({
      hostKey: at(nvr),
      subject: 'the Super Admin old-integration',
      words: 'Remove 4 items; what uses them stops working.',
    })
    const perConsole = await value<ActivityEntry[]>('activity.list', { hostKey: at(udm) })
    expect(perConsole.length).toBeGreaterThan(0)
    expect(perConsole.every((e) => e.hostKey === at(udm))).toBe(true)
  })

  it('exports the activity log as CSV and JSON without a secret', async () => {
    const secrets = [...core.keys.list()].map((k) => k.keyRef)
    const csv = await value<{ filename: string; text: string }>('activity.export', { format: 'csv' })
    expect(csv.filename).toMatch(/^keyward-activity-\d{4}-\d{2}-\d{2}\.csv$/)
    expect(csv.text.split('\r\n')[0]).toBe('at,action,outcome,hostKey,keyId,subject,words,detail')
    expect(csv.text).toContain('deleted-user,ok')
    const json = await value<{ text: string }>('activity.export', { format: 'json' })
    expect((JSON.parse(json.text) as ActivityEntry[]).length).toBe(csv.text.trim().split('\r\n').length - 1)
    for (const ref of secrets) {
      const secret = await core.vault.get(ref)
      expect(secret).toBeTruthy()
      expect(csv.text).not.toContain(secret)
      expect(json.text).not.toContain(secret)
    }
    expect(csv.text).not.toContain(OWNER_PASSWORD)
    expect(csv.text).not.toContain(UISP_OPERATOR.password)
  })

  it('without an admin session, reads as Keyward’s stored account and says what that account may not see', async () => {
    await value('console.signOut', { key: at(nvr) })
    const loginsBefore = nvr.state.loginAttempts
    const again = await value<AuditReport>('audit.open', { consoles: [at(nvr)], uispServers: [] })
    expect(nvr.state.loginAttempts).toBe(loginsBefore + 1) // one sign-in, as the dedicated user
    const host = again.hosts[0]!
    expect(host).toMatchObject({ state: 'read', reason: null })
    expect(host.notes).toEqual([expect.stringMatching(/did not let this account read the API keys of admin/)])
    // Keyward's own key is still there and still watched: nothing is claimed gone from a list not read.
    expect(again.findings.filter((f) => f.kind === 'gone-from-console')).toEqual([])
  })
})
