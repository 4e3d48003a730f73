// A sign-in lock-out belongs to the console (issue 14 §2; unifi-os.md §2 Failures: 429
// AUTHENTICATION_FAILED_LIMIT_REACHED, "each new login attempt extends the timer"). Once one
// path learns of the lock, rotate, revoke, the usage read, the re-login inside a session and
// the wizard's sign-in send no login until it ends, and all report the same end. Logins are
// counted at the simulator; the test waits for conditions and asserts no durations.
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { ProvisionOutcome } from '../../shared/domain.ts'
import type { KeywardError, Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

const core = makeCore()
afterAll(async () => {
  await core.close()
  core.dispose()
})

const errorOf = (outcome: Outcome<unknown>): KeywardError => {
  if (outcome.ok) throw new Error('expected a failure, got a result')
  return outcome.error
}
/** The end of the lock in the sentence every screen shows. */
const shownEnd = (e: KeywardError) => /Try again after (\S+)/.exec(e.message)?.[1]

describe('a console that locked sign-ins', () => {
  it('gets no login from any path until the lock ends; all name one end', { timeout: 30_000 }, async () => {
    const sim = await startConsole('unvr', { auth: { lockout: { maxFailures: 2, lockSeconds: 2 } } })
    const key = `127.0.0.1:${sim.port}`
    const owner = { key, username: OWNER_USERNAME, password: OWNER_PASSWORD }
    type Mode = 'dedicated-user' | 'signed-in-admin'
    const provision = async (mode: Mode, username: string, keyName: string) => {
      const input = { key, app: 'protect', mode, username, keyName } as const
      return (await core.invoke('provision.run', input)) as Outcome<ProvisionOutcome>
    }
    // Trust, owner sign-in (throws unless both succeed), then the dedicated user's key.
    const run = await provisionedKey(core, key, { keyName: 'ha' })
    expect(run.outcome).toMatchObject({ failure: null, check: { status: 'ok' } })
    const made = run.key

    // The dedicated user's password was changed on the console: rotations fail until it locks.
    const dedicated = [...sim.state.users.values()].find((u) => u.username === 'keyward-ha')!
    const stored = dedicated.password
    dedicated.password = 'changed-on-the-console-1'
    for (let i = 0; i < 2; i++) {
      expect(errorOf(await core.invoke('keys.rotate', { id: made.id })).code).toBe('invalid-credentials')
    }
    const first = errorOf(await core.invoke('keys.rotate', { id: made.id }))
    expect(first).toMatchObject({ code: 'locked-out', message: expect.stringMatching(/has paused sign-ins/) })
    expect(first.until).toEqual(expect.any(String))
    const sent = sim.state.loginAttempts

    // While locked: rotate, revoke, the usage read, the wizard's sign-in and a session's re-login.
    const rotate = errorOf(await core.invoke('keys.rotate', { id: made.id }))
    const revoke = errorOf(await core.invoke('keys.revoke', { id: made.id }))
    const usage = await core.invoke('keys.usage', { force: true })
    const wizard = errorOf(await core.invoke('console.signIn', owner))
    sim.expireSessions()
    const relogin = await provision('signed-in-admin', OWNER_USERNAME, 'again')
    expect(sim.state.loginAttempts).toBe(sent)
    for (const e of [rotate, revoke, wizard]) {
      expect(e).toMatchObject({ code: 'locked-out', until: first.until, retryAfterSeconds: expect.any(Number) })
      expect(shownEnd(e)).toBe(shownEnd(first))
    }
    expect(usage).toMatchObject({ ok: true })
    expect(relogin.ok ? relogin.value.failure?.code : relogin.error.code).toBe('locked-out')
    expect(core.keys.list().map((k) => k.id)).toContain(made.id) // the revoke sent nothing and forgot nothing

    // After the lock: the next sign-in is sent and works; the usage read signs in again.
    const ended = () => expect(Date.now()).toBeGreaterThan(Date.parse(first.until!))
    await vi.waitFor(ended, { timeout: 10_000, interval: 100 })
    expect(sim.state.loginAttempts).toBe(sent) // nothing was sent by itself meanwhile
    dedicated.password = stored
    expect(await core.invoke('console.signIn', owner)).toMatchObject({ ok: true, value: { state: 'signed-in' } })
    expect(sim.state.loginAttempts).toBe(sent + 1)
    await core.invoke('keys.usage', { force: true })
    expect(sim.state.loginAttempts).toBe(sent + 2)
    expect(await core.invoke('keys.rotate', { id: made.id })).toMatchObject({ ok: true })
  })
})
