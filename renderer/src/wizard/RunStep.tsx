import { useEffect } from 'react'
import type { ProvisionStepState, UnifiApp } from '../../../shared/domain.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { useWizard } from './context.ts'
import { appInfo, appShort } from './model.ts'
import { Actions, Callout, Screen, VisuallyHidden } from './parts.tsx'
import { CheckPanel, FailurePanel, RequestErrorPanel } from './RunFailure.tsx'

const STATE_TEXT: Record<ProvisionStepState, string> = {
  pending: 'Waiting',
  running: 'Working…',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
}

export function RunStep() {
  const target = useWizard((s) => s.target)
  const app = useWizard((s) => s.app)
  const draft = useWizard((s) => s.draft)
  const progress = useWizard((s) => s.progress)
  const outcome = useWizard((s) => s.outcome)
  const busy = useWizard((s) => s.busy)
  const runError = useWizard((s) => s.runError)
  const reconcile = useWizard((s) => s.reconcile)
  const cleanup = useWizard((s) => s.cleanup)
  const leaving = useWizard((s) => s.leaveAfterRun)
  const offerCleanup = useWizard((s) => s.offerCleanup)

  useEffect(() => {
    void reconcile()
  }, [reconcile])

  if (!target || !app) return null
  const name = target.name ?? target.host
  const record = progress ?? outcome?.record ?? null
  const failure = outcome?.failure ?? null
  const failedCheck = outcome?.check?.status === 'failed' ? outcome.check : null
  const stopped = !busy && (failure !== null || failedCheck !== null || runError !== null)
  // Once removal was asked for, the run is over: the view shows what went and what stayed.
  const cleaning = record !== null && (record.cleanup != null || cleanup.flow !== null)
  const credential = appInfo(app).credential
  const title = cleaning
    ? `Removing what Keyward made on ${name}`
    : busy || !stopped
      ? `Making the ${credential} on ${name}…`
      : `The ${credential} is not ready yet`

  return (
    <Screen id="run" title={title}>
      <p className="lead">
        {cleaning
          ? 'Keyward removes only what this run made: the key first, then the user, then its password.'
          : stopped
            ? 'Nothing is lost: what is done stays done, and trying again continues from the step that stopped.'
            : 'This takes a few seconds. If the connection drops, Keyward continues where it stopped instead of starting over.'}
      </p>
      <StepList
        record={record}
        app={app}
        name={name}
        username={draft?.username ?? record?.username ?? ''}
        keyName={draft?.keyName ?? record?.keyName ?? ''}
        busy={busy}
      />
      <div className="run-outcome" aria-live="polite">
        {leaving && busy && (
          <Callout tone="info" title="You chose to leave">
            <p>When this run stops, Keyward offers to remove what it made on {name}.</p>
          </Callout>
        )}
        {cleaning && record && (
          <Callout tone="info" title={`Keyward is removing what this run made on ${name}`}>
            <Actions>
              <button type="button" className="button primary" onClick={() => offerCleanup(record.id)}>
                See what is removed
              </button>
            </Actions>
          </Callout>
        )}
        {!cleaning && stopped && failure && (
          <FailurePanel key={outcome?.record.updatedAt} failure={failure} target={target} app={app} record={record} />
        )}
        {!cleaning && stopped && !failure && failedCheck && (
          <CheckPanel key={failedCheck.checkedAt} check={failedCheck} target={target} app={app} record={record} />
        )}
        {!cleaning && stopped && !failure && !failedCheck && runError && (
          <RequestErrorPanel key={runError.error.message} runError={runError} record={record} />
        )}
      </div>
    </Screen>
  )
}

function StepList({
  record,
  app,
  name,
  username,
  keyName,
  busy,
}: {
  record: ProvisionView | null
  app: UnifiApp
  name: string
  username: string
  keyName: string
  busy: boolean
}) {
  const credential = appInfo(app).credential
  const steps = record?.steps ?? {
    user: record?.mode === 'signed-in-admin' ? 'skipped' : 'pending',
    key: 'pending',
    verify: 'pending',
  }
  const admin = record?.mode === 'signed-in-admin'
  const items: { id: 'user' | 'key' | 'verify'; label: string }[] = [
    {
      id: 'user',
      label: admin
        ? `Use your own account ${record.username} (no new user)`
        : `Create the user ${record?.username ?? username}`,
    },
    { id: 'key', label: `Create the ${credential} ${record?.keyName ?? keyName}` },
    { id: 'verify', label: `Check it against ${appShort(app)} on ${name}` },
  ]
  return (
    <ol className="run-steps" aria-label="Progress" aria-busy={busy}>
      {items.map((item) => {
        const state: ProvisionStepState =
          steps[item.id] === 'pending' && busy && !record && item.id === 'user' ? 'running' : steps[item.id]
        return (
          <li key={item.id} className={`run-step state-${state}`} data-testid={`step-${item.id}`} data-state={state}>
            <span className="state-icon" aria-hidden="true" />
            <span className="run-label">{item.label}</span>
            <span className="run-state">
              <VisuallyHidden>: </VisuallyHidden>
              {STATE_TEXT[state]}
            </span>
          </li>
        )
      })}
    </ol>
  )
}
