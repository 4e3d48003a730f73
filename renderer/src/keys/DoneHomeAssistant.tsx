// The wizard's Done screen: put the new key into Home Assistant in one click,
// or show the fields to fill by hand. The key is found in the watched list by
// the id the console gave it (the flow's keyId is the key's remoteId on the same
// console), then by name and console, then the newest key of that console.
import { useEffect, useRef, useState } from 'react'
import type { HaSummary, KeyView } from '../../../shared/domain.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { useKeys } from './context.ts'
import { HaConnectForm } from './HomeAssistant.tsx'
import { FieldsButton, RowOutput, SendButtons } from './RowOutput.tsx'

export function findKeyFor(keys: KeyView[], record: ProvisionView): KeyView | null {
  return (
    (record.keyId !== null
      ? keys.find((k) => k.consoleKey === record.consoleKey && k.remoteId === record.keyId)
      : undefined) ??
    keys.find((k) => k.name === record.keyName && k.consoleKey === record.consoleKey) ??
    keys
      .filter((k) => k.consoleKey === record.consoleKey && k.app === record.app)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0] ??
    null
  )
}

export function DoneHomeAssistant({ record }: { record: ProvisionView }) {
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const ha = useKeys((s) => s.ha)
  const load = useKeys((s) => s.load)
  const push = useKeys((s) => s.push)
  const [connecting, setConnecting] = useState(false)
  const headingRef = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    void load()
  }, [load])

  const key = findKeyFor(keys, record)
  const network = record.app === 'network'
  const onConnected = (h: HaSummary) => {
    // The form goes away: focus moves to the section, whose result follows.
    setConnecting(false)
    headingRef.current?.focus()
    if (key) void push(key.id, h.id)
  }

  return (
    <section className="done-ha" aria-labelledby="done-ha-heading" data-testid="done-ha">
      <h3 id="done-ha-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
        Home Assistant
      </h3>
      <p className="muted">
        {network
          ? 'Home Assistant 2026.10 or later takes the key in its UniFi Network integration (API-key mode); older versions sign in only with a username and password.'
          : 'Put the key into Home Assistant’s UniFi integration in one click, or fill the fields in yourself.'}
      </p>
      {!key ? (
        <p className="muted">{loaded ? 'Keyward is not watching this key any more.' : 'Looking up the key…'}</p>
      ) : (
        <>
          <div className="row-actions" role="group" aria-label="Home Assistant actions for the new key">
            <span className="action-group">
              <SendButtons keyView={key} ha={ha} onNeedHa={() => setConnecting(true)} />
              <FieldsButton keyView={key} />
            </span>
          </div>
          {connecting && ha.length === 0 && (
            <div className="done-ha-connect">
              <p>Connect Home Assistant first; Keyward then sends the key.</p>
              <HaConnectForm submitLabel="Connect and send" onConnected={onConnected} />
            </div>
          )}
          <RowOutput keyView={key} level={4} />
        </>
      )}
    </section>
  )
}
