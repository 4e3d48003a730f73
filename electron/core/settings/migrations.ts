// The settings file's defaults and migrations (conf runs them by projectVersion on open).
import type Conf from 'conf'
import type { Preferences } from '../../../shared/domain.ts'
import type { SettingsData } from './schema.ts'

export const defaultPreferences: Readonly<Preferences> = Object.freeze({
  clipboardClearSeconds: 30,
  startAtLogin: false,
  checkIntervalMinutes: 15,
  expiryLeadDays: 7,
})

/** A new file: nothing known yet, default preferences. */
export const settingsDefaults = (): SettingsData => ({
  consoles: [],
  provisions: [],
  keys: [],
  homeAssistants: [],
  preferences: { ...defaultPreferences },
  uisp: { servers: [], keys: [], flows: [] },
})

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
