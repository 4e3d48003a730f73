// The wizard's run rules as pure functions (no store, no API): which flow is
// ours, when running again means resuming, what a flow found after the window
// reopened calls for, and the first-contact rule for probes.
import type { ProvisionPlan, UnifiApp } from '../../../shared/domain.ts'
import type { ProvisionOutcomeView, ProvisionView } from '../../../shared/views.ts'
import type { KeywardError } from '../../../shared/result.ts'
import type { ProbeEntry } from './model.ts'
import type { PlanDraft, Target, WizardPersisted } from './persisted.ts'
import type { CleanupState } from './state.ts'

/** A run counts as made for the user only when its key was checked and works. */
/** A run's outcome leads to the Done screen (UniFi key and UISP token alike): no failure, and the check passed. */
export const isVerified = (o: { failure: unknown; check: { status: string } | null } | null): boolean =>
  o !== null && o.failure === null && o.check?.status === 'ok'

const finished = (record: ProvisionView) => Object.values(record.steps).every((s) => s === 'done' || s === 'skipped')

/** No step of the flow is running any more (it finished or stopped). */
export const isStopped = (record: ProvisionView): boolean => !Object.values(record.steps).includes('running')

type FlowRef = Pick<WizardPersisted, 'provisionId' | 'runStartedAt' | 'target' | 'app'>

/**
 * The flow this wizard is following: the one with its id, or, before the first progress event named
 * it, one for the same console and app created since the run was asked for (5 s of clock slack).
 */
export function isOurFlow(record: ProvisionView, s: FlowRef): boolean {
  if (s.provisionId) return record.id === s.provisionId
  return (
    s.runStartedAt !== null &&
    record.consoleKey === s.target?.key &&
    record.app === s.app &&
    Date.parse(record.createdAt) >= s.runStartedAt - 5000
  )
}

interface ResumeRef {
  app: UnifiApp | null
  target: Target | null
  draft: PlanDraft | null
  provisionId: string | null
  outcome: ProvisionOutcomeView | null
  progress: ProvisionView | null
  cleanup: CleanupState
}

/** An unfinished flow for the same console, app, mode and names: run it again by resuming it. */
export function resumable(s: ResumeRef, mode: ProvisionView['mode']): boolean {
  const record = s.outcome?.record ?? s.progress
  if (!record || !s.provisionId || record.id !== s.provisionId || !s.target || !s.draft) return false
  return (
    !finished(record) &&
    !record.cleanup && // what it made was (being) removed: a new run starts afresh
    s.cleanup.flow === null &&
    record.consoleKey === s.target.key &&
    record.app === s.app &&
    record.mode === mode &&
    record.keyName === s.draft.keyName.trim() &&
    (mode === 'signed-in-admin' || record.username === s.draft.username.trim())
  )
}

/** What a flow looked up after the window reopened mid-run calls for. */
export type Reopened =
  | { kind: 'never-started'; error: KeywardError }
  | { kind: 'gone'; error: KeywardError }
  | { kind: 'running'; record: ProvisionView }
  | { kind: 'finished'; record: ProvisionView }
  | { kind: 'stopped'; record: ProvisionView; error: KeywardError }

export function reopened(record: ProvisionView | undefined, hadId: boolean): Reopened {
  if (!record && !hadId) {
    return {
      kind: 'never-started',
      error: {
        code: 'not-found',
        message: 'The window closed before the console was asked to make anything. Create the key again from the plan.',
      },
    }
  }
  if (!record) return { kind: 'gone', error: { code: 'not-found', message: 'That key flow is no longer on record.' } }
  if (!isStopped(record)) return { kind: 'running', record } // resuming joins it
  if (finished(record)) return { kind: 'finished', record } // finished while the window was closed
  const error = record.lastError ?? { code: 'internal', message: 'This flow stopped before it finished.' }
  return { kind: 'stopped', record, error: { code: error.code as KeywardError['code'], message: error.message } }
}

/** The plan's edits: the user's earlier ones for the same console and app, else the plan's proposal. */
export function draftFor(plan: ProvisionPlan, target: Target, app: UnifiApp, draft: PlanDraft | null): PlanDraft {
  if (draft !== null && draft.key === target.key && draft.app === app) return draft
  return {
    key: target.key,
    app,
    username: plan.username,
    keyName: plan.keyName,
    accessValidityDays: plan.accessValidityDays ?? 365,
  }
}

/** A probe after a first contact answers `matches`; the user still has to see the first-contact screen. */
export function keepFirstContact(previous: ProbeEntry | undefined, next: ProbeEntry): ProbeEntry {
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
