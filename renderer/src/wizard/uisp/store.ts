// The wizard's UISP path (uisp.md): find the server → trust its certificate →
// sign in (TOTP when the account has 2FA) → choose what the token is for (the
// least scope that serves it) → token made, stored and verified → done.
//
// One zustand store around the injected API, its actions delegated to units
// with explicit state — find.ts (servers, probes), session.ts (certificate
// through the shared trust rule ../trust.ts, sign-in, plan, purpose) and run.ts
// (the token). The shape is state.ts, the persisted part (no secrets) persisted.ts.
import { create } from 'zustand'
import { createJSONStorage, persist, type StateStorage } from 'zustand/middleware'
import type { KeywardApi } from '../../../../shared/contract.ts'
import { UispFinder } from './find.ts'
import { initialUisp, restoreUisp, UISP_WIZARD_STORAGE_KEY, uispPersistedOf } from './persisted.ts'
import { UispRun } from './run.ts'
import { UispSession, uispTrust } from './session.ts'
import type { UispCtx, UispWizardState } from './state.ts'

/** Everything that is live only while the window is open, as it is when the wizard starts (over). */
const idleLive = () => ({ plan: null, busy: false, error: null, manualError: null })

export function createUispWizardStore(api: KeywardApi, storage: StateStorage = localStorage) {
  return create<UispWizardState>()(
    persist(
      (set, get): UispWizardState => {
        const ctx: UispCtx = { api, get, set }
        const finder = new UispFinder(ctx)
        const session = new UispSession(ctx, uispTrust(ctx))
        const runner = new UispRun(ctx)
        api.on('inventory.changed', (inventory) => set({ inventory }))
        return {
          ...initialUisp(),
          ...idleLive(),
          inventory: [],
          known: [],
          typed: [],
          start: () => {
            set({ step: 'find', error: null })
            void get().load()
          },
          aim: (key) => {
            // "Make a UISP key" on the Devices tab (issue 17): that server, on to its certificate or sign-in.
            set({ step: 'find', error: null, selectedKey: key })
            void get().continueWith(key)
          },
          load: () => finder.load(),
          select: (key) => set({ selectedKey: key, error: null }),
          addAddress: (address) => finder.addAddress(address),
          continueWith: (key) => finder.continueWith(key),
          acceptCertificate: () => session.acceptCertificate(),
          signIn: (input) => session.signIn(input),
          loadPlan: () => session.loadPlan(),
          choose: (purpose) => session.choose(purpose),
          setName: (name) => set({ name }),
          create: () => runner.create(),
          resume: () => runner.resume(),
          goTo: (step) => set({ step, error: null }),
          startOver: () => set({ ...initialUisp(get().confirmed), ...idleLive() }),
        }
      },
      {
        name: UISP_WIZARD_STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(() => storage),
        partialize: uispPersistedOf,
        merge: restoreUisp,
      },
    ),
  )
}

export type UispWizardStore = ReturnType<typeof createUispWizardStore>
export { uispServerCards, type UispServerCard } from './find.ts'
export { UISP_WIZARD_STORAGE_KEY } from './persisted.ts'
export {
  UISP_STEPS,
  uispCanGoBack,
  uispStepIndex,
  type UispStep,
  type UispWizardPersisted,
  type UispWizardState,
} from './state.ts'
