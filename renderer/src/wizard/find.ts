// The Find step: discovery, Keyward's own check (probe) of each candidate
// console, and the core's ranking of them (`hosts.forApp`). Explicit state:
// the in-flight probes (one per console at a time), the running find, and a
// sequence number so only the newest ranking lands.
import type { UnifiApp } from '../../../shared/domain.ts'
import { consoleLabel, legacyNetworkExplanation } from '../../../shared/labels.ts'
import { keepFirstContact } from './flow.ts'
import { buildCards, type ProbeEntry } from './model.ts'
import type { Target } from './persisted.ts'
import { IDLE_CLEANUP, type WizardCtx } from './state.ts'
import { afterApp, presetApps } from './target.ts'
import { stepAfterProbe } from './trust.ts'

export class WizardFinder {
  private adviceSeq = 0
  private readonly inflight = new Map<string, Promise<ProbeEntry>>()
  private finding: Promise<void> | null = null

  constructor(private readonly ctx: WizardCtx) {}

  /** Asks the core to rank the consoles for the chosen app; Keyward's pick follows unless the user picked. */
  async refreshAdvice(): Promise<void> {
    const { api, get, set } = this.ctx
    const { app, selectedKey, selectedBy } = get()
    if (!app) return
    const seq = ++this.adviceSeq
    const picked = selectedBy === 'user' && selectedKey ? selectedKey : undefined
    const outcome = await api.hosts.forApp(picked ? { app, picked } : { app })
    if (seq !== this.adviceSeq || !outcome.ok || get().app !== app) return
    const advice = outcome.value
    if (get().selectedBy !== 'user') {
      set({ advice, selectedKey: advice.ranked[0]?.key ?? null, selectedBy: advice.ranked[0] ? 'auto' : null })
    } else {
      set({ advice })
    }
  }

  /** One probe per console at a time; its answer lands in `probes`. */
  probeKey(key: string): Promise<ProbeEntry> {
    const { api, get, set } = this.ctx
    const pending = this.inflight.get(key)
    if (pending) return pending
    if (!get().probes[key]) set((s) => ({ probes: { ...s.probes, [key]: { status: 'running' } } }))
    const work = api.console.probe({ address: key }).then((outcome) => {
      this.inflight.delete(key)
      const entry: ProbeEntry = outcome.ok
        ? { status: 'done', result: outcome.value }
        : { status: 'failed', error: outcome.error }
      set((s) => ({ probes: { ...s.probes, [key]: keepFirstContact(s.probes[key], entry) } }))
      return get().probes[key]!
    })
    this.inflight.set(key, work)
    return work
  }

  /** The consoles that (may) run the chosen app are probed once, so the core can rank them. */
  probeCandidates(): void {
    const { app, step, inventory, known, probes } = this.ctx.get()
    if (!app || step !== 'find') return
    const todo = buildCards(inventory, known, probes).filter(
      (c) => c.key && !probes[c.key] && !c.unsupported && (c.apps.includes(app) || !c.appsKnown),
    )
    if (todo.length === 0) return
    void Promise.all(todo.map((c) => this.probeKey(c.key!))).then(() => this.refreshAdvice())
  }

  chooseApp(app: UnifiApp): void {
    const { get, set } = this.ctx
    const keep = get().app === app
    set({
      app,
      step: 'find',
      error: null,
      ...(keep
        ? {}
        : {
            advice: null,
            selectedKey: null,
            selectedBy: null,
            plan: null,
            draft: null,
            provisionId: null,
            runStartedAt: null,
            outcome: null,
            progress: null,
            runError: null,
          }),
    })
    if (!keep) set({ cleanup: IDLE_CLEANUP, earlierFlow: null })
    const preset = get().preset
    if (!preset) return
    // A console chosen on the Devices tab: on to it, unless it is known not to run the app (target.ts).
    set({ selectedKey: preset, selectedBy: 'user' })
    const apps = presetApps(preset, buildCards(get().inventory, get().known, get().probes), get().probes)
    if (afterApp(apps, app) === 'continue') {
      void this.continueWith(preset)
    }
  }

  /** "Make a key here": that console is chosen; its apps (discovery's, then its probe's) shape the goal step. */
  aim(key: string): void {
    const { api, set } = this.ctx
    set({ preset: key, selectedKey: key, selectedBy: 'user' })
    void api.inventory.list({}).then((inventory) => {
      if (inventory.ok) set({ inventory: inventory.value })
    })
    void this.probeKey(key)
  }

  startFinding(): Promise<void> {
    this.finding ??= this.findNow().finally(() => {
      this.finding = null
    })
    return this.finding
  }

  private async findNow(): Promise<void> {
    const { api, set } = this.ctx
    const [status, known] = await Promise.all([api.discovery.status({}), api.console.list({})])
    if (known.ok) set({ known: known.value })
    let discovery = status.ok ? status.value : null
    if (!discovery?.running) {
      const started = await api.discovery.start({})
      if (started.ok) discovery = started.value
      else set({ discoveryError: started.error })
    }
    set({ discovery })
    const inventory = await api.inventory.list({})
    if (inventory.ok) set({ inventory: inventory.value })
    this.probeCandidates()
    await this.refreshAdvice()
  }

  async rescan(): Promise<void> {
    const { api, set } = this.ctx
    // Consoles that could not be checked get another chance.
    set((s) => ({ probes: Object.fromEntries(Object.entries(s.probes).filter(([, e]) => e.status !== 'failed')) }))
    const outcome = await api.discovery.scan({})
    if (outcome.ok) set({ discovery: outcome.value, discoveryError: null })
    else {
      const started = await api.discovery.start({})
      set(started.ok ? { discovery: started.value, discoveryError: null } : { discoveryError: started.error })
    }
    this.probeCandidates()
  }

  select(key: string): void {
    const { get, set } = this.ctx
    set({ selectedKey: key, selectedBy: 'user', error: null })
    if (!get().probes[key]) void this.probeKey(key).then(() => this.refreshAdvice())
    else void this.refreshAdvice()
  }

  async addAddress(address: string): Promise<boolean> {
    const { api, get, set } = this.ctx
    if (get().manual.running) return false
    set({ manual: { running: true, error: null } })
    const outcome = await api.console.probe({ address })
    if (!outcome.ok) {
      set({ manual: { running: false, error: outcome.error } })
      return false
    }
    const probe = outcome.value
    set((s) => ({
      manual: { running: false, error: null },
      probes: {
        ...s.probes,
        [probe.address.key]: keepFirstContact(s.probes[probe.address.key], { status: 'done', result: probe }),
      },
    }))
    // The typed console joins the inventory like a found one (same card, "found by" the address).
    void api.inventory.addManual({ address: probe.address.key })
    await this.refreshAdvice()
    return true
  }

  /** Leaves the Find step for a console: its certificate screen, or sign-in when it was confirmed already. */
  async continueWith(key: string): Promise<void> {
    const { get, set } = this.ctx
    if (get().busy) return
    set({ busy: true, error: null, selectedKey: key })
    // Always a fresh look: a certificate that changed since the list was drawn shows now, not after the password.
    const entry = await this.probeKey(key)
    if (entry.status !== 'done') {
      set({ busy: false, error: entry.status === 'failed' ? entry.error : null })
      return
    }
    const probe = entry.result
    if (probe.kind === 'legacy-network') {
      // It will answer the same way forever: say what it is and what the options are (unifi-os.md §1).
      const where = consoleLabel({ name: probe.name, host: probe.address.host, port: probe.address.port })
      set({ busy: false, error: { code: 'unsupported', message: legacyNetworkExplanation(where) } })
      return
    }
    const card = buildCards(get().inventory, get().known, get().probes).find((c) => c.key === key)
    const target: Target = {
      key: probe.address.key,
      host: probe.address.host,
      name: probe.name ?? card?.name ?? null,
      model: probe.model ?? card?.model ?? null,
    }
    const sameFlow = get().target?.key === target.key
    set({
      busy: false,
      target,
      probe,
      step: stepAfterProbe(target.key, probe, get().confirmed),
      ...(sameFlow
        ? {}
        : { signedIn: null, plan: null, provisionId: null, outcome: null, progress: null, runError: null }),
    })
    if (!sameFlow) set({ cleanup: IDLE_CLEANUP, earlierFlow: null })
  }
}
