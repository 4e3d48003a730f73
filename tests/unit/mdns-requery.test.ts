// The mDNS re-query schedule: 1, 3, 9, 27 s, then every 60 s; a restart queries at once and starts over.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RequerySchedule } from '../../electron/core/discovery/mdns-requery.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('mDNS re-query schedule', () => {
  it('queries at 1, 4, 13, 40 s and then once a minute', () => {
    const at: number[] = []
    const start = Date.now()
    const schedule = new RequerySchedule(() => at.push(Date.now() - start))
    vi.advanceTimersByTime(220_000)
    schedule.stop()
    expect(at).toEqual([1000, 4000, 13000, 40000, 100000, 160000, 220000])
  })

  it('queries at once on restart and starts the delays over; stop ends it', () => {
    const at: number[] = []
    const start = Date.now()
    const schedule = new RequerySchedule(() => at.push(Date.now() - start))
    vi.advanceTimersByTime(13_000)
    schedule.restart()
    vi.advanceTimersByTime(4_000)
    expect(at).toEqual([1000, 4000, 13000, 13000, 14000, 17000])
    schedule.stop()
    expect(vi.getTimerCount()).toBe(0)
  })
})
