// The Overview's pure model: the tray's icon and sentence for the window, what
// needs attention (worst first, told apart by console, with its fix), and when
// keys were last checked and are next due.
import { trayOfKeys } from '../../shared/tray-model.ts'
import { describe, expect, it } from 'vitest'
import type { HaSummary, KeyView } from '../../shared/domain.ts'
import { keyView } from '../support/key-view.ts'
import type { SweepScheduleView } from '../../shared/views.ts'
import { attention, relativeFuture, statusCounts, sweepTimes, trayLine } from '../../renderer/src/overview/model.ts'

const T0 = Date.parse('2026-11-20T12:00:00Z')

const key = (over: Partial<KeyView>): KeyView => keyView(over, new Date(T0).toISOString())

const failed = (message: string, nextStep: string) => ({
  status: 'failed' as const,
  problem: 'invalid_key' as const,
  message,
  nextStep,
  appVersion: null,
  latencyMs: null,
  checkedAt: new Date(T0).toISOString(),
})

describe('the Overview says what the tray says', () => {
  it('an error icon and the tray sentence when a key fails; counts per status', () => {
    const keys = [
      key({ name: 'a' }),
      key({ name: 'b', status: 'failing' }),
      key({ name: 'c', status: 'expiring' }),
      key({ name: 'd', status: 'paused', paused: true }),
    ]
    const tray = trayOfKeys(keys, false)
    expect(tray.icon).toBe('error')
    expect(trayLine(tray)).toBe('4 keys: 1 failing, 1 expiring soon')
    expect(statusCounts(keys)).toEqual({ ok: 1, failing: 1, expiring: 1, expired: 0, paused: 1, unknown: 0 })
  })

  it('all good when every watched key is OK', () => {
    expect(trayOfKeys([key({ name: 'a' }), key({ name: 'b' })], false).icon).toBe('ok')
    expect(trayLine(trayOfKeys([key({ name: 'a' }), key({ name: 'b' })], false))).toBe('all 2 keys are OK')
  })
})

describe('needs attention', () => {
  it('lists problem keys worst first, named with their console, with the check’s own words', () => {
    const items = attention(
      [
        key({ name: 'cams', status: 'expiring', expiresAt: new Date(T0 + 2 * 86_400_000).toISOString() }),
        key({
          name: 'cams',
          id: 'x2',
          consoleName: 'UDM',
          status: 'failing',
          lastCheck: failed('Refused.', 'Rotate it.'),
        }),
        key({ name: 'fine' }),
      ],
      { available: true, backend: 'test', problem: null },
      [],
    )
    expect(items.map((i) => i.title)).toEqual(['cams on UDM is failing', 'cams on NVR expires soon'])
    expect(items[0]).toMatchObject({ kind: 'key', keyId: 'x2', detail: 'Refused. Rotate it.', fix: 'Open the key' })
  })

  it('adds the keychain and a held Home Assistant, each leading to Settings', () => {
    const held = {
      id: 'ha1',
      url: 'http://ha.local:8123',
      locationName: 'Home',
      status: { state: 'changed', message: 'Its certificate changed.', since: new Date(T0).toISOString() },
    } as unknown as HaSummary
    const items = attention([], { available: false, backend: 'Secret Service', problem: 'It is locked.' }, [held])
    expect(items.map((i) => [i.kind, i.fix])).toEqual([
      ['keychain', 'Open keychain settings'],
      ['home-assistant', 'Open Home Assistant settings'],
    ])
    expect(items[1]!.title).toBe('Keyward stopped talking to Home')
  })

  it('is empty when nothing needs the user', () => {
    expect(attention([key({})], { available: true, backend: 'test', problem: null }, [])).toEqual([])
  })
})

describe('last and next check', () => {
  const planned = (over: Partial<SweepScheduleView> = {}): SweepScheduleView => ({
    watching: true,
    sweeping: false,
    lastSweepAt: new Date(T0).toISOString(),
    nextSweepAt: new Date(T0 + 14 * 60_000).toISOString(),
    ...over,
  })

  it('the latest check (a key checked by hand after the sweep counts), and the sweep the watch planned', () => {
    const later = new Date(T0 + 60_000).toISOString()
    const times = sweepTimes(
      [key({ name: 'a' }), key({ name: 'b', lastCheck: { ...key({}).lastCheck!, checkedAt: later } })],
      planned(),
    )
    // The planned time itself, jitter included: not "the last check plus the interval".
    expect(times).toEqual({ last: later, next: T0 + 14 * 60_000 })
    expect(relativeFuture(T0 + 14 * 60_000, T0 + 60_000)).toBe('in 13 minutes')
    expect(relativeFuture(T0 + 3 * 3_600_000, T0)).toBe('in about 3 hours')
    expect(relativeFuture(T0 - 1000, T0)).toBe('any moment now')
  })

  it('"now" while a sweep runs; none when every key is paused or the watch is stopped; nothing before any check', () => {
    expect(sweepTimes([key({})], planned({ sweeping: true, nextSweepAt: null })).next).toBe('now')
    expect(sweepTimes([key({ paused: true, status: 'paused' })], planned()).next).toBeNull()
    expect(sweepTimes([key({})], planned({ watching: false, nextSweepAt: null })).next).toBeNull()
    expect(sweepTimes([key({ lastCheck: null, status: 'unknown' })], planned({ lastSweepAt: null }))).toEqual({
      last: null,
      next: T0 + 14 * 60_000,
    })
    expect(sweepTimes([key({ lastCheck: null, status: 'unknown' })], null)).toEqual({ last: null, next: null })
  })
})
