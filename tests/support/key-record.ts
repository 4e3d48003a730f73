// A watched key's record for unit tests: a Network key of a dedicated user, never checked; `extra` overrides.
import type { KeyRecord } from '../../shared/domain.ts'

export const keyRecord = (id: string, extra: Partial<KeyRecord> = {}): KeyRecord => ({
  id,
  name: `key ${id}`,
  app: 'network',
  consoleKey: '192.0.2.1:443',
  username: 'keyward-ha',
  remoteId: null,
  keyRef: `ref-${id}`,
  passwordRef: null,
  masked: 'ab…yz',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: null,
  paused: false,
  lastCheck: null,
  unreachableStreak: 0,
  pushedTo: [],
  haHealth: null,
  ...extra,
})
