// The audit's findings (issue 18): what each host said, every finding with its reason, a selection, and
// the confirmation that names what stops working before anything is removed.
import { useState } from 'react'
import type { AuditCleanupItem, AuditFinding, AuditReport } from '../../../shared/audit.ts'
import { actionLabel, confirmationSentence, KIND_LABEL, toggled } from './model.ts'

interface Props {
  report: AuditReport
  results: AuditCleanupItem[] | null
  busy: boolean
  onCleanup: (ids: string[], confirmation: string) => void
  onExport: (format: 'csv' | 'json') => void
}

export function Findings({ report, results, busy, onCleanup, onExport }: Props) {
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [confirming, setConfirming] = useState(false)
  const chosen = report.findings.filter((f) => selected.has(f.id) && f.action)
  const toggle = (key: string) => setSelected(toggled(selected, key))
  return (
    <section className="panel" aria-labelledby="findings-heading" data-testid="audit-findings">
      <h2 id="findings-heading" className="panel-heading">
        Findings
      </h2>
      <p className="muted small">
        Read {new Date(report.openedAt).toLocaleString()} · {report.credentials.length} credentials
      </p>
      <HostStates report={report} />
      {report.findings.length === 0 ? (
        <p className="empty">Nothing stale or risky was found.</p>
      ) : (
        <ul className="audit-findings">
          {report.findings.map((f) => (
            <FindingRow key={f.id} finding={f} checked={selected.has(f.id)} onToggle={() => toggle(f.id)} />
          ))}
        </ul>
      )}
      {results && <CleanupResults items={results} />}
      {confirming && chosen.length > 0 ? (
        <Confirm
          findings={chosen}
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            onCleanup(
              chosen.map((f) => f.id),
              confirmationSentence(chosen),
            )
            setConfirming(false)
            setSelected(new Set())
          }}
        />
      ) : (
        <div className="audit-actions">
          <button
            type="button"
            className="button secondary danger"
            disabled={chosen.length === 0 || busy}
            onClick={() => setConfirming(true)}
          >
            Clean up selected ({chosen.length})
          </button>
          <button type="button" className="button secondary" onClick={() => onExport('csv')}>
            Export audit as CSV
          </button>
          <button type="button" className="button secondary" onClick={() => onExport('json')}>
            Export audit as JSON
          </button>
        </div>
      )}
    </section>
  )
}

function HostStates({ report }: { report: AuditReport }) {
  return (
    <ul className="audit-hosts" aria-label="Hosts read">
      {report.hosts.map((h) => (
        <li key={h.key} data-testid="audit-host">
          <strong>{h.label}</strong>{' '}
          <span className={`status-badge tone-${h.state === 'read' ? 'ok' : 'warn'}`}>
            {h.state === 'read' ? 'Read' : h.state === 'skipped' ? 'Skipped' : 'Could not read'}
          </span>
          {h.reason && <p className="row-note">{h.reason}</p>}
          {h.notes.map((n) => (
            <p key={n} className="muted small">
              {n}
            </p>
          ))}
        </li>
      ))}
    </ul>
  )
}

function FindingRow({
  finding: f,
  checked,
  onToggle,
}: {
  finding: AuditFinding
  checked: boolean
  onToggle: () => void
}) {
  const id = `finding-${f.id.replace(/[^A-Za-z0-9_-]/g, '_')}`
  return (
    <li className="audit-finding" data-testid="audit-finding" data-kind={f.kind}>
      <input id={id} type="checkbox" checked={checked} disabled={!f.action} onChange={onToggle} />
      <div>
        <label htmlFor={id}>
          <strong>{KIND_LABEL[f.kind]}:</strong> {f.subject} <span className="muted">on {f.hostLabel}</span>
        </label>
        <p>{f.reason}</p>
        <p className="muted small">{actionLabel(f)}</p>
      </div>
    </li>
  )
}

interface ConfirmProps {
  findings: AuditFinding[]
  busy: boolean
  onCancel: () => void
  onConfirm: () => void
}

function Confirm({ findings, busy, onCancel, onConfirm }: ConfirmProps) {
  return (
    <div
      className="callout callout-warn audit-confirm"
      role="alertdialog"
      aria-labelledby="confirm-heading"
      data-testid="audit-confirm"
    >
      <h3 id="confirm-heading">
        Clean up {findings.length === 1 ? 'this finding' : `these ${findings.length} findings`}?
      </h3>
      {findings.map((f) => (
        <div key={f.id}>
          <p>
            <strong>{actionLabel(f)}:</strong> {f.subject} on {f.hostLabel}
          </p>
          <ul>
            {f.stops.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </div>
      ))}
      <div className="audit-actions">
        <button type="button" className="button primary danger" disabled={busy} onClick={onConfirm} autoFocus>
          {busy ? 'Cleaning up…' : 'Clean up'}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  )
}

function CleanupResults({ items }: { items: AuditCleanupItem[] }) {
  return (
    <div role="status" data-testid="audit-results">
      <h3>Cleanup</h3>
      <ul>
        {items.map((i) => (
          <li
            key={i.findingId}
            className={`tone-${i.outcome === 'removed' || i.outcome === 'was-gone' ? 'ok' : 'warn'}`}
          >
            {i.message}
          </li>
        ))}
      </ul>
    </div>
  )
}
