// The lab audit (issue 18) as plain data: what the audit read on each console and UISP server it was
// opened for, what it found (each finding with its reason in words), what a cleanup did per item, and
// the activity log of everything Keyward did. No secret is ever part of these: keys are masked, tokens
// are named by id and name only.

export type CredentialKind = 'api-key' | 'local-admin' | 'access-token' | 'uisp-token'

export interface AuditCredential {
  /** Stable within one audit: `<host key>|<kind>|<id on the host>`. */
  id: string
  hostKey: string
  hostLabel: string
  kind: CredentialKind
  /** The id the console or server gave it (key id, user id, token id). */
  remoteId: string
  /** Key or token name; a local admin's username. */
  name: string
  /** Whose it is (the key's user); null when the list does not say. */
  owner: string | null
  ownerId: string | null
  /** A local admin's role name, a UISP token's scope. */
  role: string | null
  superAdmin: boolean
  isOwner: boolean
  /** A local admin that may sign in only locally; null when the console does not say. */
  localOnly: boolean | null
  /** A local admin's account status as the console says it (`ACTIVE`, …); null when not said. */
  status: string | null
  masked: string | null
  createdAt: string | null
  /** Last use (keys, UISP tokens); null = never used, or not reported (see `usageReported`). */
  lastUsedAt: string | null
  /** Whether the host reports last use for this kind at all (Access tokens and admins: no). */
  usageReported: boolean
  expiresAt: string | null
  /** The watched key Keyward tracks for it, if any. */
  trackedKeyId: string | null
  /** A Keyward flow made it (its journal names it). */
  madeByKeyward: boolean
}

export type AuditHostState = 'read' | 'skipped' | 'failed'

export interface AuditHostResult {
  key: string
  label: string
  kind: 'console' | 'uisp'
  state: AuditHostState
  /** Why it was skipped or failed, in plain words; null when read. */
  reason: string | null
  /** What could not be read on a host that was read (one sentence each). */
  notes: string[]
  /** Which kinds of credential were read in full (a watched key missing from an unread list proves nothing). */
  listed: CredentialKind[]
  /** Whose API key lists were read (usernames). */
  keysReadFor: string[]
}

export type FindingKind =
  | 'unused'
  | 'never-used'
  | 'owner-gone'
  | 'owner-disabled'
  | 'untracked-keyward'
  | 'gone-from-console'
  | 'orphan-super-admin'
  | 'broad-scope'
  | 'expiring'
  | 'app-moved'

/** What a cleanup of the finding does; null: nothing Keyward can do (the finding is advice). */
export type CleanupAction = 'revoke-key' | 'revoke-access-token' | 'delete-user' | 'revoke-uisp-token' | 'forget-record'

export interface AuditFinding {
  id: string
  kind: FindingKind
  hostKey: string
  hostLabel: string
  /** The credential it is about; null for a tracked key no longer on its host. */
  credentialId: string | null
  /** The watched key it concerns, if any. */
  keyId: string | null
  /** What it is about, in words ("the API key “ha-protect” of alice"). */
  subject: string
  reason: string
  action: CleanupAction | null
  /** What stops working when it is cleaned up (Home Assistant entries Keyward knows of, …). */
  stops: string[]
}

export interface AuditReport {
  openedAt: string
  unusedDays: number
  hosts: AuditHostResult[]
  credentials: AuditCredential[]
  findings: AuditFinding[]
}

export type CleanupItemOutcome = 'removed' | 'was-gone' | 'refused' | 'failed'

export interface AuditCleanupItem {
  findingId: string
  subject: string
  outcome: CleanupItemOutcome
  message: string
}

export interface AuditCleanupResult {
  items: AuditCleanupItem[]
  /** The audit as read again after the cleanup (the hosts' own lists). */
  report: AuditReport
}

export type ActivityAction =
  | 'probed'
  | 'trusted'
  | 'signed-in'
  | 'created-user'
  | 'minted'
  | 'verified'
  | 'pushed-to-ha'
  | 'consented'
  | 'rotated'
  | 'revoked'
  | 'deleted-user'
  | 'forgot'
  | 'cleaned-up'
  | 'audited'

export interface ActivityEntry {
  at: string
  action: ActivityAction
  outcome: 'ok' | 'failed'
  /** The console or UISP server (`host:port`); null when none. */
  hostKey: string | null
  /** The watched key it concerns; null when none. */
  keyId: string | null
  /** What it was about, in words. */
  subject: string
  /** The user's own choice, in their words (a consent sentence, a confirmation); null when none. */
  words: string | null
  /** The failure's plain words; null on success. */
  detail: string | null
}

export interface ActivityFilter {
  hostKey?: string | undefined
  keyId?: string | undefined
}

export interface ActivityExport {
  format: 'csv' | 'json'
  filename: string
  text: string
}
