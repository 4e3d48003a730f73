// The one contract between the renderer and the core. Every request (name,
// input schema, result type) and every event pushed to the UI is declared here
// once; the Electron preload, the shell's IPC handlers, the browser host and the
// renderer are all derived from it (mullvad's ipc-schema.ts, with zod inputs).
import { z } from 'zod'
import type {
  CleanupOutcome,
  ConsoleProbe,
  ConsoleRecord,
  CopyResult,
  CopyFieldsPlan,
  CloudCheckResult,
  DesktopStatus,
  HaConsent,
  HaFit,
  HaPushOptions,
  HaPushSummary,
  HaSummary,
  HostAdvice,
  KeyNotification,
  KeyView,
  Preferences,
  SettingsStatus,
  ProvisionOutcome,
  ProvisionPlan,
  ProvisionRecord,
  SignInResult,
  RegistrationCommands,
  UispKeyCheck,
  UispKeyView,
  UispProbe,
  UispServerRecord,
  UispSignInResult,
  UispTokenInfo,
  UispTokenOutcome,
  UispTokenPlan,
  VaultStatus,
} from './domain.ts'
import type { DiscoveryInterface, DiscoveryStatus, InventoryItem, ManualAddResult } from './inventory.ts'
import type { Outcome } from './result.ts'
import type { TrayModel } from './tray.ts'

/** Where Keyward writes its log (`logs.location`). */
export interface LogsLocation {
  /** The folder holding the current log file and its rotated copies. */
  dir: string
  /** The current log file. */
  file: string
  /** Whether `logs.open` can show the folder (the Electron app can; the browser host cannot). */
  canOpen: boolean
}

// zod compiles validators with `new Function` unless told not to; under the renderer's CSP (no 'unsafe-eval')
// its one-time probe is blocked and Chromium reports a CSP violation. Interpreted validation is all we need.
z.config({ jitless: true })

/** Upper bound for any string field the UI may send; inputs are small by nature. */
export const MAX_TEXT = 2048

interface RequestSpec<I extends z.ZodType, R> {
  input: I
  /** Phantom: the result type, carried for the type system only. */
  result?: R
}
const request = <R>() => <I extends z.ZodType>(input: I): RequestSpec<I, R> => ({ input })

interface EventSpec<P> {
  payload?: P
}
const event = <P>(): EventSpec<P> => ({})

const none = z.object({}).strict()
const consoleKey = z.string().min(1).max(300)
const app = z.enum(['protect', 'network', 'access'])
/** Names the console shows on its Admins and Integrations pages. */
const name = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/, 'letters, digits, space . _ @ - only')
const provisionId = z.string().regex(/^[a-z0-9-]{1,64}$/)
const keyId = z.string().regex(/^[a-z0-9-]{1,64}$/)

// UISP (uisp.md): a server is addressed by its key (`host:port`), like a console.
const mfaCode = z.string().regex(/^\d{6,8}$/, 'a 6–8 digit code')
const uispPurpose = z.enum(['monitor', 'register-devices'])
/** swagger: token names are at most 20 characters. */
export const uispTokenName = z
  .string()
  .trim()
  .min(1, 'a token needs a name')
  .refine((s) => [...s].length <= 20, 'at most 20 characters (UISP’s limit for token names)')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), 'no control characters')
/** swagger NewTokenSchema `id`: a UUID. */
const uispTokenId = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a UISP token id (a UUID)')
/** A device for the registration helper (uisp.md §5). */
export const uispDevice = z
  .object({
    kind: z.enum(['edgeos', 'airos', 'ubios']),
    firmware: z.string().max(128).optional(),
    airmax: z.enum(['ac', 'm']).optional(),
    mode: z.enum(['interactive', 'script']).optional(),
  })
  .strict()

export const preferencesInput = z
  .object({
    clipboardClearSeconds: z.number().int().min(5).max(600),
    checkIntervalMinutes: z.number().int().min(1).max(1440),
    startAtLogin: z.boolean(),
    expiryLeadDays: z.number().int().min(1).max(90),
  })
  .strict()

export const requests = {
  /** Probe an address the user typed: is it a UniFi OS console, which one, which certificate. */
  'console.probe': request<ConsoleProbe>()(
    z.object({ address: z.string().max(MAX_TEXT) }).strict(),
  ),
  /**
   * Trust the certificate a console presents now, after the user compared the
   * fingerprint (a changed certificate stops everything until this is done).
   */
  'console.trust': request<ConsoleRecord>()(
    z.object({ key: z.string().max(MAX_TEXT), sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/) }).strict(),
  ),
  /** Consoles Keyward has seen, most recent first. */
  'console.list': request<ConsoleRecord[]>()(none),
  /**
   * Sign in to a console as Owner or Super Admin. Answers `mfa-required` when
   * the account needs a 2FA code: send the same request again with `mfaCode`.
   */
  'console.signIn': request<SignInResult>()(
    z
      .object({
        key: consoleKey,
        username: z.string().min(1).max(256),
        password: z.string().min(1).max(1024),
        mfaCode: z.string().regex(/^\d{6,8}$/, 'a 6–8 digit code').optional(),
      })
      .strict(),
  ),
  'console.signOut': request<null>()(z.object({ key: consoleKey }).strict()),
  /** Forget a console: its pinned certificate and every session on it (its keys stay, and say so). */
  'console.forget': request<ConsoleRecord[]>()(z.object({ key: consoleKey }).strict()),
  /** Which known console really runs an app, best first; with a warning for a wrong pick. */
  'hosts.forApp': request<HostAdvice>()(z.object({ app, picked: consoleKey.optional() }).strict()),
  /** The default plan for making a key for `app` on console `key`. */
  'provision.plan': request<ProvisionPlan>()(z.object({ key: consoleKey, app }).strict()),
  /** Create the user, mint, store and verify; flow failures come back inside the outcome. */
  'provision.run': request<ProvisionOutcome>()(
    z
      .object({
        key: consoleKey,
        app,
        mode: z.enum(['dedicated-user', 'signed-in-admin']),
        username: name,
        keyName: name,
        accessValidityDays: z.number().int().min(0).max(3650).optional(),
      })
      .strict(),
  ),
  /** Resume a flow that stopped (needs a signed-in session on its console). */
  'provision.resume': request<ProvisionOutcome>()(z.object({ id: provisionId }).strict()),
  /** Flows on record, newest first (unfinished ones can be resumed). */
  'provision.list': request<ProvisionRecord[]>()(none),
  /**
   * Remove what a failed or wrong-host flow made, as its journal names it: the key first, then the
   * dedicated user, then its password from the keychain; resumes a cleanup that stopped. Needs a
   * signed-in session on the flow's console. Says per part what was removed, and what was not and why.
   */
  'provision.cleanup': request<CleanupOutcome>()(z.object({ id: provisionId }).strict()),
  /** Network interfaces discovery can use, with the recommended ones marked. */
  'discovery.interfaces': request<DiscoveryInterface[]>()(none),
  /**
   * Start finding consoles, devices, UISP servers and Home Assistant on the
   * chosen interfaces (default: the recommended ones). Nothing is sent before this.
   */
  'discovery.start': request<DiscoveryStatus>()(
    z.object({ interfaces: z.array(z.string().min(1).max(64)).max(32).optional() }).strict(),
  ),
  'discovery.stop': request<DiscoveryStatus>()(none),
  'discovery.status': request<DiscoveryStatus>()(none),
  /** Ask again now (re-send, re-query mDNS, refresh fingerprints). */
  'discovery.scan': request<DiscoveryStatus>()(none),
  /** The inventory: one card per device. */
  'inventory.list': request<InventoryItem[]>()(none),
  /** Add a host by address; it goes through the same fingerprint as found ones. */
  'inventory.addManual': request<ManualAddResult>()(z.object({ address: z.string().max(MAX_TEXT) }).strict()),
  /** Every watched key with its status (no secrets: masked only). */
  'keys.list': request<KeyView[]>()(none),
  /** Check keys now (all, or the given ones). */
  'keys.check': request<KeyView[]>()(z.object({ ids: z.array(keyId).max(2000).optional() }).strict()),
  /**
   * Reads when each key was last used and what it may do from its console's key list (as the
   * key's own user). Throttled per console unless `force`; consoles that cannot be read are skipped.
   */
  'keys.usage': request<KeyView[]>()(z.object({ force: z.boolean().optional() }).strict()),
  'keys.pause': request<KeyView[]>()(z.object({ id: keyId, paused: z.boolean() }).strict()),
  /** Forget a key locally (the keychain entry too); it keeps working on the console. */
  'keys.forget': request<KeyView[]>()(z.object({ id: keyId }).strict()),
  /**
   * Copy a key to the clipboard; it is cleared after the configured time if it
   * still holds the key. Without a system clipboard (browser host) the secret
   * comes back for the page to copy — the user asked for it.
   */
  'keys.copy': request<CopyResult>()(z.object({ id: keyId }).strict()),
  /**
   * Copy the password of the key's dedicated console user (HA ≤ 2026.8's manual
   * setup asks for it), like keys.copy: cleared after the same time; never shown.
   */
  'keys.copyPassword': request<CopyResult>()(z.object({ id: keyId }).strict()),
  /** Show a key (the user asked); the UI hides it again after `hideAfterSeconds`. */
  'keys.reveal': request<{ secret: string; hideAfterSeconds: number }>()(z.object({ id: keyId }).strict()),
  /** New key → verify → hand over → revoke old; on failure the old key stays. */
  'keys.rotate': request<{ keys: KeyView[]; oldKeyStillActive: boolean }>()(z.object({ id: keyId }).strict()),
  /** Revoke on the console (what uses it stops working) and forget it here. */
  'keys.revoke': request<KeyView[]>()(z.object({ id: keyId }).strict()),
  /**
   * Only when the user asks why a failing key fails: sends the key to Ubiquiti's cloud
   * (api.ui.com, Site Manager) to see whether it is a cloud key. Never part of a sweep or the
   * wizard's verify (unifi-os.md §5.4).
   */
  'keys.cloudCheck': request<CloudCheckResult>()(z.object({ id: keyId }).strict()),
  /**
   * Connect to Home Assistant with a long-lived access token (kept in the
   * keychain). A rejected token stops at once: HA counts failed logins and may ban.
   */
  /**
   * Over https with a certificate no public CA vouches for, the first call fails
   * `certificate-unconfirmed` carrying the certificate (no token sent); call again with
   * `sha256` = the fingerprint the user compared, and the token goes only over that pin.
   * Over plain http it connects, and the result says it is unencrypted (`warning`).
   */
  'ha.connect': request<HaSummary>()(
    z.object({ url: z.string().min(1).max(MAX_TEXT), token: z.string().min(10).max(4096), sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/).optional() }).strict(),
  ),
  'ha.list': request<HaSummary[]>()(none),
  /**
   * "It's mine — continue": resume background checks of an HA held after a network change
   * (its identity could not be checked), or re-trust its changed certificate (`sha256`, compared
   * by the user). A different Home Assistant (another uuid) is not resumed: connect again.
   */
  'ha.continue': request<HaSummary>()(z.object({ id: keyId, sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/).optional() }).strict()),
  'ha.forget': request<HaSummary[]>()(z.object({ id: keyId }).strict()),
  /**
   * Put a key into HA's UniFi integration (new entry, reconfigure, or a pending reauth). Protect goes
   * API-key-only (no password in HA) unless `mode: 'full'`; full mode, and HA ≤ 2026.8, send the
   * dedicated user's password only after `ha.consent` — otherwise the answer is the failure
   * `refused` (problem consent_required) and nothing is sent. `siteId`: the UniFi Network site
   * (Integration API UUID) when the key sees several (outcome 'choose-site' lists them).
   */
  'ha.push': request<HaPushSummary>()(z.object({
    keyId, haId: keyId, mode: z.enum(['api_key', 'full']).optional(), siteId: z.string().min(1).max(100).optional(),
  }).strict()),
  /** How a Protect key can go to this HA: its modes, what full mode adds and costs, the consent sentence. */
  'ha.pushOptions': request<HaPushOptions>()(z.object({ keyId, haId: keyId }).strict()),
  /**
   * The user agrees to send the key's dedicated user's password to this HA. `sentence` must be the
   * `consentSentence` of `ha.pushOptions`, word for word; it is recorded on the key with the HA,
   * the user and the time.
   */
  'ha.consent': request<HaConsent>()(z.object({ keyId, haId: keyId, sentence: z.string().min(1).max(1000) }).strict()),
  /**
   * Before a key is minted: can this HA take a key for `app`? For UniFi Network HA is asked (a `unifi` flow
   * is opened, its first step read, and the flow deleted: home-assistant.md §3.2 "detect it by the menu").
   */
  'ha.fit': request<HaFit>()(z.object({ haId: keyId, app }).strict()),
  /** The exact fields to fill in HA by hand (secrets left out: copy them with keys.copy). */
  'ha.copyFields': request<CopyFieldsPlan>()(z.object({ keyId, haId: keyId.optional() }).strict()),
  /** The key list window opened or closed (notifications are suppressed while open). */
  'keys.viewing': request<null>()(z.object({ open: z.boolean() }).strict()),
  /** UISP servers Keyward has talked to (pinned certificates), most recent first. */
  'uisp.servers': request<UispServerRecord[]>()(none),
  /** Probe an address as a UISP server: version and certificate (trust on first use, as for consoles). */
  'uisp.probe': request<UispProbe>()(z.object({ address: z.string().max(MAX_TEXT) }).strict()),
  /** Trust the certificate a UISP server presents now, after the user compared it. */
  'uisp.trust': request<UispServerRecord>()(
    z.object({ key: consoleKey, sha256: z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/) }).strict(),
  ),
  /** Sign in to a UISP server; `mfa-required` → send again with `mfaCode` (TOTP). */
  'uisp.signIn': request<UispSignInResult>()(
    z
      .object({
        key: consoleKey,
        username: z.string().min(1).max(256),
        password: z.string().min(1).max(1024),
        mfaCode: mfaCode.optional(),
      })
      .strict(),
  ),
  'uisp.signOut': request<null>()(z.object({ key: consoleKey }).strict()),
  /** Forget a UISP server: its pinned certificate and any session on it. */
  'uisp.forget': request<UispServerRecord[]>()(z.object({ key: consoleKey }).strict()),
  /** The purposes a token can serve, each with the least scope that serves it and why. */
  'uisp.plan': request<UispTokenPlan>()(z.object({ key: consoleKey }).strict()),
  /** Create a token with the purpose's least scope, store it in the keychain, verify it, watch it. */
  'uisp.createToken': request<UispTokenOutcome>()(z.object({ key: consoleKey, purpose: uispPurpose, name: uispTokenName }).strict()),
  /** Resume a token flow that stopped (needs a signed-in session on its server). */
  'uisp.resumeToken': request<UispTokenOutcome>()(z.object({ id: provisionId }).strict()),
  /** The signed-in user's API tokens (never their secrets). */
  'uisp.listTokens': request<UispTokenInfo[]>()(z.object({ key: consoleKey }).strict()),
  /** Revoke a token on the server (DELETE /token/{id}); a watched one leaves the key list. */
  'uisp.revokeToken': request<UispTokenInfo[]>()(z.object({ key: consoleKey, tokenId: uispTokenId }).strict()),
  /** UISP keys (device connection strings) in the keychain, masked: host and AES part obscured. */
  'uispKey.list': request<UispKeyView[]>()(none),
  /** Store a pasted UISP key in the keychain; a malformed key answers the parser's precise message. */
  'uispKey.save': request<UispKeyView>()(z.object({ text: z.string().min(1, 'paste a UISP key').max(MAX_TEXT) }).strict()),
  /** Read the server's UISP key (admin scope) into the keychain. */
  'uispKey.fromServer': request<UispKeyView>()(z.object({ key: consoleKey }).strict()),
  /** Could devices holding the key reach the server? (TLS honouring the key's certificate option, then /nms/version.) */
  'uispKey.check': request<UispKeyCheck>()(z.object({ id: keyId }).strict()),
  /** Copy the key (clipboard, cleared after the configured time). */
  'uispKey.copy': request<CopyResult>()(z.object({ id: keyId }).strict()),
  'uispKey.forget': request<UispKeyView[]>()(z.object({ id: keyId }).strict()),
  /** The registration commands for a device, with a placeholder where the key goes (safe to show). */
  'uispKey.registration': request<RegistrationCommands>()(z.object({ id: keyId.optional(), device: uispDevice }).strict()),
  /** The same commands with the key in them, to the clipboard only. */
  'uispKey.copyRegistration': request<CopyResult>()(z.object({ id: keyId, device: uispDevice }).strict()),
  /** The tray's current model. */
  'tray.model': request<TrayModel>()(none),
  /** Whether the OS keychain can hold secrets right now. */
  'vault.status': request<VaultStatus>()(none),
  /** Where settings live, and whether a damaged file was set aside at start-up. */
  'settings.status': request<SettingsStatus>()(none),
  'preferences.get': request<Preferences>()(none),
  'preferences.set': request<Preferences>()(preferencesInput.partial().strict()),
  /** Where the log file is, and whether this app can open its folder; null when Keyward keeps no log file. */
  'logs.location': request<LogsLocation | null>()(none),
  /** Open the log folder in the system's file manager; `unsupported` where the app cannot (the browser host). */
  'logs.open': request<null>()(none),
  /** What the desktop offers: on Linux, whether tray icons can be shown at all. */
  'desktop.status': request<DesktopStatus>()(none),
} as const

export const events = {
  /** The list of known consoles changed (after a probe, or a record was forgotten). */
  'console.changed': event<ConsoleRecord[]>(),
  /** The keychain became available or unavailable. */
  'vault.changed': event<VaultStatus>(),
  /** The inventory changed (coalesced): the full sorted list. */
  'inventory.changed': event<InventoryItem[]>(),
  /** Discovery started, stopped, or has a new notice (port busy, no interfaces…). */
  'discovery.changed': event<DiscoveryStatus>(),
  /** The key list changed (a check finished, a key was added, paused or forgotten). */
  'keys.changed': event<KeyView[]>(),
  /** The tray's model changed (the shell renders it, throttled). */
  'tray.changed': event<TrayModel>(),
  /** Something worth a system notification happened to keys. */
  'keys.notification': event<KeyNotification>(),
  /** Preferences changed (the shell applies start-at-login). */
  'preferences.changed': event<Preferences>(),
  /** A provision flow moved a step (the progress view's step list). */
  'provision.progress': event<ProvisionRecord>(),
  /** A tray host appeared or went away (Linux StatusNotifierWatcher). */
  'desktop.changed': event<DesktopStatus>(),
} as const

export type Requests = typeof requests
export type RequestName = keyof Requests

/**
 * The only requests whose answer may carry a secret, because the user asked for it: a copy
 * (without a system clipboard the page copies) or a reveal. Anything else answering a secret is a leak
 * (the e2e leak scan holds every other answer to that).
 */
export const secretAnsweringRequests = ['keys.copy', 'keys.copyPassword', 'keys.reveal', 'uispKey.copy', 'uispKey.copyRegistration'] as const satisfies readonly RequestName[]
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>
export type RequestResult<N extends RequestName> = Exclude<Requests[N]['result'], undefined>
export type EventName = keyof typeof events
export type EventPayload<N extends EventName> = Exclude<(typeof events)[N]['payload'], undefined>

export const requestNames = Object.keys(requests) as RequestName[]
export const eventNames = Object.keys(events) as EventName[]

export const isRequestName = (name: unknown): name is RequestName =>
  typeof name === 'string' && Object.hasOwn(requests, name)
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.hasOwn(events, name)

/**
 * The API the renderer sees as `window.keyward`: one pre-bound function per
 * request (`keyward.console.probe({address})`) and `on(event, listener)`
 * returning an unsubscribe function. Which transport carries it is invisible.
 */
type Split<S extends string> = S extends `${infer G}.${infer K}` ? [G, K] : never
export type KeywardApi = {
  [G in Split<RequestName>[0]]: {
    [N in RequestName as Split<N>[0] extends G ? Split<N>[1] : never]: (
      input: RequestInput<N>,
    ) => Promise<Outcome<RequestResult<N>>>
  }
} & {
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** What a transport must supply to build the API. */
export interface Transport {
  invoke(name: RequestName, input: unknown): Promise<Outcome<unknown>>
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void
}

/** Builds `window.keyward` from a transport; used by the preload and the browser bridge alike. */
export function createApi(transport: Transport): KeywardApi {
  const api: Record<string, unknown> = {}
  for (const name of requestNames) {
    const [group, key] = name.split('.') as [string, string]
    const bucket = (api[group] ??= {}) as Record<string, unknown>
    bucket[key] = (input: unknown) => transport.invoke(name, input ?? {})
  }
  api.on = (name: EventName, listener: (payload: unknown) => void) => {
    if (!isEventName(name)) throw new TypeError(`Unknown event: ${String(name)}`)
    return transport.subscribe(name, listener)
  }
  return api as KeywardApi
}
