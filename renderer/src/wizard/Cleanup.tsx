// "Remove what Keyward made on <console>" (issue 14 §5, issue 17): its own screen,
// offered where a run failed after it made something, made the key on the wrong
// console, or was left while it ran. It names each part from the flow's journal
// (shared/cleanup.ts), asks, lets the core remove them in the safe order (the
// key, then the user, then the keychain password last), and shows the result
// per part, with a retry where a part could not be removed.
import { madeByFlow, outcomeOf } from '../../../shared/cleanup.ts'
import type { CleanupItem, UnifiApp } from '../../../shared/domain.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { useWizard } from './context.ts'
import { NothingToShow } from './DoneScreen.tsx'
import { appName } from './model.ts'
import { Actions, Callout, Screen } from './parts.tsx'
import type { Target } from './persisted.ts'
import { ContinueOnButton, useRightHost, type RightHost } from './right-host.tsx'
import { useStartOver } from './start-over.ts'

/** The button on a failure that opens the cleanup screen; nothing when the journal says the run made nothing. */
export function CleanupAction({ record, where, earlier }: { record: ProvisionView; where: string; earlier?: boolean }) {
  const offer = useWizard((s) => s.offerCleanup)
  if (madeByFlow(record).length === 0) return null
  return (
    <button type="button" className="button secondary" data-testid="cleanup-open" onClick={() => offer(record.id)}>
      Remove {earlier ? `what the earlier run made on ${where}` : `what Keyward made on ${where}`}
    </button>
  )
}

const RESULT_TEXT: Record<CleanupItem['result'], string> = {
  pending: 'not removed yet',
  running: 'being removed…',
  removed: 'removed',
  'was-gone': 'already gone',
  'not-made': 'never made',
  kept: 'kept',
  failed: 'could not be removed',
}

/** Why the cleanup is offered, in one sentence. */
function why(record: ProvisionView, earlier: boolean, app: UnifiApp, where: string, right: RightHost | null): string {
  if (earlier) return `An earlier run made the user ${record.username} on ${where}, and it is in the way of this one.`
  if (right) {
    return `${appName(app)} runs on ${right.name ?? right.key}, not on ${where}, so the key made there is of no use.`
  }
  return `The run stopped before it made a working key; this is what it left on ${where}.`
}

export function CleanupStep() {
  const target = useWizard((s) => s.target)
  const app = useWizard((s) => s.app)
  const outcome = useWizard((s) => s.outcome)
  const progress = useWizard((s) => s.progress)
  const cleanup = useWizard((s) => s.cleanup)
  const earlierFlow = useWizard((s) => s.earlierFlow)
  const startOver = useStartOver()
  const own = progress ?? outcome?.record ?? null
  const earlier = earlierFlow !== null && cleanup.flow === earlierFlow.id
  const record = earlier ? earlierFlow : own
  if (!record || !target || !app) return <NothingToShow id="cleanup" onStartOver={startOver} />
  const check = outcome?.check?.status === 'failed' && !earlier ? outcome.check : null
  const given = check?.rightHost ? { rightHost: check.rightHost } : {}
  return <CleanupView record={record} earlier={earlier} target={target} app={app} {...given} />
}

function CleanupView({
  record,
  earlier,
  target,
  app,
  rightHost,
}: {
  record: ProvisionView
  earlier: boolean
  target: Target
  app: UnifiApp
  rightHost?: RightHost
}) {
  const cleanup = useWizard((s) => s.cleanup)
  const remove = useWizard((s) => s.removeWhatKeywardMade)
  const keep = useWizard((s) => s.keepWhatWasMade)
  const right = useRightHost(target, app, rightHost)
  const where = target.name ?? target.host
  const begun = cleanup.busy || cleanup.outcome !== null || record.cleanup != null
  if (!begun) {
    const parts = madeByFlow(record)
    return (
      <Screen key="ask" id="cleanup" title={`Remove what Keyward made on ${where}?`}>
        <p className="lead">{why(record, earlier, app, where, right)}</p>
        <p>Keyward removes these, in this order, and nothing else:</p>
        <ol className="cleanup-parts" data-testid="cleanup-parts">
          {parts.map((p) => (
            <li key={p.part} data-part={p.part}>
              {p.label}
              {p.uncertain && <span className="muted">, if the console made it before its reply was lost</span>}
            </li>
          ))}
        </ol>
        <p className="muted">Your own account, and anything Keyward did not make, stay as they are.</p>
        <Actions>
          <button type="button" className="button destructive" onClick={() => void remove(record.id)}>
            Remove them
          </button>
          <button type="button" className="button secondary" onClick={keep}>
            Keep them
          </button>
        </Actions>
      </Screen>
    )
  }
  return <CleanupResult record={record} where={where} right={earlier ? null : right} earlier={earlier} />
}

function CleanupResult({
  record,
  where,
  right,
  earlier,
}: {
  record: ProvisionView
  where: string
  right: RightHost | null
  earlier: boolean
}) {
  const cleanup = useWizard((s) => s.cleanup)
  const remove = useWizard((s) => s.removeWhatKeywardMade)
  const goTo = useWizard((s) => s.goTo)
  const startOver = useStartOver()
  const result = cleanup.outcome && cleanup.outcome.record.id === record.id ? cleanup.outcome : outcomeOf(record)
  const items = result.items.filter((i) => i.result !== 'not-made')
  const signIn = cleanup.error?.code === 'session-expired'
  const complete = !cleanup.busy && result.complete
  const title = cleanup.busy
    ? `Removing what Keyward made on ${where}…`
    : complete
      ? `Keyward removed what it made on ${where}`
      : `Some of what Keyward made is still on ${where}`
  return (
    <Screen key={cleanup.busy ? 'busy' : 'result'} id="cleanup" title={title}>
      {cleanup.error && (
        <Callout tone="danger" alert>
          <p data-testid="cleanup-error">{cleanup.error.message}</p>
        </Callout>
      )}
      <ResultItems items={items} busy={cleanup.busy} retry={!signIn} />
      {!cleanup.busy && (
        <Actions>
          {signIn && (
            <button type="button" className="button primary" onClick={() => goTo('signin')}>
              Sign in again to finish
            </button>
          )}
          {!signIn && !complete && (
            <button type="button" className="button primary" onClick={() => void remove()}>
              Try removing the rest again
            </button>
          )}
          {complete && right && <ContinueOnButton host={right} primary />}
          {earlier ? (
            <button
              type="button"
              className={`button ${complete ? 'primary' : 'secondary'}`}
              onClick={() => goTo('plan')}
            >
              Back to the plan
            </button>
          ) : (
            <button
              type="button"
              className={`button ${complete && !right ? 'primary' : 'secondary'}`}
              onClick={startOver}
            >
              Start over
            </button>
          )}
        </Actions>
      )}
    </Screen>
  )
}

/** Each part and what became of it; a part that could not be removed has its own retry. */
function ResultItems({ items, busy, retry }: { items: CleanupItem[]; busy: boolean; retry: boolean }) {
  const remove = useWizard((s) => s.removeWhatKeywardMade)
  return (
    <ol className="cleanup-parts" data-testid="cleanup-result" aria-busy={busy}>
      {items.map((i) => (
        <li key={i.part} data-part={i.part} data-result={i.result} className={`cleanup-${i.result}`}>
          <span>
            {i.label}: <strong>{RESULT_TEXT[i.result]}</strong>
            {i.reason && <span className="detail"> — {i.reason}</span>}
          </span>
          {!busy && retry && i.result === 'failed' && (
            <button type="button" className="button small secondary" onClick={() => void remove()}>
              Try again<span className="visually-hidden">: {i.label}</span>
            </button>
          )}
        </li>
      ))}
    </ol>
  )
}
