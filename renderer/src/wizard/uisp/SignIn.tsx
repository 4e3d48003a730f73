// UISP step 3: sign in, with the TOTP code when the account has 2FA. The password
// and the code live only in this screen's state.
import { CodeField, CredentialFields } from '../../components/SignInFields.tsx'
import { LockCountdown, SignInActions } from '../sign-in-parts.tsx'
import { useId, useRef, type ReactNode } from 'react'
import { Actions, Callout, Screen } from '../parts.tsx'
import { useLockCountdown, useSignInForm } from '../sign-in-form.ts'
import type { KeywardError } from '../../../../shared/result.ts'
import { useUispWizard } from './context.ts'

export function SignIn() {
  const probe = useUispWizard((s) => s.probe)
  const signIn = useUispWizard((s) => s.signIn)
  const goTo = useUispWizard((s) => s.goTo)
  const storeError = useUispWizard((s) => s.error)
  const ids = useId()
  const passwordRef = useRef<HTMLInputElement>(null)
  const { lockLeft, lockFrom } = useLockCountdown()
  const locked = lockLeft > 0
  const where = probe ? `UISP at ${probe.address.key}` : 'UISP'
  const form = useSignInForm({
    signIn,
    codeMessage: 'Enter the 6 digits your authenticator app shows.',
    initialError: storeError?.code === 'session-expired' ? storeError : null,
    blocked: locked,
    onFailure(error, cleared) {
      if (error.code === 'locked-out') lockFrom(error)
      // A refused password: the username stays, the empty password field has focus.
      if (cleared) passwordRef.current?.focus()
    },
  })
  const { phase, username, setUsername, password, setPassword, pending, error, submit } = form

  const message = <SignInMessage error={error} lockLeft={lockLeft} />

  if (phase === 'mfa') return <MfaScreen form={form} ids={ids} where={where} message={message} />

  return (
    <Screen key="signin" id="uisp-signin" title={`Sign in to ${where}`}>
      <p className="lead">
        Use a UISP user account (Settings → Users). Keyward signs in once to make the token; a user can only make tokens
        of its own scope or lower. Your password is not stored anywhere.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <CredentialFields
          id={ids}
          userLabel="Username"
          username={username}
          password={password}
          onUsername={setUsername}
          onPassword={setPassword}
          passwordRef={passwordRef}
          rejected={error?.code === 'invalid-credentials'}
        />
        <div className="message-slot">{message}</div>
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

function SignInMessage({ error, lockLeft }: { error: KeywardError | null; lockLeft: number }) {
  if (!error) return null
  return (
    <Callout
      tone={error.code === 'locked-out' ? 'warn' : 'danger'}
      alert
      title={error.code === 'invalid-credentials' ? 'Not signed in' : 'Sign-in failed'}
    >
      <p data-testid="signin-error">{error.message}</p>
      {error.code === 'locked-out' && <LockCountdown lockLeft={lockLeft} />}
    </Callout>
  )
}

/** The second screen: the 2FA code, with the password kept for it (the console needs both together). */
function MfaScreen({
  form,
  ids,
  where,
  message,
}: {
  form: ReturnType<typeof useSignInForm>
  ids: string
  where: string
  message: ReactNode
}) {
  const { username, code, setCode, pending, error, submit, back } = form
  return (
    <Screen key="mfa" id="uisp-mfa" title="Enter the two-factor code">
      <p className="lead">
        {username} uses two-factor authentication. Enter the current code from your authenticator app for {where}.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <CodeField
          id={ids}
          code={code}
          onCode={setCode}
          hint="6 digits. Codes change every 30 seconds."
          rejected={error !== null}
        />
        <div className="message-slot">{message}</div>
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
