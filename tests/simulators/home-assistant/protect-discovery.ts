// The fake `unifiprotect` discovery flow (home-assistant.md §2.6, §2.2): `integration_discovery` keeps
// the discovered host and the console MAC as unique_id, then waits at `discovery_confirm`:
//   ≤2026.8 a form {port, verify_ssl, username, password, api_key};
//   2026.9 a menu `discovery_full` → {username, password, api_key}, `discovery_api_key` → {api_key}.
// While it waits, a `user` flow for the same console aborts `already_in_progress` (flow-manager.ts).
import type { StepContext, StepFn, StepResult } from './flow-manager.ts'
import { alreadyConfigured, apiKeyData, fullData, menu, str, validateFull } from './protect.ts'
import type { SchemaField } from './state.ts'
import { validateProtectApiKey } from './upstream.ts'
import { minProtectVersion } from './state.ts'

// protect.ts imports this module: nothing from it is read while the modules load.
const PORT = 443

const credentialFields: SchemaField[] = [
  { name: 'username', required: true, kind: 'string' },
  { name: 'password', required: true, kind: 'password' },
  { name: 'api_key', required: true, kind: 'password' },
]

const confirmForm: SchemaField[] = [
  { name: 'port', required: true, kind: 'port', default: PORT },
  { name: 'verify_ssl', required: true, kind: 'boolean', default: false },
  ...credentialFields,
]

const keyForm: SchemaField[] = [{ name: 'api_key', required: true, kind: 'password' }]

const host = (ctx: StepContext): string => str(ctx.flow.scratch?.host)

async function confirmFull(
  stepId: string,
  schema: SchemaField[],
  ctx: StepContext,
  input?: Record<string, unknown>,
): Promise<StepResult> {
  if (!input) return { type: 'form', step_id: stepId, schema }
  const data = { port: PORT, verify_ssl: false, ...input, host: host(ctx) }
  const result = await validateFull(ctx, data)
  if (!result.ok) return { type: 'form', step_id: stepId, schema, errors: result.errors }
  return {
    type: 'create_entry',
    title: result.nvr.name,
    data: fullData(data, result.nvr.name),
    unique_id: result.nvr.mac,
  }
}

async function confirmApiKey(ctx: StepContext, input?: Record<string, unknown>): Promise<StepResult> {
  if (!input) return { type: 'form', step_id: 'discovery_api_key', schema: keyForm }
  const result = await validateProtectApiKey(
    ctx.state,
    host(ctx),
    str(input.api_key),
    minProtectVersion(ctx.state.config),
  )
  if (!result.ok) return { type: 'form', step_id: 'discovery_api_key', schema: keyForm, errors: result.errors }
  return {
    type: 'create_entry',
    title: result.nvr.name,
    data: apiKeyData(host(ctx), str(input.api_key)),
    unique_id: result.nvr.mac,
  }
}

export function protectDiscoverySteps(v2026_9: boolean): Record<string, StepFn> {
  const confirm: StepFn = (ctx, input) =>
    v2026_9
      ? Promise.resolve(menu('discovery_confirm', ['discovery_full', 'discovery_api_key']))
      : confirmFull('discovery_confirm', confirmForm, ctx, input)
  return {
    integration_discovery: async (ctx, input) => {
      const mac = str(input?.mac)
      if (alreadyConfigured(ctx.state, mac)) return { type: 'abort', reason: 'already_configured' }
      ctx.flow.scratch = { host: str(input?.host) }
      return confirm(ctx)
    },
    discovery_confirm: confirm,
    ...(v2026_9
      ? {
          discovery_full: (ctx: StepContext, input?: Record<string, unknown>) =>
            confirmFull('discovery_full', credentialFields, ctx, input),
          discovery_api_key: confirmApiKey,
        }
      : {}),
  }
}
