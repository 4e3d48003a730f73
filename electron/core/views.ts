// What crosses to the renderer is a view, not a storage record: the request handlers
// (core/handlers/) and the events that carry keys or key flows map records here, so keychain
// entry names, retry counters and journal internals stay in the core. Each view drops named
// fields; tests/integration/contract-views.test.ts holds every such answer to that.
import type {
  CleanupOutcome,
  KeyRecord,
  KeyStatus,
  KeyView,
  ProvisionOutcome,
  ProvisionRecord,
  UispTokenOutcome,
  UispTokenRecord,
} from '../../shared/domain.ts'
import type {
  CleanupOutcomeView,
  KeyUserView,
  ProvisionOutcomeView,
  ProvisionView,
  UispTokenFlowView,
  UispTokenOutcomeView,
} from '../../shared/views.ts'

/** A watched key inside the core: its record and what it means now (the key watch's list). */
export interface WatchedKey extends KeyRecord {
  status: KeyStatus
  consoleName: string | null
  host: string | null
  /** Its console user when a Keyward flow created it (keys/key-user.ts). */
  dedicatedUser?: KeyUserView | null
}

export function keyView(key: WatchedKey): KeyView {
  const { keyRef: _key, passwordRef, unreachableStreak: _streak, ...rest } = key
  return { ...rest, hasPassword: passwordRef !== null }
}

export const keyViews = (keys: WatchedKey[]): KeyView[] => keys.map(keyView)

export function provisionView(record: ProvisionRecord): ProvisionView {
  const { passwordRef: _password, keyRef: _key, ...rest } = record
  return rest
}

export const provisionOutcomeView = (outcome: ProvisionOutcome): ProvisionOutcomeView => ({
  ...outcome,
  record: provisionView(outcome.record),
})

export const cleanupOutcomeView = (outcome: CleanupOutcome): CleanupOutcomeView => ({
  ...outcome,
  record: provisionView(outcome.record),
})

export function uispTokenFlowView(record: UispTokenRecord): UispTokenFlowView {
  const { keyRef: _key, ...rest } = record
  return rest
}

export const uispTokenOutcomeView = (outcome: UispTokenOutcome): UispTokenOutcomeView => ({
  ...outcome,
  record: uispTokenFlowView(outcome.record),
})
