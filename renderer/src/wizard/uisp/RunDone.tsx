// UISP steps 5–6: the token is made, stored, verified; then the done screen, where
// the token reaches the page only when the user presses Copy. The done screen
// is the one the UniFi path uses (../DoneScreen.tsx).
import { useState } from 'react'
import { keyward } from '../../api.ts'
import { copyAndClear } from '../../keys/clipboard.ts'
import { openView } from '../../route.ts'
import { DoneScreen, longDate, NothingToShow } from '../DoneScreen.tsx'
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

type CopyNote = { tone: 'ok' | 'danger'; text: string }

/** Copy the token (the core copies, or hands it over once for the page's clipboard, cleared after a while). */
function useCopyToken(keyId: string | null): { note: CopyNote | null; copy(): Promise<void> } {
  const [note, setNote] = useState<CopyNote | null>(null)
  const copy = async () => {
    if (!keyward || !keyId) return
    const result = await keyward.keys.copy({ id: keyId })
    if (!result.ok) return setNote({ tone: 'danger', text: result.error.message })
    if (!result.value.copied) {
      try {
        await copyAndClear(result.value.secret, result.value.clearsInSeconds)
      } catch {
        return setNote({
          tone: 'danger',
          text: 'This browser did not let Keyward use the clipboard. Copy the token from the key list instead.',
        })
      }
    }
    setNote({
      tone: 'ok',
      text: `Copied. Keyward clears the clipboard in ${result.value.clearsInSeconds} s if it still holds the token.`,
    })
  }
  return { note, copy }
}

export function Done() {
  const outcome = useUispWizard((s) => s.outcome)
  const plan = useUispWizard((s) => s.plan)
  const startOver = useUispWizard((s) => s.startOver)
  const { note, copy } = useCopyToken(outcome?.keyId ?? null)
  if (!outcome || outcome.check?.status !== 'ok') return <NothingToShow id="uisp-done" onStartOver={startOver} />
  const { record, check } = outcome
  const scope = plan?.purposes.find((p) => p.purpose === record.purpose)
  return (
    <DoneScreen
      id="uisp-done"
      title="Your UISP token is ready"
      verified={
        <>
          UISP{check.appVersion ? ` ${check.appVersion}` : ''} at {record.serverKey} accepted it with {record.scope}{' '}
          scope and answered in {check.latencyMs} ms.
        </>
      }
      masked={{ label: 'Token', credential: 'token', value: outcome.maskedToken }}
      facts={
        <>
          <dt>Name</dt>
          <dd className="mono">{record.name}</dd>
          <dt>Scope</dt>
          <dd data-testid="token-scope">{scope?.scopeLabel ?? record.scope}</dd>
          <dt>Expires</dt>
          <dd data-testid="expires">{longDate(record.expiresAt) ?? 'never'}</dd>
          <dt>Server</dt>
          <dd className="mono">{record.serverKey}</dd>
          <dt>Stored in</dt>
          <dd>This computer’s keychain. Keyward checks it in the background and warns before it expires.</dd>
        </>
      }
      lead={
        <>
          <div className="done-lead" role="group" aria-label="Use the new token">
            <button type="button" className="button primary" onClick={() => void copy()}>
              Copy token
            </button>
          </div>
          <div className="row-status" role="status">
            {note && (
              <p className={`row-note tone-${note.tone}`} data-testid="copy-note">
                {note.text}
              </p>
            )}
          </div>
        </>
      }
      actions={
        <>
          <button type="button" className="button secondary" onClick={() => openView('keys')}>
            See all keys
          </button>
          <button type="button" className="button secondary" onClick={startOver}>
            Done
          </button>
        </>
      }
    />
  )
}
