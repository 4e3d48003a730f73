// A wizard you can leave (issue 17): the stepper's way back, what reopening the window shows for a
// run that stopped, and leaving while a key is being made — the pure rules (wizard/leave.ts) and
// the store against a fake API.
import { describe, expect, it } from 'vitest'
import type { StateStorage } from 'zustand/middleware'
import type { KeyCheckFailed } from '../../shared/domain.ts'
import type { ProvisionOutcomeView, ProvisionView } from '../../shared/views.ts'
import { canGoBack, canResume, onReopen } from '../../renderer/src/wizard/leave.ts'
import { initialPersisted } from '../../renderer/src/wizard/persisted.ts'
import { createWizardStore, WIZARD_STORAGE_KEY } from '../../renderer/src/wizard/store.ts'
import { uispCanGoBack } from '../../renderer/src/wizard/uisp/store.ts'
import { fakeApi, gate, ok } from '../support/fake-api.ts'
import { flowView, wizardDraft, wizardTarget } from '../support/provision-view.ts'
import { until } from '../support/until.ts'

const target = wizardTarget
const draft = wizardDraft
const confirmed = { [target.key]: 'AA' }

/** User and key made, the check failed: the key was made on the console that does not run Protect. */
const madeBoth = flowView({ userId: 'u1', keyId: 'k1', steps: { user: 'done', key: 'done', verify: 'failed' } })
const wrongHost: KeyCheckFailed = {
  status: 'failed',
  app: 'protect',
  host: target.key,
  problem: 'wrong_host',
  message: 'This key was made on Dream Machine, not on NVR.',
  nextStep: 'Use NVR as the host.',
  rightHost: { key: '10.0.0.3:443', name: 'NVR' },
  checkedAt: new Date().toISOString(),
}
const checked = (check: KeyCheckFailed, record: ProvisionView = madeBoth): ProvisionOutcomeView => ({
  record,
  check,
  maskedKey: 'RHgz…xqH5',
  failure: null,
})
const failed = (code: string, record: ProvisionView, step: 'user' | 'key' = 'key'): ProvisionOutcomeView => ({
  record,
  check: null,
  maskedKey: null,
  failure: { step, code, message: 'It stopped.', fallbackAvailable: false },
})

const stoppedRun = (outcome: ProvisionOutcomeView) => ({
  ...initialPersisted(confirmed),
  step: 'run' as const,
  app: 'protect' as const,
  target,
  draft,
  provisionId: outcome.record.id,
  outcome,
})

function storageWith(state: unknown): StateStorage {
  const items = new Map([[WIZARD_STORAGE_KEY, JSON.stringify({ state, version: 1 })]])
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: () => {} }
}

describe('what reopening the window shows for a run that stopped', () => {
  it('a wrong-host run that left a user and a key: the cleanup offer, not the failure', () => {
    expect(canResume(checked(wrongHost))).toBe(false)
    expect(onReopen(stoppedRun(checked(wrongHost)))).toMatchObject({ step: 'cleanup', provisionId: 'flow-1' })
  })

  it('a run that can still finish (the console did not answer): the run, to continue it', () => {
    const outcome = failed('unreachable', madeBoth)
    expect(canResume(outcome)).toBe(true)
    expect(onReopen(stoppedRun(outcome)).step).toBe('run')
  })

  it('a run refused before it made anything (the name was taken): the start, the certificates kept', () => {
    // The name was found taken before the create request went out.
    const nothing = flowView({
      steps: { user: 'failed', key: 'pending', verify: 'pending' },
      requested: { user: false, key: false },
    })
    const reopened = onReopen(stoppedRun(failed('conflict', nothing, 'user')))
    expect(reopened).toMatchObject({ step: 'goal', outcome: null, target: null, confirmed })
  })

  it('a cleanup that already removed everything: the start', () => {
    const gone = { result: 'removed' as const, reason: null }
    const cleaned = {
      ...madeBoth,
      cleanup: { key: gone, user: gone, password: gone, updatedAt: new Date().toISOString() },
    }
    expect(onReopen({ ...stoppedRun(checked(wrongHost, cleaned)), step: 'cleanup' }).step).toBe('goal')
  })

  it('the store applies it when it reads storage', () => {
    const fake = fakeApi({ 'console.list': () => ok([]) })
    const store = createWizardStore(fake.api, storageWith(stoppedRun(checked(wrongHost))))
    expect(store.getState().step).toBe('cleanup')
    expect(store.getState().outcome?.record.id).toBe('flow-1')
  })
})

describe('the stepper goes back only to completed steps whose answers are there', () => {
  const signedIn = { key: target.key, user: { username: 'owner', isOwner: true, isSuperAdmin: true } }
  const atPlan = { step: 'plan' as const, app: 'protect' as const, target, probe: null, signedIn, busy: false }
  it('from the plan: the app, the console and sign-in; not the certificate without its probe; not forward', () => {
    expect(['goal', 'find', 'trust', 'signin', 'plan', 'run'].filter((s) => canGoBack(s as never, atPlan))).toEqual([
      'goal',
      'find',
      'signin',
    ])
  })
  it('not while a request runs, not from Done or the cleanup', () => {
    expect(canGoBack('find', { ...atPlan, busy: true })).toBe(false)
    expect(canGoBack('plan', { ...atPlan, step: 'done' })).toBe(false)
    expect(canGoBack('plan', { ...atPlan, step: 'cleanup' })).toBe(false)
    expect(canGoBack('plan', { ...atPlan, step: 'run' })).toBe(true)
  })
  it('UISP: the purpose only when signed in to the server the probe is for', () => {
    const probe = { address: { key: '10.0.0.9:443' } } as never
    const s = { step: 'run' as const, probe, signedIn: { key: '10.0.0.9:443', username: 'u', role: null }, busy: false }
    expect(uispCanGoBack('purpose', s)).toBe(true)
    expect(uispCanGoBack('purpose', { ...s, signedIn: null })).toBe(false)
    expect(uispCanGoBack('find', { ...s, step: 'done' })).toBe(false)
  })
})

describe('leaving while the key is being made', () => {
  const atPlan = { ...initialPersisted(confirmed), step: 'plan', app: 'protect', target, draft }

  it('is not silent: the run goes on, and when it stops on the wrong console its cleanup is offered', async () => {
    const runEnds = gate<ReturnType<typeof ok<ProvisionOutcomeView>>>()
    const fake = fakeApi({
      'console.list': () => ok([]),
      'provision.run': () => runEnds.promise,
      'hosts.forApp': () => ok({ app: 'protect', ranked: [] } as never),
    })
    const store = createWizardStore(fake.api, storageWith(atPlan))
    const running = store.getState().run()
    await until('the run is asked for', () => fake.count('provision.run') === 1)
    store.getState().leaveWhenStopped()
    expect(store.getState()).toMatchObject({ step: 'run', leaveAfterRun: true })
    runEnds.open(ok(checked(wrongHost)))
    await running
    expect(store.getState()).toMatchObject({ step: 'cleanup', leaveAfterRun: false, cleanup: { flow: 'flow-1' } })
  })

  it('a run that ends with nothing made lands on the start', async () => {
    const nothing = flowView({
      steps: { user: 'failed', key: 'pending', verify: 'pending' },
      requested: { user: false, key: false },
    })
    const fake = fakeApi({
      'console.list': () => ok([]),
      'provision.run': () => ok(failed('unreachable', nothing, 'user')),
      'hosts.forApp': () => ok({ app: 'protect', ranked: [] } as never),
    })
    const store = createWizardStore(fake.api, storageWith(atPlan))
    store.getState().leaveWhenStopped() // nothing running: starts over at once
    expect(store.getState().step).toBe('goal')
    expect(store.getState().confirmed).toEqual(confirmed)
    expect(fake.count('provision.run')).toBe(0)
  })
})

describe('the cleanup screen', () => {
  it('asks before anything goes: "Keep them" returns to the run, nothing sent', () => {
    const fake = fakeApi({ 'console.list': () => ok([]) })
    const store = createWizardStore(fake.api, storageWith({ ...stoppedRun(checked(wrongHost)), step: 'run' }))
    store.getState().offerCleanup()
    expect(store.getState()).toMatchObject({ step: 'cleanup', cleanup: { flow: 'flow-1', busy: false } })
    store.getState().keepWhatWasMade()
    expect(store.getState()).toMatchObject({ step: 'run', cleanup: { flow: null } })
    expect(fake.count('provision.cleanup')).toBe(0)
  })
})
