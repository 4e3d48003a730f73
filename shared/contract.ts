// The one contract between the renderer and the core. Every request (name,
// input schema, result type) and every event pushed to the UI is declared here
// once; the Electron preload, the shell's IPC handlers, the browser host and the
// renderer are all derived from it (mullvad's ipc-schema.ts). The input schemas (zod) live beside it in
// shared/schemas.ts, loaded by the main side only: here they are types (`import type`), so the preload and
// the renderer carry no zod.
import type { ActivityEntry, ActivityExport, AuditCleanupResult, AuditReport } from './audit.ts'
import type {
  ConsoleProbe,
  ConsoleRecord,
  CopyResult,
  CopyFieldsPlan,
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
  ProvisionPlan,
  SignInResult,
  RegistrationCommands,
  UispKeyCheck,
  UispKeyView,
  UispProbe,
  UispServerRecord,
  UispSignInResult,
  UispTokenInfo,
  UispTokenPlan,
  VaultStatus,
} from './domain.ts'
import type {
  CleanupOutcomeView,
  ProvisionOutcomeView,
  ProvisionView,
  RevokeOutcomeView,
  SweepScheduleView,
  UispTokenOutcomeView,
} from './views.ts'
import type { DiscoveryInterface, DiscoveryStatus, InventoryItem, ManualAddResult } from './inventory.ts'
import type { Outcome } from './result.ts'
import type { TrayModel } from './tray.ts'
import type { z } from 'zod'
import type { Inputs } from './schemas.ts'

/** Where Keyward writes its log (`logs.location`). */
export interface LogsLocation {
  /** The folder holding the current log file and its rotated copies. */
  dir: string
  /** The current log file. */
  file: string
  /** Whether `logs.open` can show the folder (the Electron app can; the browser host cannot). */
  canOpen: boolean
}

/** What Keyward is (`app.about`): the version the app was built as. */
export interface AboutInfo {
  version: string
}

/** A request's result type, carried for the type system only. */
interface RequestSpec<R> {
  result?: R
}
const request = <R>(): RequestSpec<R> => ({})

interface EventSpec<P> {
  payload?: P
}
const event = <P>(): EventSpec<P> => ({})

export const requests = {
  /** Probe an address the user typed: is it a UniFi OS console, which one, which certificate. */
  'console.probe': request<ConsoleProbe>(),
  /**
   * Trust the certificate a console presents now, after the user compared the
   * fingerprint (a changed certificate stops everything until this is done).
   */
  'console.trust': request<ConsoleRecord>(),
  /** Consoles Keyward has seen, most recent first. */
  'console.list': request<ConsoleRecord[]>(),
  /**
   * Sign in to a console as Owner or Super Admin. Answers `mfa-required` when
   * the account needs a 2FA code: send the same request again with `mfaCode`.
   */
  'console.signIn': request<SignInResult>(),
  'console.signOut': request<null>(),
  /** Forget a console: its pinned certificate and every session on it (its keys stay, and say so). */
  'console.forget': request<ConsoleRecord[]>(),
  /** Which known console really runs an app, best first; with a warning for a wrong pick. */
  'hosts.forApp': request<HostAdvice>(),
  /** The default plan for making a key for `app` on console `key`. */
  'provision.plan': request<ProvisionPlan>(),
  /** Create the user, mint, store and verify; flow failures come back inside the outcome. */
  'provision.run': request<ProvisionOutcomeView>(),
  /** Resume a flow that stopped (needs a signed-in session on its console). */
  'provision.resume': request<ProvisionOutcomeView>(),
  /** Flows on record, newest first (unfinished ones can be resumed). */
  'provision.list': request<ProvisionView[]>(),
  /**
   * Remove what a failed or wrong-host flow made, as its journal names it: the key first, then the
   * dedicated user, then its password from the keychain; resumes a cleanup that stopped. Needs a
   * signed-in session on the flow's console. Says per part what was removed, and what was not and why.
   */
  'provision.cleanup': request<CleanupOutcomeView>(),
  /** Network interfaces discovery can use, with the recommended ones marked. */
  'discovery.interfaces': request<DiscoveryInterface[]>(),
  /**
   * Start finding consoles, devices, UISP servers and Home Assistant on the
   * chosen interfaces (default: the recommended ones). Nothing is sent before this.
   */
  'discovery.start': request<DiscoveryStatus>(),
  'discovery.stop': request<DiscoveryStatus>(),
  'discovery.status': request<DiscoveryStatus>(),
  /** Ask again now (re-send, re-query mDNS, refresh fingerprints). */
  'discovery.scan': request<DiscoveryStatus>(),
  /** Try every address of the scanned networks for a UISP server; progress comes as `discovery.changed`. */
  'discovery.searchUisp': request<DiscoveryStatus>(),
  /** Stop that search; it ends with what it found so far. */
  'discovery.cancelUispSearch': request<DiscoveryStatus>(),
  /** The inventory: one card per device. */
  'inventory.list': request<InventoryItem[]>(),
  /** Add a host by address; it goes through the same fingerprint as found ones. */
  'inventory.addManual': request<ManualAddResult>(),
  /** Every watched key with its status (no secrets: masked only). */
  'keys.list': request<KeyView[]>(),
  /** Check keys now (all, or the given ones). */
  'keys.check': request<KeyView[]>(),
  /**
   * Reads when each key was last used and what it may do from its console's key list (as the
   * key's own user). Throttled per console unless `force`; consoles that cannot be read are skipped.
   */
  'keys.usage': request<KeyView[]>(),
  'keys.pause': request<KeyView[]>(),
  /** Forget a key locally (the keychain entry too); it keeps working on the console. */
  'keys.forget': request<KeyView[]>(),
  /**
   * Copy a key to the clipboard; it is cleared after the configured time if it
   * still holds the key. Without a system clipboard (browser host) the secret
   * comes back for the page to copy — the user asked for it.
   */
  'keys.copy': request<CopyResult>(),
  /**
   * Copy the password of the key's dedicated console user (HA ≤ 2026.8's manual
   * setup asks for it), like keys.copy: cleared after the same time; never shown.
   */
  'keys.copyPassword': request<CopyResult>(),
  /** Show a key (the user asked); the UI hides it again after `hideAfterSeconds`. */
  'keys.reveal': request<{ secret: string; hideAfterSeconds: number }>(),
  /** New key → verify → hand over → revoke old; on failure the old key stays. */
  'keys.rotate': request<{ keys: KeyView[]; oldKeyStillActive: boolean }>(),
  /**
   * Revoke on the console (what uses it stops working) and forget it here. `deleteUser`: also
   * delete the key's dedicated user, only one Keyward created that no other key uses, with an
   * admin signed in (checked before anything is touched; else nothing happens). Order: the key,
   * the user, its password in the keychain last; `user` says what each came to (a part that could
   * not be removed says why, and `provision.cleanup` with `user.record.id` retries it).
   */
  'keys.revoke': request<RevokeOutcomeView>(),
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
  'ha.connect': request<HaSummary>(),
  'ha.list': request<HaSummary[]>(),
  /**
   * "It's mine — continue": resume background checks of an HA held after a network change
   * (its identity could not be checked), or re-trust its changed certificate (`sha256`, compared
   * by the user). A different Home Assistant (another uuid) is not resumed: connect again.
   */
  'ha.continue': request<HaSummary>(),
  'ha.forget': request<HaSummary[]>(),
  /**
   * Put a key into HA's UniFi integration (new entry, reconfigure, or a pending reauth). Protect goes
   * API-key-only (no password in HA) unless `mode: 'full'`; full mode, and HA ≤ 2026.8, send the
   * dedicated user's password only after `ha.consent` — otherwise the answer is the failure
   * `refused` (problem consent_required) and nothing is sent. `siteId`: the UniFi Network site
   * (Integration API UUID) when the key sees several (outcome 'choose-site' lists them).
   */
  'ha.push': request<HaPushSummary>(),
  /** How a Protect key can go to this HA: its modes, what full mode adds and costs, the consent sentence. */
  'ha.pushOptions': request<HaPushOptions>(),
  /**
   * The user agrees to send the key's dedicated user's password to this HA. `sentence` must be the
   * `consentSentence` of `ha.pushOptions`, word for word; it is recorded on the key with the HA,
   * the user and the time.
   */
  'ha.consent': request<HaConsent>(),
  /**
   * Before a key is minted: can this HA take a key for `app`? For UniFi Network HA is asked (a `unifi` flow
   * is opened, its first step read, and the flow deleted: home-assistant.md §3.2 "detect it by the menu").
   */
  'ha.fit': request<HaFit>(),
  /** The exact fields to fill in HA by hand (secrets left out: copy them with keys.copy). */
  'ha.copyFields': request<CopyFieldsPlan>(),
  /** The key list window opened or closed (notifications are suppressed while open). */
  'keys.viewing': request<null>(),
  /** UISP servers Keyward has talked to (pinned certificates), most recent first. */
  'uisp.servers': request<UispServerRecord[]>(),
  /** Probe an address as a UISP server: version and certificate (trust on first use, as for consoles). */
  'uisp.probe': request<UispProbe>(),
  /** Trust the certificate a UISP server presents now, after the user compared it. */
  'uisp.trust': request<UispServerRecord>(),
  /** Sign in to a UISP server; `mfa-required` → send again with `mfaCode` (TOTP). */
  'uisp.signIn': request<UispSignInResult>(),
  'uisp.signOut': request<null>(),
  /** Forget a UISP server: its pinned certificate and any session on it. */
  'uisp.forget': request<UispServerRecord[]>(),
  /** The purposes a token can serve, each with the least scope that serves it and why. */
  'uisp.plan': request<UispTokenPlan>(),
  /** Create a token with the purpose's least scope, store it in the keychain, verify it, watch it. */
  'uisp.createToken': request<UispTokenOutcomeView>(),
  /** Resume a token flow that stopped (needs a signed-in session on its server). */
  'uisp.resumeToken': request<UispTokenOutcomeView>(),
  /** The signed-in user's API tokens (never their secrets). */
  'uisp.listTokens': request<UispTokenInfo[]>(),
  /** Revoke a token on the server (DELETE /token/{id}); a watched one leaves the key list. */
  'uisp.revokeToken': request<UispTokenInfo[]>(),
  /** UISP keys (device connection strings) in the keychain, masked: host and AES part obscured. */
  'uispKey.list': request<UispKeyView[]>(),
  /** Store a pasted UISP key in the keychain; a malformed key answers the parser's precise message. */
  'uispKey.save': request<UispKeyView>(),
  /** Read the server's UISP key (admin scope) into the keychain. */
  'uispKey.fromServer': request<UispKeyView>(),
  /** Could devices holding the key reach the server? (TLS honouring the key's certificate option, then /nms/version.) */
  'uispKey.check': request<UispKeyCheck>(),
  /** Copy the key (clipboard, cleared after the configured time). */
  'uispKey.copy': request<CopyResult>(),
  'uispKey.forget': request<UispKeyView[]>(),
  /** The registration commands for a device, with a placeholder where the key goes (safe to show). */
  'uispKey.registration': request<RegistrationCommands>(),
  /** The same commands with the key in them, to the clipboard only. */
  'uispKey.copyRegistration': request<CopyResult>(),
  /** The tray's current model. */
  'tray.model': request<TrayModel>(),
  /** When the key watch last swept and when its next sweep is planned (exact, jitter included). */
  'keys.schedule': request<SweepScheduleView>(),
  /** Whether the OS keychain can hold secrets right now. */
  'vault.status': request<VaultStatus>(),
  /** Where settings live, and whether a damaged file was set aside at start-up. */
  'settings.status': request<SettingsStatus>(),
  'preferences.get': request<Preferences>(),
  'preferences.set': request<Preferences>(),
  /** Where the log file is, and whether this app can open its folder; null when Keyward keeps no log file. */
  'logs.location': request<LogsLocation | null>(),
  /** Open the log folder in the system's file manager; `unsupported` where the app cannot (the browser host). */
  'logs.open': request<null>(),
  /** What the desktop offers: on Linux, whether tray icons can be shown at all. */
  'desktop.status': request<DesktopStatus>(),
  /** The app's version, for Settings → About. */
  'app.about': request<AboutInfo>(),
  /** Read every credential on the consoles and UISP servers named (and no other), with findings (issue 18). */
  'audit.open': request<AuditReport>(),
  /** The last audit, without reading anything; null before the first `audit.open`. */
  'audit.findings': request<AuditReport | null>(),
  /** Remove the confirmed findings of the last audit, each verified; then the audit read again. */
  'audit.cleanup': request<AuditCleanupResult>(),
  /** The activity log, oldest first, optionally for one console/server or one key. */
  'activity.list': request<ActivityEntry[]>(),
  /** The activity log as CSV or JSON text to save (no secrets). */
  'activity.export': request<ActivityExport>(),
} as const

export const events = {
  /** The list of known consoles changed (after a probe, or a record was forgotten). */
  'console.changed': event<ConsoleRecord[]>(),
  /** The keychain became available or unavailable. */
  'vault.changed': event<VaultStatus>(),
  /** The inventory changed (coalesced): the full sorted list. */
  'inventory.changed': event<InventoryItem[]>(),
  /**
   * Discovery started, stopped, a scan round began or ended, the UISP search moved (throttled), or a
   * new notice (port busy, no interfaces…).
   */
  'discovery.changed': event<DiscoveryStatus>(),
  /** The key list changed (a check finished, a key was added, paused or forgotten). */
  'keys.changed': event<KeyView[]>(),
  /** A background sweep started, the next one was planned, or the watch stopped. */
  'keys.scheduleChanged': event<SweepScheduleView>(),
  /** The tray's model changed (the shell renders it, throttled). */
  'tray.changed': event<TrayModel>(),
  /** Something worth a system notification happened to keys. */
  'keys.notification': event<KeyNotification>(),
  /** Preferences changed (the shell applies start-at-login). */
  'preferences.changed': event<Preferences>(),
  /** A provision flow moved a step (the progress view's step list). */
  'provision.progress': event<ProvisionView>(),
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
export const secretAnsweringRequests = [
  'keys.copy',
  'keys.copyPassword',
  'keys.reveal',
  'uispKey.copy',
  'uispKey.copyRegistration',
] as const satisfies readonly RequestName[]
export type RequestInput<N extends RequestName> = z.input<Inputs[N]>
export type RequestResult<N extends RequestName> = Exclude<Requests[N]['result'], undefined>
export type EventName = keyof typeof events
export type EventPayload<N extends EventName> = Exclude<(typeof events)[N]['payload'], undefined>

export const requestNames = Object.keys(requests) as RequestName[]
export const eventNames = Object.keys(events) as EventName[]

export const isRequestName = (name: unknown): name is RequestName =>
  typeof name === 'string' && Object.hasOwn(requests, name)
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && Object.hasOwn(events, name)

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
