// Home Assistant: the connect form (used by Settings and the wizard's Done screen), and for one
// key: the answer of "Send to Home Assistant" and the fields to fill by hand ("Copy fields for Home
// Assistant"). The connections list lives in Settings (settings/HomeAssistantSettings.tsx). Secrets
// never appear here: a secret field offers Copy, which goes through keys.copy.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import type { CopyFieldsPlan, HaPushSummary, HaSummary, KeyView } from '../../../shared/domain.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { openView } from '../route.ts'
import { Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { HaCertificateConfirm } from './HaTrust.tsx'
import { IDLE_ROW } from './store.ts'
import { HaSiteChoice } from './HaSiteChoice.tsx'

/** The address field of the Home Assistant panel, so other places can send the user there. */
export const HA_URL_FIELD_ID = 'ha-connect-url'

/** Opens Settings on the Home Assistant connect form (HomeAssistantSettings focuses the field). */
export function focusHaConnect(): void {
  openView('settings', 'focus=ha-connect')
}

interface HaConnectFormProps {
  fieldId?: string
  onConnected?: (ha: HaSummary) => void
  submitLabel?: string
  /** An address the user picked elsewhere (a Home Assistant discovery found): only a start, editable. */
  initialUrl?: string
}

export function HaConnectForm({ fieldId, onConnected, submitLabel = 'Connect', initialUrl }: HaConnectFormProps) {
  const haConnect = useKeys((s) => s.haConnect)
  const found = useKeys((s) => s.haFound)
  const loadHaFound = useKeys((s) => s.loadHaFound)
  const ids = useId()
  const urlId = fieldId ?? `${ids}-url`
  const [url, setUrl] = useState(initialUrl ?? '')
  const [token, setToken] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<KeywardError | null>(null)
  // https with a self-signed certificate: nothing was sent; the user compares and confirms this one.
  const [certificate, setCertificate] = useState<
    (NonNullable<KeywardError['certificate']> & { changed: boolean }) | null
  >(null)
  const [problem, setProblem] = useState<{ url?: string; token?: string }>({})
  const urlRef = useRef<HTMLInputElement>(null)
  const tokenRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    void loadHaFound()
  }, [loadHaFound])

  const submit = async (event: FormEvent | null, sha256?: string) => {
    event?.preventDefault()
    if (pending) return
    const found: { url?: string; token?: string } = {}
    if (url.trim() === '')
      found.url = 'Enter the address you open Home Assistant at, for example homeassistant.local:8123.'
    if (token.trim().length < 10) found.token = 'Paste the whole token: it is a long string.'
    setProblem(found)
    if (found.url || found.token) {
      ;(found.url ? urlRef : tokenRef).current?.focus()
      return
    }
    setPending(true)
    setError(null)
    setCertificate(null)
    const outcome = await haConnect(url.trim(), token.trim(), sha256)
    setPending(false)
    if (
      !outcome.ok &&
      (outcome.error.code === 'certificate-unconfirmed' || outcome.error.code === 'certificate-changed') &&
      outcome.error.certificate
    ) {
      // Nothing was sent: the token stays in the field until the user confirms or changes the address.
      setCertificate({ ...outcome.error.certificate, changed: outcome.error.code === 'certificate-changed' })
      return
    }
    setToken('') // the token is in the keychain now, or it was refused: either way it leaves the page
    if (!outcome.ok) {
      setError(outcome.error)
      if (outcome.error.code === 'invalid-input' && /address|host|port/i.test(outcome.error.message))
        urlRef.current?.focus()
      else tokenRef.current?.focus()
      return
    }
    setUrl('')
    onConnected?.(outcome.value)
  }

  return (
    <form
      className="form ha-connect"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Connect to Home Assistant"
    >
      {/* The found list and the certificate step below are issue 15's trust checks; keep them with the form. */}
      {found.length > 0 && (
        <div className="ha-found">
          <p id={`${ids}-found`}>Found on this network:</p>
          <ul aria-labelledby={`${ids}-found`}>
            {found.map((f) => (
              <li key={f.id}>
                <button
                  type="button"
                  className="button small secondary"
                  aria-pressed={url === f.url}
                  onClick={() => {
                    // The address is filled in for the user to see; the token is still theirs to paste.
                    setUrl(f.url)
                    setProblem((p) => ({ ...p, url: undefined }))
                    tokenRef.current?.focus()
                  }}
                >
                  Use {f.name} <span className="mono">{f.url}</span>
                </button>
                {f.warning && (
                  <p className="row-note tone-warn" data-testid="ha-found-warning">
                    {f.warning}
                  </p>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="field">
        <label htmlFor={urlId}>Home Assistant address</label>
        <input
          id={urlId}
          ref={urlRef}
          type="text"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="homeassistant.local:8123"
          value={url}
          aria-invalid={problem.url ? true : undefined}
          aria-describedby={`${ids}-url-msg`}
          onChange={(e) => {
            setUrl(e.target.value)
            setCertificate(null)
          }}
        />
        <p id={`${ids}-url-msg`} className={problem.url ? 'field-error' : 'hint'}>
          {problem.url ?? 'The address you open Home Assistant at; port 8123 unless you changed it.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-token`}>Long-lived access token</label>
        <input
          id={`${ids}-token`}
          ref={tokenRef}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          aria-invalid={problem.token || error?.code === 'invalid-credentials' ? true : undefined}
          aria-describedby={`${ids}-token-msg`}
          onChange={(e) => setToken(e.target.value)}
        />
        <p id={`${ids}-token-msg`} className={problem.token ? 'field-error' : 'hint'}>
          {problem.token ??
            'In Home Assistant: your profile (your name, bottom left) → Security → Long-lived access tokens → Create token. Use an administrator’s token. Keyward keeps it in this computer’s keychain.'}
        </p>
      </div>
      <div className="message-slot" aria-live="polite">
        {error && <ConnectError error={error} />}
        {certificate && (
          <HaCertificateConfirm
            certificate={certificate}
            changed={certificate.changed}
            onConfirm={() => void submit(null, certificate.sha256)}
          />
        )}
      </div>
      <div className="actions">
        <button type="submit" className="button primary" aria-disabled={pending || undefined}>
          {pending ? 'Connecting…' : submitLabel}
        </button>
      </div>
    </form>
  )
}

function ConnectError({ error }: { error: KeywardError }) {
  const title =
    error.code === 'invalid-credentials'
      ? 'Home Assistant refused the token'
      : error.code === 'forbidden'
        ? 'This token cannot add integrations'
        : 'Keyward could not connect to Home Assistant'
  return (
    <Callout tone="danger" alert title={title}>
      <p data-testid="ha-connect-error">{error.message}</p>
      {error.code === 'invalid-credentials' && (
        <p>
          Nothing more was sent. Check that you copied the whole token from the same Home Assistant, then try once more.
        </p>
      )}
      {error.detail && <p className="detail">Details: {error.detail}</p>}
    </Callout>
  )
}

export function ErrorNote({ error, title }: { error: KeywardError; title: string }) {
  return (
    <Callout tone="danger" alert title={title}>
      <p>{error.message}</p>
    </Callout>
  )
}

const PUSH_TITLE: Record<HaPushSummary['outcome'], string> = {
  created: 'Added to Home Assistant',
  reconfigured: 'Home Assistant now uses this key',
  reauthenticated: 'Home Assistant signed in again with this key',
  'not-applicable': 'Not applicable',
  'choose-site': 'Choose a UniFi Network site',
}

const PUSH_OUTCOME: Record<HaPushSummary['outcome'], string> = {
  created: 'created: a new integration entry',
  reconfigured: 'reconfigured: the existing entry was updated',
  reauthenticated: 'reauthenticated: the entry’s pending sign-in was completed',
  'not-applicable': 'not applicable',
  'choose-site': 'nothing sent yet: choose a site',
}

export function HaPushResult({ summary, keyId }: { summary: HaPushSummary & { haId?: string }; keyId?: string }) {
  const na = summary.outcome === 'not-applicable' || summary.outcome === 'choose-site'
  return (
    <div
      className={`callout ${na ? 'callout-info' : 'callout-ok'} ha-result`}
      data-testid="ha-push-result"
      data-outcome={summary.outcome}
    >
      <p className="callout-title">{PUSH_TITLE[summary.outcome]}</p>
      <p data-testid="ha-push-message">{summary.message}</p>
      {summary.outcome === 'choose-site' && keyId && summary.haId && (
        <HaSiteChoice keyId={keyId} haId={summary.haId} sites={summary.sites ?? []} />
      )}
      {!na && (
        <dl className="facts compact">
          <dt>Result</dt>
          <dd data-testid="ha-push-outcome">{PUSH_OUTCOME[summary.outcome]}</dd>
          {summary.title && (
            <>
              <dt>Entry</dt>
              <dd data-testid="ha-entry-title">{summary.title}</dd>
            </>
          )}
          {summary.entryState && (
            <>
              <dt>State</dt>
              <dd data-testid="ha-entry-state">{summary.entryState}</dd>
            </>
          )}
          {summary.haVersion && (
            <>
              <dt>Home Assistant</dt>
              <dd>{summary.haVersion}</dd>
            </>
          )}
        </dl>
      )}
    </div>
  )
}

const KEY_FIELDS = new Set(['api_key', 'api_token'])

export function CopyFieldsView({
  plan,
  keyView,
  onHide,
  level = 3,
}: {
  plan: CopyFieldsPlan
  keyView: KeyView
  onHide?: () => void
  level?: 3 | 4
}) {
  const Heading = level === 3 ? 'h3' : 'h4'
  const copy = useKeys((s) => s.copy)
  const copyPassword = useKeys((s) => s.copyPassword)
  const busy = useKeys((s) => (s.rows[keyView.id] ?? IDLE_ROW).busy)
  const ids = useId()
  const value = (f: CopyFieldsPlan['fields'][number]) => {
    if (KEY_FIELDS.has(f.field)) {
      return (
        <span className="secret-field">
          <span className="muted">use Copy key</span>
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy === 'copy' || undefined}
            onClick={() => void copy(keyView.id)}
          >
            Copy key
          </button>
        </span>
      )
    }
    if (f.secret && f.field === 'password' && keyView.hasPassword) {
      // Never shown: copied from the keychain like a key, and cleared after the same time.
      return (
        <span className="secret-field">
          <span className="muted">
            The password of {keyView.username} stays in this computer’s keychain: use Copy password
          </span>
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy === 'copy-password' || undefined}
            onClick={() => void copyPassword(keyView.id)}
          >
            Copy password
          </button>
        </span>
      )
    }
    if (f.secret) {
      return (
        <span className="muted">
          {keyView.hasPassword ? 'Send to Home Assistant fills it in.' : `Your own password for ${keyView.username}.`}
        </span>
      )
    }
    // The core leaves the user name out; it is the key's own console user.
    const shown = f.value || (f.field === 'username' ? keyView.username : '')
    return shown ? <span className="mono field-value">{shown}</span> : <span className="muted">leave empty</span>
  }
  return (
    <section className="copy-fields" aria-labelledby={`${ids}-title`} data-testid="copy-fields">
      <div className="copy-fields-head">
        <Heading id={`${ids}-title`} className="copy-fields-title">
          Fields for Home Assistant
        </Heading>
        {onHide && (
          <button type="button" className="button link" onClick={onHide}>
            Hide fields
          </button>
        )}
      </div>
      {!plan.applicable ? (
        <Callout tone="info" title="Not applicable">
          <p data-testid="copy-fields-message">{plan.message}</p>
        </Callout>
      ) : (
        <p data-testid="copy-fields-message">{plan.message}</p>
      )}
      <ol className="plan-steps">
        {plan.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <table className="fields-table">
        <caption className="visually-hidden">Fields to fill in Home Assistant</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {plan.fields.map((f) => (
            <tr key={f.field} data-testid={`field-${f.field}`}>
              <th scope="row">{f.label}</th>
              <td>{value(f)}</td>
              <td className="muted">{f.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="copy-fields-link">
        Start in Home Assistant:{' '}
        <a href={plan.link} target="_blank" rel="noreferrer" className="mono">
          {plan.link}
        </a>
      </p>
    </section>
  )
}
