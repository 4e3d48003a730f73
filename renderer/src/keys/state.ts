// The key list store's shape. Its actions are implemented by key-actions.ts
// (check, pause, rotate, revoke, forget, copy, reveal, sign-in)
// and ha-actions.ts (Home Assistant: connect, push per key, copy fields).
import type { KeywardApi } from '../../../shared/contract.ts'
import type { HaFit, HaPushOptions, HaSummary, KeyView, SignInResult, UnifiApp } from '../../../shared/domain.ts'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import type { CleanupOutcomeView } from '../../../shared/views.ts'
import type { FoundHa, Sort, SortKey } from './model.ts'
import type { RowState } from './rows.ts'

export interface KeysState {
  keys: KeyView[]
  loaded: boolean
  /** The list could not be read, or "Check all" failed. */
  error: KeywardError | null
  /** A list-level result: a key that left the list, a finished "Check all". */
  notice: string | null
  checkingAll: boolean
  sort: Sort
  filter: string
  rows: Record<string, RowState>
  ha: HaSummary[]
  /** Home Assistant instances discovery found (mDNS), to connect without typing. */
  haFound: FoundHa[]
  /** What removing a revoked key's dedicated user came to (key, user, password), until dismissed. */
  userRemoval: CleanupOutcomeView | null
  userRemovalBusy: boolean

  load(): Promise<void>
  /** Reads the inventory for Home Assistant instances (live afterwards through inventory.changed). */
  loadHaFound(): Promise<void>
  setSort(by: SortKey): void
  setFilter(text: string): void
  checkAll(): Promise<void>
  check(id: string): Promise<void>
  setPaused(id: string, paused: boolean): Promise<void>
  rotate(id: string): Promise<void>
  /** `deleteUser`: also delete the key's dedicated user (only one Keyward made, core-checked). */
  revoke(id: string, deleteUser?: boolean): Promise<boolean>
  retryUserRemoval(flowId: string): Promise<void>
  dismissUserRemoval(): void
  forget(id: string): Promise<boolean>
  copy(id: string): Promise<void>
  /** Copies the password of the key's dedicated console user (never shown). */
  copyPassword(id: string): Promise<void>
  /** The secret for the caller to show; errors land on the row. */
  reveal(id: string): Promise<{ secret: string; hideAfterSeconds: number } | null>
  /**
   * Protect goes API-key-only unless `mode` is 'full' (which needs the recorded consent); `siteId`: the
   * UniFi Network site chosen after a 'choose-site' answer.
   */
  push(id: string, haId: string, choice?: { mode?: 'api_key' | 'full'; siteId?: string }): Promise<void>
  pushOptions(id: string, haId: string): Promise<Outcome<HaPushOptions>>
  /** Records consent to `sentence` (word for word as shown), then pushes in `mode`. */
  consentAndPush(id: string, haId: string, sentence: string, mode: 'api_key' | 'full'): Promise<void>
  showFields(id: string): Promise<void>
  hideFields(id: string): void
  dismiss(id: string): void
  /** The key list is on screen (notifications are suppressed meanwhile). */
  viewing(open: boolean): void
  /** `sha256`: the certificate fingerprint the user compared and confirmed (https, self-signed). */
  haConnect(url: string, token: string, sha256?: string): Promise<Outcome<HaSummary>>
  /** "It's mine — continue" (`sha256` re-trusts a changed certificate). */
  haContinue(id: string, sha256?: string): Promise<Outcome<HaSummary>>
  haForget(id: string): Promise<Outcome<HaSummary[]>>
  /** Before minting: can this Home Assistant take a key for `app` (ha.fit)? */
  haFit(haId: string, app: UnifiApp): Promise<Outcome<HaFit>>
  signIn(input: { key: string; username: string; password: string; mfaCode?: string }): Promise<Outcome<SignInResult>>
}

type Patch = Partial<KeysState> | ((s: KeysState) => Partial<KeysState>)

/** What every unit of the key list gets: the API and the store's get/set. */
export interface KeysCtx {
  api: KeywardApi
  get(): KeysState
  set(patch: Patch): void
}
