// The registration commands of one UISP key for one device (from the inventory, or a kind of device):
// shown with a placeholder where the key goes; "Copy commands" puts the real ones on the clipboard.
import { useEffect, useId, useState } from 'react'
import type { RegistrationCommands } from '../../../shared/domain.ts'
import { keyward } from '../api.ts'
import type { RegistrableDevice } from './devices.ts'
import { finishCopy, type Note } from './finish-copy.ts'

const KINDS: { kind: 'edgeos' | 'airos' | 'ubios'; label: string }[] = [
  { kind: 'edgeos', label: 'EdgeRouter (EdgeOS)' },
  { kind: 'airos', label: 'airMAX radio (airOS)' },
  { kind: 'ubios', label: 'UISP router' },
]

export function Registration({ keyId, devices }: { keyId: string; devices: RegistrableDevice[] }) {
  const [choice, setChoice] = useState<string>(devices[0]?.id ?? 'kind:edgeos')
  const [commands, setCommands] = useState<RegistrationCommands | null>(null)
  const [note, setNote] = useState<Note | null>(null)
  const id = useId()
  const device = choice.startsWith('kind:')
    ? { kind: choice.slice(5) as 'edgeos' | 'airos' | 'ubios' }
    : (devices.find((d) => d.id === choice)?.device ?? { kind: 'edgeos' as const })
  const deviceKey = JSON.stringify(device)

  useEffect(() => {
    if (!keyward) return
    let live = true
    void keyward.uispKey.registration({ id: keyId, device: JSON.parse(deviceKey) as typeof device }).then((outcome) => {
      if (!live) return
      if (outcome.ok) setCommands(outcome.value)
      else setNote({ tone: 'danger', text: outcome.error.message })
    })
    return () => {
      live = false
    }
  }, [keyId, deviceKey])

  const copy = async () => {
    if (!keyward) return
    setNote(
      await finishCopy(await keyward.uispKey.copyRegistration({ id: keyId, device }), 'the commands with the key'),
    )
  }

  return (
    <div className="registration" data-testid="uisp-registration">
      <label htmlFor={id}>Device</label>
      <select
        id={id}
        value={choice}
        onChange={(e) => {
          setChoice(e.target.value)
          setNote(null)
        }}
      >
        {devices.map((d) => (
          <option key={d.id} value={d.id}>
            {d.label}
          </option>
        ))}
        {KINDS.map((k) => (
          <option key={k.kind} value={`kind:${k.kind}`}>
            Another {k.label}
          </option>
        ))}
      </select>
      {commands && <CommandsView commands={commands} onCopy={() => void copy()} />}
      <div className="row-status" role="status">
        {note && <p className={`row-note tone-${note.tone}`}>{note.text}</p>}
      </div>
    </div>
  )
}

function CommandsView({ commands, onCopy }: { commands: RegistrationCommands; onCopy: () => void }) {
  return (
    <>
      <p>{commands.where}</p>
      <pre className="commands" data-testid="registration-commands">
        {commands.text}
      </pre>
      <p className="hint">
        {'<UISP key>'} stands for the key: “Copy commands” puts the commands with the key itself on the clipboard.
      </p>
      {commands.warnings.map((w) => (
        <p key={w} className="row-note tone-warn">
          {w}
        </p>
      ))}
      {commands.notes.map((n) => (
        <p key={n} className="muted">
          {n}
        </p>
      ))}
      <p className="detail">Source: {commands.source}</p>
      <button type="button" className="button small primary" onClick={onCopy}>
        Copy commands
      </button>
    </>
  )
}
