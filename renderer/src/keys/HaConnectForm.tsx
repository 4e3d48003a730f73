// The Home Assistant connect form (used by Settings and the wizard's Done screen): the addresses found
// on this network, the address and token fields, the certificate step of a self-signed https address.
// The token lives only in this form's state and leaves it as soon as Home Assistant has answered.
import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react'
import type { HaSummary } from '../../../shared/domain.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { HaCertificateConfirm } from './HaTrust.tsx'
import type { FoundHa } from './model.ts'

interface HaConnectFormProps {
  fieldId?: string
  onConnected?: (ha: HaSummary) => void
  submitLabel?: string
  /** An address the user picked elsewhere (a Home Assistant discovery found): only a start, editable. */
  initialUrl?: string
}

type Problem = { url?: string; token?: string }

/** The form's state and its submit: checks, the connect call, the certificate step, focus on a problem. */
function useHaConnect(initialUrl: string | undefined, onConnected: ((ha: HaSummary) => void) | undefined) {
  const haConnect = useKeys((s) => s.haConnect)
  const [url, setUrl] = useState(initialUrl ?? '')
  const [token, setToken] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<KeywardError | null>(null)
  // https with a self-signed certificate: nothing was sent; the user compares and confirms this one.
  const [certificate, setCertificate] = useState<
    (NonNullable<KeywardError['certificate']> & { changed: boolean }) | null
  >(null)
  const [problem, setProblem] = useState<Problem>({})
  const urlRef = useRef<HTMLInputElement>(null)
  const tokenRef = useRef<HTMLInputElement>(null)

  const submit = async (event: FormEvent | null, sha256?: string) => {
    event?.preventDefault()
    if (pending) return
    const found: Problem = {}
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

  return {
    url,
    setUrl,
    token,
    setToken,
    pending,
    error,
    certificate,
    setCertificate,
    problem,
    setProblem,
    urlRef,
    tokenRef,
    submit,
  }
}

export function HaConnectForm({ fieldId, onConnected, submitLabel = 'Connect', initialUrl }: HaConnectFormProps) {
  const found = useKeys((s) => s.haFound)
  const loadHaFound = useKeys((s) => s.loadHaFound)
  const ids = useId()
  const urlId = fieldId ?? `${ids}-url`
  const form = useHaConnect(initialUrl, onConnected)
  const { url, token, problem, error, certificate, pending, submit, urlRef, tokenRef } = form

  useEffect(() => {
    void loadHaFound()
  }, [loadHaFound])

  return (
    <form
      className="form ha-connect"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label="Connect to Home Assistant"
    >
      {/* The found list and the certificate step below are issue 15's trust checks; keep them with the form. */}
      {found.length > 0 && (
        <HaFoundList
          ids={ids}
          found={found}
          url={url}
          onPick={(picked) => {
            // The address is filled in for the user to see; the token is still theirs to paste.
            form.setUrl(picked)
            form.setProblem((p) => ({ ...p, url: undefined }))
            tokenRef.current?.focus()
          }}
        />
      )}
      <HaUrlField
        ids={ids}
        urlId={urlId}
        url={url}
        problem={problem.url}
        inputRef={urlRef}
        onChange={(value) => {
          form.setUrl(value)
          form.setCertificate(null)
        }}
      />
      <HaTokenField
        ids={ids}
        token={token}
        problem={problem.token}
        rejected={error?.code === 'invalid-credentials'}
        inputRef={tokenRef}
        onChange={form.setToken}
      />
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

function HaFoundList({
  ids,
  found,
  url,
  onPick,
}: {
  ids: string
  found: FoundHa[]
  url: string
  onPick: (url: string) => void
}) {
  return (
    <div className="ha-found">
      <p id={`${ids}-found`}>Found on this network:</p>
      <ul aria-labelledby={`${ids}-found`}>
        {found.map((f) => (
          <li key={f.id}>
            <button
              type="button"
              className="button small secondary"
              aria-pressed={url === f.url}
              onClick={() => onPick(f.url)}
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
  )
}

function HaUrlField({
  ids,
  urlId,
  url,
  problem,
  inputRef,
  onChange,
}: {
  ids: string
  urlId: string
  url: string
  problem: string | undefined
  inputRef: RefObject<HTMLInputElement | null>
  onChange: (value: string) => void
}) {
  return (
    <div className="field">
      <label htmlFor={urlId}>Home Assistant address</label>
      <input
        id={urlId}
        ref={inputRef}
        type="text"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="homeassistant.local:8123"
        value={url}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${ids}-url-msg`}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${ids}-url-msg`} className={problem ? 'field-error' : 'hint'}>
        {problem ??
          'The address you open Home Assistant at. A name alone uses port 8123; an address starting with https:// and no port uses 443, as in a browser.'}
      </p>
    </div>
  )
}

function HaTokenField({
  ids,
  token,
  problem,
  rejected,
  inputRef,
  onChange,
}: {
  ids: string
  token: string
  problem: string | undefined
  rejected: boolean
  inputRef: RefObject<HTMLInputElement | null>
  onChange: (value: string) => void
}) {
  return (
    <div className="field">
      <label htmlFor={`${ids}-token`}>Long-lived access token</label>
      <input
        id={`${ids}-token`}
        ref={inputRef}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        aria-invalid={problem || rejected ? true : undefined}
        aria-describedby={`${ids}-token-msg`}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${ids}-token-msg`} className={problem ? 'field-error' : 'hint'}>
        {problem ??
          'In Home Assistant: your profile (your name, bottom left) → Security → Long-lived access tokens → Create token. Use an administrator’s token. Keyward keeps it in this computer’s keychain.'}
      </p>
    </div>
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
