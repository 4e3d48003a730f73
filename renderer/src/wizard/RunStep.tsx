import { useEffect } from 'react'
import type { KeyCheckFailed, ProvisionStepState, UnifiApp } from '../../../shared/domain.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { CleanupAction, CleanupPanel } from './Cleanup.tsx'
import { useWizard } from './context.ts'
import { appInfo, appShort } from './model.ts'
import { Actions, Callout, Screen, VisuallyHidden } from './parts.tsx'
import type { RunError, Target } from './store.ts'

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
        {cleaning && record && <CleanupPanel record={record} where={name} />}
        {!cleaning && stopped && failure && (
          <FailurePanel
            message={failure.message}
            code={failure.code}
            step={failure.step}
            fallback={failure.fallbackAvailable}
            target={target}
            app={app}
            record={record}
          />
        )}
        {!cleaning && stopped && !failure && failedCheck && (
          <CheckPanel check={failedCheck} target={target} app={app} record={record} />
        )}
        {!cleaning && stopped && !failure && !failedCheck && runError && <RequestErrorPanel runError={runError} />}
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

function OtherHostButton({
  target,
  app,
  rightHost,
}: {
  target: Target
  app: UnifiApp
  rightHost?: { key: string; name: string | null }
}) {
  const advice = useWizard((s) => s.advice)
  const select = useWizard((s) => s.select)
  const continueWith = useWizard((s) => s.continueWith)
  const best = advice?.app === app ? advice.ranked.find((r) => r.key !== target.key) : undefined
  const other =
    rightHost ??
    (advice?.app === app && advice.ranked[0]?.key !== target.key && best
      ? { key: best.key, name: best.name ?? best.host }
      : null)
  if (!other) return null
  return (
    <button
      type="button"
      className="button secondary"
      onClick={() => {
        select(other.key)
        void continueWith(other.key)
      }}
    >
      Make it on {other.name ?? other.key} instead
    </button>
  )
}

function FailurePanel({
  message,
  code,
  step,
  fallback,
  target,
  app,
  record,
}: {
  message: string
  code: string
  step: 'user' | 'key' | 'verify'
  fallback: boolean
  target: Target
  app: UnifiApp
  record: ProvisionView | null
}) {
  const resume = useWizard((s) => s.resume)
  const run = useWizard((s) => s.run)
  const goTo = useWizard((s) => s.goTo)
  const signedIn = useWizard((s) => s.signedIn)
  const earlier = useWizard((s) => s.earlierFlow)
  const what =
    step === 'user' ? 'create the user' : step === 'key' ? `create the ${appInfo(app).credential}` : 'check the key'
  const admin = signedIn?.user.username ?? 'your account'
  return (
    <Callout tone="danger" alert title={`Keyward could not ${what}`}>
      <p data-testid="failure-message">{message}</p>
      {fallback ? (
        <p data-testid="fallback-explanation">
          This console does not allow new local users: UniFi OS 5 consoles (“Fabric”) no longer offer them, to Keyward
          or in their own web page. That is normal, and there is a way that works: Keyward makes the key as {admin}. The
          key then carries that account’s rights, and it stops working if that account is removed or loses Super Admin.
        </p>
      ) : code === 'conflict' ? (
        <p>Choose another user name in the plan.</p>
      ) : code === 'session-expired' ? (
        <p>Sign in again; Keyward then continues where it stopped.</p>
      ) : (
        <p>Trying again continues where it stopped: nothing is made twice.</p>
      )}
      <Actions>
        {fallback && (
          <button type="button" className="button primary" onClick={() => void run('signed-in-admin')}>
            Make the key as {admin}
          </button>
        )}
        {code === 'conflict' ? (
          <button type="button" className="button primary" onClick={() => goTo('plan')}>
            Change the user name
          </button>
        ) : code === 'session-expired' ? (
          <button type="button" className="button primary" onClick={() => goTo('signin')}>
            Sign in again
          </button>
        ) : (
          <button
            type="button"
            className={`button ${fallback ? 'secondary' : 'primary'}`}
            onClick={() => void resume()}
          >
            Try again
          </button>
        )}
        <OtherHostButton target={target} app={app} />
        {record && <CleanupAction record={record} where={target.name ?? target.host} />}
        {earlier && <CleanupAction record={earlier} where={target.name ?? target.host} earlier />}
      </Actions>
    </Callout>
  )
}

function CheckPanel({
  check,
  target,
  app,
  record,
}: {
  check: KeyCheckFailed
  target: Target
  app: UnifiApp
  record: ProvisionView | null
}) {
  const resume = useWizard((s) => s.resume)
  return (
    <Callout tone="danger" alert title="The key was made, but it does not work yet">
      <p data-testid="check-message">{check.message}</p>
      <p data-testid="check-next-step">
        <strong>What to do:</strong> {check.nextStep}
      </p>
      {check.retryAfterSeconds !== undefined && (
        <p className="muted">The console asks to wait {check.retryAfterSeconds} s.</p>
      )}
      <Actions>
        <button type="button" className="button primary" onClick={() => void resume()}>
          Check again
        </button>
        <OtherHostButton target={target} app={app} {...(check.rightHost ? { rightHost: check.rightHost } : {})} />
        {/* The key works nowhere here: what was made for it on this console can go. */}
        {record && check.problem === 'wrong_host' && (
          <CleanupAction record={record} where={target.name ?? target.host} />
        )}
      </Actions>
    </Callout>
  )
}

function RequestErrorPanel({ runError }: { runError: RunError }) {
  const resume = useWizard((s) => s.resume)
  const provisionId = useWizard((s) => s.provisionId)
  const goTo = useWizard((s) => s.goTo)
  const { error } = runError
  const signIn = error.code === 'session-expired'
  return (
    <Callout tone="danger" alert title="Keyward stopped">
      <p data-testid="failure-message">{error.message}</p>
      {error.detail && <p className="detail">Details: {error.detail}</p>}
      <Actions>
        {signIn ? (
          <button type="button" className="button primary" onClick={() => goTo('signin')}>
            Sign in again
          </button>
        ) : provisionId ? (
          <button type="button" className="button primary" onClick={() => void resume()}>
            Try again
          </button>
        ) : null}
        <button
          type="button"
          className={`button ${signIn || provisionId ? 'secondary' : 'primary'}`}
          onClick={() => goTo('plan')}
        >
          Back to the plan
        </button>
      </Actions>
    </Callout>
  )
}
