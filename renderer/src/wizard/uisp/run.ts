// The UISP token: made, stored and verified by the core (`uisp.createToken`),
// or continued after a failure (`uisp.resumeToken`); a verified outcome leads
// to the done screen (the same `isVerified` rule as the UniFi run).
import type { UispTokenOutcomeView } from '../../../../shared/views.ts'
import type { Outcome } from '../../../../shared/result.ts'
import { isVerified } from '../flow.ts'
import { failedWith, type UispCtx } from './state.ts'

export class UispRun {
  constructor(private readonly ctx: UispCtx) {}

  async create(): Promise<void> {
    const { api, get, set } = this.ctx
    const { signedIn, purpose, name, busy } = get()
    if (!signedIn || busy) return
    set({ step: 'run', busy: true, error: null, outcome: null })
    this.land(await api.uisp.createToken({ key: signedIn.key, purpose, name: name.trim() }))
  }

  async resume(): Promise<void> {
    const { api, get, set } = this.ctx
    const id = get().outcome?.record.id
    if (!id || get().busy) return
    set({ busy: true, error: null })
    this.land(await api.uisp.resumeToken({ id }))
  }

  private land(outcome: Outcome<UispTokenOutcomeView>): void {
    // The user started over while the token was being made (and chose not to wait): the answer is
    // not shown; a token the server made is in the key list.
    if (this.ctx.get().step !== 'run') return
    if (!outcome.ok) return this.ctx.set(failedWith(outcome.error))
    this.ctx.set({ outcome: outcome.value, busy: false, error: null, step: isVerified(outcome.value) ? 'done' : 'run' })
  }
}
