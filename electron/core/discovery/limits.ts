// Per-source packet budgets for discovery (issue 14 §8): a LAN host may send
// anything, as fast as it likes, from as many spoofed MACs as it likes. Each
// source address gets `perSecond` packets per one-second window; beyond that
// its packets are dropped before they touch the inventory, and counted.
//
// Real traffic is far below the default: one request round per second while
// scanning (official app SCAN_PERIOD_MS 1000 ms, discovery.md §1.1), two
// requests (v1, v2) to broadcast and multicast per interface, so a device
// answers a handful of times a second; a console adds its echo (§1.6); airOS
// announces every ~20 s (§2).
//
// The table itself is bounded: at most `maxSources` addresses per window, the
// rest share one overflow budget (so a flood from many spoofed sources costs
// one table, never memory per address).

export const DEFAULT_PER_SOURCE_PER_SECOND = 50
export const DEFAULT_MAX_SOURCES = 4096
const OVERFLOW = '*'

export class SourceRateLimiter {
  private window = 0
  private readonly counts = new Map<string, number>()
  /** Packets dropped since creation. */
  dropped = 0
  /** The address whose packet was dropped last (for the notice). */
  lastDropped: string | null = null

  constructor(
    private readonly perSecond = DEFAULT_PER_SOURCE_PER_SECOND,
    private readonly maxSources = DEFAULT_MAX_SOURCES,
    private readonly now: () => number = Date.now,
  ) {}

  /** Charges one packet to `source`; false when its budget for this second is spent. */
  admit(source: string): boolean {
    const window = Math.floor(this.now() / 1000)
    if (window !== this.window) {
      this.window = window
      this.counts.clear()
    }
    const key = this.counts.has(source) || this.counts.size < this.maxSources ? source : OVERFLOW
    const used = this.counts.get(key) ?? 0
    if (used >= this.perSecond) {
      this.dropped++
      this.lastDropped = source
      return false
    }
    this.counts.set(key, used + 1)
    return true
  }

  /** Sources tracked in the current window (bounded by maxSources + 1). */
  get size(): number {
    return this.counts.size
  }
}
