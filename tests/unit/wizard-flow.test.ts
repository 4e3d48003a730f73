// The wizard's run rules (renderer/src/wizard/flow.ts, persisted.ts): which flow is the user's, when
// "Create the key" again resumes instead of making a second user, what a flow found after the window
// reopened leads to, and what comes back from storage.
import { describe, expect, it } from 'vitest'
import type { ConsoleProbe, ProvisionPlan } from '../../shared/domain.ts'
import type { ProvisionView } from '../../shared/views.ts'
import { draftFor, isOurFlow, keepFirstContact, reopened, resumable } from '../../renderer/src/wizard/flow.ts'
import type { ProbeEntry } from '../../renderer/src/wizard/model.ts'
import { sanitize, type PlanDraft, type Target } from '../../renderer/src/wizard/persisted.ts'
import { IDLE_CLEANUP } from '../../renderer/src/wizard/state.ts'

const T0 = Date.parse('2026-12-01T10:00:00Z')
const target: Target = { key: '10.0.0.2:443', host: '10.0.0.2', name: 'Dream Machine', model: 'UDMPRO' }
const draft: PlanDraft = {
  key: target.key,
  app: 'protect',
  username: 'keyward-ha',
  keyName: 'home-assistant',
  accessValidityDays: 365,
}

const record = (over: Partial<ProvisionView> = {}): ProvisionView => ({
  id: 'flow-1',
  consoleKey: target.key,
  app: 'protect',
  mode: 'dedicated-user',
  username: 'keyward-ha',
  keyName: 'home-assistant',
  userId: 'u1',
  keyId: null,
  expiresAt: null,
  accessValidityDays: null,
  steps: { user: 'done', key: 'failed', verify: 'pending' },
  lastError: { code: 'unreachable', message: 'The console did not answer.' },
  createdAt: new Date(T0 + 1000).toISOString(),
  updatedAt: new Date(T0 + 2000).toISOString(),
  ...over,
})

const stopped = (over: Partial<Parameters<typeof resumable>[0]> = {}) => ({
  app: 'protect' as const,
  target,
  draft,
  provisionId: 'flow-1',
  outcome: null,
  progress: record(),
  cleanup: IDLE_CLEANUP,
  ...over,
})

describe('resumable: running again continues the stopped flow (no second user, no stray key)', () => {
  it('resumes a stopped flow for the same console, app, mode and names (names compared trimmed)', () => {
    expect(resumable(stopped(), 'dedicated-user')).toBe(true)
    expect(resumable(stopped({ draft: { ...draft, keyName: ' home-assistant ' } }), 'dedicated-user')).toBe(true)
  })
  it('starts afresh when the user changed a name, the mode, or the flow finished or is being cleaned up', () => {
    expect(resumable(stopped({ draft: { ...draft, keyName: 'other' } }), 'dedicated-user')).toBe(false)
    expect(resumable(stopped({ draft: { ...draft, username: 'someone' } }), 'dedicated-user')).toBe(false)
    expect(resumable(stopped(), 'signed-in-admin')).toBe(false)
    expect(
      resumable(
        stopped({ progress: record({ steps: { user: 'done', key: 'done', verify: 'skipped' } }) }),
        'dedicated-user',
      ),
    ).toBe(false)
    expect(resumable(stopped({ cleanup: { ...IDLE_CLEANUP, flow: 'flow-1' } }), 'dedicated-user')).toBe(false)
    expect(resumable(stopped({ provisionId: null }), 'dedicated-user')).toBe(false)
  })
  it('the Super Admin fallback does not care about the dedicated user name', () => {
    const admin = record({ mode: 'signed-in-admin', username: 'admin' })
    expect(resumable(stopped({ progress: admin }), 'signed-in-admin')).toBe(true)
  })
})

describe('isOurFlow', () => {
  const ref = { provisionId: null, runStartedAt: T0, target, app: 'protect' as const }
  it('follows the flow by id once it is known', () => {
    expect(isOurFlow(record(), { ...ref, provisionId: 'flow-1' })).toBe(true)
    expect(isOurFlow(record({ id: 'flow-2' }), { ...ref, provisionId: 'flow-1' })).toBe(false)
  })
  it('before the id is known: a flow for the same console and app created since the run was asked for (5 s slack)', () => {
    expect(isOurFlow(record(), ref)).toBe(true)
    expect(isOurFlow(record({ createdAt: new Date(T0 - 4000).toISOString() }), ref)).toBe(true)
    expect(isOurFlow(record({ createdAt: new Date(T0 - 60_000).toISOString() }), ref)).toBe(false)
    expect(isOurFlow(record({ app: 'network' }), ref)).toBe(false)
    expect(isOurFlow(record({ consoleKey: '10.0.0.9:443' }), ref)).toBe(false)
    expect(isOurFlow(record(), { ...ref, runStartedAt: null })).toBe(false)
  })
})

describe('reopened: the window closed mid-run and opened again', () => {
  it('no flow and no id: the console was never asked; the user is sent back to the plan', () => {
    const r = reopened(undefined, false)
    expect(r.kind).toBe('never-started')
    expect(r.kind === 'never-started' && r.error.message).toMatch(/Create the key again/)
  })
  it('an id whose flow is gone says so', () => {
    expect(reopened(undefined, true)).toMatchObject({ kind: 'gone', error: { code: 'not-found' } })
  })
  it('a running flow is followed, a finished one fetched, a stopped one shows its own error', () => {
    expect(reopened(record({ steps: { user: 'done', key: 'running', verify: 'pending' } }), true).kind).toBe('running')
    expect(reopened(record({ steps: { user: 'done', key: 'done', verify: 'done' }, lastError: null }), true).kind).toBe(
      'finished',
    )
    expect(reopened(record(), true)).toMatchObject({
      kind: 'stopped',
      error: { code: 'unreachable', message: 'The console did not answer.' },
    })
    expect(reopened(record({ lastError: null }), true)).toMatchObject({ kind: 'stopped', error: { code: 'internal' } })
  })
})

describe('draftFor', () => {
  const plan = { username: 'keyward-ha', keyName: 'home-assistant', accessValidityDays: undefined } as ProvisionPlan
  it("keeps the user's edits for the same console and app", () => {
    const edited = { ...draft, keyName: 'mine' }
    expect(draftFor(plan, target, 'protect', edited)).toBe(edited)
  })
  it("takes the plan's proposal for another app or console (a year for Access unless the plan says)", () => {
    expect(draftFor(plan, target, 'access', { ...draft, keyName: 'mine' })).toEqual({
      key: target.key,
      app: 'access',
      username: 'keyward-ha',
      keyName: 'home-assistant',
      accessValidityDays: 365,
    })
    expect(draftFor({ ...plan, accessValidityDays: 0 }, target, 'access', null).accessValidityDays).toBe(0)
  })
})

describe('keepFirstContact', () => {
  const probe = (trust: ConsoleProbe['trust'], sha256 = 'AA') =>
    ({ status: 'done', result: { trust, certificate: { sha256 } } }) as unknown as ProbeEntry
  it('a second look at a first-contact console still shows the first-contact screen', () => {
    const next = keepFirstContact(probe('first-contact'), probe('matches'))
    expect(next.status === 'done' && next.result.trust).toBe('first-contact')
  })
  it('a different certificate, or a change, is shown as it is', () => {
    const other = keepFirstContact(probe('first-contact'), probe('matches', 'BB'))
    expect(other.status === 'done' && other.result.trust).toBe('matches')
    const changed = keepFirstContact(probe('first-contact'), probe('changed'))
    expect(changed.status === 'done' && changed.result.trust).toBe('changed')
  })
})

describe('sanitize (what comes back from storage)', () => {
  it('keeps known fields, drops unknown ones and anything that is not an object', () => {
    const back = sanitize({ step: 'plan', confirmed: { [target.key]: 'AA' }, password: 'hunter2', extra: 1 })
    expect(back.step).toBe('plan')
    expect(back.confirmed).toEqual({ [target.key]: 'AA' })
    expect(back).not.toHaveProperty('password')
    expect(back).not.toHaveProperty('extra')
    expect(sanitize('garbage')).toEqual({})
    expect(sanitize(null)).toEqual({})
  })
})
