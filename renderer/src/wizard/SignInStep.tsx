// Sign in as Owner or Super Admin. The password and the 2FA code live only in
// this component's state: never in the store, never in storage, and cleared as
// soon as the console has answered (the password is kept between the first
// answer and the 2FA code only because the console needs both together).
import { CodeField, CredentialFields } from '../components/SignInFields.tsx'
import { LockCountdown, SignInActions } from './sign-in-parts.tsx'
import { useId, useRef } from 'react'
import type { KeywardError } from '../../../shared/result.ts'
import { useWizard } from './context.ts'
import { Actions, Callout, Screen } from './parts.tsx'
import { useLockCountdown, useSignInForm } from './sign-in-form.ts'

export function SignInStep() {
  const target = useWizard((s) => s.target)
  const signIn = useWizard((s) => s.signIn)
  const goTo = useWizard((s) => s.goTo)
  const { lockLeft, lockFrom } = useLockCountdown()
  const locked = lockLeft > 0
  const ids = useId()
  const passwordRef = useRef<HTMLInputElement>(null)
  const form = useSignInForm({
    signIn,
    codeMessage: 'Enter the 6 to 8 digits your authenticator app shows.',
    blocked: locked,
    onFailure(error, cleared) {
      if (error.code === 'locked-out') lockFrom(error)
      if (cleared) passwordRef.current?.focus() // back to the first screen with an empty password; the username stays
    },
  })
  const { phase, username, setUsername, password, setPassword, code, setCode, pending, error, submit, back } = form
  const name = target?.name ?? target?.host ?? 'the console'

  if (phase === 'mfa') {
    return (
      <Screen key="mfa" id="mfa" title="Enter the two-factor code">
        <p className="lead">
          {username} uses two-factor authentication. Enter the current code from your authenticator app for {name}.
        </p>
        <form className="form" onSubmit={(e) => void submit(e)}>
          <CodeField id={ids} code={code} onCode={setCode} rejected={error !== null} />
          <SignInError error={error} lockLeft={lockLeft} />
          <Actions>
            <button type="button" className="button secondary" onClick={back}>
              Back
            </button>
            <button type="submit" className="button primary" disabled={pending || code.length < 6}>
              {pending ? 'Checking…' : 'Verify'}
            </button>
          </Actions>
        </form>
      </Screen>
    )
  }

  return (
    <Screen key="signin" id="signin" title={`Sign in to ${name}`}>
      <p className="lead">
        Use the console’s owner account or another Super Admin. Keyward signs in once to create a dedicated user and its
        key; your password is not stored anywhere.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <CredentialFields
          id={ids}
          username={username}
          password={password}
          onUsername={setUsername}
          onPassword={setPassword}
          passwordRef={passwordRef}
          rejected={error?.code === 'invalid-credentials'}
        />
        <SignInError error={error} lockLeft={lockLeft} />
        <SignInActions
          onBack={() => goTo('find')}
          pending={pending}
          lockLeft={lockLeft}
          ready={username.trim() !== '' && password !== ''}
        />
      </form>
    </Screen>
  )
}

function SignInError({ error, lockLeft }: { error: KeywardError | null; lockLeft: number }) {
  return (
    <div className="message-slot">
      {error && (
        <Callout tone={error.code === 'locked-out' ? 'warn' : 'danger'} alert title={titleOf(error)}>
          <p data-testid="signin-error">{error.message}</p>
          {error.code === 'locked-out' && <LockCountdown lockLeft={lockLeft} />}
          {error.code === 'forbidden' && (
            <p>
              API keys can only be made by the console’s owner or a Super Admin. In UniFi OS, Admins &amp; Users shows
              each account’s role.
            </p>
          )}
          {error.code === 'invalid-credentials' && (
            <p>After several wrong attempts the console pauses sign-ins for a while.</p>
          )}
        </Callout>
      )}
    </div>
  )
}

function titleOf(error: KeywardError): string {
  switch (error.code) {
    case 'invalid-credentials':
      return 'Not signed in'
    case 'locked-out':
      return 'Sign-ins are paused'
    case 'forbidden':
      return 'This account cannot make keys'
    default:
      return 'Sign-in failed'
  }
}
