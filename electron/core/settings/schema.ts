// The settings file's shape, defined once in zod. conf validates the file with the JSON Schema
// generated from it (`settingsJsonSchema`, zod v4 `z.toJSONSchema`); the TypeScript shape the
// store writes (SettingsData) is checked against it at compile time below.
import { z } from 'zod'
import type { Schema } from 'conf'
import type { ActivityEntry } from '../../../shared/audit.ts'
import type {
  ConsoleRecord,
  HomeAssistantRecord,
  KeyRecord,
  Preferences,
  ProvisionRecord,
  UispKeyRecord,
  UispServerRecord,
  UispTokenRecord,
} from '../../../shared/domain.ts'

/** UISP servers (pinned certificates), UISP keys (masked metadata) and token flows (journal). */
export interface UispSettings {
  servers: UispServerRecord[]
  keys: UispKeyRecord[]
  flows: UispTokenRecord[]
}

export interface SettingsData extends Record<string, unknown> {
  consoles: ConsoleRecord[]
  provisions: ProvisionRecord[]
  keys: KeyRecord[]
  homeAssistants: HomeAssistantRecord[]
  preferences: Preferences
  uisp: UispSettings
  audit: AuditSettings
}

/** The lab audit (issue 18): its "unused for N days" preference and the activity log (capped, oldest out). */
export interface AuditSettings {
  unusedDays: number
  activity: ActivityEntry[]
}

/** Most activity entries kept; the oldest go first. */
export const ACTIVITY_CAP = 1000

export type SettingsKey = 'consoles' | 'provisions' | 'keys' | 'homeAssistants' | 'preferences' | 'uisp' | 'audit'

const nullableText = z.string().max(200).nullable()
const recordId = z.string().regex(/^[a-z0-9-]{1,64}$/)
/** ISO 8601 with a zone; the generated schema keeps only `format: date-time` (ajv-formats checks it). */
const dateTime = z.iso.datetime({ offset: true })
const nullableDateTime = dateTime.nullable()
/** A certificate's SHA-256 as `describeCertificate` writes it. */
const sha256 = z.string().regex(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/)
/** `host:port`, the key of a console or UISP server. */
const hostKey = z.string().min(1).max(300)
const hostName = z.string().min(1).max(253)
const port = z.int().min(1).max(65535)
const keychainRef = z.string().max(128)
const sentence = z.string().max(600)
const unifiApp = z.enum(['protect', 'network', 'access'])
const uispPurpose = z.enum(['monitor', 'register-devices'])
const uispScope = z.enum(['guest', 'admin', 'superadmin'])
/** A flow's last failure as the journal keeps it (both fields have always been optional in the file). */
const lastError = z.strictObject({ code: z.string().max(64).optional(), message: sentence.optional() }).nullable()

const consoleRecord = z.strictObject({
  key: hostKey,
  host: hostName,
  port,
  kind: z.enum(['unifi-os', 'legacy-network']),
  model: nullableText,
  name: nullableText,
  mac: nullableText,
  apps: z.array(unifiApp).max(3).meta({ uniqueItems: true }).optional(),
  certificateSha256: sha256,
  confirmed: z.boolean().optional(),
  accessPin: sha256.optional(),
  lastSeen: dateTime,
})

/** One part of a flow's cleanup (ProvisionCleanup). */
const cleanupPart = z.strictObject({
  result: z.enum(['pending', 'running', 'removed', 'was-gone', 'not-made', 'kept', 'failed']),
  reason: sentence.nullable(),
})

const provisionStep = z.enum(['pending', 'running', 'done', 'failed', 'skipped'])

const provisionRecord = z.strictObject({
  id: recordId,
  consoleKey: hostKey,
  app: unifiApp,
  mode: z.enum(['dedicated-user', 'signed-in-admin']),
  username: z.string().min(1).max(100),
  keyName: z.string().min(1).max(100),
  userId: nullableText,
  passwordRef: keychainRef,
  keyRef: keychainRef,
  keyId: nullableText,
  expiresAt: nullableDateTime,
  accessValidityDays: z.int().min(0).max(3650).nullable().optional(),
  steps: z.strictObject({ user: provisionStep, key: provisionStep, verify: provisionStep }),
  lastError,
  createdAt: dateTime,
  updatedAt: dateTime,
  requested: z.strictObject({ user: z.boolean(), key: z.boolean() }).optional(),
  userAdoptedBy: nullableText.optional(),
  cleanup: z
    .strictObject({ key: cleanupPart, user: cleanupPart, password: cleanupPart, updatedAt: dateTime })
    .nullable()
    .optional(),
})

const keyCheckSummary = z.strictObject({
  status: z.enum(['ok', 'failed']),
  problem: z.string().max(40).nullable(),
  message: sentence.nullable(),
  nextStep: sentence.nullable(),
  appVersion: nullableText,
  latencyMs: z.number().nullable(),
  accessSha256: sha256.optional(),
  unconfirmed: z.literal(true).optional(),
  checkedAt: dateTime,
})

/** Consents to send the dedicated user's password to a Home Assistant (homeassistant/consent.ts). */
const haConsent = z.strictObject({
  haId: z.string().max(64),
  haUrl: z.string().max(300),
  haVersion: nullableText,
  username: z.string().max(256),
  sentence: z.string().max(1000),
  grantedAt: dateTime,
  by: z.literal('user'),
  fullModeInUse: z.boolean(),
})

const keyRecord = z.strictObject({
  id: recordId,
  name: z.string().min(1).max(100),
  app: z.enum(['protect', 'network', 'access', 'uisp']),
  consoleKey: hostKey,
  username: z.string().max(256),
  uisp: z.strictObject({ purpose: uispPurpose, scope: uispScope }).optional(),
  remoteId: nullableText,
  keyRef: keychainRef,
  passwordRef: keychainRef.nullable(),
  // Never more than a few characters of the key (see maskSecret).
  masked: z.string().max(12),
  createdAt: dateTime,
  expiresAt: nullableDateTime,
  paused: z.boolean(),
  lastCheck: keyCheckSummary.nullable(),
  access: z
    .strictObject({ role: nullableText, scopes: z.array(z.string().max(100)).max(100) })
    .nullable()
    .optional(),
  usage: z.strictObject({ lastUsedAt: nullableDateTime, readAt: dateTime }).nullable().optional(),
  unreachableStreak: z.int().min(0),
  haConsents: z.array(haConsent).max(20).optional(),
  pushedTo: z.array(z.string().max(64)).max(20),
  haEntries: z
    .record(z.string().max(64), z.string().max(64))
    .refine((o) => Object.keys(o).length <= 20)
    .optional(),
  haHealth: z
    .strictObject({
      haId: z.string().max(64),
      signal: z.string().max(40),
      keyProblem: z.boolean(),
      message: sentence,
      checkedAt: dateTime,
    })
    .nullable(),
})

const homeAssistantRecord = z.strictObject({
  id: recordId,
  url: z.string().max(300),
  version: nullableText,
  locationName: nullableText,
  tokenRef: keychainRef,
  addedAt: dateTime,
  certificateSha256: sha256.nullable().optional(),
  identity: z
    .strictObject({
      kind: z.enum(['uuid', 'certificate', 'none']),
      uuid: nullableText,
      source: z.enum(['discovery-info', 'mdns', 'certificate']).nullable(),
      network: z.string().max(4000),
      confirmedAt: dateTime,
    })
    .optional(),
  hold: z
    .strictObject({ reason: z.enum(['changed', 'unverifiable']), message: sentence, since: dateTime })
    .nullable()
    .optional(),
})

const uispServerRecord = z.strictObject({
  key: hostKey,
  host: hostName,
  port,
  version: nullableText,
  certificateSha256: sha256,
  confirmed: z.boolean().optional(),
  lastSeen: dateTime,
})

const uispKeyRecord = z.strictObject({
  id: recordId,
  // Host and AES part obscured (maskUispKey): only the port and the option remain.
  masked: z.string().max(80),
  option: z.enum(['allowSelfSignedCertificate', 'allowUntrustedCertificate']).nullable(),
  warnings: z.array(z.strictObject({ code: z.string().max(40), message: sentence })).max(10),
  from: z.enum(['pasted', 'server']),
  serverKey: z.string().max(300).nullable(),
  keyRef: keychainRef,
  savedAt: dateTime,
  lastCheck: z
    .strictObject({
      status: z.enum(['ok', 'failed']),
      problem: z.string().max(40).nullable(),
      message: sentence.nullable(),
      checkedAt: dateTime,
    })
    .nullable(),
})

const uispStep = z.enum(['pending', 'running', 'done', 'failed'])

const uispTokenRecord = z.strictObject({
  id: recordId,
  serverKey: hostKey,
  purpose: uispPurpose,
  scope: uispScope,
  name: z.string().min(1).max(40),
  tokenId: nullableText,
  keyRef: keychainRef,
  expiresAt: nullableDateTime,
  steps: z.strictObject({ token: uispStep, verify: uispStep }),
  lastError,
  createdAt: dateTime,
  updatedAt: dateTime,
})

/** Only the first two are required: a file written before the others existed gets their defaults. */
const preferences = z.strictObject({
  clipboardClearSeconds: z.int().min(5).max(600),
  startAtLogin: z.boolean().optional(),
  checkIntervalMinutes: z.int().min(1).max(1440),
  expiryLeadDays: z.int().min(1).max(90).optional(),
})

const activityEntry = z.strictObject({
  at: dateTime,
  action: z.enum([
    'probed',
    'trusted',
    'signed-in',
    'created-user',
    'minted',
    'verified',
    'pushed-to-ha',
    'consented',
    'rotated',
    'revoked',
    'deleted-user',
    'forgot',
    'cleaned-up',
    'audited',
  ]),
  outcome: z.enum(['ok', 'failed']),
  hostKey: z.string().max(300).nullable(),
  keyId: z.string().max(64).nullable(),
  subject: z.string().max(400),
  words: z.string().max(1000).nullable(),
  detail: z.string().max(1000).nullable(),
})

const auditSettings = z.strictObject({
  unusedDays: z.int().min(1).max(3650),
  activity: z.array(activityEntry).max(ACTIVITY_CAP),
})

/** The whole file (conf adds its own `__internal__` entry beside these, hence not strict). */
export const settingsFileSchema = z.looseObject({
  consoles: z.array(consoleRecord).max(500),
  provisions: z.array(provisionRecord).max(200),
  keys: z.array(keyRecord).max(2000),
  homeAssistants: z.array(homeAssistantRecord).max(20),
  uisp: z.strictObject({
    servers: z.array(uispServerRecord).max(100),
    keys: z.array(uispKeyRecord).max(100),
    flows: z.array(uispTokenRecord).max(200),
  }),
  preferences,
  /** Optional in the schema: a file written before issue 18 has none and gets the default (migrations.ts). */
  audit: auditSettings.optional(),
})

// Compile-time: every record the store writes fits the schema. (The schema is looser where the
// file is, e.g. `haHealth.signal` is any short string, preferences may lack newer fields.)
// And every field a record type names is in the schema (else conf would refuse to save it).
type SchemaFile = z.output<typeof settingsFileSchema>
type Fits<T extends U, U> = T
type NoneMissing<T, S> = [Exclude<keyof T, keyof S>] extends [never] ? true : Exclude<keyof T, keyof S>
type Same<T extends true> = T
export type SettingsFitsSchema = [
  Fits<Pick<SettingsData, SettingsKey>, SchemaFile>,
  Same<NoneMissing<ConsoleRecord, z.output<typeof consoleRecord>>>,
  Same<NoneMissing<ProvisionRecord, z.output<typeof provisionRecord>>>,
  Same<NoneMissing<KeyRecord, z.output<typeof keyRecord>>>,
  Same<NoneMissing<HomeAssistantRecord, z.output<typeof homeAssistantRecord>>>,
  Same<NoneMissing<UispServerRecord, z.output<typeof uispServerRecord>>>,
  Same<NoneMissing<UispKeyRecord, z.output<typeof uispKeyRecord>>>,
  Same<NoneMissing<UispTokenRecord, z.output<typeof uispTokenRecord>>>,
  Same<NoneMissing<Preferences, z.output<typeof preferences>>>,
  Same<NoneMissing<ActivityEntry, z.output<typeof activityEntry>>>,
]

type JsonSchema = Record<string, unknown>

/**
 * The file's JSON Schema (draft 2020-12, what conf's Ajv2020 compiles), generated from
 * `settingsFileSchema`. zod's date-time pattern is dropped: the file has always been checked
 * by `format: date-time` alone, and a stricter pattern would move an older file aside as corrupt.
 */
export function settingsFileJsonSchema(): JsonSchema {
  return z.toJSONSchema(settingsFileSchema, {
    override: (ctx) => {
      const schema = ctx.jsonSchema as JsonSchema
      if (schema.format === 'date-time') delete schema.pattern
    },
  }) as JsonSchema
}

/** What conf's `schema` option takes: one JSON Schema per top-level entry. */
export function settingsSchema(): Schema<SettingsData> {
  const properties = settingsFileJsonSchema().properties as Record<SettingsKey, JsonSchema>
  return properties as unknown as Schema<SettingsData>
}
