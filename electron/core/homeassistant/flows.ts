// Pushing a key into Home Assistant through its config-flow REST API
// (home-assistant.md §1.1, §1.2), in the one way that fits what HA already has:
//   * a reauth HA is waiting for (entry in setup_error, repair issue) → finish that
//     flow with the new key (§1.5: reauth can only be finished from outside);
//   * an entry for this console → reconfigure it (`POST /flow {handler, entry_id}`);
//   * nothing yet → a new `user` flow.
// unifiprotect's first step is a form up to 2026.8 and a menu from 2026.9 (§2.2); the
// driver reads whatever HA returns (form / menu / abort / create_entry) and fills forms
// by the field names in `data_schema`, so both shapes take the same path.
// Flows Keyward starts are deleted when they fail (§1.5: an open reconfigure flow blocks
// HA's own reauth); HA's reauth flows are left for the user.
import type { UnifiApp } from '../../../shared/domain.ts'
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { HomeAssistantClient } from './client.ts'
import { listEntries, matchConsole, snapshotDomain, type DomainSnapshot, type PendingReauth } from './entries.ts'
import { consentRequired } from './consent.ts'
import { APP_LABEL, describeAbort, formErrorsFailure, type ErrorContext } from './errors.ts'
import { deleteFlow, FLOW_PATH, flowCall, flowPath } from './flow-rest.ts'
import { fillForm, menuOptions, pickMenuOption, type FormValues } from './forms.ts'
import { pushNetworkKey, type NetworkPush } from './network.ts'
import {
  HomeAssistantFailure,
  type HaConsoleRef,
  type HaDomain,
  type HaEntry,
  type HaFlowResult,
  type PushOutcome,
  type PushResult,
} from './types.ts'

export { copyFields } from './copy.ts'

export interface ProtectPush {
  console: HaConsoleRef
  apiKey: string
  /**
   * A local user of the console (Keyward's dedicated user). HA ≤ 2026.8 always needs it
   * besides the key; 2026.9+ uses it only for the "full" mode (§2.2). HA stores the password
   * in plain text (§8), so it is used only with `consent` (below); without it nothing is sent.
   */
  credentials?: { username: string; password: string } | null
  /**
   * The user's recorded, informed consent to hand this password to this HA
   * (homeassistant/consent.ts). Credentials without it are refused before any request.
   */
  consent?: { grantedAt: string } | null
  /**
   * 2026.9+ menu choice. Default 'api_key': API-key-only mode (§2.2 [inferred] "prefer
   * API-key-only mode wherever HA offers it"). 'full' also sends the local user when
   * `credentials` and `consent` are given; a reconfigure without them keeps HA's stored password.
   */
  mode?: 'full' | 'api_key'
  /**
   * HA's `verify_ssl`. False by default (§2.2 DEFAULT_VERIFY_SSL): consoles present
   * self-signed certificates, and a fingerprint Keyward pinned means nothing to HA's CA
   * check. True only when the console's certificate chains to a CA HA trusts.
   */
  verifySsl?: boolean
  /** A dedicated user exists (its password could be sent with consent): names the refusal. */
  credentialsAvailable?: boolean
}

export interface AccessPush {
  console: HaConsoleRef
  /** A UniFi Access API token (not a console key, §3). */
  token: string
  verifySsl?: boolean
}

export type PushRequest =
  ({ app: 'protect' } & ProtectPush) | ({ app: 'access' } & AccessPush) | ({ app: 'network' } & NetworkPush)

const label = (c: HaConsoleRef) => consoleLabel(c)

const KEY_SHAPE = /^[\x21-\x7e]{8,512}$/

function checkConsole(c: HaConsoleRef): void {
  // HA wants a bare host (§7: core #150620 "http:// in host" → cannot connect).
  if (!c.host || /[/\s@?#]/.test(c.host) || /^[a-z][a-z0-9+.-]*:\/\//i.test(c.host)) {
    throw new KeywardFailure('invalid-input', `"${c.host}" is not a bare host name or IP address.`)
  }
  if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535)
    throw new KeywardFailure('invalid-input', `Port ${c.port} is outside 1–65535.`)
}

// ---- REST plumbing -----------------------------------------------------------

// ---- the driver --------------------------------------------------------------

interface DriveOptions {
  ctx: ErrorContext
  /** Values by HA field name for the given step (the mode may change them). */
  valuesFor: (stepId: string, mode: 'full' | 'api_key' | null) => FormValues
  /** Menu choice for 2026.9+ (§2.2). */
  want: 'full' | 'api_key'
  /** Delete the flow on failure (flows Keyward started). */
  own: boolean
  /** Checked on every form before it is submitted (e.g. "≤ 2026.8 needs credentials"). */
  beforeSubmit?: (form: Extract<HaFlowResult, { type: 'form' }>, missing: string[]) => void
  onForm?: (form: Extract<HaFlowResult, { type: 'form' }>) => void
}

interface Driven {
  result: Extract<HaFlowResult, { type: 'abort' | 'create_entry' }>
  mode: 'full' | 'api_key' | null
}

const MAX_STEPS = 6

async function drive(ha: HomeAssistantClient, first: HaFlowResult, opts: DriveOptions): Promise<Driven> {
  let current = first
  let mode: 'full' | 'api_key' | null = null
  const submitted = new Set<string>()
  try {
    for (let step = 0; step < MAX_STEPS; step++) {
      const path = flowPath(current.flow_id)
      switch (current.type) {
        case 'abort':
        case 'create_entry':
          return { result: current, mode }
        case 'menu': {
          const options = menuOptions(current)
          const choice = pickMenuOption(options, opts.want)
          if (!choice) {
            throw new HomeAssistantFailure(
              'refused',
              opts.want === 'full' ? 'schema_mismatch' : 'needs_credentials',
              `Home Assistant offers ${options.join(', ') || 'no options'} for ${APP_LABEL[opts.ctx.domain] ?? opts.ctx.domain}, not the ${opts.want === 'full' ? 'full' : 'API-key-only'} setup Keyward needs.`,
              `menu ${current.step_id}: ${options.join(',')}`.slice(0, 200),
            )
          }
          mode = choice.endsWith('api_key') ? 'api_key' : 'full'
          current = await flowCall(ha, 'POST', path, { next_step_id: choice }, `menu ${current.step_id}`, opts.ctx)
          break
        }
        case 'form': {
          const form = current
          if (submitted.has(form.step_id)) {
            const errors = form.errors ?? {}
            if (Object.keys(errors).length > 0)
              throw formErrorsFailure(errors, {
                ...opts.ctx,
                apiKeyOnly: mode === 'api_key' || !form.data_schema.some((f) => f.name === 'username'),
              })
            throw new HomeAssistantFailure(
              'refused',
              'needs_ui',
              `Home Assistant showed the "${form.step_id}" step again without saying why.`,
            )
          }
          opts.onForm?.(form)
          const names = new Set(form.data_schema.map((f) => f.name))
          if (mode === null && names.has('api_key')) mode = names.has('username') ? 'full' : 'api_key'
          const filled = fillForm(form.data_schema, opts.valuesFor(form.step_id, mode))
          opts.beforeSubmit?.(form, filled.missing)
          if (filled.missing.length > 0) {
            throw new HomeAssistantFailure(
              'invalid-input',
              'schema_mismatch',
              `Home Assistant asks for ${filled.missing.join(', ')} in the "${form.step_id}" step, which Keyward cannot fill. Use "Copy fields" and finish in Home Assistant.`,
              `${form.step_id}: missing ${filled.missing.join(',')}`.slice(0, 200),
            )
          }
          submitted.add(form.step_id)
          current = await flowCall(ha, 'POST', path, filled.input, `step ${form.step_id}`, opts.ctx)
          break
        }
        default:
          throw new HomeAssistantFailure(
            'refused',
            'needs_ui',
            `Home Assistant wants to continue this setup in its own window (${current.type}). Finish it in Settings → Devices & services.`,
          )
      }
    }
    throw new HomeAssistantFailure(
      'refused',
      'needs_ui',
      'Home Assistant kept asking for more steps than Keyward expects.',
    )
  } catch (error) {
    if (opts.own && current.flow_id) await deleteFlow(ha, current.flow_id)
    throw error
  }
}

async function entryState(ha: HomeAssistantClient, domain: string, entryId: string | null): Promise<HaEntry | null> {
  if (!entryId) return null
  try {
    return (await listEntries(ha, domain)).find((e) => e.entry_id === entryId) ?? null
  } catch {
    return null
  }
}

function finish(
  ha: HomeAssistantClient,
  domain: HaDomain,
  consoleRef: HaConsoleRef,
  outcome: PushOutcome,
  entry: HaEntry | null,
  entryId: string | null,
  mode: 'full' | 'api_key' | null,
  extra: Partial<PushResult> = {},
): PushResult {
  const app = APP_LABEL[domain] ?? domain
  const who = label(consoleRef)
  const base =
    outcome === 'created'
      ? `Home Assistant set up ${app} for ${who} with the new key.`
      : outcome === 'reconfigured'
        ? `Home Assistant's ${app} entry for ${who} now uses the new key.`
        : `Home Assistant finished its pending re-authentication of ${app} for ${who} with the new key.`
  const state = entry?.state ?? null
  const tail =
    state === null || state === 'loaded'
      ? ''
      : state === 'setup_retry'
        ? ` The entry is retrying: Home Assistant cannot reach ${consoleRef.host} right now.`
        : ` The entry is ${state.replace(/_/g, ' ')}${entry?.reason ? ` (${entry.reason})` : ''}.`
  return {
    outcome,
    domain,
    consoleKey: consoleRef.key,
    entryId: entry?.entry_id ?? entryId,
    title: entry?.title ?? null,
    entryState: state,
    mode,
    haVersion: ha.haVersion,
    message: base + tail,
    ...extra,
  }
}

async function conclude(
  ha: HomeAssistantClient,
  domain: HaDomain,
  consoleRef: HaConsoleRef,
  driven: Driven,
  ctx: ErrorContext,
  knownEntryId: string | null,
  extra: Partial<PushResult> = {},
): Promise<PushResult> {
  const { result } = driven
  if (result.type === 'create_entry') {
    const entryId = result.result?.entry_id ?? null
    const entry = (await entryState(ha, domain, entryId)) ?? result.result
    return finish(ha, domain, consoleRef, 'created', entry, entryId, driven.mode, extra)
  }
  const meaning = describeAbort(result.reason, ctx)
  if (!meaning.ok) throw meaning.failure
  return finish(
    ha,
    domain,
    consoleRef,
    meaning.outcome,
    await entryState(ha, domain, knownEntryId),
    knownEntryId,
    driven.mode,
    extra,
  )
}

// ---- UniFi Protect -------------------------------------------------------------

export async function pushProtectKey(ha: HomeAssistantClient, req: ProtectPush): Promise<PushResult> {
  const domain = 'unifiprotect'
  checkConsole(req.console)
  if (!KEY_SHAPE.test(req.apiKey)) throw new KeywardFailure('invalid-input', 'That does not look like a UniFi API key.')
  ha.requireAdmin()
  if (req.credentials && !req.consent) {
    // Enforced here as well as in the service: no password reaches HA without recorded consent.
    throw consentRequired(ha.haVersion, label(req.console), 'credentials without consent')
  }
  const creds = req.credentials ?? null
  const want: 'full' | 'api_key' = req.mode ?? 'api_key'
  const ctx: ErrorContext = {
    domain,
    consoleLabel: label(req.console),
    host: req.console.host,
    port: req.console.port,
    haVersion: ha.haVersion,
  }

  const valuesFor = (stepId: string, mode: 'full' | 'api_key' | null): FormValues => {
    const key = { api_key: req.apiKey }
    // API-key-only forms are {host, api_key} (§2.2); HA assumes port 443 and verify_ssl false.
    if (mode === 'api_key' || stepId === 'reauth_api_key') return { host: req.console.host, ...key }
    return {
      host: req.console.host,
      port: req.console.port,
      verify_ssl: req.verifySsl ?? false,
      ...(creds ? { username: creds.username, password: creds.password } : {}),
      ...key,
    }
  }
  const beforeSubmit = (form: Extract<HaFlowResult, { type: 'form' }>, missing: string[], mode: 'full' | 'api_key') => {
    if (missing.includes('username') || missing.includes('password')) {
      if (req.credentialsAvailable && !creds)
        throw consentRequired(ha.haVersion, label(req.console), `${form.step_id}: missing ${missing.join(',')}`)
      throw new HomeAssistantFailure(
        'invalid-input',
        'needs_credentials',
        `Home Assistant ${ha.haVersion ?? ''} needs a local username and password of ${label(req.console)} as well as the API key (API-key-only setup arrived in Home Assistant 2026.9). Let Keyward create a dedicated local user, or update Home Assistant.`.replace(
          '  ',
          ' ',
        ),
        `${form.step_id}: missing ${missing.join(',')}`,
      )
    }
    const apiKeyForm = !form.data_schema.some((f) => f.name === 'username')
    if (
      form.step_id !== 'reauth_api_key' &&
      mode === 'api_key' &&
      apiKeyForm &&
      !form.data_schema.some((f) => f.name === 'port') &&
      req.console.port !== 443
    ) {
      // API-key-only mode has no port field: HA uses 443 (§2.2).
      throw new HomeAssistantFailure(
        'invalid-input',
        'schema_mismatch',
        `Home Assistant's API-key-only setup always uses port 443, but ${label(req.console)} answers on ${req.console.port}.`,
      )
    }
  }
  const opts = (own: boolean, mode: 'full' | 'api_key' = want): DriveOptions => ({
    ctx,
    valuesFor,
    want: mode,
    own,
    beforeSubmit: (form, missing) => beforeSubmit(form, missing, mode),
  })
  // API-key-only unless the caller asked for full mode (with consent for any password sent).
  const reconfigureModes: ('full' | 'api_key')[] = [want]

  const snapshot = await snapshotDomain(ha, domain)
  const match = matchConsole(req.console, snapshot)
  return runPush(ha, domain, req.console, snapshot, match, opts, ctx, () => ({}), reconfigureModes)
}

async function runPush(
  ha: HomeAssistantClient,
  domain: HaDomain,
  consoleRef: HaConsoleRef,
  snapshot: DomainSnapshot,
  match: ReturnType<typeof matchConsole>,
  opts: (own: boolean, mode?: 'full' | 'api_key') => DriveOptions,
  ctx: ErrorContext,
  extra: () => Partial<PushResult> = () => ({}),
  reconfigureModes: ('full' | 'api_key' | undefined)[] = [undefined],
): Promise<PushResult> {
  const reconfigure = async (entryId: string): Promise<PushResult> => {
    for (let i = 0; ; i++) {
      const mode = reconfigureModes[i]
      const first = await flowCall(ha, 'POST', FLOW_PATH, { handler: domain, entry_id: entryId }, 'reconfigure', ctx)
      try {
        return await conclude(ha, domain, consoleRef, await drive(ha, first, opts(true, mode)), ctx, entryId, extra())
      } catch (error) {
        const more = i + 1 < reconfigureModes.length
        if (!more || !(error instanceof HomeAssistantFailure) || error.problem !== 'needs_credentials') throw error
      }
    }
  }
  if (match.reauth) {
    const done = await finishReauth(ha, match.reauth, opts(false), ctx)
    if (done)
      return conclude(ha, domain, consoleRef, done, ctx, match.reauth.entryId ?? match.entry?.entry_id ?? null, extra())
  }
  if (match.entry) {
    try {
      return await reconfigure(match.entry.entry_id)
    } catch (error) {
      // HA says that entry is another console's (§1.6, §2.3): leave it alone and make this console its own.
      if (!(error instanceof HomeAssistantFailure) || error.problem !== 'wrong_nvr') throw error
    }
  }
  const first = await flowCall(ha, 'POST', FLOW_PATH, { handler: domain }, 'start setup', ctx)
  try {
    return await conclude(ha, domain, consoleRef, await drive(ha, first, opts(true)), ctx, null, extra())
  } catch (error) {
    // HA knows this console (unique id match) but showed nothing Keyward could link.
    // With exactly one entry in the domain, that entry is the one (§2.2 abort rule).
    if (
      !(error instanceof HomeAssistantFailure) ||
      error.problem !== 'already_configured' ||
      snapshot.entries.length !== 1
    )
      throw error
    const only = snapshot.entries[0]!
    const pending = snapshot.reauths.find((r) => r.entryId === only.entry_id)
    if (pending) {
      const done = await finishReauth(ha, pending, opts(false), ctx)
      if (done) return conclude(ha, domain, consoleRef, done, ctx, only.entry_id, extra())
    }
    return reconfigure(only.entry_id)
  }
}

/** Continues HA's own reauth flow; null when it has gone (then reconfigure instead). */
async function finishReauth(
  ha: HomeAssistantClient,
  reauth: PendingReauth,
  opts: DriveOptions,
  ctx: ErrorContext,
): Promise<Driven | null> {
  let current: HaFlowResult
  try {
    // GET re-runs the current step without input → its form and schema (§1.1).
    current = await flowCall(ha, 'GET', flowPath(reauth.flowId), undefined, 'reauth', ctx)
  } catch (error) {
    if (error instanceof HomeAssistantFailure && error.problem === 'flow_expired') return null
    throw error
  }
  return drive(ha, current, opts)
}

// ---- UniFi Access ----------------------------------------------------------------

export async function pushAccessToken(ha: HomeAssistantClient, req: AccessPush): Promise<PushResult> {
  const domain = 'unifi_access'
  checkConsole(req.console)
  if (!KEY_SHAPE.test(req.token))
    throw new KeywardFailure('invalid-input', 'That does not look like a UniFi Access API token.')
  ha.requireAdmin()
  const ctx: ErrorContext = {
    domain,
    consoleLabel: label(req.console),
    host: req.console.host,
    port: req.console.port,
    haVersion: ha.haVersion,
  }
  let variant: 'core' | 'custom' | undefined
  // Core (2026.4+) and HACS imhotep/hass-unifi-access share the domain and the names
  // host / api_token / verify_ssl; only HACS has `use_polling` (§3, [inferred] detection).
  const onForm = (form: Extract<HaFlowResult, { type: 'form' }>) => {
    const names = form.data_schema.map((f) => f.name)
    if (names.includes('use_polling')) variant = 'custom'
    else if (names.includes('host')) variant ??= 'core'
  }
  const valuesFor = (): FormValues => ({
    host: req.console.host,
    api_token: req.token,
    verify_ssl: req.verifySsl ?? false,
  })
  const opts = (own: boolean): DriveOptions => ({ ctx, valuesFor, want: 'full', own, onForm })
  const snapshot = await snapshotDomain(ha, domain, { devices: false })
  const match = matchConsole(req.console, snapshot)
  try {
    return await runPush(ha, domain, req.console, snapshot, match, opts, ctx, () =>
      variant ? { accessVariant: variant } : {},
    )
  } catch (error) {
    if (error instanceof HomeAssistantFailure && error.detail?.endsWith('unknown_step')) {
      throw new HomeAssistantFailure(
        'refused',
        'needs_ui',
        `The UniFi Access integration in this Home Assistant${variant === 'custom' ? ' (the HACS one)' : ''} cannot be reconfigured from outside. In Home Assistant, delete its entry for ${label(req.console)} and push the token again, or use "Copy fields".`,
        error.detail,
      )
    }
    throw error
  }
}

// ---- dispatch ------------------------------------------------------------------------

export async function pushKey(ha: HomeAssistantClient, req: PushRequest): Promise<PushResult> {
  switch (req.app) {
    case 'protect':
      return pushProtectKey(ha, req)
    case 'access':
      return pushAccessToken(ha, req)
    case 'network':
      // home-assistant.md §3.2: API-key mode detected by the menu (homeassistant/network.ts).
      return pushNetworkKey(ha, req)
  }
}

/** The HA domain for a UniFi app. */
export const DOMAIN_FOR_APP: Record<UnifiApp, HaDomain> = {
  protect: 'unifiprotect',
  access: 'unifi_access',
  network: 'unifi',
}
