// The UISP wizard store's shape: the persisted part, what is live only while
// the window is open, and the actions the screens call. The actions are
// implemented by three units with explicit state: find.ts (servers, probes),
// session.ts (certificate, sign-in, plan and purpose) and run.ts (the token).
import type { UispTokenOutcomeView } from '../../../../shared/views.ts'
import type { KeywardApi } from '../../../../shared/contract.ts'
import type {
  UispProbe,
  UispServerRecord,
  UispSignInResult,
  UispTokenPlan,
  UispTokenPurpose,
} from '../../../../shared/domain.ts'
import type { InventoryItem } from '../../../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../../../shared/result.ts'

/** `off`: the UniFi wizard is showing (the goal screen offers UISP). */
export type UispStep = 'off' | 'find' | 'trust' | 'signin' | 'purpose' | 'run' | 'done'

export const UISP_STEPS: { step: UispStep; label: string }[] = [
  { step: 'find', label: 'Server' },
  { step: 'trust', label: 'Certificate' },
  { step: 'signin', label: 'Sign in' },
  { step: 'purpose', label: 'Purpose' },
  { step: 'run', label: 'Token' },
]

export const uispStepIndex = (step: UispStep) =>
  step === 'done' ? UISP_STEPS.length : UISP_STEPS.findIndex((s) => s.step === step)

/** Whether the stepper may go back to `to` (issue 17): a completed step whose answers are still there. */
export function uispCanGoBack(
  to: UispStep,
  s: Pick<UispWizardPersisted, 'step' | 'probe' | 'signedIn'> & { busy: boolean },
): boolean {
  if (s.busy || s.step === 'done' || uispStepIndex(to) >= uispStepIndex(s.step)) return false
  if (to === 'find') return true
  if (to === 'trust' || to === 'signin') return s.probe !== null
  if (to === 'purpose') return s.signedIn !== null && s.signedIn.key === s.probe?.address.key
  return false
}

/** Everything that survives closing the window. No secrets: the token itself is never here, only masked. */
export interface UispWizardPersisted {
  step: UispStep
  selectedKey: string | null
  probe: UispProbe | null
  /** Server key → the fingerprint the user confirmed. */
  confirmed: Record<string, string>
  signedIn: { key: string; username: string; role: string | null } | null
  purpose: UispTokenPurpose
  name: string
  outcome: UispTokenOutcomeView | null
}

export interface UispWizardState extends UispWizardPersisted {
  inventory: InventoryItem[]
  known: UispServerRecord[]
  typed: string[]
  plan: UispTokenPlan | null
  busy: boolean
  error: KeywardError | null
  manualError: KeywardError | null

  start(): void
  /** Start on this server (the Devices tab's "Make a UISP key"). */
  aim(key: string): void
  load(): Promise<void>
  select(key: string): void
  addAddress(address: string): Promise<boolean>
  continueWith(key: string): Promise<void>
  acceptCertificate(): Promise<void>
  signIn(input: { username: string; password: string; mfaCode?: string }): Promise<Outcome<UispSignInResult>>
  loadPlan(): Promise<void>
  choose(purpose: UispTokenPurpose): void
  setName(name: string): void
  create(): Promise<void>
  resume(): Promise<void>
  goTo(step: UispStep): void
  startOver(): void
}

type Patch = Partial<UispWizardState> | ((s: UispWizardState) => Partial<UispWizardState>)

/** What every unit of the UISP wizard gets: the API and the store's get/set. */
export interface UispCtx {
  api: KeywardApi
  get(): UispWizardState
  set(patch: Patch): void
}

/** A request of the current screen failed; a session that ended (a restart, a closed window) means signing in again. */
export const failedWith = (error: KeywardError): Partial<UispWizardState> => ({
  busy: false,
  error,
  ...(error.code === 'session-expired' ? { step: 'signin', signedIn: null } : {}),
})
