// UISP steps 5–6: the token is made, stored, verified; then the done screen, where
// the token reaches the page only when the user presses Copy.
import { useState } from 'react'
import { keyward } from '../../api.ts'
import { copyAndClear } from '../../keys/clipboard.ts'
import { openView } from '../../route.ts'
import { Actions, Callout, ErrorCallout, Screen } from '../parts.tsx'
import { useUispWizard } from './context.ts'

export function Run() {
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
        <Callout
          tone="danger"
          alert
          title={failure.step === 'token' ? 'The server did not make the token' : 'The token did not verify'}
        >
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

export function Done() {
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
  const expires = record.expiresAt
    ? new Date(record.expiresAt).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' })
    : null
  const copyToken = async () => {
    if (!keyward || !keyId) return
    const result = await keyward.keys.copy({ id: keyId })
    if (!result.ok) return setCopy({ tone: 'danger', text: result.error.message })
    if (!result.value.copied) {
      try {
        await copyAndClear(result.value.secret, result.value.clearsInSeconds)
      } catch {
        return setCopy({
          tone: 'danger',
          text: 'This browser did not let Keyward use the clipboard. Copy the token from the key list instead.',
        })
      }
    }
    setCopy({
      tone: 'ok',
      text: `Copied. Keyward clears the clipboard in ${result.value.clearsInSeconds} s if it still holds the token.`,
    })
  }
  return (
    <Screen id="uisp-done" title="Your UISP token is ready">
      <Callout tone="ok" label="Verified">
        <p data-testid="verified">
          <strong>Verified.</strong> UISP{check.appVersion ? ` ${check.appVersion}` : ''} at {record.serverKey} accepted
          it with {record.scope} scope and answered in {check.latencyMs} ms.
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
