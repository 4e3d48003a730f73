// The fields of every sign-in Keyward asks for (a console, a UISP server; in the
// wizard or a dialog): username and password, then the two-factor code. The
// values live in the caller's state, which clears them once the host answers.
import type { Ref } from 'react'

export function CredentialFields({
  id,
  username,
  password,
  onUsername,
  onPassword,
  userLabel = 'Username or email',
  passwordRef,
  rejected,
  autoFocus,
}: {
  id: string
  username: string
  password: string
  onUsername: (value: string) => void
  onPassword: (value: string) => void
  userLabel?: string
  passwordRef?: Ref<HTMLInputElement>
  /** The host refused these credentials: mark the password field. */
  rejected?: boolean
  /** Focus the username when shown (dialogs). */
  autoFocus?: boolean
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-user`}>{userLabel}</label>
        <input
          id={`${id}-user`}
          name="username"
          type="text"
          autoComplete="username"
          spellCheck={false}
          data-autofocus={autoFocus || undefined}
          value={username}
          onChange={(e) => onUsername(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          ref={passwordRef}
          name="password"
          type="password"
          autoComplete="current-password"
          aria-invalid={rejected || undefined}
          value={password}
          onChange={(e) => onPassword(e.target.value)}
        />
      </div>
    </>
  )
}

export function CodeField({
  id,
  code,
  onCode,
  codeRef,
  hint = '6 to 8 digits. Codes change every 30 seconds.',
  rejected,
}: {
  id: string
  code: string
  onCode: (value: string) => void
  codeRef?: Ref<HTMLInputElement>
  hint?: string
  rejected?: boolean
}) {
  return (
    <div className="field">
      <label htmlFor={`${id}-code`}>Two-factor code</label>
      <input
        id={`${id}-code`}
        ref={codeRef}
        className="code-input"
        name="one-time-code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="\d{6,8}"
        maxLength={8}
        aria-describedby={`${id}-code-hint`}
        aria-invalid={rejected || undefined}
        value={code}
        onChange={(e) => onCode(e.target.value.replace(/\D/g, ''))}
      />
      <p id={`${id}-code-hint`} className="hint">
        {hint}
      </p>
    </div>
  )
}
