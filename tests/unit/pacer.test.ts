// The key watch's pacer on a fake clock: one budget per (console, user principal), spaced at
// (q − 2) / w, stopped until the reset when a reply says the budget is (nearly) spent, and for
// Retry-After on a 429 (unifi-os.md §5.1). Times below are fake-clock milliseconds, not waits.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPacer, gapMs, type Pacer } from '../../electron/core/keys/pacer.ts'

let pacer: Pacer
let t0 = 0
beforeEach(() => {
  vi.useFakeTimers()
  t0 = Date.now()
  pacer = createPacer({ now: () => Date.now(), wallClock: () => Date.now() })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Starts `n` waits for (console, principal); each records when it was let through. */
function queue(released: string[], consoleKey: string, principal: string | undefined, n: number): Promise<void[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      await pacer.wait(consoleKey, principal)
      released.push(`${principal ?? '?'}@${Date.now() - t0}`)
    }),
  )
}

const reply = (status: number, headers: Record<string, string>) => ({ status, headers })

describe('budgets per (console, user principal)', () => {
  it('keys of one user on one console share a budget, spaced at 8/s before any header', async () => {
    const released: string[] = []
    // Two keys of alice: both draw on the same budget, so their requests interleave at 125 ms.
    const done = Promise.all([queue(released, 'nvr', 'alice', 3), queue(released, 'nvr', 'alice', 2)])
    await vi.runAllTimersAsync()
    await done
    expect(released).toEqual(['alice@0', 'alice@125', 'alice@250', 'alice@375', 'alice@500'])
  })

  it('another user, or the same user on another console, has a budget of its own', async () => {
    const released: string[] = []
    const done = Promise.all([
      queue(released, 'nvr', 'alice', 2),
      queue(released, 'nvr', 'bob', 2),
      queue(released, 'udm', 'alice', 1),
    ])
    await vi.runAllTimersAsync()
    await done
    expect(released.sort()).toEqual(['alice@0', 'alice@0', 'alice@125', 'bob@0', 'bob@125'])
  })

  it('the strictest announced policy sets the pace', () => {
    expect(gapMs(10, 1)).toBe(125)
    expect(gapMs(3, 1)).toBe(1000)
    expect(gapMs(100, 60)).toBe(750)
    expect(gapMs(1, 1)).toBe(2000)
  })

  it('a reply announcing a slower policy slows that principal only', async () => {
    pacer.observe(
      'nvr',
      'alice',
      reply(200, {
        ratelimit: '"3-in-1sec";r=2;t=1, "600-in-1min";r=500;t=9',
        'ratelimit-policy': '"3-in-1sec";q=3;w=1, "600-in-1min";q=600;w=60',
      }),
    )
    const released: string[] = []
    const done = Promise.all([queue(released, 'nvr', 'alice', 3), queue(released, 'nvr', 'bob', 2)])
    await vi.runAllTimersAsync()
    await done
    expect(released.sort()).toEqual(['alice@0', 'alice@1000', 'alice@2000', 'bob@0', 'bob@125'])
  })
})

describe('honouring what the console says', () => {
  it('remaining 0 with a reset: nothing for that principal until the reset, then spaced again', async () => {
    const released: string[] = []
    pacer.observe(
      'nvr',
      'alice',
      reply(200, {
        ratelimit: '"10-in-1sec";r=0;t=2',
        'ratelimit-policy': '"10-in-1sec";q=10;w=1',
      }),
    )
    const done = Promise.all([queue(released, 'nvr', 'alice', 2), queue(released, 'nvr', 'bob', 1)])
    await vi.runAllTimersAsync()
    await done
    expect(released).toEqual(['bob@0', 'alice@2000', 'alice@2125'])
  })

  it('one left goes on (the spacing keeps it in reserve), as do replies with no or unreadable headers', async () => {
    pacer.observe('nvr', 'alice', reply(200, { ratelimit: '"10-in-1sec";r=1;t=1' }))
    pacer.observe('nvr', 'alice', reply(200, {}))
    pacer.observe('nvr', 'alice', reply(200, { ratelimit: 'garbage;;', 'ratelimit-policy': 'q=1;w=1' }))
    const released: string[] = []
    const done = queue(released, 'nvr', 'alice', 2)
    await vi.runAllTimersAsync()
    await done
    expect(released).toEqual(['alice@0', 'alice@125'])
  })

  it('a wait already queued when the budget runs out queues again behind the reset, still spaced', async () => {
    const released: string[] = []
    const done = queue(released, 'nvr', 'alice', 3)
    await vi.advanceTimersByTimeAsync(10) // the first went at 0; two are waiting for 125 and 250
    pacer.observe('nvr', 'alice', reply(200, { ratelimit: '"10-in-1sec";r=0;t=1' }))
    await vi.runAllTimersAsync()
    await done
    expect(released).toEqual(['alice@0', 'alice@1010', 'alice@1135'])
  })

  it('429: waits Retry-After (seconds or a date), else one window; a huge one is capped', async () => {
    const cases: [() => Record<string, string>, number][] = [
      [() => ({ 'retry-after': '3' }), 3000],
      [() => ({ 'retry-after': new Date(Math.ceil(Date.now() / 1000) * 1000 + 4000).toUTCString() }), 4000],
      [() => ({ 'ratelimit-policy': '"5-in-2sec";q=5;w=2' }), 2000],
      [() => ({}), 1000],
      [() => ({ 'retry-after': '86400' }), 60_000],
    ]
    for (const [headers, expected] of cases) {
      vi.setSystemTime(Math.ceil(Date.now() / 1000) * 1000) // on a whole second, as HTTP dates are
      pacer = createPacer({ now: () => Date.now(), wallClock: () => Date.now() })
      t0 = Date.now()
      pacer.observe('nvr', 'alice', reply(429, headers()))
      const released: string[] = []
      const done = queue(released, 'nvr', 'alice', 1)
      await vi.runAllTimersAsync()
      await done
      expect(released).toEqual([`alice@${expected}`])
    }
  })
})
