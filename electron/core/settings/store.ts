// The settings file on disk: opening it through conf (schema, defaults, migrations; a corrupt
// file moved aside byte for byte), reads from memory, and checked writes (no secret, schema
// valid, atomic through conf's temp file + rename).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import Conf from 'conf'
import { KeywardFailure } from '../../../shared/result.ts'
import { settingsDefaults, settingsMigrations } from './migrations.ts'
import { settingsSchema, type SettingsData, type SettingsKey } from './schema.ts'

export const CONFIG_NAME = 'config'

export interface SettingsOptions {
  cwd: string
  projectVersion: string
  /** Vault hook: true if a string is (or contains) a secret; such writes are refused. */
  isSecret?: (value: string) => boolean
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
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
    schema: settingsSchema(),
    defaults: settingsDefaults(),
    migrations: settingsMigrations,
    configFileMode: 0o600,
  })
}

function openFailure(file: string, error: unknown): KeywardFailure {
  return new KeywardFailure(
    'settings-invalid',
    `Keyward could not open its settings file (${file}). Check that the folder exists and is writable.`,
    errorText(error),
  )
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

/** One settings file, opened once; Keyward is its only writer. */
export class SettingsStore {
  readonly path: string
  /** Where a corrupt settings file was moved at open, so the UI can tell the user. */
  readonly recoveredFrom: string | null
  readonly #conf: Conf<SettingsData>
  readonly #isSecret: (value: string) => boolean
  // Reads come from memory: conf would re-read and re-validate the whole file on every get,
  // which made a sweep of 200 keys spend most of its time parsing settings (see `npm run bench`).
  readonly #cache = new Map<SettingsKey, unknown>()

  constructor(options: SettingsOptions) {
    const { conf, recoveredFrom } = openConf(options)
    this.#conf = conf
    this.path = conf.path
    this.recoveredFrom = recoveredFrom
    this.#isSecret = options.isSecret ?? (() => false)
  }

  /** The stored value itself (callers copy before handing it out). */
  read<K extends SettingsKey>(key: K): SettingsData[K] {
    if (this.#cache.has(key)) return this.#cache.get(key) as SettingsData[K]
    try {
      const value = this.#conf.get(key)
      this.#cache.set(key, value)
      return value
    } catch (error) {
      throw new KeywardFailure(
        'settings-invalid',
        'Keyward could not read its settings file; it was changed or damaged while Keyward was running. Restart Keyward to recover it.',
        errorText(error),
      )
    }
  }

  /** Refused (nothing changes) when it holds a secret, breaks the schema, or the disk write fails. */
  write<K extends SettingsKey>(key: K, value: SettingsData[K]): void {
    assertNoSecrets(value, this.#isSecret, key) // before conf: a refused write must not touch the file
    try {
      this.#conf.set(key, value)
      this.#cache.set(key, structuredClone(value))
    } catch (error) {
      const text = errorText(error)
      const violation = text.startsWith('Config schema violation:')
      // conf writes atomically through `<file>.tmp-<random>`; a write that failed midway (disk
      // full) leaves that temp file behind, taking space the user needs to recover.
      if (!violation) purgeTempFiles(this.#conf.path)
      throw new KeywardFailure(
        'settings-invalid',
        violation
          ? `Keyward cannot save this setting: ${text.slice('Config schema violation:'.length).trim()}.`
          : 'Keyward could not write its settings file. Check that the disk is not full and the folder is writable.',
        text,
      )
    }
  }
}
