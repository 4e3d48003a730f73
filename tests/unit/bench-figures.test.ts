// The discovery bench's summary (tests/bench/figures.ts): the median a reader
// sees in README, and the table `npm run bench` prints. A round that never got
// there must read "not reached", never as a fast figure.
import { describe, expect, it } from 'vitest'
import { discoveryTable, median, type Medians } from '../bench/figures.ts'

describe('bench figures', () => {
  it('takes the middle value, the mean of the two middle ones for an even count, and skips rounds that never got there', () => {
    expect(median([300, 100, 200])).toBe(200)
    expect(median([100, 200, 301, 401])).toBe(251)
    expect(median([null, 90, null])).toBe(90)
    expect(median([null, null])).toBeNull()
  })

  it('prints consoles against the 1 s goal, the complete inventory and the peers, one row each', () => {
    const m: Medians = {
      firstConsoleMs: 80,
      allConsolesMs: 180,
      allConsolesWithAppsMs: 280,
      completeMs: null,
      nmapMs: 10900,
      nmapHostsDecoded: 32,
      zeroconfMs: 4,
    }
    const lines = discoveryTable(m, 5, 4).split('\n')
    expect(lines[0]).toBe('discovery, median of 5 rounds (4 exact):')
    expect(lines.find((l) => l.includes('first console'))).toMatch(/80 ms\s+≤ 1000 ms$/)
    expect(lines.find((l) => l.includes('all consoles '))).toMatch(/180 ms\s+≤ 1000 ms$/)
    expect(lines.find((l) => l.includes('complete inventory'))).toMatch(/not reached$/)
    expect(lines.find((l) => l.includes('nmap'))).toMatch(/10900 ms$/)
    expect(lines).toHaveLength(7)
  })
})
