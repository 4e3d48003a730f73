// Home Assistant types for the core. Plain data, so the parts the UI needs can
// move to shared/ unchanged. Facts cite /work/shared/reference/home-assistant.md (§n).
import { KeywardFailure, type ErrorCode } from '../../../shared/result.ts'

/** A normalised HA base URL (scheme default http, port default 8123, no path). */
export interface HaBaseUrl {
  scheme: 'http' | 'https'
  /** Host name or IP (IPv6 without brackets). */
  host: string
  port: number
  /** `http://host:8123` (IPv6 in brackets; the port is always written). */
  origin: string
  /** `ws://host:8123/api/websocket` or `wss://…` */
  websocketUrl: string
}

/** What `GET /api/` + `GET /api/config` + the admin probe told us (§5, §1.3). */
export interface HaInstance {
  base: HaBaseUrl
  /** `version` from /api/config, e.g. "2026.9.1". */
  version: string | null
  locationName: string | null
  /** Integrations currently loaded (`components`), e.g. "unifiprotect", "unifi_access". */
  components: string[]
  /**
   * Config flows need an admin token (§1.1: non-admin → 401 on every flow endpoint).
   * Detected with an admin-only WebSocket command (§1.3: non-admin → error code
   * "unauthorized"), which is not a failed login; null when the WebSocket API was not reachable.
   */
  isAdmin: boolean | null
  /** Sentence explaining why this token cannot push keys, or null. */
  adminProblem: string | null
}

/** Config entry states (§1.4). */
export type HaEntryState =
  | 'loaded'
  | 'setup_error'
  | 'migration_error'
  | 'setup_retry'
  | 'not_loaded'
  | 'failed_unload'
  | 'setup_in_progress'
  | 'unload_in_progress'

/** `ConfigEntry.as_json_fragment` (§1.4): never `data`, `options` or `unique_id`. */
export interface HaEntry {
  entry_id: string
  domain: string
  title: string
  source: string
  state: HaEntryState | string
  reason: string | null
  error_reason_translation_key: string | null
  error_reason_translation_placeholders: Record<string, string> | null
  disabled_by: string | null
  supports_reconfigure: boolean
}

/** One data_schema item as serialised over REST (§1.2). */
export interface HaSchemaField {
  name: string
  required?: boolean
  optional?: boolean
  type?: string
  default?: unknown
  selector?: Record<string, unknown>
  description?: { suggested_value?: unknown }
  options?: unknown
}

export type HaFlowResult =
  | {
      type: 'form'
      flow_id: string
      handler: string
      step_id: string
      data_schema: HaSchemaField[]
      errors: Record<string, string> | null
      description_placeholders: Record<string, string> | null
    }
  | {
      type: 'menu'
      flow_id: string
      handler: string
      step_id: string
      /** A list of option ids, or an {id: label} map (§1.2). */
      menu_options: string[] | Record<string, string>
      description_placeholders: Record<string, string> | null
    }
  | {
      type: 'abort'
      flow_id: string
      handler: string
      reason: string
      description_placeholders: Record<string, string> | null
    }
  | { type: 'create_entry'; flow_id: string; handler: string; title: string; result: HaEntry | null }
  | {
      type: 'external' | 'external_done' | 'progress' | 'progress_done'
      flow_id: string
      handler: string
      step_id?: string
    }

/** An in-progress flow from WS `config_entries/flow/progress` (§1.3). */
export interface HaFlowProgress {
  flow_id: string
  handler: string
  step_id: string
  context: {
    source?: string
    entry_id?: string
    unique_id?: string | null
    title_placeholders?: Record<string, string>
  }
}

/** A repair issue from WS `repairs/list_issues` (§1.3). */
export interface HaIssue {
  domain: string
  issue_id: string
  issue_domain: string | null
  is_fixable: boolean
  severity: string
  translation_key: string | null
  translation_placeholders: Record<string, string> | null
  active?: boolean
  ignored?: boolean
}

/** A device from WS `config/device_registry/list` ([inferred] §1.3, last bullet). */
export interface HaDevice {
  id: string
  config_entries: string[]
  connections: [string, string][]
  identifiers: [string, string][]
  name: string | null
}

/** The UniFi integrations HA has (§2, §3). */
export type HaDomain = 'unifiprotect' | 'unifi_access' | 'unifi'

/** The console Keyward made the key on, as HA must reach it. */
export interface HaConsoleRef {
  /** Keyward's console key (`host:port`), echoed back in results. */
  key: string
  /** Bare host name or IP: HA wants no scheme (§7: core #150620 "http:// in host"). */
  host: string
  /** The console's HTTPS port (443 on real consoles). */
  port: number
  /** 12 hex digits (any separators); matches the NVR device in HA (§1.3 device registry). */
  mac?: string | null
  /** Console name; unifiprotect titles full-mode entries `nvr.display_name` (§2.2). */
  name?: string | null
  /** UniFi Network: the site UUIDs the key sees; `unifi` API-key entries are found by them (§1.6, §3.2). */
  siteIds?: string[]
  /** Health: the entry ids HA answered this console's pushes with (the fallback link, entries.ts). */
  entryIds?: string[]
}

/** Why pushing a key into HA failed: specific, for the UI to explain and act on. */
export type HaProblem =
  | 'token_rejected' // HA refused the long-lived access token (401)
  | 'not_admin' // the token belongs to a non-admin user: config flows need admin
  | 'banned' // HA banned this computer's address (403, §4 ip_ban_enabled)
  | 'ha_unavailable' // HA is starting or stopping (503), or not onboarded
  | 'ha_unreachable' // HA did not answer
  | 'not_home_assistant' // something else answered
  | 'integration_missing' // the integration is not available in this HA (404 Invalid handler)
  | 'credentials_rejected' // HA reached the console but the username/password failed (invalid_auth on password)
  | 'key_rejected' // HA signed in but the console refused the API key (invalid_auth on api_key) — often a wrong-host key
  | 'token_wrong_type' // a Protect/console key where an Access token belongs (protect_api_key / invalid_api_key)
  | 'cannot_connect' // HA could not reach the console (cannot_connect)
  | 'tls' // HA refused the console's certificate (ssl_error, or verify_ssl on a self-signed console)
  | 'protect_too_old' // protect_version
  | 'cloud_user' // cloud_user: a Ubiquiti cloud account instead of a local user
  | 'already_configured' // an entry exists for that console and Keyward could not tell which
  | 'wrong_nvr' // reconfigure reached a different NVR than the entry's
  | 'needs_credentials' // this HA needs a username/password as well as the key
  | 'consent_required' // sending the dedicated user's password needs the user's recorded consent first
  | 'schema_mismatch' // HA asked for fields Keyward does not know (a newer or older integration)
  | 'needs_ui' // HA wants an interactive step (external/progress) or aborted for a reason of its own
  | 'flow_expired' // the flow id is no longer valid (404 Invalid flow specified)
  | 'entry_gone' // the entry to reconfigure was deleted in HA (404 on `POST /flow {entry_id}`)
  | 'unknown_error' // the integration reported `unknown`
  | 'unknown_site' // unifi: the key does not see the site of HA's entry (abort unknown_site_id, §3.2)
  | 'other_mode_entry' // unifi: an entry for this site exists in the other (username/password) mode (§3.2)

export class HomeAssistantFailure extends KeywardFailure {
  constructor(
    code: ErrorCode,
    readonly problem: HaProblem,
    message: string,
    detail?: string,
    /** The HA form field an error was attached to (`api_key`, `password`, `base`…), if any. */
    readonly field?: string,
  ) {
    super(code, message, detail)
    this.name = 'HomeAssistantFailure'
  }
}

export type PushOutcome = 'created' | 'reconfigured' | 'reauthenticated' | 'not-applicable' | 'choose-site'

/** A UniFi Network site as the Integration API lists it (unifi-os.md §5.2). */
export interface NetworkSite {
  /** UUID: HA's unique_id of an API-key entry (home-assistant.md §3.2). */
  id: string
  /** The classic short name ("default"). */
  internalReference: string
  name: string
}

export interface PushResult {
  outcome: PushOutcome
  domain: HaDomain
  consoleKey: string
  entryId: string | null
  title: string | null
  /** Entry state read back after the flow finished (`loaded` when HA uses the key). */
  entryState: string | null
  /** unifiprotect 2026.9+: which connection mode was set up (§2.2). */
  mode: 'full' | 'api_key' | null
  /** unifi_access: which integration answered (§3). */
  accessVariant?: 'core' | 'custom'
  /** unifi: the sites the key sees, when the user must choose one (outcome 'choose-site'). */
  sites?: NetworkSite[]
  /** unifi: the site the entry is for. */
  site?: NetworkSite
  haVersion: string | null
  /** One sentence for the user. */
  message: string
}

/** Per-console "can HA use this key" signal (health.ts). */
export type HaHealthSignal =
  | 'ok' // entry loaded
  | 'key_rejected' // setup_error from an auth failure, or a reauth flow/repair is pending
  | 'protect_too_old'
  | 'retrying' // setup_retry: HA cannot reach the console right now
  | 'disabled'
  | 'not_loaded'
  | 'error' // another failed state
  | 'busy' // setup or unload in progress
  | 'no_entry' // HA has no entry for this console

export interface HaEntryHealth {
  consoleKey: string
  domain: HaDomain
  entryId: string | null
  title: string | null
  state: string | null
  reason: string | null
  translationKey: string | null
  signal: HaHealthSignal
  /** True when HA cannot use the key it has (the tray's "HA cannot use this key"). */
  keyProblem: boolean
  /** A reauth flow HA started for this entry, finished by pushing a new key. */
  reauthFlowId: string | null
  /** `homeassistant/config_entry_reauth_<domain>_<entry_id>` when present (§1.5). */
  repairIssueId: string | null
  message: string
}
