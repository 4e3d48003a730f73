// The pieces both sign-in screens (UniFi and UISP) show the same way: the
// buttons under the credentials (Sign in waits out a lock-out, counting down
// in the button) and the one lock-out countdown line.
import { Actions } from './parts.tsx'

export function SignInActions({
  onBack,
  pending,
  lockLeft,
  ready,
}: {
  onBack(): void
  pending: boolean
  lockLeft: number
  /** Username and password are filled in. */
  ready: boolean
}) {
  const locked = lockLeft > 0
  return (
    <Actions>
      <button type="button" className="button secondary" onClick={onBack}>
        Back
      </button>
      <button type="submit" className="button primary" disabled={pending || locked || !ready}>
        {pending ? 'Signing in…' : locked ? `Wait ${lockLeft} s` : 'Sign in'}
      </button>
    </Actions>
  )
}

/** The one countdown of a lock-out; Keyward never tries again by itself. */
export function LockCountdown({ lockLeft }: { lockLeft: number }) {
  return (
    <p className="countdown" data-testid="lock-countdown">
      {lockLeft > 0 ? `You can try again in ${lockLeft} s. Keyward will not try on its own.` : 'You can try again now.'}
    </p>
  )
}
