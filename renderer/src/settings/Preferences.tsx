// App preferences (Settings): start at login (opt-in), how long a copied key stays
// on the clipboard, how often keys are checked, and how early an expiring key is
// flagged. Below them, where the log file is (for a bug report).
import { useEffect, useId, useState } from 'react'
import type { LogsLocation } from '../../../shared/contract.ts'
import type { Preferences } from '../../../shared/domain.ts'
import { keyward } from '../api.ts'

/** The offered values, plus the current one if it was set elsewhere. */
const options = (offered: number[], current: number) => [...new Set([...offered, current])].sort((a, b) => a - b)

function usePreferences() {
  const [prefs, setPrefs] = useState<Preferences | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    if (!keyward) return
    void keyward.preferences.get({}).then((r) => (r.ok ? setPrefs(r.value) : setProblem(r.error.message)))
  }, [])
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
  return { prefs, problem, setProblem, save }
}

export function PreferencesPanel({ browserHost }: { browserHost: boolean }) {
  const { prefs, problem, setProblem, save } = usePreferences()
  return (
    <section className="panel" aria-labelledby="prefs-heading">
      <h2 id="prefs-heading" className="panel-heading">
        Preferences
      </h2>
      {prefs && <PreferenceFields prefs={prefs} save={save} browserHost={browserHost} />}
      <LogFile onProblem={setProblem} />
      {problem && (
        <p className="callout callout-warn" role="alert">
          {problem}
        </p>
      )}
    </section>
  )
}

function PreferenceFields({
  prefs,
  save,
  browserHost,
}: {
  prefs: Preferences
  save: (change: Partial<Preferences>) => Promise<void>
  browserHost: boolean
}) {
  const ids = useId()
  return (
    <div className="prefs">
      <label htmlFor={`${ids}-login`} className="check">
        <input
          id={`${ids}-login`}
          type="checkbox"
          checked={prefs.startAtLogin}
          onChange={(e) => void save({ startAtLogin: e.target.checked })}
        />
        <span>
          Start Keyward when I log in (it stays in the tray and keeps checking your keys)
          {browserHost && (
            <span className="hint block" data-testid="desktop-only">
              Applies to the desktop app: this browser window cannot start with your computer.
            </span>
          )}
        </span>
      </label>
      <Choice
        id={`${ids}-clear`}
        before="Clear a copied key from the clipboard after"
        value={prefs.clipboardClearSeconds}
        values={[15, 30, 60, 120, 300]}
        label={(s) => `${s} seconds`}
        onChange={(v) => void save({ clipboardClearSeconds: v })}
      />
      <Choice
        id={`${ids}-interval`}
        before="Check every key every"
        value={prefs.checkIntervalMinutes}
        values={options([5, 15, 30, 60, 240], prefs.checkIntervalMinutes)}
        label={(m) => (m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? '' : 's'}`)}
        onChange={(v) => void save({ checkIntervalMinutes: v })}
      />
      <Choice
        id={`${ids}-lead`}
        before="Warn that a key is expiring"
        after="before it expires"
        value={prefs.expiryLeadDays}
        values={options([1, 3, 7, 14, 30], prefs.expiryLeadDays)}
        label={(d) => `${d} day${d === 1 ? '' : 's'}`}
        onChange={(v) => void save({ expiryLeadDays: v })}
      />
    </div>
  )
}

function Choice(props: {
  id: string
  before: string
  after?: string
  value: number
  values: number[]
  label: (value: number) => string
  onChange: (value: number) => void
}) {
  return (
    <label htmlFor={props.id}>
      {props.before}{' '}
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(Number(e.target.value))}>
        {props.values.map((v) => (
          <option key={v} value={v}>
            {props.label(v)}
          </option>
        ))}
      </select>
      {props.after && ` ${props.after}`}
    </label>
  )
}

function LogFile({ onProblem }: { onProblem: (problem: string | null) => void }) {
  const [logs, setLogs] = useState<LogsLocation | null>(null)
  useEffect(() => {
    if (!keyward) return
    void keyward.logs.location({}).then((r) => (r.ok ? setLogs(r.value) : onProblem(r.error.message)))
  }, [onProblem])
  if (!logs) return null
  const openLogs = async () => {
    if (!keyward) return
    const result = await keyward.logs.open({})
    onProblem(result.ok ? null : result.error.message)
  }
  return (
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
  )
}
