// The key list's Home Assistant side: the connected instances (connect,
// "it's mine — continue", forget, fit) and, per key, the push state (its
// answer and which Home Assistant it came from), consent before a full-mode
// push, and the fields to fill in by hand.
import type { HaFit, HaSummary, UnifiApp } from '../../../shared/domain.ts'
import type { Outcome } from '../../../shared/result.ts'
import type { RowBook } from './rows.ts'
import type { KeysCtx } from './state.ts'

export class HaActions {
  constructor(
    private readonly ctx: KeysCtx,
    private readonly rows: RowBook,
  ) {}

  async push(id: string, haId: string, choice: { mode?: 'api_key' | 'full'; siteId?: string } = {}): Promise<void> {
    if (!this.rows.begin(id, 'push')) return
    this.rows.patch(id, { push: null, pushHa: haId })
    const outcome = await this.ctx.api.ha.push({ keyId: id, haId, ...choice })
    if (!outcome.ok) return this.rows.failed(id, 'push', outcome.error)
    this.rows.done(id, { push: { ...outcome.value, haId } })
  }

  async consentAndPush(id: string, haId: string, sentence: string, mode: 'api_key' | 'full'): Promise<void> {
    if (this.rows.row(id).busy) return
    const consent = await this.ctx.api.ha.consent({ keyId: id, haId, sentence })
    if (!consent.ok) return this.rows.failed(id, 'push', consent.error)
    await this.ctx.get().push(id, haId, { mode })
  }

  async showFields(id: string): Promise<void> {
    if (!this.rows.begin(id, 'fields')) return
    const outcome = await this.ctx.api.ha.copyFields({ keyId: id })
    if (!outcome.ok) return this.rows.failed(id, 'fields', outcome.error)
    this.rows.done(id, { fields: outcome.value })
  }

  async connect(url: string, token: string, sha256?: string): Promise<Outcome<HaSummary>> {
    const { api, set } = this.ctx
    const outcome = await api.ha.connect(sha256 ? { url, token, sha256 } : { url, token })
    if (outcome.ok) {
      const list = await api.ha.list({})
      set((s) => ({ ha: list.ok ? list.value : [...s.ha.filter((h) => h.id !== outcome.value.id), outcome.value] }))
    }
    return outcome
  }

  async continue(id: string, sha256?: string): Promise<Outcome<HaSummary>> {
    const outcome = await this.ctx.api.ha.continue(sha256 ? { id, sha256 } : { id })
    if (outcome.ok) this.ctx.set((s) => ({ ha: s.ha.map((h) => (h.id === id ? outcome.value : h)) }))
    return outcome
  }

  async forget(id: string): Promise<Outcome<HaSummary[]>> {
    const { api, set } = this.ctx
    const outcome = await api.ha.forget({ id })
    if (outcome.ok) {
      set({ ha: outcome.value })
      const keys = await api.keys.list({})
      if (keys.ok) set({ keys: keys.value })
    }
    return outcome
  }

  fit(haId: string, app: UnifiApp): Promise<Outcome<HaFit>> {
    return this.ctx.api.ha.fit({ haId, app })
  }
}
