// Spaces requests to each console evenly below its API budget. Protect
// advertises `RateLimit-Policy: q=10;w=1` (unifi-os.md §5.1; uiprotect paces
// at 80 %): evenly spaced requests at 9/s never put more than 10 into any
// one-second window, so a sweep is as fast as allowed with no 429.
export interface Pacer {
  wait(consoleKey: string): Promise<void>
}

export function createPacer(perSecond = 9, now: () => number = () => performance.now()): Pacer {
  const gap = 1000 / perSecond
  const next = new Map<string, number>()
  return {
    wait(consoleKey) {
      const t = now()
      const slot = Math.max(t, next.get(consoleKey) ?? t)
      next.set(consoleKey, slot + gap)
      const delay = slot - t
      return delay <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, delay))
    },
  }
}
