// What crosses to the renderer in place of a storage record (shared/domain.ts): the same data
// without keychain entry names. Built where records leave the core (electron/core/views.ts).
import type { CleanupOutcome, ProvisionOutcome, ProvisionRecord, UispTokenOutcome, UispTokenRecord } from './domain.ts'

export type { KeyView } from './domain.ts'

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

/** A UISP token flow as the renderer sees it: without the keychain entry name. */
export type UispTokenFlowView = Omit<UispTokenRecord, 'keyRef'>

export interface UispTokenOutcomeView extends Omit<UispTokenOutcome, 'record'> {
  record: UispTokenFlowView
}
