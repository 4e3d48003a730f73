// The fake `unifi_access` (home-assistant.md §3) in two variants sharing the domain:
//   core (2026.4+, `config_flow.py` @002daead): {host, api_token, verify_ssl}; steps user,
//     reconfigure, reauth_confirm ({api_token}); errors invalid_auth, cannot_connect, unknown,
//     protect_api_key (a Protect key: probed on Protect meta/info); abort already_configured by host.
//   HACS imhotep/hass-unifi-access @d895487: {host, api_token, verify_ssl, use_polling};
//     unique_id = host; errors invalid_api_key, cannot_connect, ssl_error, unknown. It has no
//     reconfigure or reauth step in the reference [inferred: none], so HA answers UnknownStep.
// Entry titles are not in the reference; the host is used [inferred].
// The fake `unifi` (Network) lives in network.ts.
import type { IntegrationHandler, StepContext, StepResult } from './flow-manager.ts'
import type { HaSimState, SchemaField, SimEntry } from './state.ts'
import { checkAccessToken } from './upstream.ts'

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

function coreSchema(defaults: Record<string, unknown> = {}): SchemaField[] {
  return [
    {
      name: 'host',
      required: true,
      kind: 'string',
      ...(defaults.host !== undefined ? { default: defaults.host } : {}),
    },
    { name: 'api_token', required: true, kind: 'password' },
    { name: 'verify_ssl', required: true, kind: 'boolean', default: defaults.verify_ssl ?? false },
  ]
}

const customSchema = (): SchemaField[] => [
  { name: 'host', required: true, kind: 'string' },
  { name: 'api_token', required: true, kind: 'password' },
  { name: 'verify_ssl', required: true, kind: 'boolean', default: false },
  { name: 'use_polling', required: true, kind: 'boolean', default: false },
]

const hostTaken = (state: HaSimState, host: string, except?: string) =>
  [...state.entries.values()].some(
    (e) =>
      e.domain === 'unifi_access' && e.entry_id !== except && str(e.data.host).toLowerCase() === host.toLowerCase(),
  )

async function coreErrors(ctx: StepContext, input: Record<string, unknown>): Promise<Record<string, string> | null> {
  const check = await checkAccessToken(
    ctx.state,
    str(input.host),
    str(input.api_token),
    input.verify_ssl === true,
    true,
  )
  switch (check) {
    case 'ok':
      return null
    case 'protect_key':
      return { base: 'protect_api_key' }
    case 'unauthorized':
      return { base: 'invalid_auth' }
    case 'tls':
    case 'connect':
      return { base: 'cannot_connect' }
    default:
      return { base: 'unknown' }
  }
}

async function setupAccess(state: HaSimState, entry: SimEntry, reauth: boolean) {
  const check = await checkAccessToken(
    state,
    str(entry.data.host),
    str(entry.data.api_token),
    entry.data.verify_ssl === true,
    false,
  )
  if (check === 'ok') return { state: 'loaded' as const }
  if (check === 'unauthorized')
    return {
      state: 'setup_error' as const,
      reason: 'could not authenticate',
      translationKey: 'entry_auth_failed',
      reauth,
    }
  return { state: 'setup_retry' as const, reason: `Failed to connect to ${str(entry.data.host)}` }
}

export function accessCoreHandler(): IntegrationHandler {
  const reauthSchema: SchemaField[] = [{ name: 'api_token', required: true, kind: 'password' }]
  return {
    domain: 'unifi_access',
    className: 'UnifiAccessConfigFlow',
    reauthPlaceholders: (entry) => ({ name: entry.title, host: str(entry.data.host) }),
    steps: {
      user: async (ctx, input): Promise<StepResult> => {
        if (!input) return { type: 'form', step_id: 'user', schema: coreSchema() }
        if (hostTaken(ctx.state, str(input.host))) return { type: 'abort', reason: 'already_configured' }
        const errors = await coreErrors(ctx, input)
        if (errors) return { type: 'form', step_id: 'user', schema: coreSchema(input), errors }
        return { type: 'create_entry', title: str(input.host), data: { ...input }, unique_id: null }
      },
      reconfigure: async (ctx, input): Promise<StepResult> => {
        const entry = ctx.entry()
        if (!input) return { type: 'form', step_id: 'reconfigure', schema: coreSchema(entry.data) }
        const errors = await coreErrors(ctx, input)
        if (errors) return { type: 'form', step_id: 'reconfigure', schema: coreSchema(entry.data), errors }
        await ctx.manager.updateAndReload(entry, { ...entry.data, ...input })
        return { type: 'abort', reason: 'reconfigure_successful' }
      },
      reauth: async (ctx) => {
        const entry = ctx.entry()
        return {
          type: 'form',
          step_id: 'reauth_confirm',
          schema: reauthSchema,
          placeholders: { host: str(entry.data.host) },
        }
      },
      reauth_confirm: async (ctx, input): Promise<StepResult> => {
        const entry = ctx.entry()
        if (!input)
          return {
            type: 'form',
            step_id: 'reauth_confirm',
            schema: reauthSchema,
            placeholders: { host: str(entry.data.host) },
          }
        const errors = await coreErrors(ctx, { ...entry.data, api_token: input.api_token })
        if (errors)
          return {
            type: 'form',
            step_id: 'reauth_confirm',
            schema: reauthSchema,
            errors,
            placeholders: { host: str(entry.data.host) },
          }
        await ctx.manager.updateAndReload(entry, { ...entry.data, api_token: input.api_token })
        return { type: 'abort', reason: 'reauth_successful' }
      },
    },
    setup: (state, entry) => setupAccess(state, entry, true),
  }
}

export function accessCustomHandler(): IntegrationHandler {
  return {
    domain: 'unifi_access',
    className: 'ConfigFlow',
    steps: {
      user: async (ctx, input): Promise<StepResult> => {
        if (!input) return { type: 'form', step_id: 'user', schema: customSchema() }
        if (hostTaken(ctx.state, str(input.host))) return { type: 'abort', reason: 'already_configured' }
        const check = await checkAccessToken(
          ctx.state,
          str(input.host),
          str(input.api_token),
          input.verify_ssl === true,
          false,
        )
        const errors: Record<string, string> | null =
          check === 'ok'
            ? null
            : check === 'unauthorized' || check === 'protect_key'
              ? { base: 'invalid_api_key' }
              : check === 'tls'
                ? { base: 'ssl_error' }
                : check === 'connect'
                  ? { base: 'cannot_connect' }
                  : { base: 'unknown' }
        if (errors) return { type: 'form', step_id: 'user', schema: customSchema(), errors }
        return { type: 'create_entry', title: str(input.host), data: { ...input }, unique_id: str(input.host) }
      },
    },
    setup: (state, entry) => setupAccess(state, entry, false),
  }
}
