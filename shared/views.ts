// What crosses to the renderer in place of a storage record (shared/domain.ts): the same data
// without keychain entry names. Built where records leave the core (electron/core/views.ts).
import type {
  CleanupOutcome,
  KeyView,
  ProvisionOutcome,
  ProvisionRecord,
  UispTokenOutcome,
  UispTokenRecord,
} from './domain.ts'

export type { KeyView } from './domain.ts'

/**
 * The console user a key belongs to, when a Keyward flow created it (electron/core/keys/key-user.ts);
 * a key has none (null) when it was made as the signed-in admin or its user is not Keyward's.
 * Revoking the key offers to delete the user, ticked by default when `sharedWith` is empty.
 */
export type KeyUserView = NonNullable<KeyView['dedicatedUser']>

/**
 * A key flow as the renderer sees it: its journal without the keychain entry names (the wizard
 * reads `requested` and `userAdoptedBy` to name what a cleanup would remove, shared/cleanup.ts).
 * The key it made is the key list entry with the same `consoleKey` and `remoteId === keyId`.
 */
export type ProvisionView = Omit<ProvisionRecord, 'passwordRef' | 'keyRef'>

export interface ProvisionOutcomeView extends Omit<ProvisionOutcome, 'record'> {
  record: ProvisionView
}

export interface CleanupOutcomeView extends Omit<CleanupOutcome, 'record'> {
  record: ProvisionView
}

/** `keys.revoke`: the list without the key, and what removing its dedicated user came to (when asked). */
export interface RevokeOutcomeView {
  keys: KeyView[]
  user: CleanupOutcomeView | null
}

/** A UISP token flow as the renderer sees it: without the keychain entry name. */
export type UispTokenFlowView = Omit<UispTokenRecord, 'keyRef'>

export interface UispTokenOutcomeView extends Omit<UispTokenOutcome, 'record'> {
  record: UispTokenFlowView
}

/**
 * When the key watch checks: the last background sweep that ended and the next one planned (ISO, the
 * ±10 % jitter already applied, so the time shown is the time it runs). `nextSweepAt` is null while a
 * sweep runs and when the watch is stopped. A console that does not answer is retried on its own
 * back-off, so one key may be checked later than the sweep (its own view says when it last was).
 */
export interface SweepScheduleView {
  watching: boolean
  sweeping: boolean
  lastSweepAt: string | null
  nextSweepAt: string | null
}
