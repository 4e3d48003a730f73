// The UISP Find step: the servers discovery found and Keyward knows (one card
// per `host:port`), an address typed in, and leaving the step for a server —
// always with a fresh probe, so a changed certificate shows before the password.
import type { UispServerRecord } from '../../../../shared/domain.ts'
import { addressKey } from '../../../../shared/format.ts'
import type { InventoryItem } from '../../../../shared/inventory.ts'
import { stepAfterProbe } from '../trust.ts'
import type { UispCtx } from './state.ts'

/** One UISP server on the Find step: found by discovery, known from before, or typed in. */
export interface UispServerCard {
  key: string
  host: string
  version: string | null
  foundBy: string
}

/** Discovered `uisp-server` cards and servers Keyward knows, one card per `host:port`. */
export function uispServerCards(
  inventory: InventoryItem[],
  known: UispServerRecord[],
  typed: string[],
): UispServerCard[] {
  const cards = new Map<string, UispServerCard>()
  for (const item of inventory) {
    if (item.kind !== 'uisp-server' || !item.address) continue
    const key = addressKey(item.address, item.httpsPort ?? 443)
    cards.set(key, {
      key,
      host: item.address,
      version: item.uisp?.version ?? item.version,
      foundBy: item.manual ? 'Address you entered' : 'Found on the network',
    })
  }
  for (const s of known) {
    if (!cards.has(s.key))
      cards.set(s.key, {
        key: s.key,
        host: s.host,
        version: s.version,
        foundBy: typed.includes(s.key) ? 'Address you entered' : 'Checked before',
      })
  }
  return [...cards.values()].sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }))
}

export class UispFinder {
  constructor(private readonly ctx: UispCtx) {}

  async refreshKnown(): Promise<void> {
    const known = await this.ctx.api.uisp.servers({})
    if (known.ok) this.ctx.set({ known: known.value })
  }

  async load(): Promise<void> {
    const { api, get, set } = this.ctx
    await this.refreshKnown()
    // Discovery finds UISP servers only with the HTTPS sweep; what it has is shown, typing always works.
    const status = await api.discovery.status({})
    if (status.ok && !status.value.running) await api.discovery.start({})
    const inventory = await api.inventory.list({})
    if (inventory.ok) set({ inventory: inventory.value })
    const cards = uispServerCards(get().inventory, get().known, get().typed)
    if (!get().selectedKey && cards.length === 1) set({ selectedKey: cards[0]!.key })
  }

  async addAddress(address: string): Promise<boolean> {
    const { api, set } = this.ctx
    set({ manualError: null })
    const outcome = await api.uisp.probe({ address })
    if (!outcome.ok) {
      set({ manualError: outcome.error })
      return false
    }
    const key = outcome.value.address.key
    void api.inventory.addManual({ address: key })
    set((s) => ({ typed: [...new Set([...s.typed, key])], selectedKey: key, probe: outcome.value }))
    await this.refreshKnown()
    return true
  }

  /** Leaves the Find step for a server: its certificate screen, or sign-in when it was confirmed already. */
  async continueWith(key: string): Promise<void> {
    const { api, get, set } = this.ctx
    if (get().busy) return
    set({ busy: true, error: null, selectedKey: key })
    // Always a fresh look: a certificate that changed shows now, not after the password.
    const outcome = await api.uisp.probe({ address: key })
    if (!outcome.ok) {
      set({ busy: false, error: outcome.error })
      return
    }
    const probe = outcome.value
    const sameServer = get().signedIn?.key === key
    set({
      busy: false,
      probe,
      step: stepAfterProbe(key, probe, get().confirmed),
      ...(sameServer ? {} : { signedIn: null, plan: null, outcome: null }),
    })
    await this.refreshKnown()
  }
}
