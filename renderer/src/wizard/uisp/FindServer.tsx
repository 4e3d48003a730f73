// UISP step 1: pick a UISP server discovery found, or type its address.
import { useEffect, useMemo, useState } from 'react'
import { Actions, ErrorCallout, Screen } from '../parts.tsx'
import { AddressEntry } from '../../components/AddressEntry.tsx'
import { useUispWizard } from './context.ts'
import { uispServerCards } from './store.ts'

export function FindServer() {
  const inventory = useUispWizard((s) => s.inventory)
  const known = useUispWizard((s) => s.known)
  const typed = useUispWizard((s) => s.typed)
  const selectedKey = useUispWizard((s) => s.selectedKey)
  const busy = useUispWizard((s) => s.busy)
  const error = useUispWizard((s) => s.error)
  const load = useUispWizard((s) => s.load)
  const select = useUispWizard((s) => s.select)
  const continueWith = useUispWizard((s) => s.continueWith)
  const startOver = useUispWizard((s) => s.startOver)
  const cards = useMemo(() => uispServerCards(inventory, known, typed), [inventory, known, typed])
  const selected = cards.find((c) => c.key === selectedKey) ?? null

  useEffect(() => {
    void load()
  }, [load])

  return (
    <Screen id="uisp-find" title="Which UISP server?">
      <p className="lead">
        UISP servers do not announce themselves on the network, so Keyward lists the ones it found by probing addresses
        and the ones it knows. Or enter the address you open UISP with in a browser.
      </p>
      <fieldset className="console-list">
        <legend>UISP servers</legend>
        {cards.length === 0 ? (
          <p className="muted">None found yet: enter the server’s address below.</p>
        ) : (
          <ul>
            {cards.map((c) => (
              <li key={c.key}>
                <label className={`console-option${c.key === selectedKey ? ' selected' : ''}`} data-testid="uisp-card">
                  <input
                    type="radio"
                    name="uisp-server"
                    value={c.key}
                    checked={c.key === selectedKey}
                    onChange={() => select(c.key)}
                    aria-label={`UISP at ${c.key}`}
                  />
                  <span className="option-body">
                    <span className="option-head">
                      <span className="option-title">UISP at {c.key}</span>
                      {c.version && <span className="model">version {c.version}</span>}
                    </span>
                    <span className="option-details">
                      <span className="option-line wide">
                        <span className="k">Found by</span> {c.foundBy}
                      </span>
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      <ServerAddress />
      {error && <ErrorCallout error={error} title="Keyward could not reach that UISP server" />}
      <Actions>
        <button type="button" className="button secondary" onClick={startOver}>
          Back
        </button>
        <button
          type="button"
          className="button primary"
          disabled={!selected || busy}
          onClick={() => selected && void continueWith(selected.key)}
        >
          {busy ? 'Checking…' : selected ? `Continue with UISP at ${selected.key}` : 'Continue'}
        </button>
      </Actions>
    </Screen>
  )
}

function ServerAddress() {
  const addAddress = useUispWizard((s) => s.addAddress)
  const error = useUispWizard((s) => s.manualError)
  const [running, setRunning] = useState(false)
  const add = async (address: string) => {
    setRunning(true)
    try {
      return await addAddress(address)
    } finally {
      setRunning(false)
    }
  }
  return (
    <AddressEntry
      label="UISP server address"
      placeholder="uisp.lan or 192.168.1.10:443"
      running={running}
      error={error}
      onAdd={add}
    />
  )
}
