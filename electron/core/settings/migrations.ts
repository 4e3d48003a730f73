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

/** The audit's "unused for N days" default (issue 18). */
export const DEFAULT_UNUSED_DAYS = 90

/** A new file: nothing known yet, default preferences. */
export const settingsDefaults = (): SettingsData => ({
  consoles: [],
  provisions: [],
  keys: [],
  homeAssistants: [],
  preferences: { ...defaultPreferences },
  uisp: { servers: [], keys: [], flows: [] },
  audit: { unusedDays: DEFAULT_UNUSED_DAYS, activity: [] },
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
    // Issue 18: the audit's preference and activity log (conf's defaults fill it in for a file without it too).
    if (!store.has('audit')) store.set('audit', { unusedDays: DEFAULT_UNUSED_DAYS, activity: [] })
    const preferences: unknown = store.get('preferences')
    if (preferences === undefined) store.set('preferences', { ...defaultPreferences })
    else if (typeof preferences === 'object' && preferences !== null && !Array.isArray(preferences)) {
      store.set('preferences', { ...defaultPreferences, ...preferences })
    }
  },
}
