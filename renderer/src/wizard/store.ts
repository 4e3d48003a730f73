// The setup wizard's store: one zustand store around the injected API, its
// actions delegated to three units with explicit state — find.ts (discovery,
// probes, ranking), session.ts (certificate, sign-in, plan) and run.ts (the
// provision run). Pure rules live in flow.ts, the persisted part in persisted.ts.
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
import { WizardFinder } from './find.ts'
import type { ConsoleCard } from './model.ts'
import { initialPersisted, persistedOf, sanitize, WIZARD_STORAGE_KEY } from './persisted.ts'
import { WizardRun } from './run.ts'
import { consoleTrust, WizardSession } from './session.ts'
import { idleLive, type WizardCtx, type WizardState } from './state.ts'
import { onReopen } from './leave.ts'

function listen(api: KeywardApi, ctx: WizardCtx, finder: WizardFinder, runner: WizardRun): void {
  void api.console.list({}).then((known) => {
    if (known.ok) ctx.set({ known: known.value })
  })
  api.on('inventory.changed', (inventory) => {
    ctx.set({ inventory })
    finder.probeCandidates()
  })
  api.on('discovery.changed', (discovery) => ctx.set({ discovery }))
  api.on('console.changed', (known) => ctx.set({ known }))
  api.on('provision.progress', (record) => runner.onProgress(record))
}

export function createWizardStore(api: KeywardApi, storage: StateStorage = localStorage) {
  return create<WizardState>()(
    persist(
      (set, get): WizardState => {
        const ctx: WizardCtx = { api, get, set }
        const finder = new WizardFinder(ctx)
        const session = new WizardSession(ctx, consoleTrust(ctx, finder))
        const runner = new WizardRun(ctx, finder)
        listen(api, ctx, finder, runner)
        return {
          ...initialPersisted(),
          ...idleLive(),
          inventory: [],
          known: [],
          discovery: null,
          discoveryError: null,
          probes: {},
          chooseApp: (app) => finder.chooseApp(app),
          aim: (key) => finder.aim(key),
          clearAim: () => set({ preset: null, selectedKey: null, selectedBy: null }),
          startFinding: () => finder.startFinding(),
          rescan: () => finder.rescan(),
          select: (key) => finder.select(key),
          addAddress: (address) => finder.addAddress(address),
          continueWith: (key) => finder.continueWith(key),
          acceptCertificate: () => session.acceptCertificate(),
          signIn: (input) => session.signIn(input),
          loadPlan: () => session.loadPlan(),
          editDraft: (patch) => session.editDraft(patch),
          run: (mode) => runner.run(mode),
          resume: () => runner.resume(),
          trustAccess: (sha256) => runner.trustAccess(sha256),
          removeWhatKeywardMade: (id) => runner.removeWhatKeywardMade(id),
          reconcile: () => runner.reconcile(),
          offerCleanup: (id) => runner.offerCleanup(id),
          keepWhatWasMade: () => runner.keepWhatWasMade(),
          leaveWhenStopped: () => runner.leaveWhenStopped(),
          goTo: (step) => set({ step, error: null }),
          startOver: () => set({ ...initialPersisted(get().confirmed), ...idleLive(), runStartedAt: null }),
        }
      },
      {
        name: WIZARD_STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(() => storage),
        partialize: persistedOf,
        // Reopening shows a stopped run only when it can resume (issue 17, leave.ts onReopen).
        merge: (persisted, current) => ({ ...current, ...onReopen({ ...current, ...sanitize(persisted) }) }),
      },
    ),
  )
}

export type WizardStore = ReturnType<typeof createWizardStore>
export type { ConsoleCard }
export type { PlanDraft, Target, WizardPersisted } from './persisted.ts'
export { WIZARD_STORAGE_KEY } from './persisted.ts'
export type { CleanupState, RunError, WizardState } from './state.ts'
