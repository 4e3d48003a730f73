// Stored records for tests of the Home Assistant units: a Protect key with a dedicated user, pushed nowhere yet.
import type { KeyRecord } from '../../shared/domain.ts'

export const HA_TEST_CONSOLE_KEY = '10.0.0.2:443'

export const haKeyRecord = (over: Partial<KeyRecord> = {}): KeyRecord => ({
  id: 'k1',
  name: 'ha',
  app: 'protect',
  consoleKey: HA_TEST_CONSOLE_KEY,
  username: 'keyward-ha',
  remoteId: null,
  keyRef: 'key:k1',
  passwordRef: 'pw:k1',
  masked: 'ab…yz',
  createdAt: '2026-12-01T00:00:00.000Z',
  expiresAt: null,
  paused: false,
  lastCheck: null,
  unreachableStreak: 0,
  pushedTo: [],
  haHealth: null,
  ...over,
})
