// Console identities and behaviour knobs the simulator can impersonate. Values follow
// unifi-os.md (§ cited per field); MACs use real Ubiquiti OUIs but are made up.
// Everything here is plain data: `createConsoleConfig` deep-clones a preset and
// deep-merges overrides, so tests and the lab CLI can change any nested knob.
import { createHash } from 'node:crypto'
import type { RateHeaderShape, WindowModel } from './rate-limit.ts'

export type ConsoleApp = 'network' | 'protect' | 'access'
export type ConsoleKind = 'unifi-os' | 'legacy-network'

/**
 * Built-in roles a seeded account can hold (unifi-os.md §3). Only
 * `super_administrator` is documented [source]; `admin` and `viewer` stand for the
 * non-super-admin and custom/limited roles (§3 `custom_administrator`) [inferred].
 */
export type RoleKey = 'super_administrator' | 'admin' | 'viewer'

export interface AccountSeed {
  /** UniFi OS `unique_id` (a UUID). */
  id: string
  username: string
  password: string
  role: RoleKey
  /** The console owner; may mint keys and manage any user's keys (§3 end). */
  isOwner: boolean
  /** "Restrict to local access only" (§3); false = UI/SSO-linked account. */
  localAccount: boolean
  /** When set, login needs this 6-digit code as `token` after a 499 challenge (§2 2FA). */
  mfa?: { code: string }
  email?: string
  firstName?: string
  lastName?: string
  /** Replaces the role's permission map, e.g. a custom role with readonly Protect (§3). */
  permissions?: Record<string, string[]>
}

export interface AuthConfig {
  /** Session cookie name: `TOKEN`, or `UOS_TOKEN` on some UniFi OS 4 builds (§2 200 success). */
  cookieName: 'TOKEN' | 'UOS_TOKEN'
  /**
   * Some versions put the CSRF token only inside the JWT [report, unattributed] (§2): no
   * `x-csrf-token` headers at all and no rotation; clients must decode `csrfToken` from the JWT.
   */
  csrfInJwtOnly: boolean
  /** 403 on most consoles, 401 on some; "Treat 401 = 403" (§2 Failures). */
  badCredentialsStatus: 403 | 401
  sessionTtlSeconds: number
  /** Login lock-out (§2 rate limit): 429 after `maxFailures`; each attempt while locked restarts it. */
  lockout: { maxFailures: number; lockSeconds: number }
  /**
   * When the CSRF token rotates, also re-issue the session cookie as a JWT carrying the new
   * `csrfToken`, so clients that read CSRF from the JWT stay in step (§2 Session: uiprotect
   * `_update_last_token_cookie()` updates the cookie from responses) [inferred]. Old cookies
   * of the session stay valid either way.
   */
  reissueCookieOnCsrfRotation: boolean
  /**
   * Which header carries the (rotated) CSRF token (§2 200 success, Session): `x-csrf-token`, and on
   * newer builds `X-Updated-Csrf-Token` (hjdhjd prefers it; unpoller reads both). Default both.
   */
  csrfHeaders: 'both' | 'x-csrf-token' | 'x-updated-csrf-token'
  /**
   * Whether the unauthenticated `GET /` carries `x-csrf-token` (§1 [source]: hjdhjd `#handshake()`).
   * false: a console that sends CSRF only in the JWT (§2 [report, unattributed]) may send none there
   * either [inferred]; it is still UniFi OS by the §1 rule (`GET /` 200). Default true.
   */
  rootCsrfHeader: boolean
  /**
   * Body of the login's 401/403/429 (§2 Failures): 'json' as the fixtures show, or 'html', a web
   * page as the console's front web server writes for a refusal it makes itself [inferred]. Default 'json'.
   */
  failureBodies: 'json' | 'html'
  /**
   * Set-Cookie lines of a successful login (§2 200 success: `TOKEN`, or `UOS_TOKEN` on UniFi OS 4):
   * 'single' one line; 'clear-first' a line clearing the other name (`Max-Age=0`, expired) before the
   * real one; 'both-names' the session under both names [inferred]. Default 'single'.
   */
  cookieLines: 'single' | 'clear-first' | 'both-names'
  /**
   * Where the 499 puts the 2FA challenge cookie (§2 MFA: `data.mfaCookie` "UBIC_2FA=…" [report]):
   * 'body' only there, 'header' only as a Set-Cookie line [inferred], 'both' (default).
   */
  mfaCookieIn: 'both' | 'body' | 'header'
  /**
   * 'fresh': a login that carries an `x-csrf-token` must carry one this console handed out on `GET /`
   * or to a session still alive; a stale one is refused like bad credentials [inferred: hjdhjd
   * handshakes on `GET /` before a login and "retries a failed login once", §1]. 'any' (default).
   */
  loginCsrf: 'any' | 'fresh'
}

/**
 * Facts the references give in two shapes (issue 14 §1; docs/architecture.md "Facts with two
 * shapes"): which shape this console answers. Defaults are the simulator's long-standing shapes.
 */
export interface ShapeKnobs {
  /**
   * §4.1 key create/list: `/user/self/keys` and `/user/{userId}/keys` both exist ("Both exist; prefer
   * `self`"); 'self' or 'user-id' answers only that one and 404s the other (issue 14 §1 firmware).
   */
  keyPaths: 'both' | 'self' | 'user-id'
  /**
   * How the missing shape of `keyPaths` is refused: 404 (default, an unknown route), or 400/405/501
   * ("not supported here") [inferred: §4.1 does not say how a firmware without one shape answers];
   * 429/503 stand for a transient failure on that path (a client must not read it as "not served").
   */
  missingKeyPath: 404 | 400 | 405 | 501 | 429 | 503
  /**
   * §2 "who am I": `GET /api/users/self` [source] and the v2 `GET /proxy/users/api/v2/user/self`
   * [report, unattributed]; 'api' or 'v2' serves only that one (the other 404s).
   * 'none': neither (the id is then only in the login reply and the JWT's `userId`, §2 [source]).
   */
  whoAmI: 'both' | 'api' | 'v2' | 'none'
  /** §2 profile [fixture]: `unique_id` and `id (= unique_id)`; 'unique_id' or 'id' sends only that field. */
  profileIds: 'both' | 'unique_id' | 'id'
  /**
   * The login reply's profile without any user id [inferred]: clients must then ask "who am I" (§2)
   * for the id `/user/{userId}/keys` needs (§4.1). Default true (the id is sent).
   */
  loginReplyHasId: boolean
  /**
   * The login reply's profile: 'full' as the fixture (§2 200 success); 'minimal' without `roles`,
   * `permissions`, `scopes`, `isOwner` and `isSuperAdmin` [inferred: a console that answers with the
   * identity alone]. The rights then show only in what the console allows. Default 'full'.
   */
  loginProfile: 'full' | 'minimal'
  /** The login reply's profile inside the users-service envelope `{code, codeS, data}` (§3) [inferred]. */
  loginEnvelope: boolean
  /**
   * §3/§4.1 users-service success envelope: `{"code":1,"codeS":"SUCCESS"}` (vypdev) [source],
   * `{"code":0}` (a Go client accepts 0 or 1) or `{"code":"OK"}` (scottmsilver's experiment) [report].
   */
  envelope: 'code-1' | 'code-0' | 'code-ok'
  /**
   * Admin list (`…/users/admin/uos?page_num=1&page_size=999`, §2 [report, unattributed]): `data` is a
   * plain array, or a page object `{"data":[…],"total":n}` as the paging parameters suggest [inferred];
   * 'absent': not served (404), as a console built without that unattributed report may be [inferred].
   */
  adminList: 'array' | 'paged' | 'absent'
  /**
   * The refusal of a user whose username exists (§9 open: "status and envelope"): 'username' 400
   * `USERNAME_ALREADY_EXISTS`; 'local-account' 409 `LOCAL_ACCOUNT_EXISTS` "A local account with this
   * username already exists" [inferred].
   */
  duplicateUser: 'username' | 'local-account'
  /**
   * The key create's `description` (§4.1: the browser form sends it [source]; uiprotect sends `{name}`
   * only [source], so a console need not keep it): 'kept' (default) or 'ignored' (listed as '').
   */
  keyDescription: 'kept' | 'ignored'
  /** Minted keys (§4.1 Format): 'base64url' 32 chars (default); 'base64' with `+`, `/`, `=` [inferred]. */
  keyFormat: 'base64url' | 'base64'
}

export interface ConsoleConfig {
  preset: PresetName
  /** `/api/system` hardware.shortname */
  model: string
  name: string
  /** 12 upper-case hex chars, no separators (as `/api/system` reports it). */
  mac: string
  /** `<hex>.id.ui.direct` */
  directConnectDomain: string
  apps: ConsoleApp[]
  kind: ConsoleKind
  defaultPort: number
  isSsoEnabled: boolean
  isSingleUser: boolean
  /** UniFi OS version (bootstrap `nvr.firmwareVersion`, §1.2); '' for the legacy app. */
  firmware: string
  /** `applicationVersion` of the integration APIs (§5.1, §5.2) and Access. */
  appVersions: { network?: string; protect?: string; access?: string }
  /**
   * cameras: 0 = Protect installed but empty ("moved to the NVR", §6).
   * streams: what `GET /proxy/protect/integration/v1/cameras/{id}/rtsps-stream` answers (§5.1
   * [report]; shape `{high, medium, low, package}`, each a URL or null, developer.ui.com Protect
   * 6.2.83 get-v1camerasidrtsps-stream): 'active' (default) URLs; 'inactive' all null; 'null' a
   * null body ("`null` when inactive", read as the whole body); 'forbidden' 403; 'absent' 404
   * (older Protect without the endpoint).
   */
  protect: { cameras: number; streams?: 'active' | 'inactive' | 'null' | 'forbidden' | 'absent' }
  auth: AuthConfig
  /** Seeded administrators (§3). */
  accounts: AccountSeed[]
  /**
   * 'refused': local-user creation is refused, as reported for UniFi OS 5.x "Fabric"
   * (§3) [report]; the refusal's status/body are [inferred]. 'absent': `POST …/v2/user` answers
   * 404, as if the endpoint were gone [inferred].
   */
  localUserCreation: 'allowed' | 'refused' | 'absent'
  /**
   * Who may mint API keys (§3 end, §9 "Exact role to mint keys: Super Admin vs Owner" is open):
   * 'super-admin' (Owner or Super Admin, the default) or 'owner-only', where a Super Admin that is not
   * the owner is refused with 403 (Limetric/Dozecam: "accounts without owner rights are refused"
   * [report]). With it a dedicated user is created, then its key step is refused (issue 14 §5).
   */
  keyCreation: 'super-admin' | 'owner-only'
  /** While true every JSON endpoint answers an HTML "starting up" page (§2 Failures, booting). */
  booting: boolean
  /**
   * Unauthenticated `GET /api/system` (§1): 'served' as hardware consoles do, or 'absent' (404).
   * Whether UniFi OS Server serves it is an open question (§9) [inferred]; its preset says 'absent'.
   * 'html': 200 with the web app's page (a single-page app answering every unknown path) [inferred];
   * 'sparse': JSON whose `name` and `directConnectDomain` are null (no name set, remote access off)
   * and whose `mac` has colons [inferred] (the full JSON is an open question, §9).
   */
  apiSystem: 'served' | 'absent' | 'html' | 'sparse'
  /**
   * Integration API budget per user principal (§5.1 [source]: "10-in-1sec", keyed per user, so all keys
   * of one user share it): `quota` requests in any `windowSeconds`. `second`: another policy enforced
   * beside it (quota 0 = none) [inferred: the reference says only that a second policy may arrive, as a
   * separate header line]. `window`: 'sliding' (default, strictest) or 'fixed' (the most forgiving
   * model). `headers`: how the budget is announced (rate-limit.ts `rateLimitHeaders`).
   */
  rateLimit: {
    quota: number
    windowSeconds: number
    second: { quota: number; windowSeconds: number }
    window: WindowModel
    headers: RateHeaderShape
    /**
     * Whether a 429 carries `Retry-After` beside the `RateLimit` fields (§5.1: uiprotect honours
     * Retry-After; "a 429 carries r=0" with `t` the reset). false: only `RateLimit` says when [inferred].
     */
    retryAfter: boolean
  }
  /** Access developer API port (§1 Ports: 12445); 0 = ephemeral. Only used with 'access' in apps. */
  accessPort: number
  /**
   * Network Integration API sites (unifi-os.md §5.2 [source]: `{id: uuid, internalReference: classic short
   * name, name}`), as `GET /proxy/network/integration/v1/sites` lists them to any key that may use Network.
   * Empty = one site "Default" (`default`) whose UUID is made at start (`state.defaultSiteId`). Mutable at
   * run time (a site removed: HA's `unknown_site_id`, home-assistant.md §3.2).
   */
  networkSites: NetworkSite[]
  integration: {
    /**
     * Body of 401/403 on `/proxy/network/integration/*`: the Network error schema (§5.2) or
     * the gateway body `{"error":{…}}` (§5.1). Which one a real console sends is an open
     * question (§9) [inferred]; default 'network'.
     */
    networkErrorBody: 'network' | 'gateway'
    /**
     * Which Network Integration API is served (§4.3 floor discrepancy, §9 "which endpoints exist between
     * 9.0.108 and 10.1.78" is open): 'full' (`/v1/info` and `/v1/sites`); 'no-info' (sites, but `/v1/info`
     * 404s, as go-unifi's 10.1.78 floor allows [inferred]); 'absent' (Network before 9.0.108: every
     * `/proxy/network/integration/*` path 404s while `/proxy/network/api` still answers 401).
     */
    networkApi: 'full' | 'no-info' | 'absent'
    /** 'absent': Protect before 5.3 (§4.3), no public API, every `/proxy/protect/integration/*` path 404s. */
    protectApi: 'full' | 'absent'
    /** Largest page the sites list returns (§5.2: `limit` 0–200); a larger `limit` is clamped [inferred]. */
    sitesPageMax: number
    /**
     * Status for a key this console does not hold: 401 (§5.2 [inferred]) or 403 (uiprotect and Scrypted
     * read 401 and 403 alike as "key rejected", §5.1, so a console may send either).
     */
    badKeyStatus: 401 | 403
    /**
     * Status for a key whose holder has no rights in the app: 403 ([inferred], §4.2) or 401 (uiprotect reads
     * both as `NotAuthorized`, §5.1, so an app may not tell "unknown key" from "no rights").
     */
    noRightsStatus: 401 | 403
    /**
     * An app restarting or updating behind the console's proxy: every integration path answers this
     * status (§8.1 "`/proxy/<app>/api` 401 vs 404/502"; aiounifi maps 502/503 to BadGateway /
     * ServiceUnavailable, §5.2). 0 = serving (default). Mutable at run time.
     */
    unavailable: 0 | 502 | 503
  }
  /** Two-shaped facts (issue 14 §1): which shape this console answers. */
  shapes: ShapeKnobs
  access: {
    /**
     * Unit of `validity_period` when minting an Access token. §5.3 only says "0 = never
     * expires"; the unit is not documented [inferred], so both are supported. Default 'days'.
     */
    validityPeriodUnit: 'days' | 'seconds'
    /** How many doors `GET /api/v1/developer/doors` lists. */
    doors: number
    /**
     * The Access API port presents its own self-signed certificate, not the console's: "Access has it's
     * own API port with a different certificate from the regular UI" (imhotep/hass-unifi-access#3,
     * 2023 [report]; unifi-os.md §7 does not say). Default false (the console's certificate).
     */
    ownCertificate: boolean
    /**
     * Errors of the Access API in its envelope with HTTP 200 (`{"code":"CODE_ACCESS_TOKEN_INVALID",…}`,
     * `CODE_UNAUTHORIZED`) instead of 401/403 (§5.3 lists the codes beside the statuses; py-unifi-access
     * treats any `code` other than "SUCCESS" as an error whatever the status). Default false.
     */
    errorsAs200: boolean
    /**
     * `expires_at` of a token: ISO text (default), epoch seconds, or not sent. §5.3 shows only
     * `{"data":{"api_key":…,…}}`, so its presence and form are [inferred].
     */
    expiresAt: 'iso' | 'epoch-seconds' | 'absent'
  }
}

/** One Network Integration API site (unifi-os.md §5.2). */
export interface NetworkSite {
  id: string
  internalReference: string
  name: string
}

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T

/** What a caller may change on top of a preset: any nested field; arrays replace wholesale. */
export type ConsoleOverrides = DeepPartial<Omit<ConsoleConfig, 'preset' | 'kind'>>

export type PresetName = 'udm-pro' | 'unvr' | 'udm-se' | 'ckg2-plus' | 'legacy-network' | 'uos-server'

/** Deterministic UUID-shaped id, so a preset's seeded users keep their ids across starts. */
export function seedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\0')).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** Local Super Admin and console owner; every UniFi OS preset has one. */
export const OWNER_USERNAME = 'admin'
export const OWNER_PASSWORD = 'Passw0rd!owner'
/** UI/SSO-linked account that needs 2FA (§2 MFA; udm-pro and unvr). */
export const CLOUD_USERNAME = 'cloud@example.com'
export const CLOUD_PASSWORD = 'Passw0rd!cloud'
export const CLOUD_MFA_CODE = '123456'
/** Non-super-admin local admin on ckg2-plus: cannot mint keys (§3 end, home-assistant.io#40483). */
export const LIMITED_USERNAME = 'limited'
export const LIMITED_PASSWORD = 'Passw0rd!limited'

function owner(preset: string): AccountSeed {
  return {
    id: seedUuid(preset, OWNER_USERNAME),
    username: OWNER_USERNAME,
    password: OWNER_PASSWORD,
    role: 'super_administrator',
    isOwner: true,
    localAccount: true,
    firstName: 'Console',
    lastName: 'Owner',
  }
}

function cloudAdmin(preset: string): AccountSeed {
  return {
    id: seedUuid(preset, CLOUD_USERNAME),
    username: CLOUD_USERNAME,
    password: CLOUD_PASSWORD,
    role: 'super_administrator',
    isOwner: false,
    localAccount: false,
    mfa: { code: CLOUD_MFA_CODE },
    email: CLOUD_USERNAME,
    firstName: 'Cloud',
    lastName: 'Admin',
  }
}

function limitedAdmin(preset: string): AccountSeed {
  return {
    id: seedUuid(preset, LIMITED_USERNAME),
    username: LIMITED_USERNAME,
    password: LIMITED_PASSWORD,
    role: 'admin',
    isOwner: false,
    localAccount: true,
    firstName: 'Limited',
    lastName: 'Admin',
  }
}

const defaultAuth: AuthConfig = {
  cookieName: 'TOKEN',
  csrfInJwtOnly: false,
  badCredentialsStatus: 403,
  sessionTtlSeconds: 7200,
  lockout: { maxFailures: 5, lockSeconds: 60 },
  reissueCookieOnCsrfRotation: true,
  csrfHeaders: 'both',
  rootCsrfHeader: true,
  failureBodies: 'json',
  cookieLines: 'single',
  mfaCookieIn: 'both',
  loginCsrf: 'any',
}

const defaultShapes: ShapeKnobs = {
  keyPaths: 'both',
  missingKeyPath: 404,
  whoAmI: 'both',
  profileIds: 'both',
  loginReplyHasId: true,
  loginProfile: 'full',
  loginEnvelope: false,
  envelope: 'code-1',
  adminList: 'array',
  duplicateUser: 'username',
  keyFormat: 'base64url',
  keyDescription: 'kept',
}

const defaultRateLimit: ConsoleConfig['rateLimit'] = {
  quota: 10,
  windowSeconds: 1,
  second: { quota: 0, windowSeconds: 60 },
  window: 'sliding',
  headers: 'single',
  retryAfter: true,
}

type PresetSpecific = Pick<ConsoleConfig, 'preset' | 'model' | 'name' | 'mac' | 'apps'> &
  Partial<Omit<ConsoleConfig, 'preset' | 'model' | 'name' | 'mac' | 'apps'>>

function unifiOs(spec: PresetSpecific): ConsoleConfig {
  return {
    directConnectDomain: directConnectDomainFor(spec.mac),
    kind: 'unifi-os',
    defaultPort: 443,
    isSsoEnabled: false,
    isSingleUser: false,
    firmware: '4.3.6',
    appVersions: { network: '10.2.105', protect: '7.3.12', access: '4.2.10' },
    protect: { cameras: 0 },
    auth: defaultAuth,
    accounts: [owner(spec.preset)],
    localUserCreation: 'allowed',
    booting: false,
    apiSystem: 'served',
    rateLimit: defaultRateLimit,
    accessPort: 12445,
    networkSites: [],
    integration: {
      networkErrorBody: 'network',
      networkApi: 'full',
      protectApi: 'full',
      sitesPageMax: 200,
      badKeyStatus: 401,
      noRightsStatus: 403,
      unavailable: 0,
    },
    access: { validityPeriodUnit: 'days', doors: 2, ownCertificate: false, errorsAs200: false, expiresAt: 'iso' },
    shapes: defaultShapes,
    keyCreation: 'super-admin',
    ...spec,
  }
}

export const presets: Readonly<Record<PresetName, Readonly<ConsoleConfig>>> = deepFreeze({
  // Protect installed but empty: the cameras moved to the NVR (§6, core#154972).
  'udm-pro': unifiOs({
    preset: 'udm-pro',
    model: 'UDMPRO',
    name: 'Dream Machine Pro',
    mac: '245A4CDD6616',
    apps: ['network', 'protect'],
    isSsoEnabled: true,
    firmware: '4.4.6',
    protect: { cameras: 0 },
    accounts: [owner('udm-pro'), cloudAdmin('udm-pro')],
  }),
  unvr: unifiOs({
    preset: 'unvr',
    model: 'UNVR',
    name: 'NVR',
    mac: '70A7411B2C3D',
    apps: ['protect'],
    isSsoEnabled: true,
    firmware: '4.4.6',
    appVersions: { protect: '7.3.12', access: '4.2.10' },
    protect: { cameras: 6 },
    accounts: [owner('unvr'), cloudAdmin('unvr')],
  }),
  // UniFi OS 5.x "Fabric": local-user creation refused (§3, ZSamuels28/UnifiClientCheck-Docker#33).
  'udm-se': unifiOs({
    preset: 'udm-se',
    model: 'UDMPROSE',
    name: 'Dream Machine SE',
    mac: '784558A1B2C3',
    apps: ['network', 'protect'],
    firmware: '5.0.16',
    protect: { cameras: 4 },
    localUserCreation: 'refused',
  }),
  // Old Cloud Key: UniFi OS 4.3.6 / Protect 6.0.53, below HA's 7.2.105 minimum (§4.3, home-assistant.io#40483).
  'ckg2-plus': unifiOs({
    preset: 'ckg2-plus',
    model: 'UCKP',
    name: 'Cloud Key Gen2 Plus',
    mac: '74ACB9112233',
    apps: ['network', 'protect'],
    isSingleUser: true,
    firmware: '4.3.6',
    appVersions: { network: '10.2.105', protect: '6.0.53', access: '4.2.10' },
    protect: { cameras: 2 },
    accounts: [owner('ckg2-plus'), limitedAdmin('ckg2-plus')],
  }),
  // Self-hosted Network application (no UniFi OS): `/` redirects to `/manage`, port 8443.
  // UniFi OS Server: self-hosted UniFi OS on :11443 with local API keys (§1 Ports; hyperb1iss/unifly#16,
  // UOS Server 5.0.6 runs Network and its Integrations page). Model and name are made up; whether it
  // serves /api/system is open (§9), so by default it does not: Keyward must cope with a nameless console.
  'uos-server': unifiOs({
    preset: 'uos-server',
    model: 'UOSSERVER',
    name: 'UniFi OS Server',
    mac: 'E43883AABBCC',
    apps: ['network'],
    defaultPort: 11443,
    firmware: '5.0.6',
    appVersions: { network: '10.2.105' },
    apiSystem: 'absent',
  }),
  'legacy-network': unifiOs({
    preset: 'legacy-network',
    model: 'NETWORK-APP',
    name: 'UniFi Network Application',
    mac: 'F4E2C6445566',
    apps: ['network'],
    kind: 'legacy-network',
    defaultPort: 8443,
    firmware: '',
    appVersions: { network: '9.0.108' },
    accounts: [],
  }),
})

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

export function isPresetName(value: string): value is PresetName {
  return Object.hasOwn(presets, value)
}

/** "24:5a:4c:dd:66:16" → "245A4CDD6616"; throws unless 12 hex digits remain. */
export function normalizeMac(mac: string): string {
  const out = mac.replace(/[:.-]/g, '').toUpperCase()
  if (!/^[0-9A-F]{12}$/.test(out)) throw new Error(`invalid MAC: ${JSON.stringify(mac)}`)
  return out
}

/** Deterministic stand-in for the real (opaque) id: MAC plus a hash-derived suffix. */
export function directConnectDomainFor(mac: string): string {
  const suffix = createHash('sha256').update(mac).digest('hex').slice(0, 20)
  return `${mac.toLowerCase()}${suffix}.id.ui.direct`
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RegExp)

/** Deep merge of plain objects; arrays and scalars in `patch` replace; `undefined` is ignored. */
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : structuredClone(patch)) as T
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : structuredClone(value)
  }
  return out as T
}

/**
 * A fresh, mutable config from a preset with deep overrides (nested knobs such as
 * `{ auth: { lockout: { lockSeconds: 5 } } }` keep their siblings). A new MAC also gets a
 * matching directConnectDomain unless one is given.
 */
export function createConsoleConfig(preset: PresetName, overrides: ConsoleOverrides = {}): ConsoleConfig {
  const base = structuredClone(presets[preset]) as ConsoleConfig
  const mac = overrides.mac === undefined ? base.mac : normalizeMac(overrides.mac)
  const merged = deepMerge(base, overrides)
  return {
    ...merged,
    directConnectDomain:
      overrides.directConnectDomain ?? (mac === base.mac ? base.directConnectDomain : directConnectDomainFor(mac)),
    mac,
    preset: base.preset,
    kind: base.kind,
  }
}
