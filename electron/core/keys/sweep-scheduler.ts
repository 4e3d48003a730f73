// When the key watch sweeps: once at start, then every interval with ±10 % jitter (so many Keyward
// instances, or keys, do not hit consoles in lockstep), the next one planned only after a sweep ends.
export interface SweepSchedulerOptions {
  /** The interval now (the user's preference may change between sweeps). */
  intervalMs: () => number
  random?: () => number
  now?: () => number
  sweep: () => Promise<unknown>
  /** The plan changed: a sweep started, the next one was planned, or the watch stopped. */
  onPlan?: () => void
}

export class SweepScheduler {
  #timer: NodeJS.Timeout | null = null
  #running = false
  #nextAt: number | null = null
  readonly #random: () => number
  readonly #now: () => number

  constructor(private readonly options: SweepSchedulerOptions) {
    this.#random = options.random ?? Math.random
    this.#now = options.now ?? Date.now
  }

  get running(): boolean {
    return this.#running
  }

  /** When the next sweep is planned (epoch ms, jitter included); null while one runs or once stopped. */
  get nextAt(): number | null {
    return this.#nextAt
  }

  /** Sweeps now, then on the interval. */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#sweep()
  }

  /** Plans the next sweep one interval from now (replacing a planned one); nothing once stopped. */
  reschedule(): void {
    if (!this.#running) return
    if (this.#timer) clearTimeout(this.#timer)
    const delay = this.options.intervalMs() * (0.9 + 0.2 * this.#random())
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.#sweep()
    }, delay)
    this.#timer.unref()
    this.#nextAt = this.#now() + delay
    this.options.onPlan?.()
  }

  stop(): void {
    this.#running = false
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#nextAt = null
    this.options.onPlan?.()
  }

  #sweep(): void {
    this.#nextAt = null
    this.options.onPlan?.()
    void this.options.sweep().finally(() => this.reschedule())
  }
}
