// What a key's status means, in the detail pane: why a check failed and what to do, a warning from a passing
// check, the expiry, and Home Assistant's view of the entry that uses the key.
import type { KeyView } from '../../../shared/domain.ts'
import { formatDate, STATUS } from './model.ts'

export function StatusDetail({ keyView: k }: { keyView: KeyView }) {
  const status = STATUS[k.status]
  const check = k.lastCheck
  const failed = check?.status === 'failed' && k.status !== 'paused' ? check : null
  const expires = formatDate(k.expiresAt)
  return (
    <>
      {failed && (
        <div className={`status-detail tone-${status.tone}`} data-testid="status-detail">
          <p data-testid="status-message">{failed.message}</p>
          {failed.nextStep && (
            <p data-testid="status-next-step">
              <strong>What to do:</strong> {failed.nextStep}
            </p>
          )}
        </div>
      )}
      {check?.status === 'ok' && check.message && k.status !== 'paused' && (
        <div className="status-detail tone-warn" data-testid="status-warning">
          <p>{check.message}</p>
        </div>
      )}
      {(k.status === 'expired' || k.status === 'expiring') && expires && (
        <div className={`status-detail tone-${status.tone}`}>
          <p>
            {k.status === 'expired' ? `Expired on ${expires}.` : `Expires on ${expires}.`} Rotate it to make a new one;
            whatever uses it gets the new one when you send it again.
          </p>
        </div>
      )}
      {k.haHealth && (
        <p
          className={`ha-health tone-${k.haHealth.keyProblem ? 'danger' : k.haHealth.signal === 'ok' ? 'ok' : 'warn'}`}
          data-testid="ha-health"
        >
          <strong>Home Assistant:</strong> {k.haHealth.message}
        </p>
      )}
    </>
  )
}
