// The rules of a wizard you can leave (issue 17), as pure functions: which
// completed steps the stepper may go back to, whether a stopped run can still
// succeed by continuing it, and what reopening the window shows for a run
// that stopped (the run, its cleanup offer, or the start).
import { madeByFlow } from '../../../shared/cleanup.ts'
import type { ErrorCode } from '../../../shared/result.ts'
import type { KeyProblem } from '../../../shared/domain.ts'
import type { ProvisionOutcomeView, ProvisionView } from '../../../shared/views.ts'
import { isVerified } from './flow.ts'
import { stepIndex, type WizardStep } from './model.ts'
import { initialPersisted, type WizardPersisted } from './persisted.ts'

/** Check problems that checking the same key again cannot fix. */
const FINAL_PROBLEMS: ReadonlySet<KeyProblem> = new Set<KeyProblem>([
  'wrong_host',
  'app_not_on_host',
  'invalid_key',
  'wrong_key_type',
  'tls_pin_mismatch',
])

/** Run failures that running the same flow again cannot fix (another name, account or mode is needed). */
const FINAL_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'conflict',
  'forbidden',
  'refused',
  'unsupported',
  'invalid-input',
])

/** A stopped run that continuing (Try again, Check again, sign in again) can still bring to a working key. */
export function canResume(outcome: ProvisionOutcomeView | null): boolean {
  if (!outcome || isVerified(outcome) || outcome.record.cleanup) return false
  const { failure, check } = outcome
  if (failure) return !failure.fallbackAvailable && !FINAL_FAILURES.has(failure.code as ErrorCode)
  if (check?.status === 'failed') return !FINAL_PROBLEMS.has(check.problem)
  return true
}

/** The flow left something on its console that a cleanup could remove. */
export const leftSomething = (record: ProvisionView | null | undefined): boolean =>
  record != null && madeByFlow(record).length > 0

/**
 * What reopening the window shows (issue 17): a stopped run only when it can resume; else the
 * cleanup offer when it left something on the console; else the start. Other steps come back as
 * they were.
 */
export function onReopen(p: WizardPersisted): WizardPersisted {
  const record = p.outcome?.record
  if (p.step === 'cleanup') return leftSomething(record) ? p : initialPersisted(p.confirmed)
  if (p.step !== 'run' || !p.outcome || isVerified(p.outcome) || canResume(p.outcome)) return p
  return leftSomething(record) ? { ...p, step: 'cleanup' } : initialPersisted(p.confirmed)
}

type BackRef = Pick<WizardPersisted, 'step' | 'app' | 'target' | 'probe' | 'signedIn'> & { busy: boolean }

/**
 * Whether the stepper may go back to `to`: a step before the current one whose answers are still
 * there. Not while a request runs, and not from Done or the cleanup (what was made stays made).
 */
export function canGoBack(to: WizardStep, s: BackRef): boolean {
  if (s.busy || s.step === 'done' || s.step === 'cleanup' || stepIndex(to) >= stepIndex(s.step)) return false
  switch (to) {
    case 'goal':
      return true
    case 'find':
      return s.app !== null
    case 'trust':
      return s.target !== null && s.probe !== null
    case 'signin':
      return s.target !== null
    case 'plan':
      return s.target !== null && s.signedIn?.key === s.target.key
    default:
      return false
  }
}
