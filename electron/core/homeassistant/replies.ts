// What Home Assistant answers, read with zod (home-assistant.md §1.2–§1.4, §5). The schemas are lenient
// the way HA's own clients are: unknown keys are ignored, a field of the wrong type reads as absent, a
// list keeps the items that make sense; a reply that is not the thing asked for reads as null, and the
// caller says so in plain words (a `bad-reply` failure: flow-rest.ts, entries.ts, client.ts).
import { z } from 'zod'
import type { HaDevice, HaEntry, HaFlowProgress, HaFlowResult, HaIssue, HaSchemaField } from './types.ts'

// ---- building blocks ---------------------------------------------------------------------------

/** A string, else null (HA sends `null` for unset fields, §1.2). */
const optText = z.string().nullable().catch(null)

/** An object of any values, each as text. */
const textRecord = z
  .record(z.string(), z.unknown())
  .transform((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])))

/** `textRecord`, else null (placeholders). */
const textMap = textRecord.nullable().catch(null)

/** A list, keeping only the items `item` accepts. */
function listOf<T extends z.ZodType>(item: T) {
  return z.array(z.unknown()).transform((list) =>
    list.flatMap((x) => {
      const read = item.safeParse(x)
      return read.success ? [read.data as z.output<T>] : []
    }),
  )
}

/** `listOf`, and a non-list reads as empty. */
const someOf = <T extends z.ZodType>(item: T) => listOf(item).catch([])

/** Parses or gives null: the caller decides what an unreadable reply means. */
function readOrNull<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> | null {
  const read = schema.safeParse(raw)
  return read.success ? read.data : null
}

// ---- config entries (§1.4) -----------------------------------------------------------------------

const entrySchema = z.object({
  entry_id: z.string().min(1),
  domain: z.string().min(1),
  title: z.string().catch(''),
  source: z.string().catch(''),
  state: z.string().catch('not_loaded'),
  reason: optText,
  error_reason_translation_key: optText,
  error_reason_translation_placeholders: textMap,
  disabled_by: optText,
  supports_reconfigure: z.boolean().catch(false),
}) satisfies z.ZodType<HaEntry>

/** One entry fragment; null without an `entry_id` and a `domain`. */
export const parseEntry = (raw: unknown): HaEntry | null => readOrNull(entrySchema, raw)

/** `GET /api/config/config_entries/entry`: a list of fragments; null when the reply is not a list. */
export function parseEntryList(raw: unknown): HaEntry[] | null {
  return Array.isArray(raw) ? someOf(entrySchema).parse(raw) : null
}

// ---- WebSocket lists (§1.3) ---------------------------------------------------------------------

const progressSchema = z
  .object({
    flow_id: z.string().min(1),
    handler: z.string().min(1),
    step_id: z.string().catch(''),
    context: z
      .object({ source: optText, entry_id: optText, unique_id: optText, title_placeholders: textMap })
      .catch({ source: null, entry_id: null, unique_id: null, title_placeholders: null }),
  })
  .transform(({ context: c, ...flow }): HaFlowProgress => ({
    ...flow,
    context: {
      ...(c.source ? { source: c.source } : {}),
      ...(c.entry_id ? { entry_id: c.entry_id } : {}),
      unique_id: c.unique_id,
      ...(c.title_placeholders ? { title_placeholders: c.title_placeholders } : {}),
    },
  }))

/** `config_entries/flow/progress`: the in-progress flows that can be read (a non-list: none). */
export const parseProgressList = (raw: unknown): HaFlowProgress[] => someOf(progressSchema).parse(raw)

const issueSchema = z
  .object({
    domain: z.string().min(1),
    issue_id: z.string().min(1),
    issue_domain: optText,
    is_fixable: z.boolean().catch(false),
    severity: z.string().catch(''),
    translation_key: optText,
    translation_placeholders: textMap,
    active: z.boolean().optional().catch(undefined),
    ignored: z.boolean().optional().catch(undefined),
  })
  .transform(({ active, ignored, ...issue }): HaIssue => ({
    ...issue,
    ...(active !== undefined ? { active } : {}),
    ...(ignored !== undefined ? { ignored } : {}),
  }))

/** `repairs/list_issues` → `{issues: […]}`: the readable issues (anything else: none). */
export const parseIssueList = (raw: unknown): HaIssue[] =>
  z
    .object({ issues: someOf(issueSchema) })
    .catch({ issues: [] })
    .parse(raw).issues

/** `repairs/get_issue_data` → `{issue_data: {flow_id}}`: the reauth flow behind a repair issue. */
export const parseIssueFlowId = (raw: unknown): string | null =>
  readOrNull(z.object({ issue_data: z.object({ flow_id: z.string() }) }), raw)?.issue_data.flow_id ?? null

/** `[kind, value]` pairs (connections, identifiers); extra items are ignored. */
const pairs = someOf(
  z
    .array(z.unknown())
    .min(2)
    .transform((p): [string, string] => [String(p[0]), String(p[1])]),
)

const deviceSchema = z
  .object({
    id: z.string().min(1),
    config_entry_id: optText,
    config_entries: someOf(z.string()),
    connections: pairs,
    identifiers: pairs,
    name_by_user: optText,
    name: optText,
  })
  .transform((d): HaDevice => ({
    id: d.id,
    // Since 2026.8 a device belongs to one entry, `config_entry_id`, which replaces the list
    // `config_entries` of older builds (home-assistant.md §1.3). A build or an independent HA that
    // sends both is read as the union (`config_entry_id` first): the list may name the entry
    // Keyward looks for while `config_entry_id` names another domain's entry of the same device.
    config_entries: [...new Set([...(d.config_entry_id ? [d.config_entry_id] : []), ...d.config_entries])],
    connections: d.connections,
    identifiers: d.identifiers,
    name: d.name_by_user ?? d.name,
  }))

/** `config/device_registry/list`: the readable devices (a non-list: none). */
export const parseDeviceList = (raw: unknown): HaDevice[] => someOf(deviceSchema).parse(raw)

// ---- config-flow results (§1.2) ----------------------------------------------------------------

const flowBase = { flow_id: z.string().catch(''), handler: z.string().catch('') }
const stepId = z.string().catch('')
const fieldSchema = z.looseObject({ name: z.string() }) as unknown as z.ZodType<HaSchemaField>

const flowResultSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('form'),
    ...flowBase,
    step_id: stepId,
    data_schema: someOf(fieldSchema),
    // Field errors are a key per field; a list (older serializers) gives its first item.
    errors: z
      .record(z.string(), z.unknown())
      .transform((o) =>
        Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v)])),
      )
      .nullable()
      .catch(null),
    description_placeholders: textMap,
  }),
  z.object({
    type: z.literal('menu'),
    ...flowBase,
    step_id: stepId,
    // `menu_options` is a list of ids or an {id: label} map (§1.2): both are accepted.
    menu_options: z.union([listOf(z.string()), textRecord]).catch([]),
    description_placeholders: textMap,
  }),
  z.object({
    type: z.literal('abort'),
    ...flowBase,
    reason: z.string().catch('unknown'),
    description_placeholders: textMap,
  }),
  z.object({
    type: z.literal('create_entry'),
    ...flowBase,
    title: z.string().catch(''),
    result: entrySchema.nullable().catch(null),
  }),
  z
    .object({ type: z.enum(['external', 'external_done', 'progress', 'progress_done']), ...flowBase, step_id: stepId })
    .transform(({ step_id, ...rest }) => ({ ...rest, ...(step_id ? { step_id } : {}) })),
])

/** The `flow_id` of a reply that is not a readable flow result (so an opened flow can still be closed). */
export const parseFlowId = (raw: unknown): string | null =>
  readOrNull(z.object({ flow_id: z.string().min(1).max(64) }), raw)?.flow_id ?? null

/** A REST flow result; null when it is not one (an unknown `type` included). */
export const parseFlowResult = (raw: unknown): HaFlowResult | null =>
  readOrNull(flowResultSchema, raw) as HaFlowResult | null

// ---- REST API basics (§5) ------------------------------------------------------------------------

/** `GET /api/` → `{"message":"API running."}`; false for anything else. */
export const isApiRunning = (raw: unknown): boolean => z.object({ message: z.string() }).safeParse(raw).success

/** `GET /api/config`: an object that always names its version; null when it is not HA's config. */
export const parseConfig = (raw: unknown) =>
  readOrNull(
    z.object({
      version: z.string().transform((v) => v.slice(0, 40)),
      location_name: optText.transform((v) => v?.slice(0, 200) ?? null),
      components: someOf(z.string()).transform((list) => list.slice(0, 5000)),
    }),
    raw,
  )

/** `GET /api/onboarding` → `[{step, done}]`: whether the `user` step is done (§5). */
export function parseOnboarding(raw: unknown): 'done' | 'pending' | 'unknown' {
  if (!Array.isArray(raw)) return 'unknown'
  const user = someOf(z.object({ step: z.literal('user'), done: z.unknown().optional() })).parse(raw)[0]
  if (!user) return 'unknown'
  return user.done === true ? 'done' : 'pending'
}

/** `GET /api/discovery_info` → `{uuid}` (§5 [inferred]: may be gone); the uuid lower-cased, else null. */
export const parseDiscoveryUuid = (raw: unknown): string | null =>
  readOrNull(z.object({ uuid: z.string().regex(/^[0-9a-f-]{8,64}$/i) }), raw)?.uuid.toLowerCase() ?? null

/** A WebSocket command result `{id, type:"result", success, result | error:{code, message}}` (§1.3). */
export const parseCommandResult = (raw: unknown) =>
  readOrNull(
    z.object({
      id: z.number(),
      type: z.literal('result'),
      success: z.unknown().optional(),
      result: z.unknown().optional(),
      error: z
        .object({
          code: z.string().catch('unknown_error'),
          message: z
            .string()
            .transform((m) => m.slice(0, 200))
            .catch('no reason given'),
        })
        .catch({ code: 'unknown_error', message: 'no reason given' }),
    }),
    raw,
  )

/**
 * A refused REST call's JSON body (§1.1): `{"message": "…"}`, and for a schema check that failed before the
 * step ran (InvalidData) `{"errors": {field: reason}}`; nulls where the body has neither.
 */
export const parseRestError = (raw: unknown): { message: string | null; errors: object | null } =>
  z
    .object({
      message: optText,
      errors: z
        .union([z.record(z.string(), z.unknown()), z.array(z.unknown())])
        .nullable()
        .catch(null),
    })
    .catch({ message: null, errors: null })
    .parse(raw)
