import { useId, useState, type FormEvent } from 'react'

export function AddressForm(props: { busy: boolean; onSubmit(address: string): void }) {
  const [address, setAddress] = useState('')
  const inputId = useId()
  const hintId = useId()
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (address.trim() !== '') props.onSubmit(address)
  }
  return (
    <form className="address-form" onSubmit={submit} aria-label="Add a console by address">
      <label htmlFor={inputId}>Console address</label>
      <div className="row">
        <input
          id={inputId}
          name="address"
          type="text"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="192.168.1.1 or unvr.lan:443"
          aria-describedby={hintId}
          value={address}
          onChange={(e) => setAddress(e.target.value)}
        />
        <button type="submit" disabled={props.busy || address.trim() === ''}>
          {props.busy ? 'Checking…' : 'Check console'}
        </button>
      </div>
      <p id={hintId} className="hint">
        Paste anything from the browser’s address bar; Keyward keeps only the host and port.
      </p>
    </form>
  )
}
