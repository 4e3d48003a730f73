// The wizard store's shape: the persisted part (persisted.ts), what is live only
// while the window is open, and the actions the screens call. The actions are
// implemented by three units with explicit state: find.ts (discovery, probes,
// the ranked hosts), session.ts (certificate, sign-in, plan) and run.ts (the
// provision run, its progress, resume, reconcile and cleanup).
import type { KeywardApi } from '../../../shared/contract.ts'
import type { ConsoleRecord, HostAdvice, SignInResult, UnifiApp } from '../../../shared/domain.ts'
import type { CleanupOutcomeView, ProvisionView } from '../../../shared/views.ts'
import type { DiscoveryStatus, InventoryItem } from '../../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import type { ProbeEntry, WizardStep } from './model.ts'
import type { PlanDraft, WizardPersisted } from './persisted.ts'

export type RunError = { error: KeywardError; during: 'run' | 'resume' }

/** Removing what a failed or wrong-host run made (`provision.cleanup`); never persisted. */
export interface CleanupState {
  /** The flow being cleaned up: this run's, or the earlier one whose user was in the way. */
  flow: string | null
  busy: boolean
  outcome: CleanupOutcomeView | null
  error: KeywardError | null
}

export const IDLE_CLEANUP: CleanupState = { flow: null, busy: false, outcome: null, error: null }

/** Everything that is live only while the window is open, as it is when the wizard starts (over). */
export const idleLive = () => ({
  advice: null,
  busy: false,
  error: null,
  progress: null,
  runError: null,
  cleanup: IDLE_CLEANUP,
  earlierFlow: null,
  leaveAfterRun: false,
  manual: { running: false, error: null },
})

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
  progress: ProvisionView | null
  runError: RunError | null
  cleanup: CleanupState
  /** The earlier flow whose user took the chosen name (the failure names it), to offer its cleanup. */
  earlierFlow: ProvisionView | null
  /** The user chose Start over or Cancel while a key was being made: when the run stops, offer its cleanup. */
  leaveAfterRun: boolean

  chooseApp(app: UnifiApp): void
  /** Start on this console (the Devices tab's "Make a key here"): the goal step offers its apps, then its certificate. */
  aim(key: string): void
  /** Back to choosing the console on the Find step. */
  clearAim(): void
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
  /** Confirm the certificate of Access's API port the check showed, then check again (its refusal, or null). */
  trustAccess(sha256: string): Promise<KeywardError | null>
  /** Remove what the current flow (or the given earlier one) made on its console; the user confirmed it. */
  removeWhatKeywardMade(id?: string): Promise<void>
  reconcile(): Promise<void>
  /** The cleanup screen for this flow (or the earlier one): what it made, asked before anything goes. */
  offerCleanup(id?: string): void
  /** Back from the cleanup screen without removing anything. */
  keepWhatWasMade(): void
  /** Start over once the run under way stops (then its cleanup is offered when it left something). */
  leaveWhenStopped(): void
  goTo(step: WizardStep): void
  startOver(): void
}

type Patch = Partial<WizardState> | ((s: WizardState) => Partial<WizardState>)

/** What every unit of the wizard gets: the API and the store's get/set. */
export interface WizardCtx {
  api: KeywardApi
  get(): WizardState
  set(patch: Patch): void
}
