// Knobs and mutable state of the fake Home Assistant, built from
// /work/shared/reference/home-assistant.md (§ cited per field).
import { createHash, randomBytes } from 'node:crypto'

/**
 * Simulated HA releases. 2026.10.x adds the `unifi` API-key mode (home-assistant.md §3.2: release
 * inferred 2026.10/11, so the simulator pins it to 2026.10 and clients must detect it by the menu).
 */
export type HaSimVersion = '2026.8.x' | '2026.9.x' | '2026.10.x'

export const HA_SIM_VERSIONS: readonly HaSimVersion[] = ['2026.8.x', '2026.9.x', '2026.10.x']

const HA_VERSION_OF: Record<HaSimVersion, string> = {
  '2026.8.x': '2026.8.3',
  '2026.9.x': '2026.9.1',
  '2026.10.x': '2026.10.2',
}

export interface HaTokenSeed {
  token: string
  userName: string
  /** Config flows and admin WS commands need admin (§1.1, §1.3). */
  admin: boolean
}

export interface HaSimConfig {
  /** unifiprotect flow shape: ≤2026.8 form, 2026.9+ menu (§2.2); `unifi`: API-key mode from 2026.10 (§3.2). */
  version: HaSimVersion
  /** Reported by /api/config `version` and WS `ha_version`. */
  haVersion: string
  locationName: string
  tokens: HaTokenSeed[]
  /** `unifi_access`: core (2026.4+), the HACS custom integration, or absent (§3). */
  access: 'core' | 'custom' | 'none'
  /**
   * HA's view of the network: `"name:port"` or `"name"` → `"ip:port"`. Lets loopback tests
   * give consoles names and port 443 (API-key-only mode has no port field, §2.2).
   */
  resolve: Record<string, string>
  /**
   * §2.5: a full-mode entry does NOT notice a revoked key ('stays-loaded', [source]);
   * 'auth-failed' makes it fail setup like API-key-only mode does (for tests of the reauth path).
   */
  revokedKeyInFullMode: 'stays-loaded' | 'auth-failed'
  /** §4 `login_attempts_threshold` with ip_ban_enabled; -1 = never ban (HA's default). */
  loginAttemptsThreshold: number
  /** §5 onboarding: a fresh HA has no users, so no token is accepted (REST 401, WS auth_invalid). */
  onboarded: boolean
  /** §1.2 `menu_options` as a list or an {id: label} dict. */
  menuOptionsShape: 'list' | 'dict'
  /**
   * §1.3 device registry list: since 2026.8 each device carries `config_entry_id` (+ `config_subentry_id`),
   * which replace the older list `config_entries`. Both simulated versions are 2026.8+, hence the default.
   * 'both': a transitional or independent HA that sends `config_entry_id` (the first entry) and the list.
   */
  deviceEntryShape: 'config_entry_id' | 'config_entries' | 'both'
  /** §5: newest HA adds `WWW-Authenticate: Bearer resource_metadata=…` to 401s. */
  wwwAuthenticate: boolean
  /**
   * `unifi` local-user mode: the classic sites HA lists after its login (§3.1: `_id`, short `name`, `desc`).
   * The console simulator has no classic site list, so this is HA's view of it [inferred stand-in].
   */
  unifiClassicSites: { _id: string; name: string; desc: string }[]
  /** Deadline for HA's own calls to consoles. */
  upstreamTimeoutMs: number
  /** The instance's uuid (`.storage/core.uuid`): in discovery_info and the zeroconf TXT. */
  uuid: string
  /**
   * §5: `GET /api/discovery_info` (no auth; uuid, location_name, version, urls) existed in 2021 and
   * "may be gone" [inferred]: 'present' answers it, 'absent' is a 404 like any unknown route (not a failed login).
   */
  discoveryInfo: 'present' | 'absent'
  /**
   * After a reauth or reconfigure, `async_update_reload_and_abort` is a callback that only *schedules*
   * the reload (§1.2: success is an abort; §1.4 lists `unload_in_progress`/`setup_in_progress`):
   * 'awaited' reloads before answering (a simple fake's habit, the default); a number of ms answers the
   * abort at once with the entry `unload_in_progress` and reloads it that much later, as HA does.
   */
  reloadAfterUpdate: 'awaited' | number
  /**
   * WS `config/device_registry/list` (§1.3 [inferred]; §9 "the exact WS command for the device registry" is
   * open): 'listed' answers it; 'absent' answers `unknown_command`, like an HA that names it otherwise.
   */
  deviceRegistry: 'listed' | 'absent'
  /**
   * §1.2 lists `progress`/`external` result types; no documented unifiprotect step uses them. 'progress'
   * makes unifiprotect's API-key step answer `progress` (a step only HA's own window can wait on).
   * 'unknown-abort' / 'unknown-error' make it answer an abort reason / a `base` error key the reference
   * does not list (a newer integration's own), `UNKNOWN_ABORT_REASON` / `UNKNOWN_ERROR_KEY`.
   */
  protectApiKeyStep: 'form' | 'progress' | 'unknown-abort' | 'unknown-error'
  /**
   * The first result of a `user`/`reconfigure` flow: 'documented' (§1.2 types) or 'unknown' (a result type
   * a newer HA could add): the flow is open in HA either way, and a client that cannot read it must close it.
   */
  startReplyType: 'documented' | 'unknown'
}

/** What `protectApiKeyStep` 'unknown-abort' / 'unknown-error' answer: codes no reference lists. */
export const UNKNOWN_ABORT_REASON = 'nvr_adoption_pending'
export const UNKNOWN_ERROR_KEY = 'console_rate_limited'

export const ADMIN_TOKEN = 'sim-admin.eyJpc3MiOiJhZG1pbiJ9.long-lived-token-0001'
export const USER_TOKEN = 'sim-user.eyJpc3MiOiJ1c2VyIn0.long-lived-token-0002'

export function createHaConfig(overrides: Partial<HaSimConfig> = {}): HaSimConfig {
  const version = overrides.version ?? '2026.9.x'
  return {
    version,
    haVersion: HA_VERSION_OF[version],
    locationName: 'Home',
    tokens: [
      { token: ADMIN_TOKEN, userName: 'Owner', admin: true },
      { token: USER_TOKEN, userName: 'Kid', admin: false },
    ],
    access: 'core',
    resolve: {},
    revokedKeyInFullMode: 'stays-loaded',
    loginAttemptsThreshold: -1,
    onboarded: true,
    menuOptionsShape: 'list',
    deviceEntryShape: 'config_entry_id',
    wwwAuthenticate: false,
    unifiClassicSites: [{ _id: '6566b3ec0c1b5c2f8e5a0001', name: 'default', desc: 'Default' }],
    upstreamTimeoutMs: 5000,
    uuid: randomBytes(16).toString('hex'),
    discoveryInfo: 'absent',
    reloadAfterUpdate: 'awaited',
    deviceRegistry: 'listed',
    protectApiKeyStep: 'form',
    startReplyType: 'documented',
    ...overrides,
  }
}

/**
 * Minimum Protect per HA version (§2.1): 2026.9 → 7.2.105 (no change after 2026.9 was found, so 2026.10
 * keeps it); 2026.8 → 7.1 [inferred from merge date].
 */
export function minProtectVersion(config: HaSimConfig): string {
  return config.version === '2026.8.x' ? '7.1.0' : '7.2.105'
}

/** unifiprotect menus (§2.2) arrived in 2026.9. */
export const hasProtectMenus = (config: HaSimConfig): boolean => config.version !== '2026.8.x'

export interface SimEntry {
  entry_id: string
  domain: string
  title: string
  source: string
  unique_id: string | null
  /** Never serialised (§1.4). */
  data: Record<string, unknown>
  state: string
  reason: string | null
  error_reason_translation_key: string | null
  error_reason_translation_placeholders: Record<string, string> | null
  created_at: number
  modified_at: number
  disabled_by: string | null
  supports_reconfigure: boolean
}

export interface SimFlowContext {
  /** `integration_discovery`: a console HA found on its own, waiting at `discovery_confirm` (§2.6). */
  source: 'user' | 'reconfigure' | 'reauth' | 'integration_discovery'
  entry_id?: string
  unique_id?: string | null
  title_placeholders?: Record<string, string>
  show_advanced_options?: boolean
}

export interface SimFlow {
  flow_id: string
  handler: string
  context: SimFlowContext
  step_id: string
  /** What the last shown step accepts: a form schema, or the menu options. */
  shown: { kind: 'form'; schema: SchemaField[] } | { kind: 'menu'; options: string[] }
  /** What earlier steps of this flow validated (e.g. `unifi`'s host and key before `network_site`). */
  scratch?: Record<string, unknown>
}

export interface SchemaField {
  name: string
  required: boolean
  kind: 'string' | 'password' | 'port' | 'boolean' | 'select'
  /** `select`: `[value, label]` pairs (§1.2: `In(...)` → `{"type":"select","options":[[value,label],…]}`). */
  options?: [string, string][]
  default?: unknown
  suggested?: unknown
}

export interface SimIssue {
  domain: string
  issue_id: string
  issue_domain: string
  is_fixable: boolean
  severity: string
  translation_key: string
  translation_placeholders: Record<string, string>
  data: Record<string, unknown>
  created: string
}

export interface SimDevice {
  id: string
  config_entries: string[]
  connections: [string, string][]
  identifiers: [string, string][]
  name: string
  manufacturer: string
  model: string | null
  configuration_url: string | null
}

export interface RequestRecord {
  method: string
  path: string
  status: number
  /** Which token was presented: 'admin' | 'user' | 'invalid' | 'none'. */
  auth: string
}

export interface HaSimState {
  config: HaSimConfig
  clock: () => number
  entries: Map<string, SimEntry>
  flows: Map<string, SimFlow>
  issues: Map<string, SimIssue>
  devices: Map<string, SimDevice>
  requests: RequestRecord[]
  /** Every config-flow request body as received (start and step submissions), for "what reached HA" assertions. */
  flowBodies: string[]
  /** Every rejected REST/WS authentication (§4 process_wrong_login). */
  failedLogins: number
  /** Persistent notifications created ("Login attempt failed", id http-login). */
  notifications: { notification_id: string; title: string; message: string }[]
  failuresByAddress: Map<string, number>
  banned: Set<string>
  /** Debug log lines (e.g. §2.5 "Public API bootstrap update failed"). */
  log: string[]
}

export function createHaState(config: HaSimConfig, clock: () => number = Date.now): HaSimState {
  return {
    config,
    clock,
    entries: new Map(),
    flows: new Map(),
    issues: new Map(),
    devices: new Map(),
    requests: [],
    flowBodies: [],
    failedLogins: 0,
    notifications: [],
    failuresByAddress: new Map(),
    banned: new Set(),
    log: [],
  }
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** ULID (§1.2: flow and entry ids are ULIDs). */
export function ulid(now: number): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time
    t = Math.floor(t / 32)
  }
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('')
  return time + random
}

export function deviceIdFor(domain: string, uniqueId: string): string {
  return createHash('sha256').update(`${domain}:${uniqueId}`).digest('hex').slice(0, 32)
}

/** `ConfigEntry.as_json_fragment` (§1.4): no data, options or unique_id. */
export function entryFragment(entry: SimEntry): Record<string, unknown> {
  return {
    created_at: entry.created_at / 1000,
    entry_id: entry.entry_id,
    domain: entry.domain,
    modified_at: entry.modified_at / 1000,
    title: entry.title,
    source: entry.source,
    state: entry.state,
    supports_options: entry.domain === 'unifiprotect',
    supports_remove_device: entry.domain === 'unifiprotect',
    supports_unload: true,
    supports_reconfigure: entry.supports_reconfigure,
    supported_subentry_types: {},
    pref_disable_new_entities: false,
    pref_disable_polling: false,
    disabled_by: entry.disabled_by,
    reason: entry.reason,
    error_reason_translation_key: entry.error_reason_translation_key,
    error_reason_translation_placeholders: entry.error_reason_translation_placeholders,
    num_subentries: 0,
  }
}

/** Numeric dotted-version comparison ("7.10.0" ≥ "7.2.105"). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0)
  const b = minimum.split('.').map((p) => Number.parseInt(p, 10) || 0)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0)
  }
  return true
}
