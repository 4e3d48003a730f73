// The wizard's UISP screens. The password and the 2FA code live only in the
// sign-in screen's state; the token never reaches this page except when the
// user presses Copy (then it goes to the clipboard, cleared after a while).
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react'
import type { KeywardError } from '../../../../shared/result.ts'
import { keyward } from '../../api.ts'
import { copyAndClear } from '../../keys/clipboard.ts'
import { openView } from '../../route.ts'
import { lockSeconds } from '../model.ts'
import { Actions, Callout, ErrorCallout, Fingerprint, Screen, Stepper } from '../parts.tsx'
import { useUispWizard } from './context.ts'
import { UISP_STEPS, uispServerCards, uispStepIndex } from './store.ts'

export function UispWizard() {
  const step = useUispWizard((s) => s.step)
  return (
    <div className="wizard">
      <Stepper steps={UISP_STEPS} current={uispStepIndex(step)} />
      <div className="wizard-body" data-step={step} data-app="uisp">
        {step === 'find' && <FindServer />}
        {step === 'trust' && <TrustServer />}
        {step === 'signin' && <SignIn />}
        {step === 'purpose' && <Purpose />}
        {step === 'run' && <Run />}
        {step === 'done' && <Done />}
      </div>
    </div>
  )
}

function FindServer() {
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
        UISP servers do not announce themselves on the network, so Keyward lists the ones it found by probing addresses and
        the ones it knows. Or enter the address you open UISP with in a browser.
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
                  <input type="radio" name="uisp-server" value={c.key} checked={c.key === selectedKey} onChange={() => select(c.key)} aria-label={`UISP at ${c.key}`} />
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
        <button type="button" className="button primary" disabled={!selected || busy} onClick={() => selected && void continueWith(selected.key)}>
          {busy ? 'Checking…' : selected ? `Continue with UISP at ${selected.key}` : 'Continue'}
        </button>
      </Actions>
    </Screen>
  )
}

function ServerAddress() {
  const addAddress = useUispWizard((s) => s.addAddress)
  const error = useUispWizard((s) => s.manualError)
  const [address, setAddress] = useState('')
  const [running, setRunning] = useState(false)
  const id = useId()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (running || address.trim() === '') return
    setRunning(true)
    if (await addAddress(address)) setAddress('')
    setRunning(false)
  }
  return (
    <form className="manual" onSubmit={(e) => void submit(e)} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Enter an address</h3>
      <label htmlFor={id}>UISP server address</label>
      <div className="row">
        <input id={id} type="text" inputMode="url" autoComplete="off" spellCheck={false} placeholder="uisp.lan or 192.168.1.10:443" value={address} aria-invalid={error ? true : undefined} onChange={(e) => setAddress(e.target.value)} />
        <button type="submit" className="button secondary" disabled={running || address.trim() === ''}>
          {running ? 'Checking…' : 'Add'}
        </button>
      </div>
      <div className="field-message" aria-live="polite">
        {error && (
          <p className="field-error" role="alert">
            {error.message}
          </p>
        )}
      </div>
    </form>
  )
}

function TrustServer() {
  const probe = useUispWizard((s) => s.probe)
  const busy = useUispWizard((s) => s.busy)
  const error = useUispWizard((s) => s.error)
  const accept = useUispWizard((s) => s.acceptCertificate)
  const goTo = useUispWizard((s) => s.goTo)
  if (!probe) {
    return (
      <Screen id="uisp-trust" title="Choose a UISP server first">
        <Actions>
          <button type="button" className="button primary" onClick={() => goTo('find')}>
            Back to servers
          </button>
        </Actions>
      </Screen>
    )
  }
  const changed = probe.trust === 'changed'
  return (
    <Screen id="uisp-trust" tone={changed ? 'danger' : undefined} title={changed ? 'The certificate of this UISP server has changed' : 'Is this your UISP server?'}>
      {changed ? (
        <Callout tone="danger" alert>
          <p>Keyward trusted a different certificate at {probe.address.key} before. Renewing the certificate changes it — and so does someone intercepting the connection. Keyward sends nothing until you decide.</p>
        </Callout>
      ) : (
        <p className="lead">UISP usually runs with its own certificate, so browsers warn about it; the fingerprint below tells you it is really your server.</p>
      )}
      <dl className="facts">
        <dt>Address</dt>
        <dd className="mono">{probe.address.key}</dd>
        <dt>UISP version</dt>
        <dd data-testid="uisp-version">{probe.version ?? 'not shown before sign-in'}</dd>
        <dt>Certificate SHA-256</dt>
        <dd>
          <Fingerprint sha256={probe.certificate.sha256} testId="trust-fingerprint" />
        </dd>
      </dl>
      <p className="note">
        To compare: open <span className="mono">https://{probe.address.key}</span> in a browser and view the certificate’s SHA-256 fingerprint.
      </p>
      {error && <ErrorCallout error={error} />}
      <Actions>
        <button type="button" className="button secondary" onClick={() => goTo('find')}>
          Back
        </button>
        <button type="button" className={`button ${changed ? 'danger' : 'primary'}`} disabled={busy} onClick={() => void accept()}>
          {changed ? 'Trust the new certificate' : 'Trust this server'}
        </button>
      </Actions>
    </Screen>
  )
}

function SignIn() {
  const probe = useUispWizard((s) => s.probe)
  const signIn = useUispWizard((s) => s.signIn)
  const goTo = useUispWizard((s) => s.goTo)
  const storeError = useUispWizard((s) => s.error)
  const [phase, setPhase] = useState<'credentials' | 'mfa'>('credentials')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<KeywardError | null>(storeError?.code === 'session-expired' ? storeError : null)
  const ids = useId()
  const where = probe ? `UISP at ${probe.address.key}` : 'UISP'

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (pending || !username.trim() || !password) return
    if (phase === 'mfa' && !/^\d{6,8}$/.test(code)) {
      setError({ code: 'invalid-input', message: 'Enter the 6 digits your authenticator app shows.' })
      return
    }
    setPending(true)
    setError(null)
    const outcome = await signIn({ username: username.trim(), password, ...(phase === 'mfa' ? { mfaCode: code } : {}) })
    setPending(false)
    setCode('')
    if (outcome.ok) {
      if (outcome.value.state === 'mfa-required') setPhase('mfa')
      else setPassword('')
      return
    }
    setError(outcome.error)
    if (phase === 'credentials' || outcome.error.code !== 'invalid-credentials') {
      setPassword('')
      setPhase('credentials')
    }
  }

  const message = error && (
    <Callout tone={error.code === 'locked-out' ? 'warn' : 'danger'} alert title={error.code === 'invalid-credentials' ? 'Not signed in' : 'Sign-in failed'}>
      <p data-testid="signin-error">{error.message}</p>
      {error.code === 'locked-out' && lockSeconds(error) !== null && <p>Keyward will not try again on its own.</p>}
    </Callout>
  )

  if (phase === 'mfa') {
    return (
      <Screen key="mfa" id="uisp-mfa" title="Enter the two-factor code">
        <p className="lead">{username} uses two-factor authentication. Enter the current code from your authenticator app for {where}.</p>
        <form className="form" onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor={`${ids}-code`}>Two-factor code</label>
            <input id={`${ids}-code`} className="code-input" name="one-time-code" type="text" inputMode="numeric" autoComplete="one-time-code" maxLength={8} aria-describedby={`${ids}-hint`} value={code} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} />
            <p id={`${ids}-hint`} className="hint">
              6 digits. Codes change every 30 seconds.
            </p>
          </div>
          <div className="message-slot">{message}</div>
          <Actions>
            <button type="button" className="button secondary" onClick={() => { setPhase('credentials'); setPassword(''); setCode(''); setError(null) }}>
              Back
            </button>
            <button type="submit" className="button primary" disabled={pending || code.length < 6}>
              {pending ? 'Checking…' : 'Verify'}
            </button>
          </Actions>
        </form>
      </Screen>
    )
  }

  return (
    <Screen key="signin" id="uisp-signin" title={`Sign in to ${where}`}>
      <p className="lead">
        Use a UISP user account (Settings → Users). Keyward signs in once to make the token; a user can only make tokens of
        its own scope or lower. Your password is not stored anywhere.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${ids}-user`}>Username</label>
          <input id={`${ids}-user`} name="username" type="text" autoComplete="username" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-password`}>Password</label>
          <input id={`${ids}-password`} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <div className="message-slot">{message}</div>
        <Actions>
          <button type="button" className="button secondary" onClick={() => goTo('find')}>
            Back
          </button>
          <button type="submit" className="button primary" disabled={pending || !username.trim() || !password}>
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </Actions>
      </form>
    </Screen>
  )
}

function Purpose() {
  const plan = useUispWizard((s) => s.plan)
  const purpose = useUispWizard((s) => s.purpose)
  const name = useUispWizard((s) => s.name)
  const busy = useUispWizard((s) => s.busy)
  const error = useUispWizard((s) => s.error)
  const signedIn = useUispWizard((s) => s.signedIn)
  const loadPlan = useUispWizard((s) => s.loadPlan)
  const choose = useUispWizard((s) => s.choose)
  const setName = useUispWizard((s) => s.setName)
  const create = useUispWizard((s) => s.create)
  const goTo = useUispWizard((s) => s.goTo)
  const nameId = useId()

  useEffect(() => {
    if (!plan || plan.key !== signedIn?.key) void loadPlan()
  }, [plan, signedIn, loadPlan])

  if (!plan) {
    return (
      <Screen id="uisp-purpose" title="What is the token for?">
        {error ? <ErrorCallout error={error} /> : <p className="muted">Loading…</p>}
      </Screen>
    )
  }
  const chosen = plan.purposes.find((p) => p.purpose === purpose)
  const length = [...name.trim()].length
  const nameProblem = length === 0 ? 'Enter a name.' : length > plan.nameMax ? `UISP token names are at most ${plan.nameMax} characters.` : null
  return (
    <Screen id="uisp-purpose" title="What is the token for?">
      <p className="lead">
        A UISP token carries a scope. Keyward gives it the least scope that serves what you choose, so a leaked token can do as
        little as possible.
      </p>
      <fieldset className="console-list">
        <legend>Purpose</legend>
        <ul>
          {plan.purposes.map((p) => (
            <li key={p.purpose}>
              <label className={`console-option${p.purpose === purpose ? ' selected' : ''}${p.allowed ? '' : ' disabled'}`}>
                <input type="radio" name="uisp-purpose" value={p.purpose} checked={p.purpose === purpose} disabled={!p.allowed} onChange={() => choose(p.purpose)} aria-describedby={`${nameId}-${p.purpose}`} />
                <span className="option-body">
                  <span className="option-title">{p.label}</span>
                  <span className="option-details" id={`${nameId}-${p.purpose}`}>
                    <span className="scope-line" data-testid={`scope-${p.purpose}`}>
                      <strong>Scope: {p.scopeLabel}.</strong> {p.why}
                    </span>
                    <span className="scope-line muted">{p.allows} {p.risk}</span>
                    {!p.allowed && <span className="scope-line">{plan.username} has a lower role than {p.scopeLabel}; sign in as a user who has it.</span>}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="field">
        <label htmlFor={nameId}>Token name</label>
        <input id={nameId} type="text" maxLength={plan.nameMax + 10} autoComplete="off" spellCheck={false} value={name} aria-invalid={nameProblem ? true : undefined} aria-describedby={`${nameId}-hint`} onChange={(e) => setName(e.target.value)} />
        <p id={`${nameId}-hint`} className={nameProblem ? 'field-error' : 'hint'}>
          {nameProblem ?? `Shown in UISP’s token list; at most ${plan.nameMax} characters.`}
        </p>
      </div>
      <p className="note">{plan.secretLocation}</p>
      {error && <ErrorCallout error={error} />}
      <Actions>
        <button type="button" className="button secondary" onClick={() => goTo('signin')}>
          Back
        </button>
        <button type="button" className="button primary" disabled={busy || !chosen?.allowed || nameProblem !== null} onClick={() => void create()}>
          Create the {chosen?.scopeLabel.replace(/ \(.*\)$/, '').toLowerCase() ?? ''} token
        </button>
      </Actions>
    </Screen>
  )
}

function Run() {
  const busy = useUispWizard((s) => s.busy)
  const outcome = useUispWizard((s) => s.outcome)
  const error = useUispWizard((s) => s.error)
  const resume = useUispWizard((s) => s.resume)
  const goTo = useUispWizard((s) => s.goTo)
  const failure = outcome?.failure ?? null
  const check = outcome?.check?.status === 'failed' ? outcome.check : null
  return (
    <Screen id="uisp-run" title={busy ? 'Making the token…' : 'The token is not ready'}>
      {busy && (
        <p role="status" className="lead">
          Creating the token on the server, storing it in this computer’s keychain, then checking it with one real call.
        </p>
      )}
      {!busy && failure && (
        <Callout tone="danger" alert title={failure.step === 'token' ? 'The server did not make the token' : 'The token did not verify'}>
          <p>{check?.message ?? failure.message}</p>
          {check?.nextStep && <p>{check.nextStep}</p>}
        </Callout>
      )}
      {!busy && error && <ErrorCallout error={error} />}
      {!busy && (
        <Actions>
          <button type="button" className="button secondary" onClick={() => goTo('purpose')}>
            Back
          </button>
          {outcome && (
            <button type="button" className="button primary" onClick={() => void resume()}>
              Try again
            </button>
          )}
        </Actions>
      )}
    </Screen>
  )
}

function Done() {
  const outcome = useUispWizard((s) => s.outcome)
  const plan = useUispWizard((s) => s.plan)
  const startOver = useUispWizard((s) => s.startOver)
  const [copy, setCopy] = useState<{ tone: 'ok' | 'danger'; text: string } | null>(null)
  if (!outcome || outcome.check?.status !== 'ok') {
    return (
      <Screen id="uisp-done" title="Nothing to show yet">
        <Actions>
          <button type="button" className="button primary" onClick={startOver}>
            Start over
          </button>
        </Actions>
      </Screen>
    )
  }
  const { record, check, maskedToken, keyId } = outcome
  const scope = plan?.purposes.find((p) => p.purpose === record.purpose)
  const expires = record.expiresAt ? new Date(record.expiresAt).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' }) : null
  const copyToken = async () => {
    if (!keyward || !keyId) return
    const result = await keyward.keys.copy({ id: keyId })
    if (!result.ok) return setCopy({ tone: 'danger', text: result.error.message })
    if (!result.value.copied) {
      try {
        await copyAndClear(result.value.secret, result.value.clearsInSeconds)
      } catch {
        return setCopy({ tone: 'danger', text: 'This browser did not let Keyward use the clipboard. Copy the token from the key list instead.' })
      }
    }
    setCopy({ tone: 'ok', text: `Copied. Keyward clears the clipboard in ${result.value.clearsInSeconds} s if it still holds the token.` })
  }
  return (
    <Screen id="uisp-done" title="Your UISP token is ready">
      <Callout tone="ok" label="Verified">
        <p data-testid="verified">
          <strong>Verified.</strong> UISP{check.appVersion ? ` ${check.appVersion}` : ''} at {record.serverKey} accepted it with {record.scope} scope and answered in {check.latencyMs} ms.
        </p>
      </Callout>
      <dl className="facts">
        <dt>Token</dt>
        <dd>
          <span className="mono masked" data-testid="masked-key">
            {maskedToken ?? 'stored'}
          </span>
          <span className="hint block">Shown shortened; the full token stays in the keychain.</span>
        </dd>
        <dt>Name</dt>
        <dd className="mono">{record.name}</dd>
        <dt>Scope</dt>
        <dd data-testid="token-scope">{scope?.scopeLabel ?? record.scope}</dd>
        <dt>Expires</dt>
        <dd data-testid="expires">{expires ?? 'never'}</dd>
        <dt>Server</dt>
        <dd className="mono">{record.serverKey}</dd>
        <dt>Stored in</dt>
        <dd>This computer’s keychain. Keyward checks it in the background and warns before it expires.</dd>
      </dl>
      <div className="row-status" role="status">
        {copy && (
          <p className={`row-note tone-${copy.tone}`} data-testid="copy-note">
            {copy.text}
          </p>
        )}
      </div>
      <Actions>
        <button type="button" className="button primary" onClick={() => void copyToken()}>
          Copy token
        </button>
        <button type="button" className="button secondary" onClick={() => openView('keys')}>
          See all keys
        </button>
        <button type="button" className="button secondary" onClick={startOver}>
          Done
        </button>
      </Actions>
    </Screen>
  )
}
