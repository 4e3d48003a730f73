// Non-secret settings in <cwd>/config.json via conf. The Electron shell opens the
// same file with electron-store (cwd = userData, name 'config'), so the schema
// (schema.ts), defaults and migrations (migrations.ts) here are the single definition
// of that file. store.ts opens, reads and writes it; this module is what the core
// calls: one accessor per kind of record, each handing out copies.
import type {
  ConsoleRecord,
  HomeAssistantRecord,
  KeyRecord,
  Preferences,
  ProvisionRecord,
} from '../../../shared/domain.ts'
import { defaultPreferences, settingsDefaults } from './migrations.ts'
import type { AuditSettings, UispSettings } from './schema.ts'
import { SettingsStore, type SettingsOptions } from './store.ts'

export { defaultPreferences } from './migrations.ts'
export type { SettingsData, UispSettings } from './schema.ts'
export { CONFIG_NAME, type SettingsOptions } from './store.ts'

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
  /** The audit's preference and activity log (issue 18). */
  getAudit(): AuditSettings
  saveAudit(patch: Partial<AuditSettings>): void
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
    ...(r.accessPin ? { accessPin: r.accessPin } : {}),
    lastSeen: r.lastSeen,
  }
}

type ConsoleAccessors = Pick<Settings, 'listConsoles' | 'upsertConsole' | 'forgetConsole'>

function consoleAccessors(store: SettingsStore): ConsoleAccessors {
  return {
    listConsoles() {
      return structuredClone(store.read('consoles')).sort((a, b) => Date.parse(b.lastSeen) - Date.parse(a.lastSeen))
    },
    upsertConsole(record) {
      const others = store.read('consoles').filter((c) => c.key !== record.key)
      store.write('consoles', [...others, pickRecord(record)])
    },
    forgetConsole(key) {
      const consoles = store.read('consoles')
      const kept = consoles.filter((c) => c.key !== key)
      if (kept.length === consoles.length) return false
      store.write('consoles', kept)
      return true
    },
  }
}

type ProvisionAccessors = Pick<Settings, 'listProvisions' | 'getProvision' | 'saveProvision' | 'deleteProvision'>

function provisionAccessors(store: SettingsStore): ProvisionAccessors {
  return {
    listProvisions() {
      return structuredClone(store.read('provisions'))
    },
    getProvision(id) {
      const found = store.read('provisions').find((p) => p.id === id)
      return found ? structuredClone(found) : null
    },
    saveProvision(record) {
      const others = store.read('provisions').filter((p) => p.id !== record.id)
      store.write('provisions', [...others, structuredClone(record)])
    },
    deleteProvision(id) {
      const all = store.read('provisions')
      const kept = all.filter((p) => p.id !== id)
      if (kept.length === all.length) return false
      store.write('provisions', kept)
      return true
    },
  }
}

type ListAccessors = Pick<
  Settings,
  | 'listKeys'
  | 'saveKeys'
  | 'listHomeAssistants'
  | 'saveHomeAssistants'
  | 'getUisp'
  | 'saveUisp'
  | 'getAudit'
  | 'saveAudit'
>

/** Keys, Home Assistants and UISP: read and written whole. */
function listAccessors(store: SettingsStore): ListAccessors {
  return {
    listKeys: () => structuredClone(store.read('keys')),
    saveKeys: (records) => store.write('keys', structuredClone(records)),
    listHomeAssistants: () => structuredClone(store.read('homeAssistants')),
    saveHomeAssistants: (records) => store.write('homeAssistants', structuredClone(records)),
    getUisp: () => structuredClone(store.read('uisp')),
    saveUisp: (patch) => store.write('uisp', structuredClone({ ...store.read('uisp'), ...patch })),
    getAudit: () => structuredClone({ ...settingsDefaults().audit, ...store.read('audit') }),
    saveAudit: (patch) =>
      store.write('audit', structuredClone({ ...settingsDefaults().audit, ...store.read('audit'), ...patch })),
  }
}

function preferenceAccessors(store: SettingsStore): Pick<Settings, 'getPreferences' | 'setPreferences'> {
  return {
    getPreferences() {
      return { ...defaultPreferences, ...store.read('preferences') }
    },
    setPreferences(partial) {
      const changes = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined))
      const next = { ...store.read('preferences'), ...changes } as Preferences
      store.write('preferences', next)
      return { ...next }
    },
  }
}

export function openSettings(options: SettingsOptions): Settings {
  const store = new SettingsStore(options)
  return {
    path: store.path,
    recoveredFrom: store.recoveredFrom,
    ...consoleAccessors(store),
    ...provisionAccessors(store),
    ...listAccessors(store),
    ...preferenceAccessors(store),
  }
}
