// When a scan round ends (issue 17 "Discovery that finishes"). A round opens
// when a scan someone asked for starts (start, Scan again; the quiet periodic
// rescan opens none, session.ts startBurst) and closes once the burst is over
// AND nothing it set off is still working: the optional subnet sweep, the
// queued HTTPS looks (which fill in names and apps).
// A LAN that keeps feeding the fingerprint queue cannot hold a round open
// forever: after `graceMs` past the burst it closes anyway. Every open and
// close is announced (`onChange`), so every view reads the same "scanning".
export interface RoundWork {
  burstRunning: boolean
  sweeping: boolean
  fingerprintsPending: number
}

export interface RoundTrackerOptions {
  /** What is still working right now. */
  work: () => RoundWork
  /** Called when the round opens or closes. */
  onChange: () => void
  /** How often the tracker looks once the burst is over. */
  pollMs: number
  /** Longest wait for stragglers after the burst. */
  graceMs: number
  now?: () => number
}

export interface RoundTracker {
  /** True from a burst's start until the round closes. */
  readonly running: boolean
  /** When the last round closed (ISO), or null before the first one did. */
  readonly endedAt: string | null
  /** A burst started: opens a round (no-op when one is open) and watches for its end. */
  begin(): void
  /** The session stopped: no round runs; the last end time stays. */
  stop(): void
}

/** The round is over once nothing works for it, or the stragglers had their grace. */
export function roundOver(work: RoundWork, msSinceBurst: number | null, graceMs: number): boolean {
  if (work.burstRunning) return false
  if (msSinceBurst !== null && msSinceBurst >= graceMs) return true
  return !work.sweeping && work.fingerprintsPending === 0
}

export function createRoundTracker(o: RoundTrackerOptions): RoundTracker {
  const now = o.now ?? Date.now
  let running = false
  let endedAt: string | null = null
  let timer: NodeJS.Timeout | null = null
  let burstEnd: number | null = null
  const clear = (): void => {
    if (timer) clearInterval(timer)
    timer = null
  }
  const look = (): void => {
    const work = o.work()
    if (work.burstRunning) {
      burstEnd = null
      return
    }
    burstEnd ??= now()
    if (!roundOver(work, now() - burstEnd, o.graceMs)) return
    clear()
    running = false
    endedAt = new Date(now()).toISOString()
    o.onChange()
  }
  return {
    get running() {
      return running
    },
    get endedAt() {
      return endedAt
    },
    begin() {
      burstEnd = null
      if (!timer) timer = setInterval(look, o.pollMs)
      if (running) return
      running = true
      o.onChange()
    },
    stop() {
      clear()
      burstEnd = null
      if (!running) return
      running = false
      o.onChange()
    },
  }
}
