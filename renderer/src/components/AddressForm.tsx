// A console's address (Settings → trusted consoles): what was typed stays after a
// failed check, the field is marked and takes the focus back (issue 17); the
// failure itself is shown by ProbeResult.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import type { KeywardError } from '../../../shared/result.ts'
import { AddressHint, AddressInput } from './AddressInput.tsx'

export function AddressForm(props: {
  busy: boolean
  onSubmit(address: string): void
  /** The last check of this address failed: the field is at fault. */
  error?: KeywardError | null
}) {
  const [address, setAddress] = useState('')
  const inputId = useId()
  const hintId = useId()
  const inputRef = useRef<HTMLInputElement>(null)
  const failed = props.error != null
  useEffect(() => {
    if (failed) inputRef.current?.focus()
  }, [failed, props.error])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (address.trim() !== '') props.onSubmit(address)
  }
  return (
    <form className="address-form" onSubmit={submit} aria-label="Add a console by address">
      <label htmlFor={inputId}>Console address</label>
      <div className="row">
        <AddressInput
          id={inputId}
          hintId={hintId}
          ref={inputRef}
          placeholder="192.168.1.1 or unvr.lan:443"
          value={address}
          onChange={setAddress}
          invalid={failed}
        />
        <button type="submit" disabled={props.busy || address.trim() === ''}>
          {props.busy ? 'Checking…' : 'Check console'}
        </button>
      </div>
      <AddressHint id={hintId} />
    </form>
  )
}
