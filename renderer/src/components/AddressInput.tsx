// The address field both address forms use (AddressEntry beside found hosts, AddressForm in Settings): any
// text from a browser's address bar is accepted (the core keeps only host and port), and the hint says so.
import type { Ref } from 'react'

export function AddressInput({
  ref,
  id,
  hintId,
  placeholder,
  value,
  onChange,
  invalid,
  errorId,
}: {
  ref: Ref<HTMLInputElement>
  id: string
  hintId: string
  placeholder: string
  value: string
  onChange: (value: string) => void
  /** The last check of this address failed: the field is marked, and described by the error too. */
  invalid: boolean
  errorId?: string
}) {
  return (
    <input
      ref={ref}
      id={id}
      name="address"
      type="text"
      inputMode="url"
      autoComplete="off"
      spellCheck={false}
      placeholder={placeholder}
      aria-describedby={invalid && errorId ? `${errorId} ${hintId}` : hintId}
      aria-invalid={invalid || undefined}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  )
}

export function AddressHint({ id }: { id: string }) {
  return (
    <p id={id} className="hint">
      Paste anything from the browser’s address bar; Keyward keeps only the host and port.
    </p>
  )
}
