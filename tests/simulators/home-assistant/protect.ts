// The fake `unifiprotect` config flow and setup (home-assistant.md §2).
//   ≤2026.8 (`config_flow.py` @12b84aea): `user` form {host, port 443, verify_ssl false,
//     username, password, api_key}; `reconfigure` form (password/api_key optional = keep);
//     `reauth` → `reauth_confirm` {username, password opt, api_key opt}.
//   2026.9 (PR #176410 [fixture]): `user` menu full/api_key; `reconfigure` menu
//     reconfigure_full/reconfigure_api_key; reauth of an API-key-only entry → `reauth_api_key` [api_key].
// Validation calls the console for real (upstream.ts), so a key made on another console
// fails exactly like it does in HA: `{"api_key": "invalid_auth"}`.
import type { IntegrationHandler, SetupOutcome, StepContext, StepResult } from './flow-manager.ts'
import type { HaSimState, SchemaField, SimEntry } from './state.ts'
import { hasProtectMenus, minProtectVersion, UNKNOWN_ABORT_REASON, UNKNOWN_ERROR_KEY } from './state.ts'
import { protectDiscoverySteps } from './protect-discovery.ts'
import { protectMetaInfo, validateProtectApiKey, validateProtectFull, type Validation } from './upstream.ts'

const DOMAIN = 'unifiprotect'
const DEFAULT_PORT = 443

export const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const isApiKeyOnly = (entry: SimEntry): boolean => entry.data.connection_mode === 'api_key_only' || !entry.data.username

function fullSchema(defaults: Record<string, unknown> = {}): SchemaField[] {
  return [
    {
      name: 'host',
      required: true,
      kind: 'string',
      ...(defaults.host !== undefined ? { default: defaults.host } : {}),
    },
    { name: 'port', required: true, kind: 'port', default: defaults.port ?? DEFAULT_PORT },
    { name: 'verify_ssl', required: true, kind: 'boolean', default: defaults.verify_ssl ?? false },
    {
      name: 'username',
      required: true,
      kind: 'string',
      ...(defaults.username !== undefined ? { default: defaults.username } : {}),
    },
    { name: 'password', required: true, kind: 'password' },
    { name: 'api_key', required: true, kind: 'password' },
  ]
}

function reconfigureSchema(entry: SimEntry): SchemaField[] {
  return [
    { name: 'host', required: true, kind: 'string', default: entry.data.host },
    { name: 'port', required: true, kind: 'port', default: entry.data.port ?? DEFAULT_PORT },
    { name: 'verify_ssl', required: true, kind: 'boolean', default: entry.data.verify_ssl ?? false },
    {
      name: 'username',
      required: true,
      kind: 'string',
      ...(entry.data.username ? { default: entry.data.username } : {}),
    },
    { name: 'password', required: false, kind: 'password' },
    { name: 'api_key', required: false, kind: 'password' },
  ]
}

const apiKeySchema = (host?: unknown): SchemaField[] => [
  { name: 'host', required: true, kind: 'string', ...(host !== undefined ? { default: host } : {}) },
  { name: 'api_key', required: true, kind: 'password' },
]

export function fullData(input: Record<string, unknown>, nvrName: string): Record<string, unknown> {
  return {
    host: str(input.host),
    port: input.port,
    verify_ssl: input.verify_ssl,
    username: str(input.username),
    password: str(input.password),
    api_key: str(input.api_key),
    id: nvrName,
  }
}

export const apiKeyData = (host: string, apiKey: string): Record<string, unknown> => ({
  host,
  port: DEFAULT_PORT,
  verify_ssl: false,
  api_key: apiKey,
  id: host,
  connection_mode: 'api_key_only',
})

export const menu = (step_id: string, options: string[]): StepResult => ({ type: 'menu', step_id, options })

export function validateFull(ctx: StepContext, data: Record<string, unknown>): Promise<Validation> {
  return validateProtectFull(
    ctx.state,
    {
      host: str(data.host),
      port: Number(data.port),
      verifySsl: data.verify_ssl === true,
      username: str(data.username),
      password: str(data.password),
      apiKey: str(data.api_key),
    },
    minProtectVersion(ctx.state.config),
  )
}

export function alreadyConfigured(state: HaSimState, mac: string): boolean {
  const norm = mac.replace(/[^0-9a-f]/gi, '').toUpperCase()
  return [...state.entries.values()].some(
    (e) => e.domain === DOMAIN && (e.unique_id ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase() === norm,
  )
}

function sameNvr(entry: SimEntry, mac: string): boolean {
  return (
    (entry.unique_id ?? '').replace(/[^0-9a-f]/gi, '').toUpperCase() === mac.replace(/[^0-9a-f]/gi, '').toUpperCase()
  )
}

const placeholders = {
  local_user_documentation_url: 'https://www.home-assistant.io/integrations/unifiprotect#local-user',
}

async function fullUserStep(stepId: string, ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> {
  if (!input) return { type: 'form', step_id: stepId, schema: fullSchema(), placeholders }
  const result = await validateFull(ctx, input)
  if (!result.ok)
    return { type: 'form', step_id: stepId, schema: fullSchema(input), errors: result.errors, placeholders }
  if (ctx.manager.uniqueIdInProgress(ctx.flow, result.nvr.mac)) return { type: 'abort', reason: 'already_in_progress' }
  if (alreadyConfigured(ctx.state, result.nvr.mac)) return { type: 'abort', reason: 'already_configured' }
  return {
    type: 'create_entry',
    title: result.nvr.name,
    data: fullData(input, result.nvr.name),
    unique_id: result.nvr.mac,
  }
}

async function apiKeyUserStep(ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> {
  if (!input) return { type: 'form', step_id: 'api_key', schema: apiKeySchema() }
  if (ctx.state.config.protectApiKeyStep === 'progress')
    return { type: 'progress', step_id: 'api_key', action: 'validate' }
  if (ctx.state.config.protectApiKeyStep === 'unknown-abort') return { type: 'abort', reason: UNKNOWN_ABORT_REASON }
  if (ctx.state.config.protectApiKeyStep === 'unknown-error')
    return { type: 'form', step_id: 'api_key', schema: apiKeySchema(input.host), errors: { base: UNKNOWN_ERROR_KEY } }
  const result = await validateProtectApiKey(
    ctx.state,
    str(input.host),
    str(input.api_key),
    minProtectVersion(ctx.state.config),
  )
  if (!result.ok) return { type: 'form', step_id: 'api_key', schema: apiKeySchema(input.host), errors: result.errors }
  if (ctx.manager.uniqueIdInProgress(ctx.flow, result.nvr.mac)) return { type: 'abort', reason: 'already_in_progress' }
  if (alreadyConfigured(ctx.state, result.nvr.mac)) return { type: 'abort', reason: 'already_configured' }
  return {
    type: 'create_entry',
    title: result.nvr.name,
    data: apiKeyData(str(input.host), str(input.api_key)),
    unique_id: result.nvr.mac,
  }
}

async function reconfigureFullStep(
  stepId: string,
  ctx: StepContext,
  input?: Record<string, unknown>,
): Promise<StepResult> {
  const entry = ctx.entry()
  if (!input) return { type: 'form', step_id: stepId, schema: reconfigureSchema(entry) }
  // Empty password / api_key = keep the stored one (§2.2).
  const data = {
    ...input,
    password: str(input.password) || str(entry.data.password),
    api_key: str(input.api_key) || str(entry.data.api_key),
  }
  const result = await validateFull(ctx, data)
  if (!result.ok) return { type: 'form', step_id: stepId, schema: reconfigureSchema(entry), errors: result.errors }
  if (!sameNvr(entry, result.nvr.mac)) return { type: 'abort', reason: 'wrong_nvr' }
  await ctx.manager.updateAndReload(entry, fullData(data, str(entry.data.id) || result.nvr.name))
  return { type: 'abort', reason: 'reconfigure_successful' }
}

export function protectHandler(state: HaSimState): IntegrationHandler {
  const v2026_9 = hasProtectMenus(state.config)
  return {
    domain: DOMAIN,
    className: 'ProtectFlowHandler',
    reauthPlaceholders: (entry) => ({ name: entry.title, ip_address: str(entry.data.host) }),
    steps: {
      ...protectDiscoverySteps(v2026_9),
      user: (ctx, input) =>
        v2026_9 ? Promise.resolve(menu('user', ['full', 'api_key'])) : fullUserStep('user', ctx, input),
      ...(v2026_9
        ? {
            full: (ctx: StepContext, input?: Record<string, unknown>) => fullUserStep('full', ctx, input),
            api_key: apiKeyUserStep,
          }
        : {}),
      reconfigure: (ctx, input) =>
        v2026_9
          ? Promise.resolve(menu('reconfigure', ['reconfigure_full', 'reconfigure_api_key']))
          : reconfigureFullStep('reconfigure', ctx, input),
      ...(v2026_9
        ? {
            reconfigure_full: (ctx: StepContext, input?: Record<string, unknown>) =>
              reconfigureFullStep('reconfigure_full', ctx, input),
            reconfigure_api_key: async (ctx: StepContext, input?: Record<string, unknown>) => {
              const entry = ctx.entry()
              if (!input) return { type: 'form', step_id: 'reconfigure_api_key', schema: apiKeySchema(entry.data.host) }
              const result = await validateProtectApiKey(
                ctx.state,
                str(input.host),
                str(input.api_key),
                minProtectVersion(ctx.state.config),
              )
              if (!result.ok)
                return {
                  type: 'form',
                  step_id: 'reconfigure_api_key',
                  schema: apiKeySchema(entry.data.host),
                  errors: result.errors,
                }
              // [inferred] the identity check of reconfigure applies to this mode too.
              if (!sameNvr(entry, result.nvr.mac)) return { type: 'abort', reason: 'wrong_nvr' }
              await ctx.manager.updateAndReload(entry, apiKeyData(str(input.host), str(input.api_key)))
              return { type: 'abort', reason: 'reconfigure_successful' }
            },
          }
        : {}),
      // async_step_reauth(entry_data) → the confirm form of the entry's mode.
      reauth: async (ctx) => {
        const entry = ctx.entry()
        return v2026_9 && isApiKeyOnly(entry)
          ? { type: 'form', step_id: 'reauth_api_key', schema: [{ name: 'api_key', required: true, kind: 'password' }] }
          : { type: 'form', step_id: 'reauth_confirm', schema: reauthSchema(entry) }
      },
      reauth_confirm: async (ctx, input) => {
        const entry = ctx.entry()
        if (!input) return { type: 'form', step_id: 'reauth_confirm', schema: reauthSchema(entry) }
        const data: Record<string, unknown> = {
          ...entry.data,
          username: str(input.username) || str(entry.data.username),
          password: str(input.password) || str(entry.data.password),
          api_key: str(input.api_key) || str(entry.data.api_key),
        }
        const result = await validateFull(ctx, data)
        if (!result.ok)
          return { type: 'form', step_id: 'reauth_confirm', schema: reauthSchema(entry), errors: result.errors }
        delete data.connection_mode
        await ctx.manager.updateAndReload(entry, data)
        return { type: 'abort', reason: 'reauth_successful' }
      },
      ...(v2026_9
        ? {
            // Exactly [api_key]; never flips the mode; no identity re-resolution (§2.2).
            reauth_api_key: async (ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> => {
              const entry = ctx.entry()
              const schema: SchemaField[] = [{ name: 'api_key', required: true, kind: 'password' }]
              if (!input) return { type: 'form', step_id: 'reauth_api_key', schema }
              const info = await protectMetaInfo(
                ctx.state,
                { host: str(entry.data.host), port: DEFAULT_PORT, verifySsl: false },
                str(input.api_key),
              )
              if (info === 'unauthorized')
                return { type: 'form', step_id: 'reauth_api_key', schema, errors: { api_key: 'invalid_auth' } }
              if (info === 'error')
                return { type: 'form', step_id: 'reauth_api_key', schema, errors: { base: 'cannot_connect' } }
              await ctx.manager.updateAndReload(entry, { ...entry.data, api_key: str(input.api_key) })
              return { type: 'abort', reason: 'reauth_successful' }
            },
          }
        : {}),
    },
    setup: (s, entry) => setupProtect(s, entry),
  }
}

function reauthSchema(entry: SimEntry): SchemaField[] {
  return [
    {
      name: 'username',
      required: true,
      kind: 'string',
      ...(entry.data.username ? { default: entry.data.username } : {}),
    },
    { name: 'password', required: false, kind: 'password' },
    { name: 'api_key', required: false, kind: 'password' },
  ]
}

const AUTH_FAILED: SetupOutcome = {
  state: 'setup_error',
  reason: 'could not authenticate',
  translationKey: 'entry_auth_failed',
  reauth: true,
}

/** `async_setup_entry` (§2.5), condensed: retries collapse into one attempt. */
async function setupProtect(state: HaSimState, entry: SimEntry): Promise<SetupOutcome> {
  const min = minProtectVersion(state.config)
  const host = str(entry.data.host)
  const tooOld: SetupOutcome = {
    state: 'setup_error',
    reason: 'Your UniFi Protect version is too old',
    translationKey: 'protect_version',
  }
  const retry: SetupOutcome = { state: 'setup_retry', reason: `Failed to connect to ${host}` }
  if (isApiKeyOnly(entry)) {
    // `_async_setup_public_only_entry`: NotAuthorized → ConfigEntryAuthFailed → reauth_api_key.
    const result = await validateProtectApiKey(state, host, str(entry.data.api_key), min)
    if (result.ok)
      return {
        state: 'loaded',
        device: { mac: result.nvr.mac, name: result.nvr.name, model: null, url: `https://${host}` },
      }
    if (result.errors.api_key) return AUTH_FAILED
    if (result.errors.base === 'protect_version') return tooOld
    return retry
  }
  const data = {
    host,
    port: Number(entry.data.port ?? DEFAULT_PORT),
    verifySsl: entry.data.verify_ssl === true,
    username: str(entry.data.username),
    password: str(entry.data.password),
    apiKey: str(entry.data.api_key),
  }
  const result = await validateProtectFull(state, data, min, { checkKey: false })
  if (!result.ok) {
    if (result.errors.password) return AUTH_FAILED
    if (result.errors.base === 'protect_version') return tooOld
    if (result.errors.base === 'cloud_user')
      return { state: 'setup_error', reason: 'Ubiquiti Cloud users are not supported', translationKey: 'cloud_user' }
    return retry
  }
  const key = await protectMetaInfo(state, { host, port: data.port, verifySsl: data.verifySsl }, data.apiKey)
  if (key === 'unauthorized') {
    if (state.config.revokedKeyInFullMode === 'auth-failed') return AUTH_FAILED
    state.log.push(`DEBUG unifiprotect: Public API bootstrap update failed for ${entry.title}`)
  }
  return {
    state: 'loaded',
    device: { mac: result.nvr.mac, name: result.nvr.name, model: null, url: `https://${host}:${data.port}` },
  }
}
