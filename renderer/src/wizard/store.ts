// The setup wizard's state: one zustand store around the injected API.
//
// Persisted (localStorage, so closing and reopening the window mid-flow returns
// to the same step): the step, the chosen app and console, the certificate the
// user confirmed, the plan and its edits, the flow id and its last outcome
// (which carries only the MASKED key). Never persisted, and never in this store
// at all: the sign-in password and 2FA code (they live in the sign-in screen's
// local state) and any key (the core sends masked keys only).
import { create } from 'zustand'
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware'
import type { KeywardApi } from '../../../shared/contract.ts'
import type {
  CleanupOutcome,
  ConsoleProbe,
  ConsoleRecord,
  ConsoleUserSummary,
  HostAdvice,
  ProvisionOutcome,
  ProvisionPlan,
  ProvisionRecord,
  SignInResult,
  UnifiApp,
} from '../../../shared/domain.ts'
import type { DiscoveryStatus, InventoryItem } from '../../../shared/inventory.ts'
import { consoleLabel, legacyNetworkExplanation } from '../../../shared/labels.ts'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import { buildCards, type ConsoleCard, type ProbeEntry, type WizardStep } from './model.ts'

export interface Target {
  key: string
  host: string
  name: string | null
  model: string | null
}

export interface PlanDraft {
  /** Which console and app the edits belong to. */
  key: string
  app: UnifiApp
  username: string
  keyName: string
  accessValidityDays: number
}

/** Everything that survives closing the window. No secrets. */
export interface WizardPersisted {
  step: WizardStep
  app: UnifiApp | null
  /** The console highlighted on the Find step, and whether the user or Keyward chose it. */
  selectedKey: string | null
  selectedBy: 'auto' | 'user' | null
  target: Target | null
  /** The target's probe, shown on the certificate screen. */
  probe: ConsoleProbe | null
  /** Console key → the certificate fingerprint the user confirmed. */
  confirmed: Record<string, string>
  signedIn: { key: string; user: ConsoleUserSummary } | null
  plan: ProvisionPlan | null
  draft: PlanDraft | null
  provisionId: string | null
  /** When the current run was asked for (ms), to find its flow if the window closed before the first progress event. */
  runStartedAt: number | null
  outcome: ProvisionOutcome | null
}

export type RunError = { error: KeywardError; during: 'run' | 'resume' }

/** Removing what a failed or wrong-host run made (`provision.cleanup`); never persisted. */
export interface CleanupState {
  /** The flow being cleaned up: this run's, or the earlier one whose user was in the way. */
  flow: string | null
  busy: boolean
  outcome: CleanupOutcome | null
  error: KeywardError | null
}

const IDLE_CLEANUP: CleanupState = { flow: null, busy: false, outcome: null, error: null }

export interface WizardState extends WizardPersisted {
  inventory: InventoryItem[]
  known: ConsoleRecord[]
  discovery: DiscoveryStatus | null
  discoveryError: KeywardError | null
  /** Console key → Keyward's own check of it. */
  probes: Record<string, ProbeEntry>
  advice: HostAdvice | null
  manual: { running: boolean; error: KeywardError | null }
  /** A request of the current screen is in flight. */
  busy: boolean
  /** The last error of the current screen (not sign-in: that screen keeps its own). */
  error: KeywardError | null
  /** The flow's live state from `provision.progress`. */
  progress: ProvisionRecord | null
  runError: RunError | null
  cleanup: CleanupState
  /** The earlier flow whose user took the chosen name (the failure names it), to offer its cleanup. */
  earlierFlow: ProvisionRecord | null

  chooseApp(app: UnifiApp): void
  startFinding(): Promise<void>
  rescan(): Promise<void>
  select(key: string): void
  addAddress(address: string): Promise<boolean>
  continueWith(key: string): Promise<void>
  acceptCertificate(): Promise<void>
  signIn(input: { username: string; password: string; mfaCode?: string }): Promise<Outcome<SignInResult>>
  loadPlan(): Promise<void>
  editDraft(patch: Partial<Pick<PlanDraft, 'username' | 'keyName' | 'accessValidityDays'>>): void
  run(mode?: 'dedicated-user' | 'signed-in-admin'): Promise<void>
  resume(): Promise<void>
  /** Remove what the current flow (or the given earlier one) made on its console; the user confirmed it. */
  removeWhatKeywardMade(id?: string): Promise<void>
  reconcile(): Promise<void>
  goTo(step: WizardStep): void
  startOver(): void
}

export const WIZARD_STORAGE_KEY = 'keyward.wizard'

const initialPersisted = (confirmed: Record<string, string> = {}): WizardPersisted => ({
  step: 'goal',
  app: null,
  selectedKey: null,
  selectedBy: null,
  target: null,
  probe: null,
  confirmed,
  signedIn: null,
  plan: null,
  draft: null,
  provisionId: null,
  runStartedAt: null,
  outcome: null,
})

const persistedOf = (s: WizardState): WizardPersisted => ({
  step: s.step,
  app: s.app,
  selectedKey: s.selectedKey,
  selectedBy: s.selectedBy,
  target: s.target,
  probe: s.probe,
  confirmed: s.confirmed,
  signedIn: s.signedIn,
  plan: s.plan,
  draft: s.draft,
  provisionId: s.provisionId,
  runStartedAt: s.runStartedAt,
  outcome: s.outcome,
})

const isVerified = (o: ProvisionOutcome | null) => o !== null && o.failure === null && o.check?.status === 'ok'

export function createWizardStore(api: KeywardApi, storage: StateStorage = localStorage) {
  return create<WizardState>()(
    persist(
      (set, get) => {
        let adviceSeq = 0

        const refreshAdvice = async () => {
          const { app, selectedKey, selectedBy } = get()
          if (!app) return
          const seq = ++adviceSeq
          const picked = selectedBy === 'user' && selectedKey ? selectedKey : undefined
          const outcome = await api.hosts.forApp(picked ? { app, picked } : { app })
          if (seq !== adviceSeq || !outcome.ok || get().app !== app) return
          const advice = outcome.value
          const now = get()
          if (now.selectedBy !== 'user') {
            set({ advice, selectedKey: advice.ranked[0]?.key ?? null, selectedBy: advice.ranked[0] ? 'auto' : null })
          } else {
            set({ advice })
          }
        }

        const inflight = new Map<string, Promise<ProbeEntry>>()
        const probeKey = (key: string): Promise<ProbeEntry> => {
          const pending = inflight.get(key)
          if (pending) return pending
          if (!get().probes[key]) set((s) => ({ probes: { ...s.probes, [key]: { status: 'running' } } }))
          const work = api.console.probe({ address: key }).then((outcome) => {
            inflight.delete(key)
            const entry: ProbeEntry = outcome.ok ? { status: 'done', result: outcome.value } : { status: 'failed', error: outcome.error }
            set((s) => ({ probes: { ...s.probes, [key]: keepFirstContact(s.probes[key], entry) } }))
            return get().probes[key]!
          })
          inflight.set(key, work)
          return work
        }

        /** The consoles that (may) run the chosen app are probed once, so the core can rank them. */
        const probeCandidates = () => {
          const { app, step, inventory, known, probes } = get()
          if (!app || step !== 'find') return
          const todo = buildCards(inventory, known, probes).filter(
            (c) => c.key && !probes[c.key] && !c.unsupported && (c.apps.includes(app) || !c.appsKnown),
          )
          if (todo.length === 0) return
          void Promise.all(todo.map((c) => probeKey(c.key!))).then(refreshAdvice)
        }

        let finding: Promise<void> | null = null
        const findNow = async () => {
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
          probeCandidates()
          await refreshAdvice()
        }

        const afterRun = (outcome: ProvisionOutcome) => {
          set({ outcome, provisionId: outcome.record.id, progress: outcome.record, runError: null, busy: false, runStartedAt: null })
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
          else void refreshAdvice() // the failure view offers the right host
        }

        void api.console.list({}).then((known) => {
          if (known.ok) set({ known: known.value })
        })
        api.on('inventory.changed', (inventory) => {
          set({ inventory })
          probeCandidates()
        })
        api.on('discovery.changed', (discovery) => set({ discovery }))
        api.on('console.changed', (known) => set({ known }))
        api.on('provision.progress', (record) => {
          const { provisionId, runStartedAt, target, app } = get()
          const ours = provisionId
            ? record.id === provisionId
            : runStartedAt !== null && record.consoleKey === target?.key && record.app === app && Date.parse(record.createdAt) >= runStartedAt - 5000
          if (!ours) return
          set({ progress: record, provisionId: record.id })
          // A flow picked up after the window reopened: when it stops, fetch its outcome.
          const now = get()
          if (now.step === 'run' && !now.busy && !now.outcome && !Object.values(record.steps).includes('running')) void now.reconcile()
        })

        return {
          ...initialPersisted(),
          inventory: [],
          known: [],
          discovery: null,
          discoveryError: null,
          probes: {},
          advice: null,
          manual: { running: false, error: null },
          busy: false,
          error: null,
          progress: null,
          runError: null,
          cleanup: IDLE_CLEANUP,
          earlierFlow: null,

          chooseApp(app) {
            const keep = get().app === app
            set({
              app,
              step: 'find',
              error: null,
              ...(keep
                ? {}
                : { advice: null, selectedKey: null, selectedBy: null, plan: null, draft: null, provisionId: null, runStartedAt: null, outcome: null, progress: null, runError: null }),
            })
            if (!keep) set({ cleanup: IDLE_CLEANUP, earlierFlow: null })
          },

          startFinding() {
            finding ??= findNow().finally(() => {
              finding = null
            })
            return finding
          },

          async rescan() {
            // Consoles that could not be checked get another chance.
            set((s) => ({ probes: Object.fromEntries(Object.entries(s.probes).filter(([, e]) => e.status !== 'failed')) }))
            const outcome = await api.discovery.scan({})
            if (outcome.ok) set({ discovery: outcome.value, discoveryError: null })
            else {
              const started = await api.discovery.start({})
              set(started.ok ? { discovery: started.value, discoveryError: null } : { discoveryError: started.error })
            }
            probeCandidates()
          },

          select(key) {
            set({ selectedKey: key, selectedBy: 'user', error: null })
            if (!get().probes[key]) void probeKey(key).then(refreshAdvice)
            else void refreshAdvice()
          },

          async addAddress(address) {
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
              probes: { ...s.probes, [probe.address.key]: keepFirstContact(s.probes[probe.address.key], { status: 'done', result: probe }) },
            }))
            // The typed console joins the inventory like a found one (same card, "found by" the address).
            void api.inventory.addManual({ address: probe.address.key })
            await refreshAdvice()
            return true
          },

          async continueWith(key) {
            if (get().busy) return
            set({ busy: true, error: null, selectedKey: key })
            // Always a fresh look: a certificate that changed since the list was drawn shows now, not after the password.
            const entry = await probeKey(key)
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
            const confirmed = probe.trust !== 'changed' && get().confirmed[target.key] === probe.certificate.sha256
            const sameFlow = get().target?.key === target.key
            set({
              busy: false,
              target,
              probe,
              step: confirmed ? 'signin' : 'trust',
              ...(sameFlow ? {} : { signedIn: null, plan: null, provisionId: null, outcome: null, progress: null, runError: null }),
            })
            if (!sameFlow) set({ cleanup: IDLE_CLEANUP, earlierFlow: null })
          },

          async acceptCertificate() {
            const { probe, target } = get()
            if (!probe || !target) return
            // Every confirmation goes to the core: it sends no credential to a console the user has not confirmed.
            set({ busy: true, error: null })
            const outcome = await api.console.trust({ key: target.key, sha256: probe.certificate.sha256 })
            if (!outcome.ok) {
              set({ busy: false, error: outcome.error })
              return
            }
            set((s) => ({
              busy: false,
              error: null,
              confirmed: { ...s.confirmed, [target.key]: probe.certificate.sha256 },
              probe: { ...probe, trust: 'matches' },
              probes: { ...s.probes, [target.key]: { status: 'done', result: { ...probe, trust: 'matches' } } },
              step: 'signin',
            }))
          },

          async signIn({ username, password, mfaCode }) {
            const target = get().target
            if (!target) return { ok: false, error: { code: 'invalid-input', message: 'Choose a console first.' } }
            const outcome = await api.console.signIn(mfaCode ? { key: target.key, username, password, mfaCode } : { key: target.key, username, password })
            if (outcome.ok && outcome.value.state === 'signed-in') {
              set({ signedIn: { key: target.key, user: outcome.value.user }, error: null })
              if (get().cleanup.error?.code === 'session-expired') {
                // Signed in again to finish removing what the run made, not to continue the run.
                set({ step: 'run' })
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
            const code = outcome.ok ? null : outcome.error.code
            if (code === 'certificate-changed' || code === 'certificate-unconfirmed') {
              // The console now shows another certificate (or none was confirmed): back to the comparison.
              const entry = await probeKey(target.key)
              if (entry.status === 'done') set({ probe: entry.result, step: 'trust' })
            }
            return outcome
          },

          async loadPlan() {
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
            const draft = get().draft
            const keepDraft = draft !== null && draft.key === target.key && draft.app === app
            set({
              busy: false,
              plan: plan.value,
              draft: keepDraft
                ? draft
                : {
                    key: target.key,
                    app,
                    username: plan.value.username,
                    keyName: plan.value.keyName,
                    accessValidityDays: plan.value.accessValidityDays ?? 365,
                  },
            })
          },

          editDraft(patch) {
            const draft = get().draft
            if (draft) set({ draft: { ...draft, ...patch } })
          },

          async run(mode = 'dedicated-user') {
            const { target, app, draft, busy } = get()
            if (!target || !app || !draft || busy) return
            if (resumable(get(), mode)) {
              // Running again after a failure continues the same flow: no second user, no stray key.
              set({ step: 'run' })
              return get().resume()
            }
            set({ step: 'run', busy: true, outcome: null, progress: null, provisionId: null, runError: null, runStartedAt: Date.now() })
            set({ cleanup: IDLE_CLEANUP, earlierFlow: null })
            const outcome = await api.provision.run({
              key: target.key,
              app,
              mode,
              username: draft.username.trim(),
              keyName: draft.keyName.trim(),
              ...(app === 'access' ? { accessValidityDays: draft.accessValidityDays } : {}),
            })
            if (outcome.ok) afterRun(outcome.value)
            else set({ busy: false, runStartedAt: null, runError: { error: outcome.error, during: 'run' } })
          },

          async resume() {
            const { provisionId, busy } = get()
            if (!provisionId || busy) return
            set({ busy: true, runError: null, outcome: null })
            const outcome = await api.provision.resume({ id: provisionId })
            if (outcome.ok) afterRun(outcome.value)
            else set({ busy: false, runError: { error: outcome.error, during: 'resume' } })
          },

          async removeWhatKeywardMade(id) {
            const { provisionId, busy, cleanup } = get()
            const flow = id ?? cleanup.flow ?? provisionId
            if (!flow || busy || cleanup.busy) return
            set({ cleanup: { ...cleanup, flow, busy: true, error: null } })
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
          },

          async reconcile() {
            // The window was closed while a key was being made: pick the flow up from the core's record.
            const { step, outcome, provisionId, busy, runStartedAt, target, app } = get()
            if (step !== 'run' || outcome || busy) return
            const list = await api.provision.list({})
            const records = list.ok ? list.value : []
            const record = provisionId
              ? records.find((r) => r.id === provisionId)
              : records.find((r) => r.consoleKey === target?.key && r.app === app && runStartedAt !== null && Date.parse(r.createdAt) >= runStartedAt - 5000)
            if (!record && !provisionId) {
              set({
                runStartedAt: null,
                runError: { error: { code: 'not-found', message: 'The window closed before the console was asked to make anything. Create the key again from the plan.' }, during: 'run' },
              })
              return
            }
            if (!record) {
              set({ provisionId: null, runError: { error: { code: 'not-found', message: 'That key flow is no longer on record.' }, during: 'resume' } })
              return
            }
            set({ progress: record, provisionId: record.id })
            const states = Object.values(record.steps)
            if (states.includes('running')) return // still going: progress events will follow
            if (states.every((s) => s === 'done' || s === 'skipped')) {
              await get().resume() // finished while the window was closed: fetch the outcome
            } else {
              const error = record.lastError ?? { code: 'internal', message: 'This flow stopped before it finished.' }
              set({ runError: { error: { code: error.code as KeywardError['code'], message: error.message }, during: 'resume' } })
            }
          },

          goTo(step) {
            set({ step, error: null })
          },

          startOver() {
            set({
              ...initialPersisted(get().confirmed),
              advice: null,
              busy: false,
              error: null,
              progress: null,
              runStartedAt: null,
              runError: null,
              cleanup: IDLE_CLEANUP,
              earlierFlow: null,
              manual: { running: false, error: null },
            })
          },
        }
      },
      {
        name: WIZARD_STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(() => storage),
        partialize: persistedOf,
        merge: (persisted, current) => ({ ...current, ...sanitize(persisted) }),
      },
    ),
  )
}

/** An unfinished flow for the same console, app, mode and names: run it again by resuming it. */
function resumable(s: WizardState, mode: ProvisionRecord['mode']): boolean {
  const record = s.outcome?.record ?? s.progress
  if (!record || !s.provisionId || record.id !== s.provisionId || !s.target || !s.draft) return false
  const finished = Object.values(record.steps).every((step) => step === 'done' || step === 'skipped')
  return (
    !finished &&
    !record.cleanup && // what it made was (being) removed: a new run starts afresh
    s.cleanup.flow === null &&
    record.consoleKey === s.target.key &&
    record.app === s.app &&
    record.mode === mode &&
    record.keyName === s.draft.keyName.trim() &&
    (mode === 'signed-in-admin' || record.username === s.draft.username.trim())
  )
}

/** A probe after a first contact answers `matches`; the user still has to see the first-contact screen. */
function keepFirstContact(previous: ProbeEntry | undefined, next: ProbeEntry): ProbeEntry {
  if (
    previous?.status === 'done' &&
    previous.result.trust === 'first-contact' &&
    next.status === 'done' &&
    next.result.trust === 'matches' &&
    next.result.certificate.sha256 === previous.result.certificate.sha256
  ) {
    return { status: 'done', result: { ...next.result, trust: 'first-contact' } }
  }
  return next
}

/** Only known fields come back from storage; anything else (an old version, hand edits) is dropped. */
function sanitize(value: unknown): Partial<WizardPersisted> {
  if (!value || typeof value !== 'object') return {}
  const v = value as Partial<WizardPersisted>
  const out = initialPersisted()
  for (const key of Object.keys(out) as (keyof WizardPersisted)[]) {
    if (key in v && v[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = v[key]
  }
  return out
}

export type WizardStore = ReturnType<typeof createWizardStore>
export type { ConsoleCard }
