// One key in full, next to the list (under ~800 px: in its place, with a way back): every field,
// what its status means and what to do, and every action. Keyed by the key's id (KeysView), so a
// revealed secret never carries over to another key. Everyday actions come first; Rotate,
// Revoke and Forget sit apart, each confirmed in a dialog that says what stops working.
import { useEffect, useState, type RefObject } from 'react'
import type { HaSummary, KeyView } from '../../../shared/domain.ts'
import { appName } from '../wizard/model.ts'
import { useKeys } from './context.ts'
import { DetailFields } from './DetailFields.tsx'
import { STATUS } from './model.ts'
import { FieldsButton, RowOutput, SendButtons, type SignInRequest } from './RowOutput.tsx'
import { StatusDetail } from './StatusDetail.tsx'
import { IDLE_ROW } from './store.ts'

export type ConfirmKind = 'rotate' | 'revoke' | 'forget'

export function KeyDetail({
  keyView: k,
  ha,
  now,
  headingRef,
  onClose,
  onConfirm,
  onSignIn,
}: {
  keyView: KeyView
  ha: HaSummary[]
  now: number
  headingRef: RefObject<HTMLHeadingElement | null>
  onClose: () => void
  onConfirm: (kind: ConfirmKind) => void
  onSignIn: (request: SignInRequest) => void
}) {
  const busy = useKeys((s) => (s.rows[k.id] ?? IDLE_ROW).busy)
  const [needHa, setNeedHa] = useState(false)
  const run = (action: () => unknown) => () => {
    if (busy) return
    setNeedHa(false)
    action()
  }
  const status = STATUS[k.status]

  return (
    <section
      className={`key-detail status-${k.status}`}
      aria-labelledby="key-detail-heading"
      data-testid="key-detail"
      data-key-id={k.id}
      aria-busy={busy ? true : undefined}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !event.defaultPrevented) {
          event.preventDefault()
          onClose()
        }
      }}
    >
      <div className="key-detail-head">
        <div>
          <h3 id="key-detail-heading" ref={headingRef} tabIndex={-1} className="key-detail-title">
            <span data-testid="detail-name">{k.name}</span>
          </h3>
          <p className="muted key-detail-sub">
            {appName(k.app)} ·{' '}
            <span className={`status-badge tone-${status.tone}`} data-testid="detail-status">
              <span className="status-dot" aria-hidden="true" />
              {status.label}
            </span>
          </p>
        </div>
        <button type="button" className="button small secondary" onClick={onClose}>
          Back to the list
        </button>
      </div>
      <DetailFields keyView={k} ha={ha} now={now} />
      <StatusDetail keyView={k} />
      <EverydayActions keyView={k} ha={ha} run={run} onNeedHa={() => setNeedHa(true)} />
      <RowOutput keyView={k} onSignIn={onSignIn} needHa={needHa && ha.length === 0} />
      <DangerZone run={run} onConfirm={onConfirm} rotating={busy === 'rotate'} />
    </section>
  )
}

/** Copy, Reveal (hides itself after a countdown), Verify now, Pause, and the Home Assistant actions. */
function EverydayActions({
  keyView: k,
  ha,
  run,
  onNeedHa,
}: {
  keyView: KeyView
  ha: HaSummary[]
  run: (action: () => unknown) => () => void
  onNeedHa: () => void
}) {
  const busy = useKeys((s) => (s.rows[k.id] ?? IDLE_ROW).busy)
  const copy = useKeys((s) => s.copy)
  const check = useKeys((s) => s.check)
  const setPaused = useKeys((s) => s.setPaused)
  const { revealed, show, hide } = useReveal(k.id)
  const button = (label: string, action: () => unknown, working?: boolean) => (
    <button type="button" className="button small secondary" aria-disabled={working || undefined} onClick={run(action)}>
      {label}
    </button>
  )
  return (
    <>
      {revealed && (
        <p className="revealed" data-testid="revealed-key">
          <span className="muted">Key</span> <code className="mono secret">{revealed.secret}</code>{' '}
          <span className="muted">hides in {revealed.left} s</span>
        </p>
      )}
      <div className="row-actions" role="group" aria-label={`Actions for ${k.name}`}>
        <span className="action-group">
          {button('Copy', () => void copy(k.id), busy === 'copy')}
          {revealed ? (
            <button type="button" className="button small secondary" onClick={hide}>
              Hide
            </button>
          ) : (
            button('Reveal', () => void show())
          )}
          {button('Verify now', () => void check(k.id), busy === 'check')}
          {button(k.paused ? 'Resume checks' : 'Pause checks', () => void setPaused(k.id, !k.paused), busy === 'pause')}
        </span>
        {k.app !== 'uisp' && (
          <span className="action-group">
            <SendButtons keyView={k} ha={ha} onNeedHa={onNeedHa} />
            <FieldsButton keyView={k} />
          </span>
        )}
      </div>
    </>
  )
}

/** The revealed key lives here only, counting down to hiding itself. */
function useReveal(id: string) {
  const reveal = useKeys((s) => s.reveal)
  const [revealed, setRevealed] = useState<{ secret: string; left: number } | null>(null)
  const showing = revealed !== null
  useEffect(() => {
    if (!showing) return
    const timer = setInterval(() => setRevealed((r) => (r && r.left > 1 ? { ...r, left: r.left - 1 } : null)), 1000)
    return () => clearInterval(timer)
  }, [showing])
  const show = async () => {
    const answer = await reveal(id)
    if (answer) setRevealed({ secret: answer.secret, left: answer.hideAfterSeconds })
  }
  return { revealed, show, hide: () => setRevealed(null) }
}

/** Rotate, Revoke and Forget, apart from the rest; each opens its confirmation. */
function DangerZone(props: {
  run: (action: () => unknown) => () => void
  onConfirm: (kind: ConfirmKind) => void
  rotating: boolean
}) {
  const { run, onConfirm } = props
  return (
    <div className="danger-zone" role="group" aria-labelledby="key-danger-heading">
      <h4 id="key-danger-heading" className="danger-zone-title">
        Replace or remove
      </h4>
      <div className="action-group">
        <button
          type="button"
          className="button small secondary"
          aria-disabled={props.rotating || undefined}
          onClick={run(() => onConfirm('rotate'))}
        >
          Rotate…
        </button>
        <button type="button" className="button small danger" onClick={run(() => onConfirm('revoke'))}>
          Revoke…
        </button>
        <button type="button" className="button small danger" onClick={run(() => onConfirm('forget'))}>
          Forget…
        </button>
      </div>
    </div>
  )
}
