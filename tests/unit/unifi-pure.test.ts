// Pure pieces of the console client: header and token parsing, envelopes,
// version comparison, generated passwords, and picking the right host.
import { describe, expect, it } from 'vitest'
import type { ConsoleRecord } from '../../shared/domain.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { unwrap } from '../../electron/core/unifi/envelope.ts'
import { explainPick, rankHosts } from '../../electron/core/unifi/hosts.ts'
import { generatePassword } from '../../electron/core/unifi/provision.ts'
import { retryAfterSeconds } from '../../electron/core/net/retry-after.ts'
import { csrfFromJwt } from '../../electron/core/unifi/cookies.ts'
import { versionAtLeast } from '../../shared/format.ts'

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`

describe('session parsing', () => {
  it('reads the CSRF token carried inside the JWT', () => {
    expect(csrfFromJwt(jwt({ userId: 'u', csrfToken: 'abc-123', exp: 1 }))).toBe('abc-123')
    expect(csrfFromJwt(jwt({ userId: 'u' }))).toBeNull()
    expect(csrfFromJwt('not-a-jwt')).toBeNull()
    expect(csrfFromJwt('a.%%%.c')).toBeNull()
  })

  it('reads Retry-After as seconds or a date, clamped, defaulting to 60', () => {
    const now = Date.parse('2026-11-22T12:00:00Z')
    expect(retryAfterSeconds('17', now)).toBe(17)
    expect(retryAfterSeconds('Sun, 22 Nov 2026 12:02:00 GMT', now)).toBe(120)
    expect(retryAfterSeconds(undefined, now)).toBe(60)
    expect(retryAfterSeconds('0', now)).toBe(1)
    expect(retryAfterSeconds('999999', now)).toBe(3600)
    expect(retryAfterSeconds('soon', now)).toBe(60)
    expect(retryAfterSeconds('5.37', now)).toBe(6)
    expect(retryAfterSeconds('2.5', now)).toBe(3)
  })
})

describe('envelopes', () => {
  it('accepts every success marker seen in the wild (unifi-os.md §3)', () => {
    for (const code of [0, 1, '0', '1', 'SUCCESS', 'OK']) expect(unwrap({ code, data: 'x' }, 'op')).toBe('x')
    expect(unwrap({ codeS: 'SUCCESS', code: 99, data: 'y' }, 'op')).toBe('y')
    expect(unwrap({ data: [1] }, 'op')).toEqual([1])
  })
  it('turns a failure envelope into a specific error with the console’s words', () => {
    let error: unknown
    try {
      unwrap({ code: 'USER_EXISTS', msg: 'Username already exists' }, 'Creating the user')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(KeywardFailure)
    expect((error as KeywardFailure).message).toContain('Username already exists')
    expect((error as KeywardFailure).detail).toBe('USER_EXISTS')
  })
})

describe('versionAtLeast', () => {
  it.each([
    ['7.2.105', '7.2.105', true],
    ['7.10.0', '7.2.105', true],
    ['7.2.104', '7.2.105', false],
    ['6.0.53', '7.2.105', false],
    ['8', '7.2.105', true],
    ['7.3.12-beta.1', '7.2.105', true],
    ['v7.3.12', '7.2.105', true],
    ['V6.0.53', '7.2.105', false],
  ])('%s ≥ %s is %s', (v, min, expected) => expect(versionAtLeast(v, min)).toBe(expected))
})

describe('generatePassword', () => {
  it('is long, mixes character classes and never repeats', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const p = generatePassword()
      expect(p).toHaveLength(24)
      expect(p).toMatch(/[A-Z]/)
      expect(p).toMatch(/[a-z]/)
      expect(p).toMatch(/[0-9]/)
      expect(p).toMatch(/[!#%+=?@]/)
      seen.add(p)
    }
    expect(seen.size).toBe(200)
  })
})

const record = (over: Partial<ConsoleRecord>): ConsoleRecord => ({
  key: `${over.host}:443`,
  host: '10.0.0.1',
  port: 443,
  kind: 'unifi-os',
  model: 'UDMPRO',
  name: 'UDM',
  mac: null,
  certificateSha256: 'AA',
  lastSeen: '2026-11-22T10:00:00Z',
  apps: ['network', 'protect'],
  ...over,
})

describe('picking the console that runs the app', () => {
  const udm = record({ host: '10.0.0.1', name: 'Dream Machine Pro', apps: ['network', 'protect'] })
  const unvr = record({
    host: '10.0.0.2',
    name: 'NVR',
    model: 'UNVR',
    apps: ['protect'],
    lastSeen: '2026-11-22T09:00:00Z',
  })

  it('prefers the recorder for Protect before sign-in, and camera counts once known', () => {
    expect(rankHosts('protect', [udm, unvr]).ranked.map((r) => r.console.name)).toEqual(['NVR', 'Dream Machine Pro'])
    const counted = rankHosts('protect', [udm, unvr], { [udm.key]: 4, [unvr.key]: 0 })
    expect(counted.ranked[0]!.console.name).toBe('Dream Machine Pro')
    expect(counted.ranked[1]!.reason).toMatch(/no cameras/)
  })

  it('never offers a console that does not run the app', () => {
    expect(rankHosts('network', [udm, unvr]).ranked.map((r) => r.console.name)).toEqual(['Dream Machine Pro'])
    expect(rankHosts('access', [udm, unvr]).ranked).toEqual([])
  })

  it('explains the "Invalid authentication" trap when the user picks the wrong console', () => {
    expect(explainPick('protect', udm, [udm, unvr])).toMatch(/cameras are most likely on NVR \(10\.0\.0\.2\)/)
    expect(explainPick('network', unvr, [udm, unvr])).toMatch(
      /UniFi Network does not run on NVR .*Invalid authentication/,
    )
    expect(explainPick('protect', unvr, [udm, unvr])).toBeNull()
  })
})
