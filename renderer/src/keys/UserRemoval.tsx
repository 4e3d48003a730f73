// What revoking a key with its dedicated user came to: each part (the key, the user, its password
// in the keychain) removed, gone already, or kept with the reason, and a retry when a part stopped
// (the flow's cleanup resumes where it stopped, provision.cleanup).
import type { CleanupResult } from '../../../shared/domain.ts'
import { Actions, Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'

const SAID: Record<CleanupResult, string> = {
  removed: 'removed',
  'was-gone': 'already gone',
  'not-made': 'nothing to remove',
  kept: 'not removed',
  failed: 'could not be removed',
  pending: 'not done yet',
  running: 'not finished',
}

export function UserRemoval() {
  const outcome = useKeys((s) => s.userRemoval)
  const busy = useKeys((s) => s.userRemovalBusy)
  const retry = useKeys((s) => s.retryUserRemoval)
  const dismiss = useKeys((s) => s.dismissUserRemoval)
  if (!outcome) return null
  // The key part was revoked by the key list itself; the user and password parts are the news.
  const items = outcome.items.filter((i) => i.part !== 'key')
  const user = outcome.record.username
  return (
    <Callout
      tone={outcome.complete ? 'ok' : 'warn'}
      title={outcome.complete ? `Deleted the user ${user} too` : `The user ${user} is not fully removed`}
    >
      <ul className="removal-items" data-testid="user-removal">
        {items.map((i) => (
          <li key={i.part} data-part={i.part} data-result={i.result}>
            {i.label}: {SAID[i.result]}
            {i.reason ? ` — ${i.reason}` : '.'}
          </li>
        ))}
      </ul>
      <Actions>
        {!outcome.complete && (
          <button
            type="button"
            className="button small primary"
            aria-disabled={busy || undefined}
            onClick={() => void (busy ? undefined : retry(outcome.record.id))}
          >
            {busy ? 'Trying again…' : 'Try again'}
          </button>
        )}
        <button type="button" className="button small secondary" onClick={dismiss}>
          Dismiss
        </button>
      </Actions>
    </Callout>
  )
}
