// UISP keys (device connection strings, uisp.md §4): paste one or read it from
// a signed-in UISP server into the keychain; shown masked only (server and AES
// key obscured, as UISP asks); copy with auto-clear; a reachability check; and
// the registration commands for a device from the inventory, shown with a
// placeholder where the key goes — "Copy commands" puts the real ones on the clipboard.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react'
import type { UispKeyCheck, UispKeyView, UispServerRecord } from '../../../shared/domain.ts'
import type { InventoryItem } from '../../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import { keyward } from '../api.ts'
import { SignInDialog, type SignInCall } from '../keys/SignInDialog.tsx'
import { Callout } from '../wizard/parts.tsx'
import { registrableDevice, type RegistrableDevice } from './devices.ts'
import { finishCopy, type Note } from './finish-copy.ts'
import { Registration } from './Registration.tsx'

export function UispKeysPanel() {
  const [keys, setKeys] = useState<UispKeyView[]>([])
  const [servers, setServers] = useState<UispServerRecord[]>([])
  const [devices, setDevices] = useState<RegistrableDevice[]>([])
  const [error, setError] = useState<KeywardError | null>(null)

  const reload = useCallback(() => {
    if (!keyward) return Promise.resolve()
    return Promise.all([keyward.uispKey.list({}), keyward.uisp.servers({}), keyward.inventory.list({})]).then(
      ([list, known, inventory]) => {
        if (list.ok) setKeys(list.value)
        if (known.ok) setServers(known.value)
        if (inventory.ok) setDevices(registrable(inventory.value))
      },
    )
  }, [])

  useEffect(() => {
    if (!keyward) return
    const off = keyward.on('inventory.changed', (items) => setDevices(registrable(items)))
    void Promise.resolve().then(reload)
    return off
  }, [reload])

  return (
    <section className="panel uisp-keys" aria-labelledby="uisp-keys-heading">
      <h2 id="uisp-keys-heading" className="panel-heading">
        UISP keys
      </h2>
      <p className="lead">
        The UISP key lets devices connect to your UISP server. UISP warns never to share it, so Keyward keeps it in the
        keychain, shows it with the server and the AES key obscured, and copies it only when you ask.
      </p>
      {keys.length > 0 && (
        <ul className="uisp-key-list">
          {keys.map((k) => (
            <UispKeyItem key={k.id} uispKey={k} devices={devices} onChange={reload} />
          ))}
        </ul>
      )}
      <AddKey servers={servers} onAdded={reload} onError={setError} />
      {error && (
        <Callout tone="danger" alert title="Not saved">
          <p data-testid="uisp-key-error">{error.message}</p>
        </Callout>
      )}
    </section>
  )
}

const registrable = (items: InventoryItem[]) => items.flatMap((i) => registrableDevice(i) ?? [])

/** UISP's sign-in in the dialog's terms (the dialog needs only whether a code is wanted). */
const uispSignIn: SignInCall = async (input) => {
  const outcome = await keyward!.uisp.signIn(input)
  return outcome.ok ? { ok: true, value: { state: outcome.value.state } } : outcome
}

interface AddKeyProps {
  servers: UispServerRecord[]
  onAdded: () => Promise<void>
  onError: (e: KeywardError | null) => void
}

function AddKey({ servers, onAdded, onError }: AddKeyProps) {
  const [text, setText] = useState('')
  const [server, setServer] = useState('')
  const [busy, setBusy] = useState(false)
  /** Reading the key needs an admin session on the server: sign in, then read. */
  const [signingIn, setSigningIn] = useState<string | null>(null)
  const readButton = useRef<HTMLButtonElement>(null)
  const id = useId()
  const done = async (outcome: Outcome<UispKeyView>) => {
    setBusy(false)
    if (!outcome.ok) return onError(outcome.error)
    onError(null)
    setText('')
    await onAdded()
  }
  const paste = async (event: FormEvent) => {
    event.preventDefault()
    if (!keyward || busy || text.trim() === '') return
    setBusy(true)
    await done(await keyward.uispKey.save({ text }))
  }
  const fetchFrom = async () => {
    const key = server || servers[0]?.key
    if (!keyward || busy || !key) return
    setBusy(true)
    const outcome = await keyward.uispKey.fromServer({ key })
    if (!outcome.ok && outcome.error.code === 'session-expired') {
      setBusy(false)
      setSigningIn(key)
      return
    }
    await done(outcome)
  }
  return (
    <div className="form">
      <PasteKey id={id} text={text} busy={busy} onText={setText} onSubmit={(e) => void paste(e)} />
      {servers.length > 0 && (
        <ServerChoice
          id={id}
          servers={servers}
          server={server}
          busy={busy}
          buttonRef={readButton}
          onServer={setServer}
          onRead={() => void fetchFrom()}
        />
      )}
      {signingIn && (
        <SignInDialog
          consoleKey={signingIn}
          consoleName={`UISP at ${signingIn}`}
          signIn={uispSignIn}
          who="an Admin or Super Admin account of this UISP server (reading the UISP key needs admin rights)"
          fallbackFocus={() => readButton.current}
          onClose={(signedIn) => {
            setSigningIn(null)
            if (signedIn) void fetchFrom()
          }}
        />
      )}
    </div>
  )
}

function PasteKey({
  id,
  text,
  busy,
  onText,
  onSubmit,
}: {
  id: string
  text: string
  busy: boolean
  onText: (text: string) => void
  onSubmit: (event: FormEvent) => void
}) {
  return (
    <form onSubmit={onSubmit}>
      <label htmlFor={id}>Paste a UISP key</label>
      <div className="row">
        {/* A password field: the pasted key is not shown on screen. */}
        <input
          id={id}
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="wss://…"
          value={text}
          onChange={(e) => onText(e.target.value)}
        />
        <button type="submit" className="button secondary" disabled={busy || text.trim() === ''}>
          Save to keychain
        </button>
      </div>
      <p className="hint">Keyward checks its form before saving it, and never shows it whole.</p>
    </form>
  )
}

function ServerChoice({
  id,
  servers,
  server,
  busy,
  buttonRef,
  onServer,
  onRead,
}: {
  id: string
  servers: UispServerRecord[]
  server: string
  busy: boolean
  buttonRef: RefObject<HTMLButtonElement | null>
  onServer: (key: string) => void
  onRead: () => void
}) {
  return (
    <div className="row">
      <label htmlFor={`${id}-server`}>Or read it from</label>
      <select id={`${id}-server`} value={server || servers[0]!.key} onChange={(e) => onServer(e.target.value)}>
        {servers.map((s) => (
          <option key={s.key} value={s.key}>
            UISP at {s.key}
          </option>
        ))}
      </select>
      <button ref={buttonRef} type="button" className="button secondary" disabled={busy} onClick={onRead}>
        Read from server
      </button>
    </div>
  )
}

interface UispKeyItemProps {
  uispKey: UispKeyView
  devices: RegistrableDevice[]
  onChange: () => Promise<void>
}

function UispKeyItem({ uispKey: k, devices, onChange }: UispKeyItemProps) {
  const [note, setNote] = useState<Note | null>(null)
  const [check, setCheck] = useState<UispKeyCheck | null>(null)
  const [registering, setRegistering] = useState(false)
  const [busy, setBusy] = useState(false)
  const act = (work: () => Promise<void>) => async () => {
    if (busy || !keyward) return
    setBusy(true)
    await work()
    setBusy(false)
  }
  const copy = act(async () => setNote(await finishCopy(await keyward!.uispKey.copy({ id: k.id }), 'the UISP key')))
  const verify = act(async () => {
    setNote(null)
    const outcome = await keyward!.uispKey.check({ id: k.id })
    if (outcome.ok) setCheck(outcome.value)
    else setNote({ tone: 'danger', text: outcome.error.message })
  })
  const forget = act(async () => {
    const outcome = await keyward!.uispKey.forget({ id: k.id })
    if (!outcome.ok) setNote({ tone: 'danger', text: outcome.error.message })
    else await onChange()
  })
  return (
    <li className="uisp-key" data-testid="uisp-key">
      <p>
        <code className="mono" data-testid="uisp-key-masked">
          {k.masked}
        </code>
      </p>
      <p className="muted">
        {k.from === 'server' ? `Read from UISP at ${k.serverKey}` : 'Pasted'} · {optionText(k.option)}
      </p>
      {k.warnings.map((w) => (
        <p key={w.code} className="row-note tone-warn">
          {w.message}
        </p>
      ))}
      {check && <KeyCheck check={check} />}
      <div className="row-status" role="status">
        {note && <p className={`row-note tone-${note.tone}`}>{note.text}</p>}
      </div>
      <div className="row-actions" role="group" aria-label="Actions for this UISP key">
        <button type="button" className="button small secondary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button small secondary" onClick={() => void verify()}>
          Check reachability
        </button>
        <button
          type="button"
          className="button small secondary"
          aria-expanded={registering}
          onClick={() => setRegistering(!registering)}
        >
          Register a device…
        </button>
        <button type="button" className="button small danger" onClick={() => void forget()}>
          Forget
        </button>
      </div>
      {registering && <Registration keyId={k.id} devices={devices} />}
    </li>
  )
}

const optionText = (option: UispKeyView['option']): string =>
  option === 'allowSelfSignedCertificate'
    ? 'devices accept a self-signed server certificate'
    : option === 'allowUntrustedCertificate'
      ? 'devices accept any server certificate'
      : 'devices need a trusted server certificate'

function KeyCheck({ check }: { check: UispKeyCheck }) {
  return (
    <div className={`status-detail tone-${check.status === 'ok' ? 'ok' : 'danger'}`} data-testid="uisp-key-check">
      {check.status === 'ok' ? (
        <p>
          Reachable: UISP{check.appVersion ? ` ${check.appVersion}` : ''} answered in {check.latencyMs} ms;{' '}
          {check.trust === 'verified'
            ? 'its certificate is trusted'
            : check.trust === 'self-signed-allowed'
              ? 'its self-signed certificate is allowed by the key'
              : 'the key lets devices accept its certificate'}
          .{check.matchesServer === true ? ' It is the server’s current key.' : ''}
        </p>
      ) : (
        <>
          <p>{check.message}</p>
          <p>
            <strong>What to do:</strong> {check.nextStep}
          </p>
        </>
      )}
    </div>
  )
}
