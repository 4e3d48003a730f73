// What the user came for, first on the UniFi Done screen (issue 17): "Send to
// Home Assistant" — only when the Home Assistant integration for this app takes
// this key (HaFit.tsx's answer for Network; Protect and Access always) — and
// "Copy". The send and copy results, the connect form and "Copy fields" follow.
// The key is found in the watched list as the keys tab's Done section does
// (keys/model.ts findKeyFor).
import { useEffect, useRef, useState } from 'react'
import type { HaSummary } from '../../../shared/domain.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { useKeys } from '../keys/context.ts'
import { findKeyFor } from '../keys/model.ts'
import { HaConnectForm } from '../keys/HomeAssistant.tsx'
import { FieldsButton, RowOutput } from '../keys/RowOutput.tsx'
import { useHaTakes } from './HaFit.tsx'

export function DoneLead({ record }: { record: ProvisionView }) {
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const ha = useKeys((s) => s.ha)
  const load = useKeys((s) => s.load)
  const push = useKeys((s) => s.push)
  const copy = useKeys((s) => s.copy)
  const takes = useHaTakes(record.app)
  const [connecting, setConnecting] = useState(false)
  const headingRef = useRef<HTMLHeadingElement>(null)

  useEffect(() => {
    void load()
  }, [load])

  const key = findKeyFor(keys, record)
  const onConnected = (h: HaSummary) => {
    // The form goes away: focus moves to the section, whose result follows.
    setConnecting(false)
    headingRef.current?.focus()
    if (key) void push(key.id, h.id)
  }
  const copyLabel = record.app === 'access' ? 'Copy token' : 'Copy key'

  return (
    <section className="done-ha" aria-labelledby="done-ha-heading" data-testid="done-ha">
      <h3 id="done-ha-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
        Home Assistant
      </h3>
      <p className="muted">
        {!takes
          ? 'The Home Assistant you connected cannot take this key yet; copy it, or see what to upgrade in the key list.'
          : record.app === 'network'
            ? 'Home Assistant 2026.10 or later takes the key in its UniFi Network integration (API-key mode).'
            : 'Put the key into Home Assistant’s UniFi integration in one click, or copy it.'}
      </p>
      {!key ? (
        <p className="muted">{loaded ? 'Keyward is not watching this key any more.' : 'Looking up the key…'}</p>
      ) : (
        <>
          <div className="done-lead" role="group" aria-label="Use the new key">
            {takes &&
              (ha.length <= 1 ? (
                <button
                  type="button"
                  className="button primary"
                  onClick={() => (ha[0] ? void push(key.id, ha[0].id) : setConnecting(true))}
                >
                  Send to Home Assistant
                </button>
              ) : (
                ha.map((h) => (
                  <button key={h.id} type="button" className="button primary" onClick={() => void push(key.id, h.id)}>
                    Send to {h.locationName ?? h.url}
                  </button>
                ))
              ))}
            <button
              type="button"
              className={`button ${takes ? 'secondary' : 'primary'}`}
              onClick={() => void copy(key.id)}
            >
              {copyLabel}
            </button>
          </div>
          {connecting && ha.length === 0 && (
            <div className="done-ha-connect">
              <p>Connect Home Assistant first; Keyward then sends the key.</p>
              <HaConnectForm submitLabel="Connect and send" onConnected={onConnected} />
            </div>
          )}
          <RowOutput keyView={key} level={4} />
          <FieldsButton keyView={key} />
        </>
      )}
    </section>
  )
}
