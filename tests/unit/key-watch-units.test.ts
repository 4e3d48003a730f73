// The key watch's units (issue 16): when sweeps run, which keys a sweep checks, what the user is told,
// and what forgetting a key removes.
import type { WatchedKey } from '../../electron/core/views.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { KeyNotification, KeyRecord } from '../../shared/domain.ts'
import { createEventHub } from '../../electron/core/events.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { openSettings } from '../../electron/core/settings/settings.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { CheckerRegistry } from '../../electron/core/keys/checkers.ts'
import { KeyNotifier } from '../../electron/core/keys/key-notifier.ts'
import { KeyRecords } from '../../electron/core/keys/key-records.ts'
import { createPacer } from '../../electron/core/keys/pacer.ts'
import { isDue, SweepRunner } from '../../electron/core/keys/sweep.ts'
import { SweepScheduler } from '../../electron/core/keys/sweep-scheduler.ts'
import { keyRecord } from '../support/key-record.ts'

const dirs: string[] = []
afterEach(() => {
  vi.useRealTimers()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const record = keyRecord

function store(keys: KeyRecord[]) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-units-'))
  dirs.push(dir)
  const settings = openSettings({ cwd: dir, projectVersion: '0.1.0' })
  settings.saveKeys(keys)
  const vault = new MemorySecretStore()
  return { settings, vault, records: new KeyRecords(settings, vault) }
}

describe('SweepScheduler', () => {
  it('sweeps at start, then about every interval (±10 %), and never after stop', async () => {
    vi.useFakeTimers()
    let sweeps = 0
    const scheduler = new SweepScheduler({
      intervalMs: () => 60_000,
      random: () => 1,
      sweep: async () => void sweeps++,
    })
    scheduler.start()
    expect(sweeps).toBe(1)
    await vi.advanceTimersByTimeAsync(65_000) // 60 s + 10 % jitter is 66 s
    expect(sweeps).toBe(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sweeps).toBe(2)
    scheduler.stop()
    await vi.advanceTimersByTimeAsync(600_000)
    expect(sweeps).toBe(2)
  })

  it('says when the next sweep runs, jitter included: null while one runs and once stopped', async () => {
    vi.useFakeTimers({ now: 1_000_000 })
    let finish = () => {}
    const plans: (number | null)[] = []
    const scheduler: SweepScheduler = new SweepScheduler({
      intervalMs: () => 60_000,
      random: () => 0, // the earliest jitter: 0.9 × 60 s
      now: () => Date.now(),
      sweep: () => new Promise<void>((done) => (finish = done)),
      onPlan: () => plans.push(scheduler.nextAt),
    })
    scheduler.start()
    expect(scheduler.nextAt).toBeNull() // sweeping
    finish()
    await vi.advanceTimersByTimeAsync(0)
    expect(scheduler.nextAt).toBe(1_000_000 + 54_000)
    await vi.advanceTimersByTimeAsync(54_000) // the planned sweep starts exactly then
    expect(scheduler.nextAt).toBeNull()
    scheduler.stop()
    expect(plans).toEqual([null, 1_054_000, null, null])
  })
})

describe('KeyNotifier', () => {
  const view = (id: string, status: WatchedKey['status']): WatchedKey => ({
    ...record(id),
    status,
    consoleName: null,
    host: null,
  })

  it('tells of a key that stopped working; one more change within a minute waits for the throttle', async () => {
    vi.useFakeTimers()
    const hub = createEventHub()
    const shown: KeyNotification[] = []
    hub.subscribe('keys.notification', (n) => shown.push(n))
    const notifier = new KeyNotifier(hub, () => Date.now())
    notifier.start()
    notifier.update([view('a', 'ok'), view('b', 'ok')])
    notifier.update([view('a', 'failing'), view('b', 'ok')])
    expect(shown.map((n) => n.body)).toEqual(['key a stopped working.'])
    notifier.update([view('a', 'failing'), view('b', 'failing')])
    expect(shown).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(61_000)
    expect(shown.map((n) => n.body)).toEqual(['key a stopped working.', 'key b stopped working.'])
    notifier.stop()
  })

  it('says nothing while the key list is open', () => {
    const hub = createEventHub()
    const shown: KeyNotification[] = []
    hub.subscribe('keys.notification', (n) => shown.push(n))
    const notifier = new KeyNotifier(hub, () => Date.now())
    notifier.setListOpen(true)
    notifier.update([view('a', 'ok')])
    notifier.update([view('a', 'failing')])
    expect(shown).toEqual([])
  })
})

describe('SweepRunner', () => {
  const failedAt = (checkedAt: string) => ({
    status: 'failed' as const,
    problem: 'unreachable' as const,
    message: 'no answer',
    nextStep: null,
    appVersion: null,
    latencyMs: null,
    checkedAt,
  })

  it('backs off from an unreachable console: retried after 1, 2, 4… intervals', () => {
    const k = record('a', { unreachableStreak: 3, lastCheck: failedAt('2026-01-01T00:00:00.000Z') })
    const start = Date.parse('2026-01-01T00:00:00.000Z')
    expect(isDue(k, start + 3 * 60_000, 60_000, 3600_000)).toBe(false)
    expect(isDue(k, start + 4 * 60_000, 60_000, 3600_000)).toBe(true)
  })

  it('a check asked for during a sweep joins it; the results are saved and the sites the check read are handed on', async () => {
    const { records, vault } = store([record('a'), record('p', { paused: true })])
    await vault.set('ref-a', 'secret-a')
    await vault.set('ref-p', 'secret-p')
    const checked: string[] = []
    const checkers = new CheckerRegistry()
    checkers.register(['network'], async (r, _key, _pace, _paced, sites) => {
      checked.push(r.id)
      sites?.(['site-1'])
      return {
        status: 'ok',
        app: 'network',
        host: r.consoleKey,
        appVersion: '9.0',
        latencyMs: 1,
        checkedAt: new Date().toISOString(),
      }
    })
    const seenByHa: unknown[] = []
    let done = 0
    const runner = new SweepRunner({
      records,
      vault,
      checkers,
      pacer: createPacer(),
      log: silentLogger,
      now: Date.now,
      intervalMs: () => 60_000,
      maxBackoffMs: 3600_000,
      haHealth: async (_keys, seen) => (seenByHa.push(Object.fromEntries(seen)), new Map()),
      onStart: () => {},
      onDone: () => ++done,
    })
    const [first, second] = await Promise.all([runner.run(), runner.run()])
    expect([first, second]).toEqual([1, 1])
    expect(checked).toEqual(['a']) // the paused key is not checked
    expect(seenByHa).toEqual([{ a: ['site-1'] }])
    expect(records.list().find((k) => k.id === 'a')!.lastCheck).toMatchObject({ status: 'ok', appVersion: '9.0' })
  })
})

describe('KeyRecords.forget', () => {
  it('removes the key and its secret; the user’s password stays while another key signs in with it', async () => {
    const { records, vault } = store([record('a', { passwordRef: 'pw' }), record('b', { passwordRef: 'pw' })])
    for (const ref of ['ref-a', 'ref-b', 'pw']) await vault.set(ref, 'x')
    await records.forget('a')
    expect(records.list().map((k) => k.id)).toEqual(['b'])
    expect(await vault.get('ref-a')).toBeNull()
    expect(await vault.get('pw')).toBe('x')
    await records.forget('b')
    expect(await vault.get('pw')).toBeNull()
    await expect(records.forget('b')).rejects.toMatchObject({ code: 'not-found' })
  })
})
