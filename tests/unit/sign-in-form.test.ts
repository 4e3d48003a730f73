// The sign-in form's rules shared by the UniFi and UISP screens (renderer/src/wizard/sign-in-form.ts):
// what the console's answer does to the form, and when a lock-out's countdown ends.
import { describe, expect, it } from 'vitest'
import type { KeywardError } from '../../shared/result.ts'
import { afterAnswer, lockEnd, secondsLeft } from '../../renderer/src/wizard/sign-in-form.ts'

const refused = (code: KeywardError['code']) => ({ ok: false as const, error: { code, message: 'no' } })

describe('afterAnswer', () => {
  it('an account with 2FA moves to the code screen and keeps the password for it', () => {
    expect(afterAnswer('credentials', { ok: true, value: { state: 'mfa-required' } })).toEqual({
      phase: 'mfa',
      clearPassword: false,
    })
  })
  it('signed in: the password is cleared', () => {
    expect(afterAnswer('mfa', { ok: true, value: { state: 'signed-in' } })).toEqual({
      phase: 'mfa',
      clearPassword: true,
    })
    expect(afterAnswer('credentials', { ok: true, value: { state: 'signed-in' } }).clearPassword).toBe(true)
  })
  it('a wrong 2FA code stays on the code screen; a wrong password or any other refusal starts over with no password', () => {
    expect(afterAnswer('mfa', refused('invalid-credentials'))).toEqual({ phase: 'mfa', clearPassword: false })
    expect(afterAnswer('credentials', refused('invalid-credentials'))).toEqual({
      phase: 'credentials',
      clearPassword: true,
    })
    expect(afterAnswer('mfa', refused('locked-out'))).toEqual({ phase: 'credentials', clearPassword: true })
    expect(afterAnswer('mfa', refused('unreachable'))).toEqual({ phase: 'credentials', clearPassword: true })
  })
})

describe('the lock-out countdown', () => {
  const now = Date.parse('2026-12-03T08:00:00Z')
  it("counts down to the core's `until` when it is given", () => {
    const end = lockEnd({ code: 'locked-out', message: 'Sign-ins are paused.', until: '2026-12-03T08:05:00Z' }, now)
    expect(secondsLeft(end, now)).toBe(300)
    expect(secondsLeft(end, now + 299_500)).toBe(1)
    expect(secondsLeft(end, now + 300_000)).toBe(0)
  })
  it('without `until`: the seconds the message names, else a minute', () => {
    expect(secondsLeft(lockEnd({ code: 'locked-out', message: 'Try again in 90 s.' }, now), now)).toBe(90)
    expect(secondsLeft(lockEnd({ code: 'locked-out', message: 'Paused.', detail: 'retry-after 15' }, now), now)).toBe(
      15,
    )
    expect(secondsLeft(lockEnd({ code: 'locked-out', message: 'Paused.' }, now), now)).toBe(60)
  })
  it('no lock: nothing to wait for', () => {
    expect(secondsLeft(null, now)).toBe(0)
  })
})
