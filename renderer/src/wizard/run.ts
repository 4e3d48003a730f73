// The provision run: starting it (or resuming the same flow), following its
// `provision.progress` events, picking it up after the window reopened
// (reconcile), and removing what it made (cleanup). The run's state lives in
// the store (provisionId, runStartedAt, progress, outcome, runError, cleanup).
import type { KeywardError } from '../../../shared/result.ts'
import type { ProvisionOutcomeView, ProvisionView } from '../../../shared/views.ts'
import type { WizardFinder } from './find.ts'
import { isOurFlow, isStopped, isVerified, reopened, resumable } from './flow.ts'
import { leftSomething } from './leave.ts'
import { initialPersisted } from './persisted.ts'
import { IDLE_CLEANUP, idleLive, type WizardCtx } from './state.ts'

export class WizardRun {
  constructor(
    private readonly ctx: WizardCtx,
    private readonly finder: WizardFinder,
  ) {}

  /** A `provision.progress` event: ours is followed; a flow picked up after reopening fetches its outcome when it stops. */
  onProgress(record: ProvisionView): void {
    const { get, set } = this.ctx
    if (!isOurFlow(record, get())) return
    set({ progress: record, provisionId: record.id })
    const now = get()
    if (now.step === 'run' && !now.busy && !now.outcome && isStopped(record)) void now.reconcile()
  }

  async run(mode: 'dedicated-user' | 'signed-in-admin' = 'dedicated-user'): Promise<void> {
    const { api, get, set } = this.ctx
    const { target, app, draft, busy } = get()
    if (!target || !app || !draft || busy) return
    if (resumable(get(), mode)) {
      // Running again after a failure continues the same flow: no second user, no stray key.
      set({ step: 'run' })
      return get().resume()
    }
    set({
      step: 'run',
      busy: true,
      outcome: null,
      progress: null,
      provisionId: null,
      runError: null,
      runStartedAt: Date.now(),
    })
    set({ cleanup: IDLE_CLEANUP, earlierFlow: null })
    const outcome = await api.provision.run({
      key: target.key,
      app,
      mode,
      username: draft.username.trim(),
      keyName: draft.keyName.trim(),
      ...(app === 'access' ? { accessValidityDays: draft.accessValidityDays } : {}),
    })
    if (outcome.ok) this.afterRun(outcome.value)
    else set({ busy: false, runStartedAt: null, runError: { error: outcome.error, during: 'run' } })
    this.settleLeave()
  }

  async resume(): Promise<void> {
    const { api, get, set } = this.ctx
    const { provisionId, busy } = get()
    if (!provisionId || busy) return
    set({ busy: true, runError: null, outcome: null })
    const outcome = await api.provision.resume({ id: provisionId })
    if (outcome.ok) this.afterRun(outcome.value)
    else set({ busy: false, runError: { error: outcome.error, during: 'resume' } })
    this.settleLeave()
  }

  /** Access's API port has its own certificate (access_certificate): pin exactly the one shown, then check again. */
  async trustAccess(sha256: string): Promise<KeywardError | null> {
    const { api, get } = this.ctx
    const { target } = get()
    if (!target) return null
    const outcome = await api.console.trustAccess({ key: target.key, sha256 })
    if (!outcome.ok) return outcome.error
    await this.resume()
    return null
  }

  /** Start over once the run under way stops; nothing is abandoned silently. */
  leaveWhenStopped(): void {
    this.ctx.set({ leaveAfterRun: true })
    if (!this.ctx.get().busy) this.settleLeave()
  }

  /**
   * The user left while the key was being made and the run has stopped: its cleanup when it left
   * something that does not work; else the start (a working key is in the key list).
   */
  private settleLeave(): void {
    const { get, set } = this.ctx
    const s = get()
    if (!s.leaveAfterRun || s.busy) return
    const record = s.outcome?.record ?? s.progress
    if (!isVerified(s.outcome) && leftSomething(record) && record) {
      set({ leaveAfterRun: false, step: 'cleanup', cleanup: { ...IDLE_CLEANUP, flow: record.id } })
    } else {
      set({ ...initialPersisted(s.confirmed), ...idleLive() })
    }
  }

  offerCleanup(id?: string): void {
    const { get, set } = this.ctx
    const flow = id ?? get().provisionId
    if (flow) set({ step: 'cleanup', error: null, cleanup: { ...IDLE_CLEANUP, flow } })
  }

  /** Back to the run's screen, nothing removed; a cleanup that removed some parts stays on record. */
  keepWhatWasMade(): void {
    const { get, set } = this.ctx
    const started = get().cleanup.outcome !== null
    set(started ? { ...initialPersisted(get().confirmed), ...idleLive() } : { step: 'run', cleanup: IDLE_CLEANUP })
  }

  private afterRun(outcome: ProvisionOutcomeView): void {
    const { api, get, set } = this.ctx
    set({
      outcome,
      provisionId: outcome.record.id,
      progress: outcome.record,
      runError: null,
      busy: false,
      runStartedAt: null,
    })
    // The name is taken by a user an earlier run made: that run's cleanup is offered too.
    const earlier = outcome.failure?.earlierFlow
    set({ earlierFlow: null })
    if (earlier) {
      void api.provision.list({}).then((list) => {
        if (!list.ok || get().outcome !== outcome) return
        set({ earlierFlow: list.value.find((r) => r.id === earlier) ?? null })
      })
    }
    if (isVerified(outcome)) set({ step: 'done' })
    else void this.finder.refreshAdvice() // the failure view offers the right host
  }

  async removeWhatKeywardMade(id?: string): Promise<void> {
    const { api, get, set } = this.ctx
    const { provisionId, busy, cleanup } = get()
    const flow = id ?? cleanup.flow ?? provisionId
    if (!flow || busy || cleanup.busy) return
    set({ step: 'cleanup', cleanup: { ...cleanup, flow, busy: true, error: null } })
    const outcome = await api.provision.cleanup({ id: flow })
    if (!outcome.ok) {
      set((s) => ({ cleanup: { ...s.cleanup, busy: false, error: outcome.error } }))
      return
    }
    const { record } = outcome.value
    set((s) => ({
      cleanup: { flow, busy: false, outcome: outcome.value, error: null },
      // This run's own record, or the earlier run's whose user was in the way.
      ...(record.id === s.provisionId
        ? { progress: record, outcome: s.outcome ? { ...s.outcome, record } : s.outcome }
        : { earlierFlow: record }),
    }))
  }

  /** The window was closed while a key was being made: pick the flow up from the core's record. */
  async reconcile(): Promise<void> {
    const { api, get, set } = this.ctx
    const { step, outcome, provisionId, busy, runStartedAt, target, app } = get()
    if (step !== 'run' || outcome || busy) return
    const list = await api.provision.list({})
    const ref = { provisionId, runStartedAt, target, app }
    const found = reopened(
      (list.ok ? list.value : []).find((r) => isOurFlow(r, ref)),
      provisionId !== null,
    )
    switch (found.kind) {
      case 'never-started':
        return set({ runStartedAt: null, runError: { error: found.error, during: 'run' } })
      case 'gone':
        return set({ provisionId: null, runError: { error: found.error, during: 'resume' } })
      case 'stopped':
        return set({
          progress: found.record,
          provisionId: found.record.id,
          runError: { error: found.error, during: 'resume' },
        })
      case 'finished':
      case 'running':
        // Still running: resuming joins the run under way in the core and returns its outcome, so the
        // outcome does not depend on catching its last progress event (which may come before this
        // page listens).
        set({ progress: found.record, provisionId: found.record.id })
        return get().resume()
    }
  }
}
