// App preferences that belong with the keys: start at login (opt-in), how long a
// copied key stays on the clipboard, how often keys are checked, and how early an
// expiring key is flagged. Below them, where the log file is (for a bug report).
import { useEffect, useId, useState } from 'react'
import type { LogsLocation } from '../../../shared/contract.ts'
import type { Preferences } from '../../../shared/domain.ts'
import { keyward } from '../api.ts'

export function PreferencesPanel() {
  const [prefs, setPrefs] = useState<Preferences | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [logs, setLogs] = useState<LogsLocation | null>(null)
  const loginId = useId()
  const clearId = useId()
  const intervalId = useId()
  const leadId = useId()
  /** The offered values, plus the current one if it was set elsewhere. */
  const options = (offered: number[], current: number) => [...new Set([...offered, current])].sort((a, b) => a - b)

  useEffect(() => {
    if (!keyward) return
    void keyward.preferences.get({}).then((r) => (r.ok ? setPrefs(r.value) : setProblem(r.error.message)))
    void keyward.logs.location({}).then((r) => (r.ok ? setLogs(r.value) : setProblem(r.error.message)))
  }, [])

  const openLogs = async () => {
    if (!keyward) return
    const result = await keyward.logs.open({})
    setProblem(result.ok ? null : result.error.message)
  }

  const save = async (change: Partial<Preferences>) => {
    if (!keyward || !prefs) return
    const before = prefs
    setPrefs({ ...prefs, ...change }) // the control follows the click at once
    const result = await keyward.preferences.set(change)
    if (result.ok) {
      setPrefs(result.value)
      setProblem(null)
    } else {
      setPrefs(before)
      setProblem(result.error.message)
    }
  }

  return (
    <section className="panel" aria-labelledby="prefs-heading">
      <h2 id="prefs-heading" className="panel-heading">
        Preferences
      </h2>
      {prefs && (
        <div className="prefs">
          <label htmlFor={loginId} className="check">
            <input
              id={loginId}
              type="checkbox"
              checked={prefs.startAtLogin}
              onChange={(e) => void save({ startAtLogin: e.target.checked })}
            />
            Start Keyward when I log in (it stays in the tray and keeps checking your keys)
          </label>
          <label htmlFor={clearId}>
            Clear a copied key from the clipboard after{' '}
            <select
              id={clearId}
              value={prefs.clipboardClearSeconds}
              onChange={(e) => void save({ clipboardClearSeconds: Number(e.target.value) })}
            >
              {[15, 30, 60, 120, 300].map((s) => (
                <option key={s} value={s}>
                  {s} seconds
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={intervalId}>
            Check every key every{' '}
            <select
              id={intervalId}
              value={prefs.checkIntervalMinutes}
              onChange={(e) => void save({ checkIntervalMinutes: Number(e.target.value) })}
            >
              {options([5, 15, 30, 60, 240], prefs.checkIntervalMinutes).map((m) => (
                <option key={m} value={m}>
                  {m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? '' : 's'}`}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor={leadId}>
            Warn that a key is expiring{' '}
            <select
              id={leadId}
              value={prefs.expiryLeadDays}
              onChange={(e) => void save({ expiryLeadDays: Number(e.target.value) })}
            >
              {options([1, 3, 7, 14, 30], prefs.expiryLeadDays).map((d) => (
                <option key={d} value={d}>
                  {d} day{d === 1 ? '' : 's'}
                </option>
              ))}
            </select>{' '}
            before it expires
          </label>
        </div>
      )}
      {logs && (
        <div className="row-actions">
          <span>
            Log file: <span className="mono">{logs.file}</span>
          </span>
          {logs.canOpen && (
            <button type="button" className="button small secondary" onClick={() => void openLogs()}>
              Open log folder
            </button>
          )}
        </div>
      )}
      {problem && (
        <p className="callout callout-warn" role="alert">
          {problem}
        </p>
      )}
    </section>
  )
}
