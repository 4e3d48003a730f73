// Domain types shared by core and renderer. Plain data only: these cross IPC
// (structured clone) and the browser bridge (JSON).

/** SHA-256 of the leaf certificate's DER, as colon-separated upper-case hex. */
export type CertificateFingerprint = string

export interface CertificateInfo {
  sha256: CertificateFingerprint
  subject: string
  issuer: string
  validFrom: string
  validTo: string
  selfSigned: boolean
}

/** What kind of HTTPS service answered at an address. */
export type ConsoleKind = 'unifi-os' | 'legacy-network'

/** An address the user typed, normalised: host (IPv4, IPv6 or name) and port. */
export interface ConsoleAddress {
  host: string
  port: number
  /** `host:port`, with IPv6 in brackets; the stable key for a console address. */
  key: string
}

/** The result of probing one address over HTTPS (unifi-os.md §1). */
export interface ConsoleProbe {
  address: ConsoleAddress
  kind: ConsoleKind
  /** `hardware.shortname` from /api/system, e.g. UDMPRO, UNVR. */
  model: string | null
  name: string | null
  /** Upper-case hex without separators, as /api/system reports it. */
  mac: string | null
  directConnectDomain: string | null
  /** Apps that answered the unauthenticated 401 probe on this host (unifi-os.md §1). */
  apps: UnifiApp[]
  certificate: CertificateInfo
  // Trust on first use: `first-contact` for a console never seen at this address, `matches` when the
  // certificate is the one seen before, `changed` when it differs (the stored fingerprint is kept).
  trust: 'first-contact' | 'matches' | 'changed'
  latencyMs: number
  probedAt: string
}

/** What Keyward remembers about a console (metadata only, never secrets). */
export interface ConsoleRecord {
  key: string
  host: string
  port: number
  kind: ConsoleKind
  model: string | null
  name: string | null
  mac: string | null
  /** Apps on this host at the last probe; absent in records written before apps were probed. */
  apps?: UnifiApp[]
  certificateSha256: CertificateFingerprint
  // The user confirmed this certificate (`console.trust`); until then the core sends no credential here
  // (issue 14 §3). Absent in records older than the flag: see `isConfirmed` (electron/core/console/trust.ts).
  confirmed?: boolean
  accessPin?: CertificateFingerprint // Access's API port's own certificate, user-confirmed (unifi/access-pin.ts)
  lastSeen: string
}

export interface VaultStatus {
  available: boolean
  backend: string
  /** Why the keychain cannot be used, as a sentence for the user. */
  problem: string | null
}

/** The settings file, and where a damaged one was moved at start-up (the user is told). */
export interface SettingsStatus {
  path: string
  /** The copy of a corrupt settings file Keyward kept before starting afresh, or null. */
  recoveredFrom: string | null
}

export interface Preferences {
  clipboardClearSeconds: number
  checkIntervalMinutes: number
  /** Opt-in: start Keyward (in the tray) when the user logs in. */
  startAtLogin: boolean
  /** Keys with an expiry turn "expiring" this many days before it. */
  expiryLeadDays: number
}

/** The UniFi apps Keyward makes keys for. */
export type UnifiApp = 'protect' | 'network' | 'access'

/** What a watched key is for: a UniFi app, or a UISP server's API token. */
export type KeyApp = UnifiApp | 'uisp'

/** Why a key check failed, each with its own explanation (issue: console client). */
export type KeyProblem =
  | 'invalid_key' // no known console accepts it
  | 'wrong_host' // valid, but on another console than the one that runs the app for you
  | 'wrong_key_type' // e.g. a console key given to Access, or an Access token given to Protect
  | 'insufficient_permission' // the key's owner lacks rights for this app
  | 'app_not_on_host' // the app is not installed on this console
  | 'version_too_old' // the app is older than what the consumer (Home Assistant) needs
  | 'tls_pin_mismatch' // the console's certificate changed since it was trusted
  | 'access_certificate' // Access's API port has its own certificate, not confirmed (yet, or any more)
  | 'unreachable' // the console did not answer
  | 'rate_limited' // the console's API rate limit answered 429
  | 'expired' // UISP: refused, and its recorded expiry has passed
  | 'insufficient_scope' // UISP: valid, but its scope does not allow what it is for
  | 'not_uisp' // UISP: the address answers, but not as a UISP server

export interface KeyCheckOk {
  status: 'ok'
  app: KeyApp
  /** Console address key (`host:port`). */
  host: string
  appVersion: string | null
  latencyMs: number
  checkedAt: string
  /** Protect: how many cameras the key can see (0 on a console whose Protect is empty). */
  cameras?: number
  /**
   * Protect: the key works, but something a consumer needs is missing, in plain words — e.g. no RTSPS
   * stream can be read, so HA's live view falls back to snapshots (home-assistant.md §2.5). Not a failure.
   */
  warning?: string
}

export interface KeyCheckFailed {
  status: 'failed'
  app: KeyApp
  host: string
  problem: KeyProblem
  message: string // one sentence a home-lab user understands
  appVersion?: string // version_too_old by a consumer's floor: the version the app reported (not a momentary miss)
  /** What to do about it. */
  nextStep: string
  /** For wrong_host / app_not_on_host: the console that is the right place. */
  rightHost?: { key: string; name: string | null }
  retryAfterSeconds?: number
  accessCertificate?: CertificateInfo // access_certificate: what Access's API port presents, to compare
  checkedAt: string
}

export type KeyCheck = KeyCheckOk | KeyCheckFailed

export type ProvisionStepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped'

/**
 * A key being made on a console, step by step. Persisted (metadata only: the password and key live in the
 * keychain under the refs) so a flow that stopped halfway (a dropped connection, a closed window, a crash)
 * resumes where it stopped instead of leaving a stray user or key behind.
 */
export interface ProvisionRecord {
  id: string
  consoleKey: string
  app: UnifiApp
  /** `dedicated-user`: a new local-only user mints its own key; `signed-in-admin`: the fallback. */
  mode: 'dedicated-user' | 'signed-in-admin'
  username: string
  keyName: string
  userId: string | null
  /** Vault ref of the dedicated user's password. */
  passwordRef: string
  /** Vault ref of the key. */
  keyRef: string
  keyId: string | null
  /** When the key stops working (Access tokens have a validity period); null = never. */
  expiresAt: string | null
  /** Access tokens: the validity the user chose (0 = never), so a resumed flow uses it too. */
  accessValidityDays: number | null
  steps: { user: ProvisionStepState; key: ProvisionStepState; verify: ProvisionStepState }
  lastError: { code: string; message: string } | null
  createdAt: string
  updatedAt: string
  /**
   * Which create requests were sent to the console at least once (journaled just before sending), so
   * Keyward knows what it may have made even when the reply was lost. Absent in older records.
   */
  requested?: { user: boolean; key: boolean }
  /** A later flow (this id) took over the user this flow made: this flow's cleanup leaves the user alone. */
  userAdoptedBy?: string | null
  /** Removing what this flow made (`provision.cleanup`), part by part; absent until asked. */
  cleanup?: ProvisionCleanup | null
}

/** What removing one part of a flow came to. `pending`/`running`: not yet, or cut off while running. */
export type CleanupResult = 'pending' | 'running' | 'removed' | 'was-gone' | 'not-made' | 'kept' | 'failed'

export interface CleanupPart {
  result: CleanupResult
  /** Why it was kept or could not be removed (a sentence); null otherwise. */
  reason: string | null
}

/** The cleanup journal of a flow: the key first, then the user, the password from the keychain last. */
export interface ProvisionCleanup {
  key: CleanupPart
  user: CleanupPart
  password: CleanupPart
  updatedAt: string
}

export type CleanupPartName = 'key' | 'user' | 'password'

export interface CleanupItem extends CleanupPart {
  part: CleanupPartName
  /** What it is, e.g. `the API key “ha”`, `the user keyward-protect`. */
  label: string
}

export interface CleanupOutcome {
  record: ProvisionRecord
  /** Key, user, password, in the order they were handled. */
  items: CleanupItem[]
  /** Nothing Keyward made in this flow is left (everything removed, gone already, or never made). */
  complete: boolean
}

/** The account that signed in to a console (no secrets). */
export interface ConsoleUserSummary {
  username: string
  isOwner: boolean
  isSuperAdmin: boolean
}

export type SignInResult =
  { state: 'signed-in'; user: ConsoleUserSummary } | { state: 'mfa-required'; methods: string[] }

/** A console offered for an app, best first, with the reason in words. */
export interface HostOption {
  key: string
  name: string | null
  host: string
  model: string | null
  reason: string
  /** Protect cameras, known once signed in to that console. */
  cameras?: number
}

export interface HostAdvice {
  app: UnifiApp
  ranked: HostOption[]
  /** Why the console the user picked is the wrong place (the "Invalid authentication" trap), or null. */
  pickedWarning: string | null
}

/** What the wizard will do, shown before anything changes on the console. */
export interface ProvisionPlan {
  key: string
  app: UnifiApp
  mode: ProvisionRecord['mode']
  username: string
  keyName: string
  /** The role the dedicated user gets, and why (with the trade-off). */
  role: { name: string; why: string }
  /** Where the password and the key are kept. */
  secretLocation: string
  /** Access tokens only: days until it expires (0 = never). */
  accessValidityDays?: number
  /**
   * Said before minting: a connected Home Assistant will refuse the key, e.g. Protect older than its
   * release's minimum (home-assistant.md §2.1); null when no known consumer objects.
   */
  warning: string | null
}

export interface ProvisionFailureInfo {
  step: 'user' | 'key' | 'verify'
  code: string
  message: string
  /** The dedicated user could not be created: minting as the signed-in admin is offered. */
  fallbackAvailable: boolean
  /** The user name is taken by a user an earlier flow (this id) made: its cleanup can remove it. */
  earlierFlow?: string
}

export interface ProvisionOutcome {
  record: ProvisionRecord
  check: KeyCheck | null
  /** First and last characters only, e.g. "RHgz…xqH5". */
  maskedKey: string | null
  failure: ProvisionFailureInfo | null
}

/** What the key list and the tray show for a key. */
export type KeyStatus = 'ok' | 'failing' | 'expiring' | 'expired' | 'paused' | 'unknown'

/** The last background or manual check of a key, without secrets. */
export interface KeyCheckSummary {
  status: 'ok' | 'failed'
  problem: KeyProblem | null
  message: string | null
  nextStep: string | null
  appVersion: string | null
  latencyMs: number | null
  accessSha256?: CertificateFingerprint // access_certificate: the fingerprint it presented (key detail)
  unconfirmed?: true // a first app_not_on_host/version_too_old after ok: not failing yet (keys/sweep.ts confirmMiss)
  checkedAt: string
}

/** A key Keyward watches. The secret is in the keychain under `keyRef`. */
export interface KeyRecord {
  id: string
  name: string
  app: KeyApp
  consoleKey: string
  /** The console user the key belongs to. */
  username: string
  /** Id of the key (or Access token) on the console, for revoking. */
  remoteId: string | null
  keyRef: string
  /** Vault ref of the dedicated user's password (rotation signs in as that user); null when minted as an admin. */
  passwordRef: string | null
  /** First and last characters only. */
  masked: string
  createdAt: string
  expiresAt: string | null
  paused: boolean
  lastCheck: KeyCheckSummary | null
  /** Consecutive checks that could not reach the console (backoff). */
  unreachableStreak: number
  /** Home Assistant instances this key was pushed into (ids of HomeAssistantRecord). */
  pushedTo: string[]
  /** HA id → the entry id HA answered the last push with: health's link when no device shows it (home-assistant.md §1.6). */
  haEntries?: Record<string, string>
  /** HA's view of the entry using this key, from the last sweep; null when not pushed. */
  haHealth: HaKeyHealth | null
  /** What the key may do; absent in records older than this field. */
  access?: KeyAccess | null
  /** Consents to send the key's dedicated user's password to a Home Assistant (full mode / HA ≤ 2026.8). */
  haConsents?: HaConsent[]
  /** When the console last saw the key used (its key list), as last read. */
  usage?: KeyUsage | null
  /** UISP API tokens only (app 'uisp'; consoleKey = the server, remoteId = the token id). */
  uisp?: { purpose: UispTokenPurpose; scope: UispScope }
}

/**
 * A key's rights. Console keys carry their user's role and that role's permission
 * map (unifi-os.md §4.1/§4.2); Access tokens carry the scopes chosen at creation (§5.3).
 */
export interface KeyAccess {
  /** "Super Admin", "Owner", or the role's system key; null when not known. */
  role: string | null
  /** e.g. "protect.management: admin" or "view:device". */
  scopes: string[]
}

export interface KeyUsage {
  /** The console's `last_used_at`; null = never used. Keyward's own checks count as uses. */
  lastUsedAt: string | null
  readAt: string
}

/** A key as the key list shows it: no keychain entry names, no retry counter (electron/core/views.ts). */
export interface KeyView extends Omit<KeyRecord, 'keyRef' | 'passwordRef' | 'unreachableStreak'> {
  /** Its dedicated console user's password is in the keychain (Keyward can send or copy it). */
  hasPassword: boolean
  status: KeyStatus
  consoleName: string | null
  host: string | null
  /**
   * Its console user, when Keyward created it: revoke may delete it too (`flowId`: `provision.cleanup`
   * retries a removal that stopped; `sharedWith`: other keys of that user, which keep it). Null otherwise.
   */
  dedicatedUser?: { flowId: string; sharedWith: { id: string; name: string }[] } | null
}

/** A notification the shell shows (and the browser host forwards). */
export interface KeyNotification {
  title: string
  body: string
  keyIds: string[]
}

export type CopyResult =
  | { copied: true; clearsInSeconds: number }
  /** No system clipboard in this host (browser host): the page copies and clears after the same time. */
  | { copied: false; secret: string; clearsInSeconds: number }

/** What the desktop offers the app; only the Electron shell knows (the browser host reports nulls). */
export interface DesktopStatus {
  /** Linux: whether a StatusNotifierWatcher shows tray icons (electron.md §6a), `advice` if not; null: unchecked. */
  trayHost: { available: boolean; advice: string | null } | null
  /** True in `npm run demo` (scripts/demo-host.ts): all Keyward talks to is the simulated lab (a banner says so). */
  demo?: boolean
}

/** A Home Assistant instance Keyward may push keys into (its token is in the keychain). */
export interface HomeAssistantRecord {
  id: string
  /** Origin, e.g. http://homeassistant.local:8123 */
  url: string
  version: string | null
  locationName: string | null
  tokenRef: string
  addedAt: string
  /** https: the leaf SHA-256 the user confirmed (TOFU). Null: http, or a public CA's. Absent in older records. */
  certificateSha256?: string | null
  /** What this HA was recognised by at connect (identity binding, issue 15); absent in older records. */
  identity?: HaIdentity
  /** Background reads held back until the identity checks out or the user says "It's mine — continue". */
  hold?: HaHold | null
}

/** How Keyward recognises the connected HA without the token: its uuid (`/api/discovery_info`, or mDNS from HA's
 *  address), else its pinned certificate (https), else nothing that can be checked (http). */
export interface HaIdentity {
  kind: 'uuid' | 'certificate' | 'none'
  uuid: string | null
  source: 'discovery-info' | 'mdns' | 'certificate' | null
  /** The machine's network attachment (keys/network-watch.ts) when the identity was last confirmed. */
  network: string
  confirmedAt: string
}

export interface HaHold {
  /** `changed`: a different HA (or certificate) answers; `unverifiable`: nothing to check it by. */
  reason: 'changed' | 'unverifiable'
  message: string
  since: string
}

/** What HA says about the entry that uses a key (background checks). */
export interface HaKeyHealth {
  haId: string
  signal:
    'ok' | 'key_rejected' | 'protect_too_old' | 'retrying' | 'disabled' | 'not_loaded' | 'error' | 'busy' | 'no_entry'
  /** HA cannot use this key, even if the key itself verifies. */
  keyProblem: boolean
  message: string
  checkedAt: string
}

export interface HaPushSummary {
  /** 'choose-site': nothing was sent; the key sees several UniFi Network sites, push again with one of `sites`. */
  outcome: 'created' | 'reconfigured' | 'reauthenticated' | 'not-applicable' | 'choose-site'
  entryId: string | null
  title: string | null
  entryState: string | null
  haVersion: string | null
  message: string
  /** unifiprotect: the connection mode HA got ('api_key' = API-key-only, no password in HA). */
  mode?: 'full' | 'api_key' | null
  /** UniFi Network: the sites to choose from (outcome 'choose-site'). */
  sites?: { id: string; name: string }[]
}

/**
 * The user's informed, recorded consent to send a key's dedicated local user's password to one Home Assistant
 * (Protect full mode, or HA ≤ 2026.8 whose form requires it). HA keeps it in plain text (home-assistant.md
 * §2.2, §8). Bound to the HA (id and URL) and the user named.
 */
export interface HaConsent {
  haId: string
  haUrl: string
  haVersion: string | null
  /** The console user whose password is sent. */
  username: string
  /** What the user agreed to, word for word. */
  sentence: string
  grantedAt: string
  /** Given by the person at this computer through Keyward's window (never implied). */
  by: 'user'
  /** The last push to that HA used full mode; a rotation keeps it. */
  fullModeInUse: boolean
}

/** How a Protect key can go to one Home Assistant, and what each way costs. */
export interface HaPushOptions {
  haId: string
  haVersion: string | null
  /** HA 2026.9+ offers API-key-only mode (home-assistant.md §2.2). */
  apiKeyOnlyAvailable: boolean
  defaultMode: 'api_key' | 'full'
  /** What full mode adds, in plain words. */
  fullModeAdds: string
  /** What full mode costs, in plain words. */
  fullModeCosts: string
  /** The sentence to agree to; null when the key has no dedicated user whose password could be sent. */
  consentSentence: string | null
  consent: HaConsent | null
  /** Whether pushing in each mode needs consent first (null: that mode is not possible). */
  needsConsent: { api_key: boolean | null; full: boolean | null }
}

/** Can this Home Assistant take a key for this app (before it is minted)? */
export interface HaFit {
  app: UnifiApp
  /** 'needs-upgrade': HA's integration cannot take a key of this kind yet; 'unavailable': no such integration. */
  fit: 'ready' | 'needs-upgrade' | 'unavailable' | 'unknown'
  haVersion: string | null
  /** One plain sentence ('' when ready). */
  message: string
}

/** A connected Home Assistant, as the UI shows it. */
export interface HaSummary {
  id: string
  url: string
  version: string | null
  locationName: string | null
  /** Plain http: the token and every key sent there can be read on the network. */
  unencrypted: boolean
  /** The sentence that says so (null over https). */
  warning: string | null
  /** The pinned certificate (https, self-signed), else null. */
  certificateSha256: string | null
  /** What Keyward recognises this HA by: 'uuid', 'certificate' or 'none' (cannot be checked). */
  identity: HaIdentity['kind']
  /** Background reads: running, or held with the reason (the UI offers "It's mine — continue"). */
  status: { state: 'ok' } | { state: 'paused' | 'changed'; message: string; since: string }
}

/** The HA fields to fill by hand for the copy path (secret values left empty). */
export interface CopyFieldsPlan {
  domain: 'unifiprotect' | 'unifi_access' | 'unifi'
  applicable: boolean
  steps: string[]
  fields: { field: string; label: string; value: string; secret: boolean; note?: string }[]
  link: string
  message: string
}

// ---- UISP (uisp.md) -------------------------------------------------------------------

/** UISP token scopes (swagger `scope`); a user can only create its own scope or lower. */
export type UispScope = 'guest' | 'admin' | 'superadmin'

/** Why a UISP token is made; each has a least scope that serves it. */
export type UispTokenPurpose = 'monitor' | 'register-devices'

/** A UISP server Keyward has talked to (metadata only; its certificate is pinned). */
export interface UispServerRecord {
  /** `host:port`, IPv6 in brackets. */
  key: string
  host: string
  port: number
  /** From /nms/version; null when the server hides it. */
  version: string | null
  certificateSha256: CertificateFingerprint
  /** The user confirmed this certificate (`uisp.trust`); as ConsoleRecord.confirmed. */
  confirmed?: boolean
  lastSeen: string
}

/** The result of probing an address as a UISP server (uisp.md §3). */
export interface UispProbe {
  address: ConsoleAddress
  version: string | null
  deployment: string | null
  certificate: CertificateInfo
  /** Trust on first use, as for consoles. */
  trust: 'first-contact' | 'matches' | 'changed'
  latencyMs: number
  probedAt: string
}

export type UispSignInResult =
  { state: 'signed-in'; user: { username: string; role: string | null } } | { state: 'mfa-required'; methods: ['totp'] }

/** One purpose the wizard offers, with the scope it gets and why (least scope that serves it). */
export interface UispPurposeOption {
  purpose: UispTokenPurpose
  label: string
  scope: UispScope
  scopeLabel: string
  why: string
  /** What that scope allows, and what a leak would mean. */
  allows: string
  risk: string
  suggestedName: string
  /** The signed-in user's role covers the scope (a user can only create its own scope or lower). */
  allowed: boolean
}

export interface UispTokenPlan {
  key: string
  username: string
  role: string | null
  purposes: UispPurposeOption[]
  /** Token names are at most this many characters (swagger). */
  nameMax: number
  secretLocation: string
}

export type UispStepState = 'pending' | 'running' | 'done' | 'failed'

/** A UISP token being made, journaled without secrets (the token is in the keychain under `keyRef`). */
export interface UispTokenRecord {
  id: string
  /** Server address key (`host:port`). */
  serverKey: string
  purpose: UispTokenPurpose
  scope: UispScope
  name: string
  /** Id of the token on the server, for revoking. */
  tokenId: string | null
  keyRef: string
  /** From the server's reply; null = never expires. */
  expiresAt: string | null
  steps: { token: UispStepState; verify: UispStepState }
  lastError: { code: string; message: string } | null
  createdAt: string
  updatedAt: string
}

/** A token as listed: never the secret (swagger TokenSchema). */
export interface UispTokenInfo {
  id: string
  name: string
  scope: UispScope | null
  /** null = never expires (unless the server renews it, swagger `expiresAt`). */
  expiresAt: string | null
  /** Latest possible expiry; null = never. */
  maxExpiresAt: string | null
  createdAt: string | null
  lastUsed: string | null
  meta: string | null
  userId: string | null
  /** A sign-in session rather than an API token. */
  transient: boolean
  /** The session making this call. */
  currentSession: boolean
}

/** Why a UISP token check failed. */
export type UispTokenProblem = Extract<
  KeyProblem,
  'invalid_key' | 'expired' | 'insufficient_scope' | 'not_uisp' | 'tls_pin_mismatch' | 'unreachable' | 'rate_limited'
>

/** A token's expiry at a moment: `never` (expiresAt null), `valid`, `expiring` (within the lead time), `expired`. */
export type UispExpiry = 'never' | 'valid' | 'expiring' | 'expired'

export interface UispTokenCheckOk extends KeyCheckOk {
  app: 'uisp'
  purpose: UispTokenPurpose
  /** The scope this check proved the token has at least. */
  scope: UispScope
  /** As recorded at creation (null = never). */
  expiresAt: string | null
  expiry: UispExpiry
  /** `monitor` checks: the user the token belongs to. */
  username?: string
}

export interface UispTokenCheckFailed extends KeyCheckFailed {
  app: 'uisp'
  problem: UispTokenProblem
}

export type UispTokenCheck = UispTokenCheckOk | UispTokenCheckFailed

/** A token flow's result: the masked token only, and the check or the failure. */
export interface UispTokenOutcome {
  record: UispTokenRecord
  check: UispTokenCheck | null
  /** First and last characters only, e.g. "d5b6…e52f". */
  maskedToken: string | null
  /** The key list entry, once the token is stored and checked. */
  keyId: string | null
  failure: { step: 'token' | 'verify'; code: string; message: string } | null
}

/** Why a UISP key would not let devices connect. */
export type UispKeyProblem =
  | 'invalid_key' // the text is not a valid UISP key
  | 'unreachable' // nothing answers at host:port (from this computer)
  | 'tls' // something answers, but no TLS handshake
  | 'certificate_untrusted' // the certificate is not one the key's option lets devices accept
  | 'tls_pin_mismatch' // differs from the certificate trusted before
  | 'not_uisp' // TLS works, but no UISP version there
  | 'key_outdated' // the server now hands out a different key

export interface UispKeyCheckOk {
  status: 'ok'
  /** `host:port` of the key (not secret, but obscured in shared text). */
  host: string
  /** null when the server hides its version from unauthenticated callers (uisp.md §8). */
  appVersion: string | null
  latencyMs: number
  checkedAt: string
  certificate: CertificateInfo
  /** How the certificate was accepted: a trusted chain, or the key's option. */
  trust: 'verified' | 'self-signed-allowed' | 'untrusted-allowed'
  /** Compared with the server's current key: true/false, or null when not compared. */
  matchesServer: boolean | null
}

export interface UispKeyCheckFailed {
  status: 'failed'
  host: string | null
  problem: UispKeyProblem
  message: string
  nextStep: string
  certificate?: CertificateInfo
  checkedAt: string
}

export type UispKeyCheck = UispKeyCheckOk | UispKeyCheckFailed

/**
 * A UISP key (device connection string) as the renderer may see it: masked, host and AES part obscured
 * (the vendor warns never to share them). The key itself is in the keychain under `keyRef`.
 */
export interface UispKeyRecord {
  id: string
  /** e.g. `wss://•••:443+•••+allowSelfSignedCertificate`. */
  masked: string
  option: 'allowSelfSignedCertificate' | 'allowUntrustedCertificate' | null
  warnings: { code: string; message: string }[]
  from: 'pasted' | 'server'
  /** The UISP server it was read from (`from: 'server'`). */
  serverKey: string | null
  keyRef: string
  savedAt: string
  lastCheck: {
    status: 'ok' | 'failed'
    problem: UispKeyProblem | null
    message: string | null
    checkedAt: string
  } | null
}

export type UispKeyView = Omit<UispKeyRecord, 'keyRef'>

/** A device to attach to UISP, as the registration helper needs it (uisp.md §5). */
export type UispDeviceKind = 'edgeos' | 'airos' | 'ubios'

export interface RegistrationCommands {
  kind: UispDeviceKind
  variant: 'display' | 'copy'
  /** What the lines are: shell commands to type, or configuration lines to set. */
  form: 'shell' | 'config-lines'
  /** Where to enter them, in one sentence. */
  where: string
  lines: string[]
  /** The lines joined with newlines (what the copy button puts on the clipboard). */
  text: string
  notes: string[]
  /** e.g. firmware older than UISP keys need. */
  warnings: string[]
  /** Where the commands come from (shown as a small print citation). */
  source: string
}
