// "Enter an address" beside a list of found hosts (consoles, UISP servers): what
// the user pastes is checked by the core, which keeps only host and port; the
// field keeps the text when it is refused, so nothing typed is lost, and takes
// the focus back so the user can correct it (issue 17); the refusal says what to
// check (ErrorText).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import type { KeywardError } from '../../../shared/result.ts'
import { AddressHint, AddressInput } from './AddressInput.tsx'
import { ErrorText } from './ErrorText.tsx'

export function AddressEntry({
  label,
  placeholder,
  running,
  error,
  onAdd,
  heading = 'Enter an address',
}: {
  heading?: string
  label: string
  placeholder: string
  running: boolean
  error: KeywardError | null
  /** Checks the address; true when it joined the list. */
  onAdd: (address: string) => Promise<boolean>
}) {
  const [address, setAddress] = useState('')
  const [added, setAdded] = useState<string | null>(null)
  const inputId = useId()
  const hintId = useId()
  const errorId = useId()
  const inputRef = useRef<HTMLInputElement>(null)
  // A refusal puts the focus back in the field, with what was typed still there.
  useEffect(() => {
    if (error) inputRef.current?.focus()
  }, [error])
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (address.trim() === '' || running) return
    const typed = address
    setAdded(null)
    if (await onAdd(typed)) {
      setAddress('')
      setAdded(typed.trim())
    }
  }
  return (
    <form className="manual" onSubmit={(e) => void submit(e)} aria-labelledby={`${inputId}-heading`}>
      <h3 id={`${inputId}-heading`}>{heading}</h3>
      <label htmlFor={inputId}>{label}</label>
      <div className="row">
        <AddressInput
          id={inputId}
          hintId={hintId}
          ref={inputRef}
          placeholder={placeholder}
          value={address}
          onChange={setAddress}
          invalid={error !== null}
          errorId={errorId}
        />
        <button type="submit" className="button secondary" disabled={running || address.trim() === ''}>
          {running ? 'Checking…' : 'Add'}
        </button>
      </div>
      <AddressHint id={hintId} />
      <div className="field-message" aria-live="polite">
        {error ? (
          <div className="field-error" role="alert">
            <ErrorText error={error} messageId={errorId} />
          </div>
        ) : added ? (
          <p className="field-ok">Checked {added}; it is in the list above.</p>
        ) : null}
      </div>
    </form>
  )
}
