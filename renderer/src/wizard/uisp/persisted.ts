// What of the UISP wizard survives closing the window (localStorage), and how
// it comes back: the step, the server and its probe, the confirmed
// fingerprints, the purpose and the outcome (which carries only the MASKED
// token). Never here: the password, the 2FA code (the sign-in screen's local
// state) or the token (copy only).
import type { UispWizardPersisted } from './state.ts'

export const UISP_WIZARD_STORAGE_KEY = 'keyward.wizard.uisp'

export const initialUisp = (confirmed: Record<string, string> = {}): UispWizardPersisted => ({
  step: 'off',
  selectedKey: null,
  probe: null,
  confirmed,
  signedIn: null,
  purpose: 'monitor',
  name: 'keyward-monitor',
  outcome: null,
})

/** The persisted part of the whole state (zustand's `partialize`). */
export const uispPersistedOf = (s: UispWizardPersisted): UispWizardPersisted => ({
  step: s.step,
  selectedKey: s.selectedKey,
  probe: s.probe,
  confirmed: s.confirmed,
  signedIn: s.signedIn,
  purpose: s.purpose,
  name: s.name,
  outcome: s.outcome,
})

/** A step that was running when the window closed comes back as the purpose screen (the outcome, if any, stays). */
export function restoreUisp<S>(persisted: unknown, current: S): S {
  const p = (persisted ?? {}) as Partial<UispWizardPersisted>
  const step = p.step === 'run' && !p.outcome ? 'purpose' : p.step
  return { ...current, ...p, ...(step ? { step } : {}) }
}
