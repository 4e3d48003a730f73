// The fake `unifi` (UniFi Network) config flow and setup, in both shapes
// (home-assistant.md §3.1, §3.2, §6):
//   2026.8.x / 2026.9.x (old): `user` form {host, username, password, port, verify_ssl} → `site` select when
//     the console has more than one site; errors {"base":"faulty_credentials"} / {"base":"service_unavailable"}.
//     It takes no API key.
//   2026.10.x (API-key mode, release inferred 2026.10/11, §3.2): `user` menu [local_user, api_key];
//     `api_key` form {host, api_key, port 443, verify_ssl false}, validated with
//     GET /proxy/network/integration/v1/sites + X-API-KEY (aiounifi network.v1, unifi-os.md §5.2): 401 →
//     {"api_key":"faulty_credentials"}, anything else (403/404/429/5xx/no answer) → {"base":"service_unavailable"};
//     `network_site` select when the key sees > 1 site; unique_id = site UUID, title = site name, data
//     {host, connection_mode, api_key, port, verify_ssl, site: internalReference}; aborts already_configured
//     (same UUID) and the cross-mode guard (same host + short site name); reauth → `reauth_api_key` [api_key]
//     (abort unknown_site_id when the key no longer sees the site); reconfigure → `reconfigure_api_key`.
// The local-user path cannot list classic sites here: the console simulator has no classic site list and
// the reference names no path for it, so HA's view of them is the knob `unifiClassicSites` [inferred stand-in].
import type { IntegrationHandler, SetupOutcome, StepContext, StepResult } from './flow-manager.ts'
import type { HaSimState, SchemaField, SimEntry } from './state.ts'
import { deviceIdFor } from './state.ts'
import { upstream, upstreamOnce } from './upstream.ts'

const DOMAIN = 'unifi'
const DEFAULT_PORT = 443
/** CONNECTION_MODE_* string values are not in the reference (§9) [inferred]. */
const MODE_LOCAL = 'local_user'
const MODE_API_KEY = 'api_key'

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

export interface IntegrationSite {
  id: string
  internalReference: string
  name: string
}

interface Target {
  host: string
  port: number
  verifySsl: boolean
}

const targetOf = (data: Record<string, unknown>): Target => ({
  host: str(data.host),
  port: Number(data.port ?? DEFAULT_PORT),
  verifySsl: data.verify_ssl === true,
})

type SitesResult = { ok: true; sites: IntegrationSite[] } | { ok: false; errors: Record<string, string> }

/** `api.network.sites.update()` (§3.2): 401 → Unauthorized → api_key faulty_credentials; the rest service_unavailable. */
export async function integrationSites(state: HaSimState, target: Target, apiKey: string): Promise<SitesResult> {
  const unavailable: SitesResult = { ok: false, errors: { base: 'service_unavailable' } }
  const key = apiKey.trim()
  if (!key) return { ok: false, errors: { api_key: 'faulty_credentials' } }
  try {
    // aiounifi's network.v1 maps 429 to ResponseError without a retry (unifi-os.md §5.2): one request.
    const reply = await upstreamOnce(state, target, 'GET', '/proxy/network/integration/v1/sites?offset=0&limit=200', {
      'x-api-key': key,
    })
    if (reply.status === 401) return { ok: false, errors: { api_key: 'faulty_credentials' } }
    if (reply.status !== 200 || !isObject(reply.body) || !Array.isArray(reply.body.data)) return unavailable
    const sites = reply.body.data
      .filter(isObject)
      .map((s) => ({ id: str(s.id), internalReference: str(s.internalReference), name: str(s.name) }))
    return { ok: true, sites }
  } catch {
    return unavailable
  }
}

/** Local-user login (§3.1): Unauthorized / LoginRequired → base faulty_credentials; else service_unavailable. */
async function localLogin(state: HaSimState, data: Record<string, unknown>): Promise<Record<string, string> | null> {
  try {
    const reply = await upstream(
      state,
      targetOf(data),
      'POST',
      '/api/auth/login',
      {},
      { username: str(data.username), password: str(data.password), token: '', rememberMe: false },
    )
    if (reply.status === 200) return null
    if (reply.status === 401 || reply.status === 403 || reply.status === 499) return { base: 'faulty_credentials' }
    return { base: 'service_unavailable' }
  } catch {
    return { base: 'service_unavailable' }
  }
}

const opt = (name: string, kind: SchemaField['kind'], value: unknown): SchemaField => ({
  name,
  required: false,
  kind,
  default: value,
})

function localSchema(defaults: Record<string, unknown> = {}): SchemaField[] {
  return [
    {
      name: 'host',
      required: true,
      kind: 'string',
      ...(defaults.host !== undefined ? { default: defaults.host } : {}),
    },
    {
      name: 'username',
      required: true,
      kind: 'string',
      ...(defaults.username !== undefined ? { default: defaults.username } : {}),
    },
    { name: 'password', required: true, kind: 'password' },
    opt('port', 'port', defaults.port ?? DEFAULT_PORT),
    opt('verify_ssl', 'boolean', defaults.verify_ssl ?? false),
  ]
}

function apiKeySchema(defaults: Record<string, unknown> = {}): SchemaField[] {
  return [
    {
      name: 'host',
      required: true,
      kind: 'string',
      ...(defaults.host !== undefined ? { default: defaults.host } : {}),
    },
    { name: 'api_key', required: true, kind: 'password' },
    opt('port', 'port', defaults.port ?? DEFAULT_PORT),
    opt('verify_ssl', 'boolean', defaults.verify_ssl ?? false),
  ]
}

/** A select of site id → name (`site` for classic ids, `network_site` for Integration UUIDs). */
const siteSchema = (name: string, sites: IntegrationSite[]): SchemaField[] => [
  { name, required: true, kind: 'select', options: sites.map((s) => [s.id, s.name] as [string, string]) },
]

const apiKeyPlaceholders = { api_key_documentation_url: 'https://www.home-assistant.io/integrations/unifi/#api-key' }

const unifiEntries = (state: HaSimState) => [...state.entries.values()].filter((e) => e.domain === DOMAIN)

/** `_abort_if_site_configured()` (§3.2): same host + short site name in any entry ⇒ already_configured. */
const siteTaken = (state: HaSimState, host: string, site: string) =>
  unifiEntries(state).some((e) => str(e.data.host).toLowerCase() === host.toLowerCase() && str(e.data.site) === site)

function createApiKeyEntry(ctx: StepContext, input: Record<string, unknown>, site: IntegrationSite): StepResult {
  if (unifiEntries(ctx.state).some((e) => e.unique_id === site.id))
    return { type: 'abort', reason: 'already_configured' }
  if (siteTaken(ctx.state, str(input.host), site.internalReference))
    return { type: 'abort', reason: 'already_configured' }
  return {
    type: 'create_entry',
    title: site.name,
    unique_id: site.id,
    data: {
      host: str(input.host),
      connection_mode: MODE_API_KEY,
      api_key: str(input.api_key),
      port: input.port ?? DEFAULT_PORT,
      verify_ssl: input.verify_ssl ?? false,
      site: site.internalReference,
    },
  }
}

function createLocalEntry(
  ctx: StepContext,
  input: Record<string, unknown>,
  site: IntegrationSite,
  newShape: boolean,
): StepResult {
  // unique_id = classic site `_id` (§3.1).
  if (unifiEntries(ctx.state).some((e) => e.unique_id === site.id))
    return { type: 'abort', reason: 'already_configured' }
  if (newShape && siteTaken(ctx.state, str(input.host), site.internalReference))
    return { type: 'abort', reason: 'already_configured' }
  return {
    type: 'create_entry',
    title: site.name,
    unique_id: site.id,
    data: { ...input, ...(newShape ? { connection_mode: MODE_LOCAL } : {}), site: site.internalReference },
  }
}

/** Classic sites after a local-user login as {id: _id, internalReference: name, name: desc}; stand-in (file comment). */
async function classicSites(state: HaSimState): Promise<IntegrationSite[]> {
  return state.config.unifiClassicSites.map((s) => ({ id: s._id, internalReference: s.name, name: s.desc }))
}

function localUserSteps(stepId: string, newShape: boolean) {
  return {
    [stepId]: async (ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> => {
      if (!input) return { type: 'form', step_id: stepId, schema: localSchema() }
      const errors = await localLogin(ctx.state, input)
      if (errors) return { type: 'form', step_id: stepId, schema: localSchema(input), errors }
      const sites = await classicSites(ctx.state)
      if (sites.length === 1) return createLocalEntry(ctx, input, sites[0]!, newShape)
      ctx.flow.scratch = { input, sites }
      return { type: 'form', step_id: 'site', schema: siteSchema('site', sites) }
    },
    site: async (ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> => {
      const { input: first, sites } = (ctx.flow.scratch ?? {}) as {
        input?: Record<string, unknown>
        sites?: IntegrationSite[]
      }
      if (!first || !sites) return { type: 'abort', reason: 'unknown' }
      if (!input) return { type: 'form', step_id: 'site', schema: siteSchema('site', sites) }
      const site = sites.find((s) => s.id === input.site)!
      return createLocalEntry(ctx, first, site, newShape)
    },
  }
}

const apiKeySteps = {
  api_key: async (ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> => {
    if (!input) return { type: 'form', step_id: 'api_key', schema: apiKeySchema(), placeholders: apiKeyPlaceholders }
    const found = await integrationSites(ctx.state, targetOf(input), str(input.api_key))
    if (!found.ok)
      return {
        type: 'form',
        step_id: 'api_key',
        schema: apiKeySchema(input),
        errors: found.errors,
        placeholders: apiKeyPlaceholders,
      }
    if (found.sites.length === 0)
      return {
        type: 'form',
        step_id: 'api_key',
        schema: apiKeySchema(input),
        errors: { base: 'service_unavailable' },
        placeholders: apiKeyPlaceholders,
      }
    if (found.sites.length === 1) return createApiKeyEntry(ctx, input, found.sites[0]!)
    ctx.flow.scratch = { input, sites: found.sites }
    return { type: 'form', step_id: 'network_site', schema: siteSchema('site', found.sites) }
  },
  network_site: async (ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> => {
    const { input: first, sites } = (ctx.flow.scratch ?? {}) as {
      input?: Record<string, unknown>
      sites?: IntegrationSite[]
    }
    if (!first || !sites) return { type: 'abort', reason: 'unknown' }
    if (!input) return { type: 'form', step_id: 'network_site', schema: siteSchema('site', sites) }
    return createApiKeyEntry(
      ctx,
      first,
      sites.find((s) => s.id === input.site)!,
    )
  },
  reauth_api_key: async (ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> => {
    const entry = ctx.entry()
    const schema: SchemaField[] = [{ name: 'api_key', required: true, kind: 'password' }]
    if (!input) return { type: 'form', step_id: 'reauth_api_key', schema, placeholders: apiKeyPlaceholders }
    const found = await integrationSites(ctx.state, targetOf(entry.data), str(input.api_key))
    if (!found.ok)
      return { type: 'form', step_id: 'reauth_api_key', schema, errors: found.errors, placeholders: apiKeyPlaceholders }
    if (!found.sites.some((s) => s.id === entry.unique_id)) return { type: 'abort', reason: 'unknown_site_id' }
    await ctx.manager.updateAndReload(entry, { ...entry.data, api_key: str(input.api_key) })
    return { type: 'abort', reason: 'reauth_successful' }
  },
  reconfigure_api_key: async (ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> => {
    const entry = ctx.entry()
    if (!input) return { type: 'form', step_id: 'reconfigure_api_key', schema: apiKeySchema(entry.data) }
    const found = await integrationSites(ctx.state, targetOf(input), str(input.api_key))
    if (!found.ok)
      return { type: 'form', step_id: 'reconfigure_api_key', schema: apiKeySchema(entry.data), errors: found.errors }
    // "the entry's unique ID is its UUID and must be among the sites the new key can see" (§3.2).
    if (!found.sites.some((s) => s.id === entry.unique_id)) return { type: 'abort', reason: 'unknown_site_id' }
    await ctx.manager.updateAndReload(entry, {
      ...entry.data,
      host: str(input.host),
      api_key: str(input.api_key),
      port: input.port ?? DEFAULT_PORT,
      verify_ssl: input.verify_ssl ?? false,
    })
    return { type: 'abort', reason: 'reconfigure_successful' }
  },
}

/** Local-user reconfigure (and its reauth, §3.1): same fields; unknown_site_id when the site is gone. */
async function reconfigureLocal(
  ctx: StepContext,
  input: Record<string, unknown> | undefined,
  reason: string,
): Promise<StepResult> {
  const entry = ctx.entry()
  if (!input) return { type: 'form', step_id: 'reconfigure', schema: localSchema(entry.data) }
  const errors = await localLogin(ctx.state, input)
  if (errors) return { type: 'form', step_id: 'reconfigure', schema: localSchema(entry.data), errors }
  if (!(await classicSites(ctx.state)).some((s) => s.internalReference === str(entry.data.site)))
    return { type: 'abort', reason: 'unknown_site_id' }
  await ctx.manager.updateAndReload(entry, { ...entry.data, ...input })
  return { type: 'abort', reason }
}

const isApiKeyEntry = (entry: SimEntry) => entry.data.connection_mode === MODE_API_KEY

export function networkHandler(state: HaSimState): IntegrationHandler {
  const newShape = state.config.version === '2026.10.x'
  const oldUser = localUserSteps('user', false)
  return {
    domain: DOMAIN,
    className: 'UnifiFlowHandler',
    reauthPlaceholders: (entry) => ({ name: entry.title, host: str(entry.data.host) }),
    steps: newShape
      ? {
          user: async () => ({ type: 'menu', step_id: 'user', options: ['local_user', 'api_key'] }),
          ...localUserSteps('local_user', true),
          ...apiKeySteps,
          reauth: async (ctx) =>
            isApiKeyEntry(ctx.entry())
              ? apiKeySteps.reauth_api_key(ctx)
              : reconfigureLocal(ctx, undefined, 'reauth_successful'),
          reconfigure: async (ctx, input) => {
            const entry = ctx.entry()
            if (isApiKeyEntry(entry)) return apiKeySteps.reconfigure_api_key(ctx, input)
            return reconfigureLocal(
              ctx,
              input,
              ctx.flow.context.source === 'reauth' ? 'reauth_successful' : 'reconfigure_successful',
            )
          },
        }
      : {
          ...oldUser,
          // 2023 flow (§3.1): reauth reused `user`; not driven from outside here.
        },
    setup: (s, entry) => setupNetwork(s, entry, newShape),
  }
}

/** Entry setup: API-key entries read the sites with the key (Unauthorized → reauth, §3.2 Runtime). */
async function setupNetwork(state: HaSimState, entry: SimEntry, newShape: boolean): Promise<SetupOutcome> {
  const retry: SetupOutcome = { state: 'setup_retry', reason: `Failed to connect to ${str(entry.data.host)}` }
  if (isApiKeyEntry(entry)) {
    const found = await integrationSites(state, targetOf(entry.data), str(entry.data.api_key))
    if (!found.ok) {
      return found.errors.api_key
        ? {
            state: 'setup_error',
            reason: 'could not authenticate',
            translationKey: 'entry_auth_failed',
            reauth: newShape,
          }
        : retry
    }
    if (!found.sites.some((s) => s.id === entry.unique_id)) return retry
  } else if (await localLogin(state, entry.data)) {
    return retry
  }
  registerServiceDevice(state, entry)
  return { state: 'loaded' }
}

/**
 * The service device "UniFi Network" with identifiers ["unifi", <unique_id>] (§1.6: `hub/hub.py` @4e346230,
 * pre-API-key; the API-key era was not read, so the same shape is assumed [inferred]).
 */
function registerServiceDevice(state: HaSimState, entry: SimEntry): void {
  const uniqueId = entry.unique_id ?? entry.entry_id
  const id = deviceIdFor(DOMAIN, uniqueId)
  state.devices.set(id, {
    id,
    config_entries: [entry.entry_id],
    connections: [],
    identifiers: [[DOMAIN, uniqueId]],
    name: 'UniFi Network',
    manufacturer: 'Ubiquiti Networks',
    model: 'UniFi Network Application',
    configuration_url: `https://${str(entry.data.host)}`,
  })
}
