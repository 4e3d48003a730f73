// Filling HA config-flow forms and menus from what Keyward has, by the field
// names HA itself puts in `data_schema` (home-assistant.md §1.2), so one driver
// serves the ≤2026.8 form, the 2026.9 menus and the reauth forms (§2.2).
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

export { parseFlowResult } from './replies.ts'
