// RateLimit / RateLimit-Policy in every shape unifi-os.md §5.1 names: draft-8 structured fields
// (one line, several lines, joined), the draft-7 form, none, and malformed fields (ignored, never thrown).
import { describe, expect, it } from 'vitest'
import {
  parseRateLimit,
  parseRetryAfter,
  strictestPolicy,
  type RateLimitPolicy,
} from '../../electron/core/net/ratelimit.ts'

const policy = (over: Partial<RateLimitPolicy>): RateLimitPolicy => ({
  name: '',
  quota: null,
  windowSeconds: null,
  remaining: null,
  resetSeconds: null,
  partitionKey: null,
  ...over,
})
const PK = 'cGFydGl0aW9u'
const PER_SECOND = `"10-in-1sec";q=10;w=1;pk=:${PK}:`
const PER_MINUTE = `"600-in-1min";q=600;w=60;pk=:${PK}:`
const SECOND_7 = policy({
  name: '10-in-1sec',
  quota: 10,
  windowSeconds: 1,
  remaining: 7,
  resetSeconds: 1,
  partitionKey: PK,
})

describe('draft-8 structured fields (what Protect sends)', () => {
  it('one policy, one line each: remaining, reset, quota, window and partition key', () => {
    expect(parseRateLimit({ ratelimit: '"10-in-1sec";r=7;t=1', 'ratelimit-policy': PER_SECOND })).toEqual([SECOND_7])
  })

  it('a second policy on separate header lines (an array) or joined with ", " (as Node joins them)', () => {
    const minute = policy({
      name: '600-in-1min',
      quota: 600,
      windowSeconds: 60,
      remaining: 590,
      resetSeconds: 42,
      partitionKey: PK,
    })
    const both = [SECOND_7, minute]
    const lines = ['"10-in-1sec";r=7;t=1', '"600-in-1min";r=590;t=42']
    expect(parseRateLimit({ ratelimit: lines, 'ratelimit-policy': [PER_SECOND, PER_MINUTE] })).toEqual(both)
    expect(parseRateLimit({ ratelimit: lines.join(', '), 'ratelimit-policy': `${PER_SECOND}, ${PER_MINUTE}` })).toEqual(
      both,
    )
    expect(parseRateLimit({ ratelimit: lines.join(','), 'ratelimit-policy': `${PER_SECOND},\t${PER_MINUTE}` })).toEqual(
      both,
    )
  })

  it('RateLimit as a single item while two policies are announced: the other policy has no remaining', () => {
    expect(parseRateLimit({ ratelimit: '"10-in-1sec";r=0;t=1', 'ratelimit-policy': [PER_SECOND, PER_MINUTE] })).toEqual(
      [{ ...SECOND_7, remaining: 0 }, policy({ name: '600-in-1min', quota: 600, windowSeconds: 60, partitionKey: PK })],
    )
  })

  it('either header alone; names as tokens; header names in any case; unknown parameters ignored', () => {
    expect(parseRateLimit({ RateLimit: '"10-in-1sec";r=3;t=1;x=?1' })).toEqual([
      policy({ name: '10-in-1sec', remaining: 3, resetSeconds: 1 }),
    ])
    expect(parseRateLimit({ 'RateLimit-Policy': 'burst;q=5;w=2;qu="requests"' })).toEqual([
      policy({ name: 'burst', quota: 5, windowSeconds: 2 }),
    ])
    expect(parseRateLimit({ ratelimit: 'burst;r=2', 'ratelimit-policy': 'burst;q=5' })).toEqual([
      policy({ name: 'burst', quota: 5, remaining: 2 }),
    ])
  })
})

describe("draft-7 (express-rate-limit's other standard form; not an sf-item)", () => {
  it('RateLimit as a dictionary, RateLimit-Policy as quota;w=', () => {
    expect(parseRateLimit({ ratelimit: 'limit=10, remaining=9, reset=1', 'ratelimit-policy': '10;w=1' })).toEqual([
      policy({ quota: 10, windowSeconds: 1, remaining: 9, resetSeconds: 1 }),
    ])
    expect(
      parseRateLimit({ ratelimit: 'limit=600, remaining=3, reset=50', 'ratelimit-policy': '10;w=1, 600;w=60' }),
    ).toEqual([
      policy({ quota: 10, windowSeconds: 1 }),
      policy({ quota: 600, windowSeconds: 60, remaining: 3, resetSeconds: 50 }),
    ])
    expect(parseRateLimit({ ratelimit: 'limit=10, remaining=0, reset=1' })).toEqual([
      policy({ quota: 10, remaining: 0, resetSeconds: 1 }),
    ])
  })
})

describe('absent or malformed: ignored, never thrown', () => {
  it('no headers (older firmware)', () => {
    expect(parseRateLimit({})).toEqual([])
    expect(parseRateLimit({ ratelimit: undefined, 'content-type': 'application/json' })).toEqual([])
    expect(parseRateLimit({ ratelimit: '', 'ratelimit-policy': ' ' })).toEqual([])
  })

  it.each([
    ["the simulator's old bare form", 'q=10;w=1'],
    ['an unterminated string', '"10-in-1sec;q=10;w=1'],
    ['a trailing comma', `${PER_SECOND},`],
    ['a bad escape', '"10\\-in";q=10'],
    ['a 16-digit integer', '"a";q=1234567890123456'],
    ['a bad byte sequence', '"a";q=10;pk=:ab$c:'],
    ['an unterminated byte sequence', '"a";q=10;pk=:abc'],
    ['a bad boolean', '"a";q=10;x=?2'],
    ['text after a member', `${PER_SECOND} junk`],
    ['a non-ASCII character', `${PER_SECOND}, ✓`],
    ['an upper-case parameter key', '"a";Q=10'],
    ['a lone comma', ','],
  ])('RateLimit-Policy with %s', (_what, value) => {
    expect(parseRateLimit({ 'ratelimit-policy': value })).toEqual([])
  })

  it('members without their number are skipped; the well-formed rest is kept', () => {
    const policies = '"a";w=1, "b";q=1.5, "c";q=-1, "d";q="10", ("e");q=1, "f";q=4;w=0'
    expect(parseRateLimit({ 'ratelimit-policy': policies })).toEqual([policy({ name: 'f', quota: 4 })])
    expect(parseRateLimit({ ratelimit: '"a";t=1, "b";r=1.0, "c";r=2' })).toEqual([policy({ name: 'c', remaining: 2 })])
  })

  it('a malformed RateLimit leaves the policy without remaining, and the other way round', () => {
    expect(parseRateLimit({ ratelimit: '"10-in-1sec";r=', 'ratelimit-policy': PER_SECOND })).toEqual([
      policy({ name: '10-in-1sec', quota: 10, windowSeconds: 1, partitionKey: PK }),
    ])
    expect(parseRateLimit({ ratelimit: '"10-in-1sec";r=4;t=1', 'ratelimit-policy': '"10-in-1sec";q=' })).toEqual([
      policy({ name: '10-in-1sec', remaining: 4, resetSeconds: 1 }),
    ])
  })

  it('never throws on arbitrary input', () => {
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const alphabet = '"\\;=,:()?*-.0123456789 \tqrtwpk=abcé✓'
    for (let i = 0; i < 2000; i++) {
      const pick = () => alphabet[Math.floor(random() * alphabet.length)]
      const text = Array.from({ length: Math.floor(random() * 40) }, pick).join('')
      expect(() => parseRateLimit({ ratelimit: text, 'ratelimit-policy': text })).not.toThrow()
    }
  })
})

describe('helpers', () => {
  it('the strictest policy is the lowest q/w', () => {
    const list = parseRateLimit({ 'ratelimit-policy': `${PER_SECOND}, "b";q=100;w=60, "c";q=5` })
    expect(strictestPolicy(list)?.name).toBe('b')
    expect(strictestPolicy(parseRateLimit({ ratelimit: '"a";r=1' }))).toBeNull()
  })

  it('Retry-After as seconds or an HTTP date; unreadable is null', () => {
    const now = Date.parse('2026-11-22T12:00:00Z')
    expect(parseRetryAfter('3', now)).toBe(3)
    expect(parseRetryAfter([' 7 '], now)).toBe(7)
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:05 GMT', now)).toBe(5)
    expect(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeNull()
    expect(parseRetryAfter(undefined, now)).toBeNull()
    // A fractional delta waits the whole second after it, not "now" (Date.parse('1.5') is a day in 2001).
    expect(parseRetryAfter('1.5', now)).toBe(2)
    expect(parseRetryAfter('5.37', now)).toBe(6)
    expect(parseRetryAfter('1.5.3', now)).toBeNull()
  })
})
