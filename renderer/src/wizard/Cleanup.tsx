// "Remove what Keyward made on <console>" (issue 14 §5): offered where a run failed after it made
// something, or made the key on the wrong console. The confirmation names each part from the
// flow's journal (shared/cleanup.ts); the result says what went and what stayed, and why.
import { useState } from 'react'
import { madeByFlow, outcomeOf } from '../../../shared/cleanup.ts'
import type { CleanupItem } from '../../../shared/domain.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { Dialog } from '../keys/Dialog.tsx'
import { useWizard } from './context.ts'
import { Actions, Callout } from './parts.tsx'

/**
 * The button and its confirmation; nothing when the journal says the run made nothing. `earlier`:
 * the record is an earlier run's, whose user took the name this run wanted.
 */
export function CleanupAction({ record, where, earlier }: { record: ProvisionView; where: string; earlier?: boolean }) {
  const [asking, setAsking] = useState(false)
  const remove = useWizard((s) => s.removeWhatKeywardMade)
  const parts = madeByFlow(record)
  if (parts.length === 0) return null
  const what = earlier ? `what the earlier run made on ${where}` : `what Keyward made on ${where}`
  return (
    <>
      <button type="button" className="button secondary" data-testid="cleanup-open" onClick={() => setAsking(true)}>
        Remove {what}
      </button>
      {asking && (
        <Dialog
          title={`Remove ${what}?`}
          tone="danger"
          onClose={() => setAsking(false)}
          testId="cleanup-dialog"
          description={
            <>
              <p>Keyward removes, in this order:</p>
              <ul className="consequences" data-testid="cleanup-parts">
                {parts.map((p) => (
                  <li key={p.part}>
                    {p.label}
                    {p.uncertain && ', if the console made it before its reply was lost'}
                  </li>
                ))}
              </ul>
              <p>Your own account, and anything Keyward did not make, stay as they are.</p>
            </>
          }
        >
          <div className="actions dialog-actions">
            <button type="button" className="button secondary" data-autofocus onClick={() => setAsking(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button destructive"
              onClick={() => {
                setAsking(false)
                void remove(record.id)
              }}
            >
              Remove them
            </button>
          </div>
        </Dialog>
      )}
    </>
  )
}

const RESULT_TEXT: Record<CleanupItem['result'], string> = {
  pending: 'not yet removed',
  running: 'being removed',
  removed: 'removed',
  'was-gone': 'already gone',
  'not-made': 'never made',
  kept: 'kept',
  failed: 'could not be removed',
}

/** Replaces the failure view once removal was asked for: progress, then what went and what stayed. */
export function CleanupPanel({ record, where }: { record: ProvisionView; where: string }) {
  const cleanup = useWizard((s) => s.cleanup)
  const earlier = useWizard((s) => s.earlierFlow)
  const remove = useWizard((s) => s.removeWhatKeywardMade)
  const goTo = useWizard((s) => s.goTo)
  const shown = earlier && cleanup.flow === earlier.id ? earlier : record
  const outcome = cleanup.outcome ?? outcomeOf(shown)
  const items = outcome.items.filter((i) => i.result !== 'not-made')
  const signIn = cleanup.error?.code === 'session-expired'
  if (cleanup.busy) {
    return <Callout tone="info" title={`Removing what Keyward made on ${where}…`} />
  }
  return (
    <Callout
      tone={cleanup.error ? 'danger' : outcome.complete ? 'ok' : 'warn'}
      alert={!outcome.complete}
      title={
        outcome.complete ? `Keyward removed what it made on ${where}` : `Some of what Keyward made is still on ${where}`
      }
    >
      {cleanup.error && <p data-testid="cleanup-error">{cleanup.error.message}</p>}
      <ul className="consequences" data-testid="cleanup-result">
        {items.map((i) => (
          <li key={i.part} data-result={i.result}>
            {i.label}: {RESULT_TEXT[i.result]}
            {i.reason && <span className="detail"> — {i.reason}</span>}
          </li>
        ))}
      </ul>
      <Actions>
        {signIn ? (
          <button type="button" className="button primary" onClick={() => goTo('signin')}>
            Sign in again
          </button>
        ) : (
          !outcome.complete && (
            <button type="button" className="button primary" onClick={() => void remove()}>
              Try removing again
            </button>
          )
        )}
        <button
          type="button"
          className={`button ${outcome.complete ? 'primary' : 'secondary'}`}
          onClick={() => goTo('plan')}
        >
          Back to the plan
        </button>
      </Actions>
    </Callout>
  )
}
