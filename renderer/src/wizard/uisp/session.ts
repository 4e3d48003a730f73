// From a chosen UISP server to a purpose: confirming its certificate through
// the shared trust rule (../trust.ts, `uisp.trust`), signing in (the password
// never enters the store), loading the plan and choosing the purpose and name.
import type { UispProbe, UispSignInResult, UispTokenPurpose } from '../../../../shared/domain.ts'
import type { Outcome } from '../../../../shared/result.ts'
import { CertificateTrust, signInRequest, type SignInInput } from '../trust.ts'
import { failedWith, type UispCtx } from './state.ts'

/** The UISP side of the shared trust rule: `uisp.trust`, and `uisp.probe` for a fresh look. */
export function uispTrust(ctx: UispCtx): CertificateTrust<UispProbe> {
  return new CertificateTrust<UispProbe>({
    trust: (input) => ctx.api.uisp.trust(input),
    probe: async (key) => {
      const again = await ctx.api.uisp.probe({ address: key })
      return again.ok ? again.value : null
    },
  })
}

export class UispSession {
  constructor(
    private readonly ctx: UispCtx,
    private readonly trust: CertificateTrust<UispProbe>,
  ) {}

  async acceptCertificate(): Promise<void> {
    const { get, set } = this.ctx
    const probe = get().probe
    if (!probe) return
    const trusted = await this.trust.accept(probe.address.key, probe, set)
    if (!trusted) return
    set((s) => ({
      busy: false,
      error: null,
      confirmed: { ...s.confirmed, ...trusted.pin },
      probe: trusted.probe,
      step: 'signin',
    }))
  }

  async signIn(input: SignInInput): Promise<Outcome<UispSignInResult>> {
    const { api, get, set } = this.ctx
    const probe = get().probe
    if (!probe) return { ok: false, error: { code: 'invalid-input', message: 'Choose a UISP server first.' } }
    const key = probe.address.key
    const outcome = await api.uisp.signIn(signInRequest(key, input))
    if (outcome.ok && outcome.value.state === 'signed-in') {
      set({ signedIn: { key, ...outcome.value.user }, step: 'purpose', error: null })
      void get().loadPlan()
    }
    const fresh = await this.trust.recheck(outcome, key)
    if (fresh) set({ probe: fresh, step: 'trust' })
    return outcome
  }

  async loadPlan(): Promise<void> {
    const { api, get, set } = this.ctx
    const key = get().signedIn?.key
    if (!key) return
    set({ busy: true, error: null })
    const plan = await api.uisp.plan({ key })
    if (!plan.ok) {
      set(failedWith(plan.error))
      return
    }
    const current = plan.value.purposes.find((p) => p.purpose === get().purpose)
    const usable = current?.allowed ? current : plan.value.purposes.find((p) => p.allowed)
    set({
      busy: false,
      plan: plan.value,
      ...(usable && usable.purpose !== get().purpose ? { purpose: usable.purpose, name: usable.suggestedName } : {}),
    })
  }

  choose(purpose: UispTokenPurpose): void {
    const { get, set } = this.ctx
    const { plan, name, purpose: before } = get()
    const suggested = (p: UispTokenPurpose) => plan?.purposes.find((x) => x.purpose === p)?.suggestedName
    // A name the user did not change follows the purpose.
    set({ purpose, ...(name === suggested(before) ? { name: suggested(purpose) ?? name } : {}) })
  }
}
