// The line that says whether a scan runs and, once it ended, what it found and
// when: "Found 3 consoles, 32 devices · 14:02 · Scan again" (issue 17). Its
// "scanning" is the core's (`DiscoveryStatus.scanning`, a whole scan round), the
// same flag the wizard's Find step reads. Notices (a busy port, an interface
// without multicast) say in plain words that devices may be missed; their
// technical wording is in a details element.
import type { DiscoveryStatus, InventoryItem } from '../../../shared/inventory.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { ErrorText } from '../components/ErrorText.tsx'
import { clockTime } from '../format.ts'
import { foundCounts } from './model.ts'

function summaryText(items: InventoryItem[] | null, status: DiscoveryStatus | null): string {
  const counts = foundCounts(items ?? [])
  if (!status) return 'Starting to look…'
  if (status.scanning) return counts ? `Looking for devices… ${counts} so far.` : 'Looking for devices…'
  const when = status.lastScanEndedAt ? ` · ${clockTime(status.lastScanEndedAt)}` : ''
  if (!status.running) return `Discovery is off.${counts ? ` Last found: ${counts}${when}.` : ''}`
  return counts ? `Found ${counts}${when}` : `Found nothing${when}`
}

export function DiscoverySummary({
  items,
  status,
  error,
  onScanAgain,
}: {
  items: InventoryItem[] | null
  status: DiscoveryStatus | null
  error: KeywardError | null
  onScanAgain: () => void
}) {
  const scanning = status?.scanning ?? status === null
  const ended = status !== null && !scanning
  const nothing = ended && (items ?? []).length === 0
  return (
    <div className="scan-summary-block">
      <div className="scan-summary">
        <span className={`pulse${scanning ? ' on' : ''}`} aria-hidden="true" />
        <p role="status" className="scan-summary-text" data-testid="scan-summary">
          {summaryText(items, status)}
        </p>
        {ended && (
          <>
            <span className="muted" aria-hidden="true">
              ·
            </span>
            <button type="button" className="button link" onClick={onScanAgain}>
              {status.running ? 'Scan again' : 'Start looking'}
            </button>
          </>
        )}
      </div>
      {error && (
        <div className="callout callout-danger" role="alert">
          <p className="callout-title">Keyward could not look on the network</p>
          <ErrorText error={error} />
        </div>
      )}
      {nothing && (
        <ul className="hints">
          <li>Consoles answer within seconds when this computer is on the same network (the same VLAN).</li>
          <li>A firewall between them can block discovery; enter the address below instead.</li>
        </ul>
      )}
      {status && status.notices.length > 0 && (
        <div className="callout callout-warn" role="note" aria-label="Discovery notices">
          <p className="callout-title">Discovery may miss some devices</p>
          <details>
            <summary>Why</summary>
            <ul className="notices">
              {status.notices.map((n) => (
                <li key={`${n.code}-${n.interface ?? ''}-${n.message}`}>{n.message}</li>
              ))}
            </ul>
          </details>
        </div>
      )}
    </div>
  )
}
