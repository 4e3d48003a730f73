// From a chosen console to a plan: confirming its certificate (`console.trust`),
// signing in (the password never enters the store), and loading the plan with
// the user's edits (the draft). Probes go through the finder, so a changed
// certificate found at sign-in shows on the comparison screen again. The trust
// rule itself is trust.ts, shared with the UISP path.
import type { ConsoleProbe, SignInResult } from '../../../shared/domain.ts'
import type { Outcome } from '../../../shared/result.ts'
import type { WizardFinder } from './find.ts'
import { draftFor, resumable } from './flow.ts'
import type { PlanDraft } from './persisted.ts'
import type { WizardCtx } from './state.ts'
import { CertificateTrust, signInRequest, type SignInInput } from './trust.ts'

/** The UniFi side of the shared trust rule: `console.trust`, and probes through the finder. */
export function consoleTrust(ctx: WizardCtx, finder: WizardFinder): CertificateTrust<ConsoleProbe> {
  return new CertificateTrust<ConsoleProbe>({
    trust: (input) => ctx.api.console.trust(input),
    probe: async (key) => {
      const entry = await finder.probeKey(key)
      return entry.status === 'done' ? entry.result : null
    },
  })
}

export class WizardSession {
  constructor(
    private readonly ctx: WizardCtx,
    private readonly trust: CertificateTrust<ConsoleProbe>,
  ) {}

  async acceptCertificate(): Promise<void> {
    const { get, set } = this.ctx
    const { probe, target } = get()
    if (!probe || !target) return
    const trusted = await this.trust.accept(target.key, probe, set)
    if (!trusted) return
    set((s) => ({
      busy: false,
      error: null,
      confirmed: { ...s.confirmed, ...trusted.pin },
      probe: trusted.probe,
      probes: { ...s.probes, [target.key]: { status: 'done', result: trusted.probe } },
      step: 'signin',
    }))
  }

  async signIn(input: SignInInput): Promise<Outcome<SignInResult>> {
    const { api, get, set } = this.ctx
    const target = get().target
    if (!target) return { ok: false, error: { code: 'invalid-input', message: 'Choose a console first.' } }
    const outcome = await api.console.signIn(signInRequest(target.key, input))
    if (outcome.ok && outcome.value.state === 'signed-in') {
      set({ signedIn: { key: target.key, user: outcome.value.user }, error: null })
      this.afterSignIn()
    }
    // The console now shows another certificate (or none was confirmed): back to the comparison.
    const fresh = await this.trust.recheck(outcome, target.key)
    if (fresh) set({ probe: fresh, step: 'trust' })
    return outcome
  }

  /** Where a sign-in leads: finishing a cleanup, continuing a stopped run, or the plan. */
  private afterSignIn(): void {
    const { get, set } = this.ctx
    if (get().cleanup.error?.code === 'session-expired') {
      // Signed in again to finish removing what the run made, not to continue the run.
      set({ step: 'cleanup' })
      void get().removeWhatKeywardMade()
    } else if (resumable(get(), get().outcome?.record.mode ?? 'dedicated-user')) {
      // Signed in again after the session ended mid-flow: continue where it stopped.
      set({ step: 'run' })
      void get().resume()
    } else {
      set({ step: 'plan' })
      void get().loadPlan()
    }
  }

  async loadPlan(): Promise<void> {
    const { api, get, set } = this.ctx
    const { target, app } = get()
    if (!target || !app) return
    set({ busy: true, error: null })
    const [plan, advice] = await Promise.all([
      api.provision.plan({ key: target.key, app }),
      api.hosts.forApp({ app, picked: target.key }),
    ])
    if (advice.ok) set({ advice: advice.value })
    if (!plan.ok) {
      set({ busy: false, error: plan.error })
      return
    }
    set({ busy: false, plan: plan.value, draft: draftFor(plan.value, target, app, get().draft) })
  }

  editDraft(patch: Partial<Pick<PlanDraft, 'username' | 'keyName' | 'accessValidityDays'>>): void {
    const draft = this.ctx.get().draft
    if (draft) this.ctx.set({ draft: { ...draft, ...patch } })
  }
}
