// Settings → Home Assistant: the connected instances (forget one) and the connect
// form, moved from the key list with the same behaviour. Opened with
// `#/settings&focus=ha-connect` (a key's "Go to Home Assistant"), it focuses the address field;
// with `&ha=<url>` (Devices: "Connect this Home Assistant") the field starts with that address.
import { useEffect, useRef, useState } from 'react'
import type { HaSummary } from '../../../shared/domain.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { useKeys } from '../keys/context.ts'
import { HaHoldNote } from '../keys/HaTrust.tsx'
import { ErrorNote, HA_URL_FIELD_ID, HaConnectForm } from '../keys/HomeAssistant.tsx'
import { haLabel } from '../keys/model.ts'
import { hashParam } from '../route.ts'

export function HomeAssistantSettings() {
  const ha = useKeys((s) => s.ha)
  const haForget = useKeys((s) => s.haForget)
  const [error, setError] = useState<KeywardError | null>(null)
  const [pending, setPending] = useState<string | null>(null)
  const [status, setStatus] = useState<string | null>(null)
  const [warning, setWarning] = useState<string | null>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const moreRef = useRef<HTMLDetailsElement>(null)
  // Devices' "Connect this Home Assistant" names the instance it found (`&ha=<url>`): the form starts with it.
  const [offered] = useState(() => hashParam('ha') ?? undefined)

  useEffect(() => {
    if (hashParam('focus') !== 'ha-connect') return
    if (moreRef.current) moreRef.current.open = true
    const field = document.getElementById(HA_URL_FIELD_ID)
    field?.scrollIntoView({ block: 'center' })
    field?.focus()
  }, [])

  const forget = async (id: string) => {
    if (pending) return
    const which = ha.find((h) => h.id === id)
    setPending(id)
    setError(null)
    setStatus(null)
    const outcome = await haForget(id)
    setPending(null)
    if (!outcome.ok) return setError(outcome.error)
    setStatus(
      `Forgot ${which ? haLabel(which) : 'that Home Assistant'}; its token left the keychain. Its integrations keep working.`,
    )
    headingRef.current?.focus()
  }

  // The form moves (into "Connect another") once one is connected: the heading takes focus instead.
  const connected = (h: HaSummary) => {
    setStatus(`Connected to ${haLabel(h)}${h.version ? `, Home Assistant ${h.version}` : ''}.`)
    setWarning(h.warning)
    headingRef.current?.focus()
  }

  return (
    <section className="panel ha-panel" aria-labelledby="ha-heading" data-testid="ha-panel">
      <h2 id="ha-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
        Home Assistant
      </h2>
      <p className="lead">
        With Home Assistant’s address and an administrator’s access token, Keyward puts a key straight into Home
        Assistant’s UniFi integration: a new entry, or the existing one updated. Without it, “Copy fields” shows what to
        type.
      </p>
      {ha.length > 0 && <HaList ha={ha} pending={pending} onForget={(id) => void forget(id)} />}
      <div className="list-message" role="status">
        {status && (
          <p className="row-note tone-ok" data-testid="ha-status">
            {status}
          </p>
        )}
        {status && warning && (
          <p className="row-note tone-warn" data-testid="ha-connect-warning">
            {warning}
          </p>
        )}
      </div>
      {error && <ErrorNote error={error} title="Keyward could not forget this Home Assistant" />}
      {ha.length === 0 ? (
        <HaConnectForm fieldId={HA_URL_FIELD_ID} onConnected={connected} initialUrl={offered} />
      ) : (
        <details className="why ha-more" ref={moreRef}>
          <summary>Connect another Home Assistant</summary>
          <HaConnectForm fieldId={HA_URL_FIELD_ID} onConnected={connected} initialUrl={offered} />
        </details>
      )}
    </section>
  )
}

function HaList({
  ha,
  pending,
  onForget,
}: {
  ha: HaSummary[]
  pending: string | null
  onForget: (id: string) => void
}) {
  return (
    <ul className="ha-list" aria-label="Connected Home Assistant">
      {ha.map((h) => (
        <li key={h.id} className="ha-item">
          <span className="ha-item-body">
            <strong>{h.locationName ?? 'Home Assistant'}</strong> <span className="mono muted">{h.url}</span>
            {h.version && <span className="muted"> · version {h.version}</span>}
            {h.unencrypted && (
              <span className="status-badge tone-warn" title={h.warning ?? undefined} data-testid="ha-unencrypted">
                Not encrypted (http)
              </span>
            )}
            <HaHoldNote summary={h} />
          </span>
          <button
            type="button"
            className="button small secondary"
            aria-disabled={pending === h.id || undefined}
            onClick={() => onForget(h.id)}
          >
            Forget<span className="visually-hidden"> {h.locationName ?? h.url}</span>
          </button>
        </li>
      ))}
    </ul>
  )
}
