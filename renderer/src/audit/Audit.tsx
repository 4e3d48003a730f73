// The lab audit screen (issue 18), reachable at #/audit and from Settings: the user picks the consoles
// and UISP servers to audit (nothing is read before), sees every finding with its reason, selects and
// confirms a cleanup that names what stops working, exports the audit, and reads the activity log.
import { useEffect, useState } from 'react'
import type { AuditCleanupItem, AuditReport } from '../../../shared/audit.ts'
import { keyward } from '../api.ts'
import { ActivityLog } from './ActivityLog.tsx'
import { Findings } from './Findings.tsx'
import { auditExport, download, hostChoices, type AuditHostChoice, toggled } from './model.ts'
import './audit.css'

function useHostChoices(): AuditHostChoice[] {
  const [choices, setChoices] = useState<AuditHostChoice[]>([])
  useEffect(() => {
    void Promise.all([keyward?.console.list({}), keyward?.uisp.servers({})]).then(([consoles, servers]) => {
      setChoices(hostChoices(consoles?.ok ? consoles.value : [], servers?.ok ? servers.value : []))
    })
  }, [])
  return choices
}

/** The audit's run: the last report (the core keeps it), opening, cleaning up, and what failed. */
function useAuditRun() {
  const [report, setReport] = useState<AuditReport | null>(null)
  const [results, setResults] = useState<AuditCleanupItem[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [logVersion, setLogVersion] = useState(0)

  useEffect(() => {
    void keyward?.audit.findings({}).then((r) => {
      if (r.ok && r.value) setReport(r.value)
    })
  }, [])

  async function open(chosen: AuditHostChoice[], days: number) {
    if (!keyward) return
    setBusy(true)
    setError(null)
    setResults(null)
    const outcome = await keyward.audit.open({
      consoles: chosen.filter((c) => c.kind === 'console').map((c) => c.key),
      uispServers: chosen.filter((c) => c.kind === 'uisp').map((c) => c.key),
      unusedDays: days,
    })
    setBusy(false)
    if (outcome.ok) setReport(outcome.value)
    else setError(outcome.error.message)
    setLogVersion((v) => v + 1)
  }

  async function cleanup(ids: string[], confirmation: string) {
    if (!keyward) return
    setBusy(true)
    const outcome = await keyward.audit.cleanup({ ids, confirmation })
    setBusy(false)
    if (outcome.ok) {
      setResults(outcome.value.items)
      setReport(outcome.value.report)
    } else setError(outcome.error.message)
    setLogVersion((v) => v + 1)
  }

  return { report, results, busy, error, logVersion, open, cleanup }
}

export function Audit() {
  const choices = useHostChoices()
  const [picked, setPicked] = useState<Set<string>>(new Set())
  const [days, setDays] = useState(90)
  const { report, results, busy, error, logVersion, open, cleanup } = useAuditRun()
  const openChosen = () =>
    void open(
      choices.filter((c) => picked.has(c.key)),
      days,
    )

  return (
    <div className="audit-view" data-testid="audit">
      <section className="panel" aria-labelledby="audit-heading">
        <h2 id="audit-heading" className="panel-heading">
          Lab audit
        </h2>
        <p className="lead">
          Every API key, local admin and token on the consoles and UISP servers you choose, including the ones Keyward
          did not make. Keyward reads only what you tick here, and changes nothing until you confirm a cleanup.
        </p>
        <HostPicker choices={choices} picked={picked} onChange={setPicked} days={days} onDays={setDays} />
        <div className="audit-actions">
          <button type="button" className="button primary" disabled={busy || picked.size === 0} onClick={openChosen}>
            {busy ? 'Reading…' : 'Audit the chosen'}
          </button>
        </div>
        {error && (
          <p className="callout callout-warn" role="alert">
            {error}
          </p>
        )}
      </section>
      {report && (
        <Findings
          report={report}
          results={results}
          busy={busy}
          onCleanup={(ids, words) => void cleanup(ids, words)}
          onExport={exportAudit(report)}
        />
      )}
      <ActivityLog version={logVersion} hosts={choices} />
    </div>
  )
}

const exportAudit = (report: AuditReport) => (format: 'csv' | 'json') => {
  const file = auditExport(report, format)
  download(file.filename, file.text, format === 'csv' ? 'text/csv' : 'application/json')
}

interface PickerProps {
  choices: AuditHostChoice[]
  picked: Set<string>
  onChange: (next: Set<string>) => void
  days: number
  onDays: (days: number) => void
}

function HostPicker({ choices, picked, onChange, days, onDays }: PickerProps) {
  if (choices.length === 0) return <p className="empty">Keyward knows no console or UISP server yet.</p>
  const toggle = (key: string) => onChange(toggled(picked, key))
  return (
    <fieldset>
      <legend>What to audit</legend>
      <ul className="audit-hosts">
        {choices.map((c) => (
          <li key={c.key}>
            <label>
              <input type="checkbox" checked={picked.has(c.key)} onChange={() => toggle(c.key)} /> {c.name}{' '}
              <span className="muted small mono">{c.key}</span>
            </label>
          </li>
        ))}
      </ul>
      <label>
        Unused for more than{' '}
        <input
          className="audit-days"
          type="number"
          min={1}
          max={3650}
          value={days}
          onChange={(e) => onDays(Math.max(1, Math.min(3650, Number(e.target.value) || 90)))}
        />{' '}
        days counts as unused
      </label>
    </fieldset>
  )
}
