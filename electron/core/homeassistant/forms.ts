// Filling HA config-flow forms and menus from what Keyward has, by the field
// names HA itself puts in `data_schema` (home-assistant.md §1.2), so one driver
// serves the ≤2026.8 form, the 2026.9 menus and the reauth forms (§2.2).
import { parseEntry } from './entries.ts'
import type { HaFlowResult, HaSchemaField } from './types.ts'

export type FormValues = Record<string, string | number | boolean | undefined>

export interface FilledForm {
  input: Record<string, string | number | boolean>
  /** Required fields with no default that Keyward has no value for. */
  missing: string[]
}

/** A field is required when voluptuous_serialize says `"required": true` (§1.2). */
export function isRequired(field: HaSchemaField): boolean {
  return field.required === true
}

export function fillForm(schema: HaSchemaField[], values: FormValues): FilledForm {
  const input: Record<string, string | number | boolean> = {}
  const missing: string[] = []
  for (const field of schema) {
    const value = values[field.name]
    if (value !== undefined) input[field.name] = value
    else if (isRequired(field) && field.default === undefined) missing.push(field.name)
    // Otherwise leave it out: HA applies the default, or keeps the stored value for the
    // optional "leave empty to keep" password/api_key of reauth and reconfigure (§2.2).
  }
  return { input, missing }
}

/** Option ids of a menu: a list, or the keys of an {id: label} map (§1.2). */
export function menuOptions(result: Extract<HaFlowResult, { type: 'menu' }>): string[] {
  const options = result.menu_options
  if (Array.isArray(options)) return options.filter((o): o is string => typeof o === 'string')
  if (options && typeof options === 'object') return Object.keys(options)
  return []
}

/**
 * The menu option for a mode: `full` / `reconfigure_full` / `discovery_full`, or
 * `api_key` / `reconfigure_api_key` / `discovery_api_key` (2026.9, §2.2 [fixture]).
 */
export function pickMenuOption(options: string[], want: 'full' | 'api_key'): string | null {
  return options.find((o) => o === want) ?? options.find((o) => o.endsWith(`_${want}`)) ?? null
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const placeholders = (v: unknown): Record<string, string> | null =>
  isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : null

/** Validates a REST flow result loosely; null when it is not one. */
export function parseFlowResult(raw: unknown): HaFlowResult | null {
  if (!isObject(raw) || typeof raw.type !== 'string') return null
  const flowId = typeof raw.flow_id === 'string' ? raw.flow_id : ''
  const handler = typeof raw.handler === 'string' ? raw.handler : ''
  const stepId = typeof raw.step_id === 'string' ? raw.step_id : ''
  switch (raw.type) {
    case 'form': {
      const schema = Array.isArray(raw.data_schema)
        ? raw.data_schema.filter((f): f is HaSchemaField => isObject(f) && typeof f.name === 'string')
        : []
      const errors = isObject(raw.errors)
        ? Object.fromEntries(
            Object.entries(raw.errors).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)]),
          )
        : null
      return {
        type: 'form',
        flow_id: flowId,
        handler,
        step_id: stepId,
        data_schema: schema,
        errors,
        description_placeholders: placeholders(raw.description_placeholders),
      }
    }
    case 'menu': {
      const options = Array.isArray(raw.menu_options)
        ? raw.menu_options.filter((o): o is string => typeof o === 'string')
        : isObject(raw.menu_options)
          ? Object.fromEntries(Object.entries(raw.menu_options).map(([k, v]) => [k, String(v)]))
          : []
      return {
        type: 'menu',
        flow_id: flowId,
        handler,
        step_id: stepId,
        menu_options: options,
        description_placeholders: placeholders(raw.description_placeholders),
      }
    }
    case 'abort':
      return {
        type: 'abort',
        flow_id: flowId,
        handler,
        reason: typeof raw.reason === 'string' ? raw.reason : 'unknown',
        description_placeholders: placeholders(raw.description_placeholders),
      }
    case 'create_entry':
      return {
        type: 'create_entry',
        flow_id: flowId,
        handler,
        title: typeof raw.title === 'string' ? raw.title : '',
        result: parseEntry(raw.result),
      }
    case 'external':
    case 'external_done':
    case 'progress':
    case 'progress_done':
      return { type: raw.type, flow_id: flowId, handler, ...(stepId ? { step_id: stepId } : {}) }
    default:
      return null
  }
}
