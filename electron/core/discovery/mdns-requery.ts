// bonjour-service queries once (discovery.md §6 "Browser limits" 1): we re-query at 1, 3, 9, 27 s,
// then every 60 s, and start over when asked (a new scan, a network change).
export const REQUERY_MS = [1000, 3000, 9000, 27000, 60000]

export class RequerySchedule {
  private step = 0
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly query: () => void,
    private readonly delays: readonly number[] = REQUERY_MS,
  ) {
    this.plan()
  }

  /** Queries now and starts the schedule over from its first delay. */
  restart(): void {
    if (this.stopped) return
    if (this.timer) clearTimeout(this.timer)
    this.step = 0
    this.query()
    this.plan()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private plan(): void {
    if (this.stopped) return
    const delay = this.delays[Math.min(this.step, this.delays.length - 1)]!
    this.timer = setTimeout(() => {
      this.step++
      this.query()
      this.plan()
    }, delay)
  }
}
