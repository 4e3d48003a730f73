// Sign in to a console or UISP server when an action needs a live session:
// rotating or revoking a key made with the user's own account, or reading a
// server's UISP key. The same rules as the wizard's sign-in: the password and
// the 2FA code live only in this component's state and are cleared as soon as
// the host has answered.
import { CodeField, CredentialFields } from '../components/SignInFields.tsx'
import { useId, useRef, useState, type FormEvent } from 'react'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import { Callout } from '../wizard/parts.tsx'
import { Dialog } from './Dialog.tsx'

export type SignInCall = (input: {
  key: string
  username: string
  password: string
  mfaCode?: string
}) => Promise<Outcome<{ state: 'signed-in' | 'mfa-required' }>>

interface SignInDialogProps {
  consoleKey: string
  consoleName: string
  /** The host's sign-in (console or UISP server). */
  signIn: SignInCall
  /** Which account the action needs, in words. */
  who?: string
  onClose: (signedIn: boolean) => void
  fallbackFocus: () => HTMLElement | null
}

export function SignInDialog({ consoleKey, consoleName, signIn, who, onClose, fallbackFocus }: SignInDialogProps) {
  const ids = useId()
  const form = useSignInForm(consoleKey, signIn, onClose)
  const { phase, username, password, code, pending, error } = form

  return (
    <Dialog
      title={`Sign in to ${consoleName}`}
      onClose={() => onClose(false)}
      fallbackFocus={fallbackFocus}
      testId="signin-dialog"
      description={
        <p>
          Use {who ?? 'the console’s owner account or another Super Admin'}. Keyward uses the session for this one
          action and does not store your password.
        </p>
      }
    >
      <form className="form" onSubmit={(e) => void form.submit(e)} noValidate>
        {phase === 'credentials' ? (
          <CredentialFields
            id={ids}
            username={username}
            password={password}
            onUsername={form.setUsername}
            onPassword={form.setPassword}
            passwordRef={form.passwordRef}
            rejected={error?.code === 'invalid-credentials'}
            autoFocus
          />
        ) : (
          <CodeField
            id={ids}
            code={code}
            onCode={form.setCode}
            codeRef={form.codeRef}
            hint="6 to 8 digits from your authenticator app."
          />
        )}
        <div className="message-slot">{error && <SignInError error={error} />}</div>
        <div className="actions dialog-actions">
          <button type="button" className="button secondary" onClick={() => onClose(false)}>
            Cancel
          </button>
          <button
            type="submit"
            className="button primary"
            aria-disabled={pending || !username.trim() || !password || undefined}
          >
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** The sign-in's state and its submit: the password and code are cleared as soon as the host has answered. */
function useSignInForm(consoleKey: string, signIn: SignInCall, onClose: (signedIn: boolean) => void) {
  const [phase, setPhase] = useState<'credentials' | 'mfa'>('credentials')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<KeywardError | null>(null)
  const passwordRef = useRef<HTMLInputElement>(null)
  const codeRef = useRef<HTMLInputElement>(null)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (pending || !username.trim() || !password) return
    if (phase === 'mfa' && !/^\d{6,8}$/.test(code)) {
      setError({ code: 'invalid-input', message: 'Enter the 6 to 8 digits your authenticator app shows.' })
      codeRef.current?.focus()
      return
    }
    setPending(true)
    setError(null)
    const outcome = await signIn({
      key: consoleKey,
      username: username.trim(),
      password,
      ...(phase === 'mfa' ? { mfaCode: code } : {}),
    })
    setPending(false)
    setCode('')
    if (outcome.ok && outcome.value.state === 'mfa-required') {
      setPhase('mfa')
      setTimeout(() => codeRef.current?.focus(), 0)
      return
    }
    if (outcome.ok) {
      setPassword('')
      onClose(true)
      return
    }
    setError(outcome.error)
    setPassword('')
    setPhase('credentials')
    passwordRef.current?.focus()
  }

  return {
    phase,
    username,
    setUsername,
    password,
    setPassword,
    code,
    setCode,
    pending,
    error,
    passwordRef,
    codeRef,
    submit,
  }
}

function SignInError({ error }: { error: KeywardError }) {
  return (
    <Callout
      tone={error.code === 'locked-out' ? 'warn' : 'danger'}
      alert
      title={error.code === 'locked-out' ? 'Sign-ins are paused' : 'Not signed in'}
    >
      <p data-testid="signin-error">{error.message}</p>
    </Callout>
  )
}
