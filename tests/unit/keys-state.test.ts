// Key status, the tray model and the notification rules: pure functions, so
// tested exhaustively over combinations of key states.
import { describe, expect, it } from 'vitest'
import type { KeyProblem, KeyRecord, KeyStatus } from '../../shared/domain.ts'
import { keyStatus } from '../../electron/core/keys/status.ts'
import { MAX_MENU_KEYS, trayModel, type TrayKey } from '../../electron/core/keys/tray-model.ts'
import { NotificationPlanner, transitionOf } from '../../electron/core/keys/notifications.ts'
import { keyRecord } from '../support/key-record.ts'

const NOW = Date.parse('2026-11-22T12:00:00Z')
const DAY = 86_400_000
const STATUSES: KeyStatus[] = ['ok', 'failing', 'expiring', 'expired', 'paused', 'unknown']

const key = (over: Partial<KeyRecord> = {}): KeyRecord =>
  keyRecord('k1', {
    name: 'ha',
    app: 'protect',
    consoleKey: '10.0.0.2:443',
    username: 'keyward',
    remoteId: 'r1',
    keyRef: 'key:1',
    masked: 'abcd…wxyz',
    createdAt: '2026-11-01T00:00:00Z',
    ...over,
  })
const checked = (status: 'ok' | 'failed', problem: KeyProblem | null = null) => ({
  status,
  problem,
  message: null,
  nextStep: null,
  appVersion: null,
  latencyMs: null,
  checkedAt: new Date(NOW).toISOString(),
})

describe('keyStatus', () => {
  it('is unknown before the first check, ok after a good one', () => {
    expect(keyStatus(key(), NOW)).toBe('unknown')
    expect(keyStatus(key({ lastCheck: checked('ok') }), NOW)).toBe('ok')
  })
  it('an unreachable console or a rate limit leaves the key unknown; a refusal makes it failing at once', () => {
    expect(keyStatus(key({ lastCheck: checked('failed', 'unreachable') }), NOW)).toBe('unknown')
    expect(keyStatus(key({ lastCheck: checked('failed', 'rate_limited') }), NOW)).toBe('unknown')
    for (const problem of [
      'invalid_key',
      'wrong_host',
      'wrong_key_type',
      'insufficient_permission',
      'app_not_on_host',
      'version_too_old',
      'tls_pin_mismatch',
    ] as const) {
      expect(keyStatus(key({ lastCheck: checked('failed', problem) }), NOW)).toBe('failing')
    }
  })
  it('turns expiring within the lead time and expired at the expiry, whatever the last check said', () => {
    const at = (days: number) => new Date(NOW + days * DAY).toISOString()
    expect(keyStatus(key({ expiresAt: at(8), lastCheck: checked('ok') }), NOW)).toBe('ok')
    expect(keyStatus(key({ expiresAt: at(7), lastCheck: checked('ok') }), NOW)).toBe('expiring')
    expect(keyStatus(key({ expiresAt: at(2), lastCheck: checked('ok') }), NOW, 1)).toBe('ok')
    expect(keyStatus(key({ expiresAt: at(0), lastCheck: checked('ok') }), NOW)).toBe('expired')
    expect(keyStatus(key({ expiresAt: at(-1), lastCheck: checked('failed', 'invalid_key') }), NOW)).toBe('expired')
  })
  it('is failing when Home Assistant cannot use a key that itself verifies', () => {
    const haHealth = {
      haId: 'h',
      signal: 'key_rejected' as const,
      keyProblem: true,
      message: 'HA asks to re-authenticate',
      checkedAt: new Date(NOW).toISOString(),
    }
    expect(keyStatus(key({ lastCheck: checked('ok'), haHealth }), NOW)).toBe('failing')
    expect(
      keyStatus(
        key({ lastCheck: checked('ok'), haHealth: { ...haHealth, signal: 'retrying', keyProblem: false } }),
        NOW,
      ),
    ).toBe('ok')
  })

  it('paused wins over everything', () => {
    expect(keyStatus(key({ paused: true, expiresAt: new Date(NOW - DAY).toISOString() }), NOW)).toBe('paused')
  })
})

/** Every list of up to `n` statuses. */
function* combos(n: number): Generator<KeyStatus[]> {
  yield []
  let layer: KeyStatus[][] = [[]]
  for (let i = 0; i < n; i++) {
    layer = layer.flatMap((c) => STATUSES.map((s) => [...c, s]))
    yield* layer
  }
}

describe('trayModel over every combination of up to 4 keys', () => {
  it('derives icon, tooltip and menu consistently', () => {
    let cases = 0
    for (const statuses of combos(4)) {
      cases++
      const keys: TrayKey[] = statuses.map((status, i) => ({
        id: `k${i}`,
        name: `key ${i}`,
        consoleName: 'NVR',
        status,
      }))
      const model = trayModel(keys)
      const has = (...s: KeyStatus[]) => statuses.some((x) => s.includes(x))
      expect(model.icon).toBe(has('failing', 'expired') ? 'error' : has('expiring', 'unknown') ? 'attention' : 'ok')

      const lines = model.menu.filter((m) => m.type === 'key')
      expect(lines).toHaveLength(statuses.length)
      // Worst first.
      const severity = (s: KeyStatus) => ['paused', 'ok', 'unknown', 'expiring', 'expired', 'failing'].indexOf(s)
      const order = lines.map((l) => severity(l.type === 'key' ? l.status : 'ok'))
      expect(order).toEqual([...order].sort((a, b) => b - a))

      const ids = model.menu.flatMap((m) => (m.type === 'action' ? [m.id] : []))
      expect(ids).toEqual(['check-all', 'open-keys', 'new-key', 'quit'])
      const checkAll = model.menu.find((m) => m.type === 'action' && m.id === 'check-all')
      expect(checkAll && checkAll.type === 'action' && checkAll.enabled).toBe(statuses.some((s) => s !== 'paused'))

      if (statuses.length === 0) expect(model.tooltip).toBe('Keyward — no keys yet')
      for (const s of ['failing', 'expired', 'expiring', 'unknown'] as const) {
        const count = statuses.filter((x) => x === s).length
        if (count) expect(model.tooltip).toContain(`${count} `)
      }
      if (statuses.length && !has('failing', 'expired', 'expiring', 'unknown')) expect(model.tooltip).toMatch(/OK/)
    }
    expect(cases).toBe(1 + 6 + 36 + 216 + 1296)
  })

  it('caps the key lines and says how many more there are', () => {
    const keys = Array.from({ length: MAX_MENU_KEYS + 5 }, (_, i) => ({
      id: `k${i}`,
      name: `key ${i}`,
      consoleName: 'UDM',
      status: 'ok' as const,
    }))
    const model = trayModel(keys)
    expect(model.menu.filter((m) => m.type === 'key')).toHaveLength(MAX_MENU_KEYS)
    expect(model.menu.find((m) => m.type === 'more')).toMatchObject({ label: 'and 5 more…' })
  })

  it('shows a running check and disables a second one', () => {
    const model = trayModel([{ id: 'a', name: 'a', consoleName: 'x', status: 'ok' }], { checking: true })
    expect(model.menu.find((m) => m.type === 'action' && m.id === 'check-all')).toMatchObject({
      label: 'Checking…',
      enabled: false,
    })
  })
})

describe('notification rules', () => {
  const states = (entries: [string, KeyStatus][]) =>
    new Map(entries.map(([id, status]) => [id, { name: `key ${id}`, status }]))

  it('maps every pair of statuses to a transition or silence', () => {
    for (const before of STATUSES) {
      for (const after of STATUSES) {
        const t = transitionOf(before, after)
        if (before === after) expect(t).toBeNull()
        else if (after === 'failing' || after === 'expired' || after === 'expiring') expect(t).toBe(after)
        else if (after === 'ok' && (before === 'failing' || before === 'expired' || before === 'unknown'))
          expect(t).toBe('recovered')
        else expect(t).toBeNull()
      }
    }
  })

  it('notifies on transitions only, never on the first sighting or on repeats', () => {
    const planner = new NotificationPlanner({ throttleMs: 0 })
    expect(planner.update(states([['a', 'failing']]), NOW)).toBeNull() // first sighting
    expect(planner.update(states([['a', 'ok']]), NOW + 1)).toMatchObject({ body: 'key a works again.' })
    expect(planner.update(states([['a', 'ok']]), NOW + 2)).toBeNull()
    expect(planner.update(states([['a', 'failing']]), NOW + 3)).toMatchObject({
      body: 'key a stopped working.',
      keyIds: ['a'],
    })
    expect(planner.update(states([['a', 'unknown']]), NOW + 4)).toBeNull() // offline is silent
    expect(planner.update(states([['a', 'failing']]), NOW + 5)).toBeNull() // already told: de-duplicated
    expect(planner.update(states([['a', 'unknown']]), NOW + 6)).toBeNull()
    expect(planner.update(states([['a', 'ok']]), NOW + 7)).toMatchObject({ body: 'key a works again.' }) // back online
  })

  it('throttles, then shows what waited', () => {
    const planner = new NotificationPlanner({ throttleMs: 60_000 })
    planner.update(
      states([
        ['a', 'ok'],
        ['b', 'ok'],
      ]),
      NOW,
    )
    expect(
      planner.update(
        states([
          ['a', 'failing'],
          ['b', 'ok'],
        ]),
        NOW + 1000,
      ),
    ).toMatchObject({ keyIds: ['a'] })
    expect(
      planner.update(
        states([
          ['a', 'failing'],
          ['b', 'expiring'],
        ]),
        NOW + 2000,
      ),
    ).toBeNull()
    expect(planner.flush(NOW + 30_000)).toBeNull()
    expect(planner.flush(NOW + 61_000)).toMatchObject({ body: 'key b expires soon.', keyIds: ['b'] })
  })

  it('groups many changes into one notification', () => {
    const planner = new NotificationPlanner({ throttleMs: 0, groupAbove: 2 })
    planner.update(
      states([
        ['a', 'ok'],
        ['b', 'ok'],
        ['c', 'ok'],
        ['d', 'expired'],
      ]),
      NOW,
    )
    const grouped = planner.update(
      states([
        ['a', 'failing'],
        ['b', 'failing'],
        ['c', 'expiring'],
        ['d', 'ok'],
      ]),
      NOW + 1,
    )
    expect(grouped).toEqual({
      title: 'Keyward: 4 keys changed',
      body: '2 stopped working, 1 expire soon, 1 recovered. Open the key list for details.',
      keyIds: ['a', 'b', 'c', 'd'],
    })
  })

  it('stays quiet while the key list is open, and does not replay those changes later', () => {
    const planner = new NotificationPlanner({ throttleMs: 0 })
    planner.update(states([['a', 'ok']]), NOW)
    expect(planner.update(states([['a', 'failing']]), NOW + 1, true)).toBeNull()
    expect(planner.update(states([['a', 'failing']]), NOW + 2, false)).toBeNull()
    expect(planner.update(states([['a', 'ok']]), NOW + 3, false)).toMatchObject({ body: 'key a works again.' })
  })

  it('forgets keys that were removed', () => {
    const planner = new NotificationPlanner({ throttleMs: 0 })
    planner.update(states([['a', 'ok']]), NOW)
    planner.update(states([]), NOW + 1)
    expect(planner.update(states([['a', 'failing']]), NOW + 2)).toBeNull() // a new first sighting
  })
})
