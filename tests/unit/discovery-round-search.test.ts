// Discovery that finishes (issue 17): when a scan round ends (scan-round.ts), and the
// "search this subnet for UISP" run (uisp-search.ts) with an injected sweep, so no
// packet is sent (discovery on real interfaces only ever runs in lab namespaces).
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DiscoveryInterface, UispSearchProgress } from '../../shared/inventory.ts'
import { createRoundTracker, roundOver, type RoundWork } from '../../electron/core/discovery/scan-round.ts'
import type { SweepOptions } from '../../electron/core/discovery/sweep.ts'
import { searchForUisp } from '../../electron/core/discovery/uisp-search.ts'

const iface = (name: string, address: string, prefixLength: number): DiscoveryInterface => ({
  name,
  address,
  prefixLength,
  broadcast: null,
  mac: null,
  recommended: true,
  skipReason: null,
})

describe('a scan round', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is not over while the burst, the sweep or a look still works, and is after the grace', () => {
    const idle: RoundWork = { burstRunning: false, sweeping: false, fingerprintsPending: 0 }
    expect(roundOver(idle, 0, 30_000)).toBe(true)
    expect(roundOver({ ...idle, burstRunning: true }, 60_000, 30_000)).toBe(false)
    expect(roundOver({ ...idle, sweeping: true }, 1000, 30_000)).toBe(false)
    expect(roundOver({ ...idle, fingerprintsPending: 2 }, 1000, 30_000)).toBe(false)
    expect(roundOver({ ...idle, fingerprintsPending: 2 }, 30_000, 30_000)).toBe(true)
  })

  it('opens once, closes when the work is done, records the end and announces both', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-03T14:02:00Z') })
    const work: RoundWork = { burstRunning: true, sweeping: false, fingerprintsPending: 0 }
    const seen: boolean[] = []
    const round = createRoundTracker({
      work: () => work,
      onChange: () => seen.push(round.running),
      pollMs: 100,
      graceMs: 30_000,
    })
    expect(round.running).toBe(false)
    round.begin()
    round.begin() // Scan again during a round: still one round
    expect(seen).toEqual([true])
    vi.advanceTimersByTime(1000)
    expect(round.running).toBe(true)
    work.burstRunning = false
    work.fingerprintsPending = 1
    vi.advanceTimersByTime(1000)
    expect(round.running).toBe(true)
    work.fingerprintsPending = 0
    vi.advanceTimersByTime(100)
    expect(round.running).toBe(false)
    expect(seen).toEqual([true, false])
    expect(round.endedAt).toBe('2026-12-03T14:02:02.100Z')
    // A new round opens and ends again.
    work.burstRunning = true
    round.begin()
    work.burstRunning = false
    vi.advanceTimersByTime(100)
    expect(seen).toEqual([true, false, true, false])
  })

  it('closes after the grace when looks never stop, and on stop', () => {
    vi.useFakeTimers()
    const work: RoundWork = { burstRunning: false, sweeping: true, fingerprintsPending: 5 }
    const round = createRoundTracker({ work: () => work, onChange: () => {}, pollMs: 100, graceMs: 5000 })
    round.begin()
    vi.advanceTimersByTime(4000)
    expect(round.running).toBe(true)
    vi.advanceTimersByTime(1200)
    expect(round.running).toBe(false)
    round.begin()
    round.stop()
    expect(round.running).toBe(false)
  })
})

/** A sweep over the target list that "connects" to the addresses in `open`. */
function fakeSweep(open: Set<string>, tried: string[]) {
  return async (subnet: DiscoveryInterface, o: SweepOptions): Promise<string[] | null> => {
    const { sweepTargets } = await import('../../electron/core/discovery/sweep.ts')
    const todo = sweepTargets(subnet, o.skip)
    if (!todo) return null
    const hits: string[] = []
    for (const address of todo) {
      if (o.cancelled()) break
      tried.push(address)
      if (open.has(address)) {
        hits.push(address)
        for (const port of [o.port, ...(o.extraPorts ?? [])]) o.onOpen?.(address, port)
      }
      o.onTried?.()
    }
    return hits
  }
}

describe('search this subnet for UISP', () => {
  it('tries every address but its own, reports progress and finds the UISP server among the open ones', async () => {
    const tried: string[] = []
    const progress: UispSearchProgress[] = []
    const result = await searchForUisp({
      subnets: [iface('eth0', '10.73.0.2', 24), iface('big', '10.0.0.1', 16)],
      skip: (a) => a === '10.73.0.3',
      ports: [443],
      concurrency: 8,
      connectTimeoutMs: 500,
      cancelled: () => false,
      identify: async (a) => a === '10.73.0.40',
      onProgress: (p) => progress.push(p),
      progressEveryMs: 0,
      sweep: fakeSweep(new Set(['10.73.0.1', '10.73.0.40']), tried),
    })
    // 254 hosts of a /24, less this computer and the skipped address; the /16 is too large.
    expect(result).toMatchObject({ running: false, tried: 252, total: 252, found: ['10.73.0.40'], cancelled: false })
    expect(result.tooLarge).toEqual(['big'])
    expect(tried).not.toContain('10.73.0.2')
    expect(progress[0]).toMatchObject({ running: true, tried: 0, total: 252 })
    expect(progress.at(-1)).toMatchObject({ running: false, tried: 252 })
    expect(progress.map((p) => p.tried)).toEqual([...progress.map((p) => p.tried)].sort((a, b) => a - b))
  })

  it('tries each address on 443, then on 8443, and finds a server that listens only on 8443 (uisp.md §3)', async () => {
    const swept: number[] = []
    const asked: string[] = []
    const result = await searchForUisp({
      subnets: [iface('eth0', '10.73.0.2', 24)],
      skip: () => false,
      ports: [443, 8443],
      concurrency: 8,
      connectTimeoutMs: 500,
      cancelled: () => false,
      identify: async (a, port) => {
        asked.push(`${a}:${port}`)
        return a === '10.73.0.40' && port === 8443
      },
      onProgress: () => {},
      progressEveryMs: 0,
      sweep: async (subnet, o) => {
        swept.push(o.port, ...(o.extraPorts ?? []))
        // Something answers TCP on 10.73.0.40 on both ports; only 8443 is UISP.
        return fakeSweep(new Set(['10.73.0.40']), [])(subnet, o)
      },
    })
    expect(swept).toEqual([443, 8443])
    expect(asked).toEqual(['10.73.0.40:443', '10.73.0.40:8443'])
    expect(result).toMatchObject({ running: false, tried: 253, total: 253, found: ['10.73.0.40'] })
  })

  it('stops when cancelled and ends with what it found so far', async () => {
    const tried: string[] = []
    let cancelled = false
    const result = await searchForUisp({
      subnets: [iface('eth0', '192.168.1.10', 24)],
      skip: () => false,
      ports: [443],
      concurrency: 8,
      connectTimeoutMs: 500,
      cancelled: () => cancelled,
      identify: async () => true,
      onProgress: (p) => {
        if (p.tried >= 20) cancelled = true
      },
      progressEveryMs: 0,
      sweep: fakeSweep(new Set(['192.168.1.5']), tried),
    })
    expect(result).toMatchObject({ running: false, cancelled: true, found: ['192.168.1.5'], total: 253 })
    expect(result.tried).toBe(20)
    expect(tried).toHaveLength(20)
  })
})
