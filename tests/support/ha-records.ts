// Records for tests of the Home Assistant units: a Protect key with a dedicated user (pushed nowhere yet), an entry.
import type { KeyRecord } from '../../shared/domain.ts'
import type { HaEntry } from '../../electron/core/homeassistant/types.ts'
import { keyRecord } from './key-record.ts'

export const HA_TEST_CONSOLE_KEY = '10.0.0.2:443'

export const haKeyRecord = (over: Partial<KeyRecord> = {}): KeyRecord =>
  keyRecord('k1', {
    name: 'ha',
    app: 'protect',
    consoleKey: HA_TEST_CONSOLE_KEY,
    keyRef: 'key:k1',
    passwordRef: 'pw:k1',
    createdAt: '2026-12-01T00:00:00.000Z',
    ...over,
  })

/** A config entry fragment as HA lists it (home-assistant.md §1.4), loaded unless told otherwise. */
export const haEntry = (over: Partial<HaEntry> & Pick<HaEntry, 'entry_id' | 'domain'>): HaEntry => ({
  title: '',
  source: 'user',
  state: 'loaded',
  reason: null,
  error_reason_translation_key: null,
  error_reason_translation_placeholders: null,
  disabled_by: null,
  supports_reconfigure: true,
  ...over,
})
