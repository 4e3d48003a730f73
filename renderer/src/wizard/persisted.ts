// What of the wizard survives closing the window (localStorage), and how it
// comes back. No secrets: the sign-in password and 2FA code live in the
// sign-in screen's local state, and the core sends masked keys only.
import type { ConsoleProbe, ConsoleUserSummary, ProvisionPlan, UnifiApp } from '../../../shared/domain.ts'
import type { ProvisionOutcomeView } from '../../../shared/views.ts'
import type { WizardStep } from './model.ts'

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
  outcome: ProvisionOutcomeView | null
  /** The console "Make a key here" on the Devices tab chose (issue 17): the goal step offers its apps. */
  preset: string | null
}

export const WIZARD_STORAGE_KEY = 'keyward.wizard'

export const initialPersisted = (confirmed: Record<string, string> = {}): WizardPersisted => ({
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
  preset: null,
})

/** The persisted part of the whole state (zustand's `partialize`). */
export const persistedOf = (s: WizardPersisted): WizardPersisted => ({
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
  preset: s.preset,
})

/** Only known fields come back from storage; anything else (an old version, hand edits) is dropped. */
export function sanitize(value: unknown): Partial<WizardPersisted> {
  if (!value || typeof value !== 'object') return {}
  const v = value as Partial<WizardPersisted>
  const out = initialPersisted()
  for (const key of Object.keys(out) as (keyof WizardPersisted)[]) {
    if (key in v && v[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = v[key]
  }
  return out
}
