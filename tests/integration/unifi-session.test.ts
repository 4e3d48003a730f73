// The console sign-in and session against the simulator: every login outcome
// and session knob of unifi-os.md §2.
import { describe, expect, it } from 'vitest'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
} from '../simulators/console/presets.ts'
import { failureOf, ownerSession, startConsole, targetOf } from '../support/consoles.ts'

describe('signing in', () => {
  it('signs in as the owner and knows who that is', async () => {
    const sim = await startConsole('udm-pro')
    const session = new ConsoleSession(targetOf(sim))
    const outcome = await session.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD })
    expect(outcome).toMatchObject({
      state: 'signed-in',
      user: { username: OWNER_USERNAME, isOwner: true, isSuperAdmin: true },
    })
    expect((await session.call('GET', '/api/users/self')).status).toBe(200)
  })

  it.each([
    ['the UOS_TOKEN cookie (UniFi OS 4)', { auth: { cookieName: 'UOS_TOKEN' as const } }],
    ['CSRF carried only inside the JWT', { auth: { csrfInJwtOnly: true } }],
    ['both at once', { auth: { cookieName: 'UOS_TOKEN' as const, csrfInJwtOnly: true } }],
  ])('keeps a working session with %s', async (_label, overrides) => {
    const sim = await startConsole('udm-pro', overrides)
    const session = await ownerSession(sim)
    // Non-GET calls need the CSRF token; three in a row prove rotation is followed.
    for (const name of ['a', 'b', 'c']) await mintKey(session, `key-${name}`)
    expect([...sim.state.apiKeys.values()].map((k) => k.name)).toEqual(['key-a', 'key-b', 'key-c'])
  })

  it.each([403, 401] as const)(
    'says plainly that username or password is wrong (console answers %i)',
    async (status) => {
      const sim = await startConsole('udm-pro', { auth: { badCredentialsStatus: status } })
      const error = await failureOf(
        new ConsoleSession(targetOf(sim)).login({ username: OWNER_USERNAME, password: 'wrong' }),
      )
      expect(error.code).toBe('invalid-credentials')
      expect(error.message).toMatch(/did not accept that username and password/)
      expect(error.message).toMatch(/local account/)
    },
  )

  it('asks for a 2FA code for a cloud-linked account, then signs in with it', async () => {
    const sim = await startConsole('udm-pro')
    const session = new ConsoleSession(targetOf(sim))
    const credentials = { username: CLOUD_USERNAME, password: CLOUD_PASSWORD }
    expect(await session.login(credentials)).toEqual({ state: 'mfa-required', methods: ['totp'] })
    const wrong = await failureOf(session.login(credentials, '000000'))
    expect(wrong).toMatchObject({
      code: 'invalid-credentials',
      message: expect.stringMatching(/two-factor code was not accepted/),
    })
    expect(await session.login(credentials)).toMatchObject({ state: 'mfa-required' })
    expect(await session.login(credentials, CLOUD_MFA_CODE)).toMatchObject({
      state: 'signed-in',
      user: { username: CLOUD_USERNAME },
    })
  })

  it('stops at a lock-out, says when to try again, and does not extend it by retrying', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z')
    const clock = () => now
    const sim = await startConsole('udm-pro', { auth: { lockout: { maxFailures: 3, lockSeconds: 60 } } }, clock)
    const session = new ConsoleSession(targetOf(sim), { now: clock })
    for (let i = 0; i < 3; i++) {
      expect((await failureOf(session.login({ username: OWNER_USERNAME, password: 'nope' }))).code).toBe(
        'invalid-credentials',
      )
    }
    const locked = await failureOf(session.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD }))
    expect(locked.code).toBe('locked-out')
    expect(locked.message).toMatch(/in 60 s/)
    const lockEnds = () => [...sim.state.loginLockout.entries.values()][0]!.lockedUntil

    const before = lockEnds()
    now += 30_000
    const again = await failureOf(session.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD }))
    expect(again.code).toBe('locked-out')
    expect(again.message).toMatch(/in 30 s/)
    expect(lockEnds()).toBe(before) // the console never heard of the second attempt

    now += 31_000
    expect(await session.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD })).toMatchObject({
      state: 'signed-in',
    })
  })

  it('explains a console that is still starting up', async () => {
    const sim = await startConsole('unvr', { booting: true })
    const error = await failureOf(
      new ConsoleSession(targetOf(sim)).login({ username: OWNER_USERNAME, password: OWNER_PASSWORD }),
    )
    expect(error.code).toBe('bad-reply')
    expect(error.message).toMatch(/still starting up/)
  })

  it('renews an expired session once, transparently', async () => {
    const sim = await startConsole('unvr')
    const session = await ownerSession(sim)
    sim.expireSessions()
    expect((await session.call('GET', '/api/users/self')).status).toBe(200)
    expect([...sim.state.sessions.values()].filter((s) => !s.loggedOut).length).toBeGreaterThanOrEqual(2)
  })

  it('gives up when renewal is impossible (password changed meanwhile)', async () => {
    const sim = await startConsole('unvr')
    const session = await ownerSession(sim)
    sim.expireSessions()
    for (const user of sim.state.users.values()) user.password = 'changed-elsewhere-1'
    expect((await failureOf(session.call('GET', '/api/users/self'))).code).toBe('invalid-credentials')
    expect(session.signedIn).toBe(false)
  })

  it('logs out on the console and forgets the session', async () => {
    const sim = await startConsole('unvr')
    const session = await ownerSession(sim)
    await session.logout()
    expect([...sim.state.sessions.values()].every((s) => s.loggedOut)).toBe(true)
    expect((await failureOf(session.call('GET', '/api/users/self'))).code).toBe('session-expired')
  })

  it('sends nothing once the console presents another certificate', async () => {
    const sim = await startConsole('unvr')
    const session = await ownerSession(sim)
    const sessionsBefore = sim.state.sessions.size
    await sim.replaceCertificate()
    const error = await failureOf(session.call('POST', '/proxy/users/api/v2/user/self/keys', { name: 'x' }))
    expect(error.code).toBe('certificate-changed')
    expect(sim.state.apiKeys.size).toBe(0)
    expect(sim.state.sessions.size).toBe(sessionsBefore)
  })
})
