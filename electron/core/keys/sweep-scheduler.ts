// When the key watch sweeps: once at start, then every interval with ±10 % jitter (so many Keyward
// instances, or keys, do not hit consoles in lockstep), the next one planned only after a sweep ends.
export interface SweepSchedulerOptions {
  /** The interval now (the user's preference may change between sweeps). */
  intervalMs: () => number
  random?: () => number
  sweep: () => Promise<unknown>
}

export class SweepScheduler {
  #timer: NodeJS.Timeout | null = null
  #running = false
  readonly #random: () => number

  constructor(private readonly options: SweepSchedulerOptions) {
    this.#random = options.random ?? Math.random
  }

  get running(): boolean {
    return this.#running
  }

  /** Sweeps now, then on the interval. */
  start(): void {
    if (this.#running) return
    this.#running = true
    void this.options.sweep().finally(() => this.reschedule())
  }

  /** Plans the next sweep one interval from now (replacing a planned one); nothing once stopped. */
  reschedule(): void {
    if (!this.#running) return
    if (this.#timer) clearTimeout(this.#timer)
    const delay = this.options.intervalMs() * (0.9 + 0.2 * this.#random())
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.options.sweep().finally(() => this.reschedule())
    }, delay)
    this.#timer.unref()
  }

  stop(): void {
    this.#running = false
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }
}
