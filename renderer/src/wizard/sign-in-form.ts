// The sign-in screens' form, shared by the UniFi and UISP paths: credentials,
// then the 2FA code when the account asks for it, and (UniFi) the lock-out
// countdown. The password and code live only in the screen's state, never in
// a store; the pure rules (what an answer does to the form, when a lock ends)
// are exported for tests.
import { useState, type FormEvent } from 'react'
import type { SignInResult } from '../../../shared/domain.ts'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import { useNow } from '../hooks.ts'
import { lockSeconds } from './model.ts'

export type SignInPhase = 'credentials' | 'mfa'

/** What the console's answer does to the form: the next phase, and whether the password is cleared. */
export function afterAnswer(
  phase: SignInPhase,
  outcome: Outcome<{ state: string }>,
): { phase: SignInPhase; clearPassword: boolean } {
  if (outcome.ok)
    return outcome.value.state === 'mfa-required'
      ? { phase: 'mfa', clearPassword: false }
      : { phase, clearPassword: true }
  // A wrong 2FA code keeps the password for the next code; anything else starts over with the username kept.
  if (phase === 'mfa' && outcome.error.code === 'invalid-credentials') return { phase: 'mfa', clearPassword: false }
  return { phase: 'credentials', clearPassword: true }
}

/** When a lock-out ends (ms): the core's `until`, the one end every screen counts down to; else its seconds, else a minute. */
export function lockEnd(error: KeywardError, now: number): number {
  const until = error.until ? Date.parse(error.until) : Number.NaN
  return Number.isNaN(until) ? now + (lockSeconds(error, now) ?? 60) * 1000 : until
}

export const secondsLeft = (end: number | null, now: number): number =>
  end === null ? 0 : Math.max(0, Math.ceil((end - now) / 1000))

/** The seconds left of a lock-out, counting down; `lockFrom` starts it from a `locked-out` error. */
export function useLockCountdown(): { lockLeft: number; lockFrom(error: KeywardError): void } {
  const [lockedUntil, setLockedUntil] = useState<number | null>(null)
  const now = useNow(lockedUntil !== null)
  return { lockLeft: secondsLeft(lockedUntil, now), lockFrom: (error) => setLockedUntil(lockEnd(error, Date.now())) }
}

type SignIn = (input: {
  username: string
  password: string
  mfaCode?: string
}) => Promise<Outcome<SignInResult | { state: string }>>

export interface SignInFormOptions {
  signIn: SignIn
  /** Said when the code is not 6 to 8 digits. */
  codeMessage: string
  /** No submit while true (a lock-out is counting down). */
  blocked?: boolean
  initialError?: KeywardError | null
  /** After a refused sign-in, once the form has been reset. */
  onFailure?(error: KeywardError, cleared: boolean): void
}

export function useSignInForm({
  signIn,
  codeMessage,
  blocked = false,
  initialError = null,
  onFailure,
}: SignInFormOptions) {
  const [phase, setPhase] = useState<SignInPhase>('credentials')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<KeywardError | null>(initialError)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (pending || blocked || !username.trim() || !password) return
    if (phase === 'mfa' && !/^\d{6,8}$/.test(code)) return setError({ code: 'invalid-input', message: codeMessage })
    setPending(true)
    setError(null)
    const outcome = await signIn({ username: username.trim(), password, ...(phase === 'mfa' ? { mfaCode: code } : {}) })
    setPending(false)
    setCode('')
    const next = afterAnswer(phase, outcome)
    if (next.clearPassword) setPassword('') // signed in: the screen goes away, nothing stays behind
    setPhase(next.phase)
    if (outcome.ok) return
    setError(outcome.error)
    onFailure?.(outcome.error, next.clearPassword)
  }

  const back = () => {
    setPhase('credentials')
    setPassword('')
    setCode('')
    setError(null)
  }

  return { phase, username, setUsername, password, setPassword, code, setCode, pending, error, submit, back }
}
