// The wizard store (renderer/src/wizard/store.ts and its units) against a fake API: what a user sees
// when the window reopens mid-run, when "Create the key" is pressed again after a failure, and what
// is (not) kept in storage.
import { describe, expect, it } from 'vitest'
import type { StateStorage } from 'zustand/middleware'
import type { ProvisionOutcomeView, ProvisionView } from '../../shared/views.ts'
import { createWizardStore, WIZARD_STORAGE_KEY, type PlanDraft, type Target } from '../../renderer/src/wizard/store.ts'
import { fakeApi, gate, ok } from '../support/fake-api.ts'
import { until } from '../support/until.ts'

const T0 = Date.now() - 60_000
const target: Target = { key: '10.0.0.2:443', host: '10.0.0.2', name: 'Dream Machine', model: 'UDMPRO' }
const draft: PlanDraft = {
  key: target.key,
  app: 'protect',
  username: 'keyward-ha',
  keyName: 'home-assistant',
  accessValidityDays: 365,
}

const record = (steps: ProvisionView['steps'], over: Partial<ProvisionView> = {}): ProvisionView => ({
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
  steps,
  lastError: null,
  createdAt: new Date(T0 + 1000).toISOString(),
  updatedAt: new Date(T0 + 2000).toISOString(),
  ...over,
})
const DONE = { user: 'done', key: 'done', verify: 'done' } as const
const RUNNING = { user: 'done', key: 'running', verify: 'pending' } as const
const verified = (r: ProvisionView): ProvisionOutcomeView => ({
  record: r,
  maskedKey: 'RHgz…xqH5',
  failure: null,
  check: { status: 'ok' } as ProvisionOutcomeView['check'],
})

function memoryStorage(initial: Record<string, unknown> | null = null) {
  const items = new Map<string, string>()
  if (initial) items.set(WIZARD_STORAGE_KEY, JSON.stringify({ state: initial, version: 1 }))
  const storage: StateStorage = {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  }
  return { storage, dump: () => [...items.values()].join('\n') }
}

/** The window closed while the run was going: step, console, plan edits and the time it was asked for. */
const midRun = {
  step: 'run',
  app: 'protect',
  target,
  draft,
  runStartedAt: T0,
  provisionId: null,
  confirmed: { [target.key]: 'AA' },
}

describe('the window reopens mid-run', () => {
  it('a flow that finished meanwhile is fetched and the wizard lands on Done', async () => {
    const fake = fakeApi({
      'console.list': () => ok([]),
      'provision.list': () => ok([record(DONE)]),
      'provision.resume': () => ok(verified(record(DONE))),
    })
    const store = createWizardStore(fake.api, memoryStorage(midRun).storage)
    await store.getState().reconcile()
    expect(store.getState().step).toBe('done')
    expect(store.getState().outcome?.maskedKey).toBe('RHgz…xqH5')
    expect(fake.calls.find((c) => c.name === 'provision.resume')?.input).toEqual({ id: 'flow-1' })
  })

  it('a flow still running is joined: its progress shows, and its outcome lands without waiting for an event', async () => {
    const runEnds = gate<ReturnType<typeof ok<ProvisionOutcomeView>>>() // the core's run under way
    const fake = fakeApi({
      'console.list': () => ok([]),
      'provision.list': () => ok([record(RUNNING)]),
      'provision.resume': () => runEnds.promise,
    })
    const store = createWizardStore(fake.api, memoryStorage(midRun).storage)
    const reconciled = store.getState().reconcile()
    await until('the running flow is joined', () => fake.count('provision.resume') === 1)
    expect(store.getState().progress?.steps.key).toBe('running')
    expect(store.getState().step).toBe('run')
    // The run's last progress event came before this page listened: only the joined outcome tells.
    runEnds.open(ok(verified(record(DONE))))
    await reconciled
    expect(store.getState().step).toBe('done')
    expect(fake.count('provision.resume')).toBe(1)
  })

  it('no flow was made before the window closed: the user is told to create the key again', async () => {
    const fake = fakeApi({ 'console.list': () => ok([]), 'provision.list': () => ok([]) })
    const store = createWizardStore(fake.api, memoryStorage(midRun).storage)
    await store.getState().reconcile()
    expect(store.getState().runError).toMatchObject({ during: 'run', error: { code: 'not-found' } })
    expect(store.getState().runStartedAt).toBeNull()
  })

  it("another flow's progress (other console) is not taken for this run's", () => {
    const fake = fakeApi({ 'console.list': () => ok([]) })
    const store = createWizardStore(fake.api, memoryStorage(midRun).storage)
    fake.emit('provision.progress', record(RUNNING, { id: 'other', consoleKey: '10.0.0.9:443' }))
    expect(store.getState().progress).toBeNull()
    expect(store.getState().provisionId).toBeNull()
  })
})

describe('creating the key again after a failure', () => {
  it('resumes the same flow instead of making a second user', async () => {
    const failed = record(
      { user: 'done', key: 'failed', verify: 'pending' },
      { lastError: { code: 'unreachable', message: 'No answer.' } },
    )
    const fake = fakeApi({
      'console.list': () => ok([]),
      'provision.run': () =>
        ok({
          record: failed,
          check: null,
          maskedKey: null,
          failure: { step: 'key', code: 'unreachable', message: 'No answer.', fallbackAvailable: false },
        }),
      'provision.resume': () => ok(verified(record(DONE))),
      'hosts.forApp': () => ok({ ranked: [] } as never),
    })
    const store = createWizardStore(fake.api, memoryStorage({ step: 'plan', app: 'protect', target, draft }).storage)
    await store.getState().run()
    expect(store.getState().step).toBe('run')
    expect(store.getState().outcome?.failure?.code).toBe('unreachable')
    await store.getState().run()
    expect(fake.count('provision.run')).toBe(1)
    expect(fake.count('provision.resume')).toBe(1)
    expect(store.getState().step).toBe('done')
  })
})

describe('storage', () => {
  it('the sign-in password never reaches storage; signing in leads to the plan', async () => {
    const { storage, dump } = memoryStorage({
      step: 'signin',
      app: 'protect',
      target,
      confirmed: { [target.key]: 'AA' },
    })
    const fake = fakeApi({
      'console.list': () => ok([]),
      'console.signIn': () =>
        ok({ state: 'signed-in', user: { username: 'owner', isOwner: true, isSuperAdmin: true } }),
      'provision.plan': () =>
        ok({
          key: target.key,
          app: 'protect',
          mode: 'dedicated-user',
          username: 'keyward-ha',
          keyName: 'home-assistant',
        } as never),
      'hosts.forApp': () => ok({ ranked: [] } as never),
    })
    const store = createWizardStore(fake.api, storage)
    const outcome = await store
      .getState()
      .signIn({ username: 'owner', password: 'correct horse battery', mfaCode: '123456' })
    expect(outcome.ok).toBe(true)
    await until('the plan is loaded', () => store.getState().draft)
    expect(store.getState().step).toBe('plan')
    expect(dump()).toContain('keyward-ha')
    expect(dump()).not.toContain('correct horse battery')
    expect(dump()).not.toContain('123456')
  })

  it('starting over forgets the flow but keeps the certificates the user confirmed', () => {
    const fake = fakeApi({ 'console.list': () => ok([]) })
    const store = createWizardStore(fake.api, memoryStorage({ ...midRun, step: 'plan', provisionId: 'flow-1' }).storage)
    store.getState().startOver()
    const s = store.getState()
    expect(s.step).toBe('goal')
    expect(s.target).toBeNull()
    expect(s.provisionId).toBeNull()
    expect(s.confirmed).toEqual({ [target.key]: 'AA' })
  })
})
