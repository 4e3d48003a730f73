// Non-secret settings in <cwd>/config.json via conf. The Electron shell opens the
// same file with electron-store (cwd = userData, name 'config'), so the schema,
// defaults and migrations here are the single definition of that file.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import Conf, { type Schema } from 'conf'
import { KeywardFailure } from '../../../shared/result.ts'
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

export interface SettingsData extends Record<string, unknown> {
  consoles: ConsoleRecord[]
  provisions: ProvisionRecord[]
  keys: KeyRecord[]
  homeAssistants: HomeAssistantRecord[]
  preferences: Preferences
  uisp: UispSettings
}

/** UISP servers (pinned certificates), UISP keys (masked metadata) and token flows (journal). */
export interface UispSettings {
  servers: UispServerRecord[]
  keys: UispKeyRecord[]
  flows: UispTokenRecord[]
}

type SettingsKey = 'consoles' | 'provisions' | 'keys' | 'homeAssistants' | 'preferences' | 'uisp'

export const CONFIG_NAME = 'config'

export const defaultPreferences: Readonly<Preferences> = Object.freeze({
  clipboardClearSeconds: 30,
  startAtLogin: false,
  checkIntervalMinutes: 15,
  expiryLeadDays: 7,
})

const defaults = (): SettingsData => ({
  consoles: [],
  provisions: [],
  keys: [],
  homeAssistants: [],
  preferences: { ...defaultPreferences },
  uisp: { servers: [], keys: [], flows: [] },
})

const nullableText = { type: ['string', 'null'], maxLength: 200 } as const
const recordId = { type: 'string', pattern: '^[a-z0-9-]{1,64}$' } as const
const dateTime = { type: 'string', format: 'date-time' } as const
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const
/** A certificate's SHA-256 as `describeCertificate` writes it. */
const sha256 = { type: 'string', pattern: '^[0-9A-F]{2}(:[0-9A-F]{2}){31}$' } as const
/** `host:port`, the key of a console or UISP server. */
const hostKey = { type: 'string', minLength: 1, maxLength: 300 } as const
/** A flow's last failure as the journal keeps it. */
const lastError = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { code: { type: 'string', maxLength: 64 }, message: { type: 'string', maxLength: 600 } },
} as const

/** One part of a flow's cleanup (ProvisionCleanup). */
const cleanupPart = {
  type: 'object',
  additionalProperties: false,
  required: ['result', 'reason'],
  properties: {
    result: { enum: ['pending', 'running', 'removed', 'was-gone', 'not-made', 'kept', 'failed'] },
    reason: { type: ['string', 'null'], maxLength: 600 },
  },
} as const

export const settingsSchema: Schema<SettingsData> = {
  consoles: {
    type: 'array',
    maxItems: 500,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'host', 'port', 'kind', 'model', 'name', 'mac', 'certificateSha256', 'lastSeen'],
      properties: {
        key: hostKey,
        host: { type: 'string', minLength: 1, maxLength: 253 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        kind: { enum: ['unifi-os', 'legacy-network'] },
        model: nullableText,
        name: nullableText,
        mac: nullableText,
        apps: { type: 'array', maxItems: 3, uniqueItems: true, items: { enum: ['protect', 'network', 'access'] } },
        certificateSha256: sha256,
        confirmed: { type: 'boolean' },
        lastSeen: dateTime,
      },
    },
  },
  provisions: {
    type: 'array',
    maxItems: 200,
    items: {
      type: 'object',
      additionalProperties: false,
      required: [
        'id',
        'consoleKey',
        'app',
        'mode',
        'username',
        'keyName',
        'userId',
        'passwordRef',
        'keyRef',
        'keyId',
        'expiresAt',
        'steps',
        'lastError',
        'createdAt',
        'updatedAt',
      ],
      properties: {
        id: recordId,
        consoleKey: hostKey,
        app: { enum: ['protect', 'network', 'access'] },
        mode: { enum: ['dedicated-user', 'signed-in-admin'] },
        username: { type: 'string', minLength: 1, maxLength: 100 },
        keyName: { type: 'string', minLength: 1, maxLength: 100 },
        userId: nullableText,
        passwordRef: { type: 'string', maxLength: 128 },
        keyRef: { type: 'string', maxLength: 128 },
        keyId: nullableText,
        expiresAt: nullableDateTime,
        accessValidityDays: { type: ['integer', 'null'], minimum: 0, maximum: 3650 },
        steps: {
          type: 'object',
          additionalProperties: false,
          required: ['user', 'key', 'verify'],
          properties: Object.fromEntries(
            ['user', 'key', 'verify'].map((k) => [k, { enum: ['pending', 'running', 'done', 'failed', 'skipped'] }]),
          ),
        },
        lastError,
        createdAt: dateTime,
        updatedAt: dateTime,
        requested: {
          type: 'object',
          additionalProperties: false,
          required: ['user', 'key'],
          properties: { user: { type: 'boolean' }, key: { type: 'boolean' } },
        },
        userAdoptedBy: nullableText,
        cleanup: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['key', 'user', 'password', 'updatedAt'],
          properties: {
            ...Object.fromEntries(['key', 'user', 'password'].map((k) => [k, cleanupPart])),
            updatedAt: dateTime,
          },
        },
      },
    },
  },
  keys: {
    type: 'array',
    maxItems: 2000,
    items: {
      type: 'object',
      additionalProperties: false,
      required: [
        'id',
        'name',
        'app',
        'consoleKey',
        'username',
        'remoteId',
        'keyRef',
        'passwordRef',
        'masked',
        'createdAt',
        'expiresAt',
        'paused',
        'lastCheck',
        'unreachableStreak',
        'pushedTo',
        'haHealth',
      ],
      properties: {
        id: recordId,
        name: { type: 'string', minLength: 1, maxLength: 100 },
        app: { enum: ['protect', 'network', 'access', 'uisp'] },
        consoleKey: hostKey,
        username: { type: 'string', maxLength: 256 },
        uisp: {
          type: 'object',
          additionalProperties: false,
          required: ['purpose', 'scope'],
          properties: {
            purpose: { enum: ['monitor', 'register-devices'] },
            scope: { enum: ['guest', 'admin', 'superadmin'] },
          },
        },
        remoteId: nullableText,
        keyRef: { type: 'string', maxLength: 128 },
        passwordRef: { type: ['string', 'null'], maxLength: 128 },
        // Never more than a few characters of the key (see maskSecret).
        masked: { type: 'string', maxLength: 12 },
        createdAt: dateTime,
        expiresAt: nullableDateTime,
        paused: { type: 'boolean' },
        lastCheck: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['status', 'problem', 'message', 'nextStep', 'appVersion', 'latencyMs', 'checkedAt'],
          properties: {
            status: { enum: ['ok', 'failed'] },
            problem: { type: ['string', 'null'], maxLength: 40 },
            message: { type: ['string', 'null'], maxLength: 600 },
            nextStep: { type: ['string', 'null'], maxLength: 600 },
            appVersion: nullableText,
            latencyMs: { type: ['number', 'null'] },
            checkedAt: dateTime,
          },
        },
        access: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['role', 'scopes'],
          properties: {
            role: nullableText,
            scopes: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 100 } },
          },
        },
        usage: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['lastUsedAt', 'readAt'],
          properties: {
            lastUsedAt: nullableDateTime,
            readAt: dateTime,
          },
        },
        unreachableStreak: { type: 'integer', minimum: 0 },
        // Consents to send the dedicated user's password to a Home Assistant (homeassistant/consent.ts).
        haConsents: {
          type: 'array',
          maxItems: 20,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['haId', 'haUrl', 'haVersion', 'username', 'sentence', 'grantedAt', 'by', 'fullModeInUse'],
            properties: {
              haId: { type: 'string', maxLength: 64 },
              haUrl: { type: 'string', maxLength: 300 },
              haVersion: nullableText,
              username: { type: 'string', maxLength: 256 },
              sentence: { type: 'string', maxLength: 1000 },
              grantedAt: dateTime,
              by: { enum: ['user'] },
              fullModeInUse: { type: 'boolean' },
            },
          },
        },
        pushedTo: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 } },
        haHealth: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['haId', 'signal', 'keyProblem', 'message', 'checkedAt'],
          properties: {
            haId: { type: 'string', maxLength: 64 },
            signal: { type: 'string', maxLength: 40 },
            keyProblem: { type: 'boolean' },
            message: { type: 'string', maxLength: 600 },
            checkedAt: dateTime,
          },
        },
      },
    },
  },
  homeAssistants: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'url', 'version', 'locationName', 'tokenRef', 'addedAt'],
      properties: {
        id: recordId,
        url: { type: 'string', maxLength: 300 },
        version: nullableText,
        locationName: nullableText,
        tokenRef: { type: 'string', maxLength: 128 },
        addedAt: dateTime,
        certificateSha256: { anyOf: [sha256, { type: 'null' }] },
        identity: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'uuid', 'source', 'network', 'confirmedAt'],
          properties: {
            kind: { enum: ['uuid', 'certificate', 'none'] },
            uuid: nullableText,
            source: { enum: ['discovery-info', 'mdns', 'certificate', null] },
            network: { type: 'string', maxLength: 4000 },
            confirmedAt: dateTime,
          },
        },
        hold: {
          type: ['object', 'null'],
          additionalProperties: false,
          required: ['reason', 'message', 'since'],
          properties: {
            reason: { enum: ['changed', 'unverifiable'] },
            message: { type: 'string', maxLength: 600 },
            since: dateTime,
          },
        },
      },
    },
  },
  uisp: {
    type: 'object',
    additionalProperties: false,
    required: ['servers', 'keys', 'flows'],
    properties: {
      servers: {
        type: 'array',
        maxItems: 100,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'host', 'port', 'version', 'certificateSha256', 'lastSeen'],
          properties: {
            key: hostKey,
            host: { type: 'string', minLength: 1, maxLength: 253 },
            port: { type: 'integer', minimum: 1, maximum: 65535 },
            version: nullableText,
            certificateSha256: sha256,
            confirmed: { type: 'boolean' },
            lastSeen: dateTime,
          },
        },
      },
      keys: {
        type: 'array',
        maxItems: 100,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'masked', 'option', 'warnings', 'from', 'serverKey', 'keyRef', 'savedAt', 'lastCheck'],
          properties: {
            id: recordId,
            // Host and AES part obscured (maskUispKey): only the port and the option remain.
            masked: { type: 'string', maxLength: 80 },
            option: { enum: ['allowSelfSignedCertificate', 'allowUntrustedCertificate', null] },
            warnings: {
              type: 'array',
              maxItems: 10,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['code', 'message'],
                properties: { code: { type: 'string', maxLength: 40 }, message: { type: 'string', maxLength: 600 } },
              },
            },
            from: { enum: ['pasted', 'server'] },
            serverKey: { type: ['string', 'null'], maxLength: 300 },
            keyRef: { type: 'string', maxLength: 128 },
            savedAt: dateTime,
            lastCheck: {
              type: ['object', 'null'],
              additionalProperties: false,
              required: ['status', 'problem', 'message', 'checkedAt'],
              properties: {
                status: { enum: ['ok', 'failed'] },
                problem: { type: ['string', 'null'], maxLength: 40 },
                message: { type: ['string', 'null'], maxLength: 600 },
                checkedAt: dateTime,
              },
            },
          },
        },
      },
      flows: {
        type: 'array',
        maxItems: 200,
        items: {
          type: 'object',
          additionalProperties: false,
          required: [
            'id',
            'serverKey',
            'purpose',
            'scope',
            'name',
            'tokenId',
            'keyRef',
            'expiresAt',
            'steps',
            'lastError',
            'createdAt',
            'updatedAt',
          ],
          properties: {
            id: recordId,
            serverKey: hostKey,
            purpose: { enum: ['monitor', 'register-devices'] },
            scope: { enum: ['guest', 'admin', 'superadmin'] },
            name: { type: 'string', minLength: 1, maxLength: 40 },
            tokenId: nullableText,
            keyRef: { type: 'string', maxLength: 128 },
            expiresAt: nullableDateTime,
            steps: {
              type: 'object',
              additionalProperties: false,
              required: ['token', 'verify'],
              properties: Object.fromEntries(
                ['token', 'verify'].map((k) => [k, { enum: ['pending', 'running', 'done', 'failed'] }]),
              ),
            },
            lastError,
            createdAt: dateTime,
            updatedAt: dateTime,
          },
        },
      },
    },
  },
  preferences: {
    type: 'object',
    additionalProperties: false,
    required: ['clipboardClearSeconds', 'checkIntervalMinutes'],
    properties: {
      clipboardClearSeconds: { type: 'integer', minimum: 5, maximum: 600 },
      startAtLogin: { type: 'boolean' },
      checkIntervalMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
      expiryLeadDays: { type: 'integer', minimum: 1, maximum: 90 },
    },
  },
}

export const settingsMigrations = {
  // Baseline: proves the mechanism and fills in what an older or hand-edited file
  // lacks. It only adds: malformed values are left for validation to catch, so
  // the file is moved aside instead of silently overwritten.
  '0.1.0': (store: Conf<SettingsData>) => {
    if (!store.has('consoles')) store.set('consoles', [])
    if (!store.has('provisions')) store.set('provisions', [])
    if (!store.has('keys')) store.set('keys', [])
    if (!store.has('homeAssistants')) store.set('homeAssistants', [])
    const preferences: unknown = store.get('preferences')
    if (preferences === undefined) store.set('preferences', { ...defaultPreferences })
    else if (typeof preferences === 'object' && preferences !== null && !Array.isArray(preferences)) {
      store.set('preferences', { ...defaultPreferences, ...preferences })
    }
  },
}

function purgeTempFiles(file: string): void {
  try {
    for (const name of readdirSync(dirname(file))) {
      if (name.startsWith(`${basename(file)}.tmp-`)) rmSync(join(dirname(file), name), { force: true })
    }
  } catch {
    // best effort: the write error is what the user needs to hear about
  }
}

export interface SettingsOptions {
  cwd: string
  projectVersion: string
  /** Vault hook: true if a string is (or contains) a secret; such writes are refused. */
  isSecret?: (value: string) => boolean
}

export interface Settings {
  readonly path: string
  /** Where a corrupt settings file was moved at open, so the UI can tell the user. */
  readonly recoveredFrom: string | null
  listConsoles(): ConsoleRecord[]
  upsertConsole(record: ConsoleRecord): void
  forgetConsole(key: string): boolean
  getPreferences(): Preferences
  setPreferences(partial: Partial<Preferences>): Preferences
  listProvisions(): ProvisionRecord[]
  getProvision(id: string): ProvisionRecord | null
  saveProvision(record: ProvisionRecord): void
  deleteProvision(id: string): boolean
  listKeys(): KeyRecord[]
  saveKeys(records: KeyRecord[]): void
  listHomeAssistants(): HomeAssistantRecord[]
  saveHomeAssistants(records: HomeAssistantRecord[]): void
  /** UISP servers, keys and token flows (one settings entry, see UispSettings). */
  getUisp(): UispSettings
  saveUisp(patch: Partial<UispSettings>): void
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** conf throws these for a file it cannot use; anything else (EACCES…) is not "corrupt". */
function isCorruption(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  return (
    error.name === 'SyntaxError' ||
    error.message.startsWith('Config schema violation:') ||
    error.message.startsWith('Something went wrong during the migration!')
  )
}

/** conf would quietly treat `null`, `[]` or `"x"` as an empty store, losing whatever it was. */
function assertPlainObject(raw: Buffer): void {
  const parsed: unknown = JSON.parse(raw.toString('utf8'))
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SyntaxError('settings file is not a JSON object')
  }
}

function assertNoSecrets(value: unknown, isSecret: (s: string) => boolean, where: string): void {
  if (typeof value === 'string') {
    if (isSecret(value)) {
      throw new KeywardFailure(
        'settings-invalid',
        'Keyward refused to save a secret into its settings file; secrets belong in the keychain only.',
        `secret found at ${where}`,
      )
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertNoSecrets(item, isSecret, `${where}[${i}]`))
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      assertNoSecrets(key, isSecret, `${where} (a key)`)
      assertNoSecrets(item, isSecret, `${where}.${key}`)
    }
  }
}

function corruptPath(cwd: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  for (let n = 0; ; n++) {
    const candidate = join(cwd, `${CONFIG_NAME}.corrupt-${stamp}${n === 0 ? '' : `-${n}`}.json`)
    if (!existsSync(candidate)) return candidate
  }
}

function createConf(options: SettingsOptions): Conf<SettingsData> {
  return new Conf<SettingsData>({
    cwd: options.cwd,
    configName: CONFIG_NAME,
    projectVersion: options.projectVersion,
    schema: settingsSchema,
    defaults: defaults(),
    migrations: settingsMigrations,
    configFileMode: 0o600,
  })
}

/**
 * conf throws on a corrupt file (clearInvalidConfig is false, and true would wipe
 * it). We keep the exact original bytes beside it, then start from defaults.
 */
function openConf(options: SettingsOptions): { conf: Conf<SettingsData>; recoveredFrom: string | null } {
  const file = join(options.cwd, `${CONFIG_NAME}.json`)
  let original: Buffer | null = null
  try {
    if (existsSync(file)) original = readFileSync(file) // conf may rewrite it before it notices the problem
    if (original !== null) assertPlainObject(original)
    return { conf: createConf(options), recoveredFrom: null }
  } catch (error) {
    if (original === null || !isCorruption(error)) throw openFailure(file, error)
    try {
      const aside = corruptPath(options.cwd)
      writeFileSync(aside, original, { flag: 'wx', mode: 0o600 })
      rmSync(file, { force: true })
      return { conf: createConf(options), recoveredFrom: aside }
    } catch (recoveryError) {
      throw openFailure(file, recoveryError)
    }
  }
}

function openFailure(file: string, error: unknown): KeywardFailure {
  return new KeywardFailure(
    'settings-invalid',
    `Keyward could not open its settings file (${file}). Check that the folder exists and is writable.`,
    errorText(error),
  )
}

/** Copy only the known fields: extra properties (whatever they hold) never reach the file. */
function pickRecord(r: ConsoleRecord): ConsoleRecord {
  return {
    key: r.key,
    host: r.host,
    port: r.port,
    kind: r.kind,
    model: r.model,
    name: r.name,
    mac: r.mac,
    ...(r.apps ? { apps: [...r.apps] } : {}),
    certificateSha256: r.certificateSha256,
    ...(r.confirmed !== undefined ? { confirmed: r.confirmed } : {}),
    lastSeen: r.lastSeen,
  }
}

export function openSettings(options: SettingsOptions): Settings {
  const { conf, recoveredFrom } = openConf(options)
  const isSecret = options.isSecret ?? (() => false)

  // Keyward is the file's only writer, so reads come from memory: conf would
  // re-read and re-validate the whole file on every get, which made a sweep of
  // 200 keys spend most of its time parsing settings (see `npm run bench`).
  const cache = new Map<SettingsKey, unknown>()
  const read = <K extends SettingsKey>(key: K): SettingsData[K] => {
    if (cache.has(key)) return cache.get(key) as SettingsData[K]
    try {
      const value = conf.get(key)
      cache.set(key, value)
      return value
    } catch (error) {
      throw new KeywardFailure(
        'settings-invalid',
        'Keyward could not read its settings file; it was changed or damaged while Keyward was running. Restart Keyward to recover it.',
        errorText(error),
      )
    }
  }

  const write = <K extends SettingsKey>(key: K, value: SettingsData[K]): void => {
    assertNoSecrets(value, isSecret, key) // before conf: a refused write must not touch the file
    try {
      conf.set(key, value)
      cache.set(key, structuredClone(value))
    } catch (error) {
      const text = errorText(error)
      const violation = text.startsWith('Config schema violation:')
      // conf writes atomically through `<file>.tmp-<random>`; a write that failed midway (disk
      // full) leaves that temp file behind, taking space the user needs to recover.
      if (!violation) purgeTempFiles(conf.path)
      throw new KeywardFailure(
        'settings-invalid',
        violation
          ? `Keyward cannot save this setting: ${text.slice('Config schema violation:'.length).trim()}.`
          : 'Keyward could not write its settings file. Check that the disk is not full and the folder is writable.',
        text,
      )
    }
  }

  return {
    path: conf.path,
    recoveredFrom,
    listConsoles() {
      return structuredClone(read('consoles')).sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
    },
    upsertConsole(record) {
      const others = read('consoles').filter((c) => c.key !== record.key)
      write('consoles', [...others, pickRecord(record)])
    },
    forgetConsole(key) {
      const consoles = read('consoles')
      const kept = consoles.filter((c) => c.key !== key)
      if (kept.length === consoles.length) return false
      write('consoles', kept)
      return true
    },
    getPreferences() {
      return { ...defaultPreferences, ...read('preferences') }
    },
    listProvisions() {
      return structuredClone(read('provisions'))
    },
    getProvision(id) {
      const found = read('provisions').find((p) => p.id === id)
      return found ? structuredClone(found) : null
    },
    saveProvision(record) {
      const others = read('provisions').filter((p) => p.id !== record.id)
      write('provisions', [...others, structuredClone(record)])
    },
    listKeys() {
      return structuredClone(read('keys'))
    },
    saveKeys(records) {
      write('keys', structuredClone(records))
    },
    listHomeAssistants() {
      return structuredClone(read('homeAssistants'))
    },
    saveHomeAssistants(records) {
      write('homeAssistants', structuredClone(records))
    },
    getUisp() {
      return structuredClone(read('uisp'))
    },
    saveUisp(patch) {
      write('uisp', structuredClone({ ...read('uisp'), ...patch }))
    },
    deleteProvision(id) {
      const all = read('provisions')
      const kept = all.filter((p) => p.id !== id)
      if (kept.length === all.length) return false
      write('provisions', kept)
      return true
    },
    setPreferences(partial) {
      const changes = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined))
      const next = { ...read('preferences'), ...changes } as Preferences
      write('preferences', next)
      return { ...next }
    },
  }
}
