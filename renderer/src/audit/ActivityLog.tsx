// The activity log (issue 18): everything Keyward did, newest first, filtered by console or server,
// with a CSV or JSON export made by the core (no secrets).
import { useEffect, useState } from 'react'
import type { ActivityEntry } from '../../../shared/audit.ts'
import { keyward } from '../api.ts'
import { download, type AuditHostChoice } from './model.ts'

const ACTION_WORDS: Record<ActivityEntry['action'], string> = {
  probed: 'Checked the address',
  trusted: 'Trusted the certificate',
  'signed-in': 'Signed in',
  'created-user': 'Created a user',
  minted: 'Made a key',
  verified: 'Checked the key',
  'pushed-to-ha': 'Sent to Home Assistant',
  consented: 'You agreed',
  rotated: 'Rotated',
  revoked: 'Revoked',
  'deleted-user': 'Deleted a user',
  forgot: 'Stopped watching',
  'cleaned-up': 'Cleaned up',
  audited: 'Audited',
}

export function ActivityLog({ version, hosts }: { version: number; hosts: AuditHostChoice[] }) {
  const [hostKey, setHostKey] = useState('')
  const [entries, setEntries] = useState<ActivityEntry[]>([])
  const filter = hostKey ? { hostKey } : {}
  useEffect(() => {
    void keyward?.activity.list(hostKey ? { hostKey } : {}).then((r) => {
      if (r.ok) setEntries([...r.value].reverse())
    })
  }, [hostKey, version])

  async function exportLog(format: 'csv' | 'json') {
    const r = await keyward?.activity.export({ format, ...filter })
    if (r?.ok) download(r.value.filename, r.value.text, format === 'csv' ? 'text/csv' : 'application/json')
  }

  return (
    <section className="panel" aria-labelledby="activity-heading" data-testid="activity-log">
      <h2 id="activity-heading" className="panel-heading">
        What Keyward did
      </h2>
      <div className="audit-actions">
        <label>
          Show{' '}
          <select value={hostKey} onChange={(e) => setHostKey(e.target.value)}>
            <option value="">everything</option>
            {hosts.map((h) => (
              <option key={h.key} value={h.key}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button small secondary" onClick={() => void exportLog('csv')}>
          Export log as CSV
        </button>
        <button type="button" className="button small secondary" onClick={() => void exportLog('json')}>
          Export log as JSON
        </button>
      </div>
      {entries.length === 0 ? (
        <p className="empty">Nothing recorded yet.</p>
      ) : (
        <ul className="audit-activity-list">
          {entries.slice(0, 200).map((e, i) => (
            <li key={`${e.at}-${i}`} data-testid="activity-entry">
              <span>
                <strong>{ACTION_WORDS[e.action]}</strong> {e.subject}
                {e.outcome === 'failed' && <span className="status-badge tone-warn">failed</span>}
              </span>
              <span className="muted small">
                {new Date(e.at).toLocaleString()}
                {e.hostKey ? ` · ${e.hostKey}` : ''}
              </span>
              {e.words && <span className="small">“{e.words}”</span>}
              {e.detail && <span className="muted small">{e.detail}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
