// What the run screen shows when a run stopped (issue 17): for each failure the
// flow can reach (unifi/flows.ts, the key check's diagnoses in unifi/verify.ts
// and advice.ts), the primary button is the fix that can succeed — continue on
// the right console, make the key as the signed-in admin, change the name, sign
// in again, wait out a lock with one countdown — and "Start over" comes second.
import { useState } from 'react'
import type { KeyCheckFailed, UnifiApp } from '../../../shared/domain.ts'
import type { KeywardError } from '../../../shared/result.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { useNow } from '../hooks.ts'
import { AccessCertificate } from './AccessCertificate.tsx'
import { CleanupAction } from './Cleanup.tsx'
import { useWizard } from './context.ts'
import { appInfo, lockSeconds } from './model.ts'
import { Actions, Callout } from './parts.tsx'
import type { Target } from './persisted.ts'
import type { RunError } from './state.ts'
import { ContinueOnButton, useRightHost } from './right-host.tsx'
import { lockEnd, secondsLeft } from './sign-in-form.ts'
import { useStartOver } from './start-over.ts'

/** Seconds left of a wait the console asked for (a lock-out, a rate limit); one countdown per failure. */
function useWait(error: KeywardError | null, seconds?: number): number {
  const [end] = useState<number | null>(() => {
    if (seconds !== undefined) return Date.now() + seconds * 1000
    if (!error || (error.code !== 'locked-out' && error.code !== 'rate-limited')) return null
    return lockSeconds(error) === null && !error.until ? null : lockEnd(error, Date.now())
  })
  const now = useNow(end !== null)
  return secondsLeft(end, now)
}

/** "Try again" that waits out the console's pause first, counting down in the button itself. */
function RetryButton({ label, wait, onClick }: { label: string; wait: number; onClick(): void }) {
  return (
    <button type="button" className="button primary" disabled={wait > 0} onClick={onClick} data-testid="retry">
      {wait > 0 ? `${label} in ${wait} s` : label}
    </button>
  )
}

function StartOverButton({ primary }: { primary?: boolean }) {
  const startOver = useStartOver()
  return (
    <button type="button" className={`button ${primary ? 'primary' : 'secondary'}`} onClick={startOver}>
      Start over
    </button>
  )
}

interface FailureProps {
  failure: { message: string; code: string; step: 'user' | 'key' | 'verify'; fallbackAvailable: boolean }
  target: Target
  app: UnifiApp
  record: ProvisionView | null
}

/** The run stopped at a step: the fix that can succeed for its code. */
export function FailurePanel({ failure, target, app, record }: FailureProps) {
  const resume = useWizard((s) => s.resume)
  const run = useWizard((s) => s.run)
  const goTo = useWizard((s) => s.goTo)
  const signedIn = useWizard((s) => s.signedIn)
  const earlier = useWizard((s) => s.earlierFlow)
  const right = useRightHost(target, app)
  const { code, step, fallbackAvailable: fallback } = failure
  const wait = useWait({ code: code as KeywardError['code'], message: failure.message })
  const where = target.name ?? target.host
  const what =
    step === 'user' ? 'create the user' : step === 'key' ? `create the ${appInfo(app).credential}` : 'check the key'
  const admin = signedIn?.user.username ?? 'your account'
  const primary = fallback ? (
    <button type="button" className="button primary" onClick={() => void run('signed-in-admin')}>
      Make the key as {admin}
    </button>
  ) : code === 'conflict' ? (
    <button type="button" className="button primary" onClick={() => goTo('plan')}>
      Change the user name
    </button>
  ) : code === 'session-expired' ? (
    <button type="button" className="button primary" onClick={() => goTo('signin')}>
      Sign in again
    </button>
  ) : code === 'forbidden' ? (
    <button type="button" className="button primary" onClick={() => goTo('signin')}>
      Sign in with another account
    </button>
  ) : code === 'refused' || code === 'invalid-input' || code === 'unsupported' ? (
    <button type="button" className="button primary" onClick={() => goTo('plan')}>
      Back to the plan
    </button>
  ) : (
    <RetryButton label="Try again" wait={wait} onClick={() => void resume()} />
  )
  return (
    <Callout tone="danger" alert title={`Keyward could not ${what}`}>
      <p data-testid="failure-message">{failure.message}</p>
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
      ) : code === 'forbidden' ? (
        <p>Sign in as the console’s owner or another Super Admin; the plan keeps its names.</p>
      ) : (
        <p>Trying again continues where it stopped: nothing is made twice.</p>
      )}
      <Actions>
        {primary}
        {right && <ContinueOnButton host={right} />}
        {record && <CleanupAction record={record} where={where} />}
        {earlier && <CleanupAction record={earlier} where={where} earlier />}
        <StartOverButton />
      </Actions>
    </Callout>
  )
}

/** The key was made but its check failed: continue on the right console, re-compare the certificate, or check again. */
export function CheckPanel({
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
  const trustAccess = useWizard((s) => s.trustAccess)
  const continueWith = useWizard((s) => s.continueWith)
  const goTo = useWizard((s) => s.goTo)
  const right = useRightHost(target, app, check.rightHost)
  const wait = useWait(null, check.retryAfterSeconds)
  const where = target.name ?? target.host
  const elsewhere = check.problem === 'wrong_host' || check.problem === 'app_not_on_host'
  // The key works nowhere here: what was made for it on this console can go.
  const useless = elsewhere || check.problem === 'invalid_key' || check.problem === 'wrong_key_type'
  const cleanup = record && useless ? <CleanupAction record={record} where={where} /> : null
  // Access's API port has its own certificate: its fingerprint and "Trust" are the fix (AccessCertificate).
  const accessPin = check.problem === 'access_certificate' ? (check.accessCertificate?.sha256 ?? null) : null
  const primary = accessPin ? null : elsewhere && right ? (
    <ContinueOnButton host={right} primary />
  ) : elsewhere ? (
    <button type="button" className="button primary" onClick={() => goTo('find')}>
      Choose another console
    </button>
  ) : check.problem === 'tls_pin_mismatch' ? (
    <button type="button" className="button primary" onClick={() => void continueWith(target.key)}>
      Compare the certificate
    </button>
  ) : useless ? null : (
    <RetryButton label="Check again" wait={wait} onClick={() => void resume()} />
  )
  return (
    <Callout tone="danger" alert title="The key was made, but it does not work yet">
      <p data-testid="check-message">{check.message}</p>
      <p data-testid="check-next-step">
        <strong>What to do:</strong> {check.nextStep}
      </p>
      {accessPin && <AccessCertificate sha256={accessPin} trust={trustAccess} />}
      <Actions>
        {primary}
        {!elsewhere && right && <ContinueOnButton host={right} />}
        {cleanup}
        <StartOverButton primary={primary === null && !accessPin} />
      </Actions>
    </Callout>
  )
}

/** A request of the run failed before the flow could say more: sign in again, wait out a pause, or try again. */
export function RequestErrorPanel({ runError, record }: { runError: RunError; record: ProvisionView | null }) {
  const resume = useWizard((s) => s.resume)
  const provisionId = useWizard((s) => s.provisionId)
  const goTo = useWizard((s) => s.goTo)
  const target = useWizard((s) => s.target)
  const { error } = runError
  const wait = useWait(error)
  const signIn = error.code === 'session-expired'
  return (
    <Callout tone="danger" alert title="Keyward stopped">
      <p data-testid="failure-message">{error.message}</p>
      {error.detail && (
        <details className="detail">
          <summary>Details</summary>
          {error.detail}
        </details>
      )}
      <Actions>
        {signIn ? (
          <button type="button" className="button primary" onClick={() => goTo('signin')}>
            Sign in again
          </button>
        ) : provisionId ? (
          <RetryButton label="Try again" wait={wait} onClick={() => void resume()} />
        ) : null}
        <button
          type="button"
          className={`button ${signIn || provisionId ? 'secondary' : 'primary'}`}
          onClick={() => goTo('plan')}
        >
          Back to the plan
        </button>
        {record && target && <CleanupAction record={record} where={target.name ?? target.host} />}
        <StartOverButton />
      </Actions>
    </Callout>
  )
}
