// One key in full, next to the list (under ~800 px: in its place, with a way back): every field,
// what its status means and what to do, and every action. Everyday actions come first; Rotate,
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
  const copy = useKeys((s) => s.copy)
  const reveal = useKeys((s) => s.reveal)
  const check = useKeys((s) => s.check)
  const setPaused = useKeys((s) => s.setPaused)
  // The revealed key lives here only, counting down to hiding itself.
  const [revealed, setRevealed] = useState<{ secret: string; left: number } | null>(null)
  const [needHa, setNeedHa] = useState(false)
  const showing = revealed !== null

  useEffect(() => {
    setRevealed(null)
    setNeedHa(false)
  }, [k.id])

  useEffect(() => {
    if (!showing) return
    const timer = setInterval(() => setRevealed((r) => (r && r.left > 1 ? { ...r, left: r.left - 1 } : null)), 1000)
    return () => clearInterval(timer)
  }, [showing])

  const showSecret = async () => {
    const answer = await reveal(k.id)
    if (answer) setRevealed({ secret: answer.secret, left: answer.hideAfterSeconds })
  }

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
      <StatusDetail keyView={k} run={run} />

      {revealed && (
        <p className="revealed" data-testid="revealed-key">
          <span className="muted">Key</span> <code className="mono secret">{revealed.secret}</code>{' '}
          <span className="muted">hides in {revealed.left} s</span>
        </p>
      )}
      <div className="row-actions" role="group" aria-label={`Actions for ${k.name}`}>
        <span className="action-group">
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy === 'copy' || undefined}
            onClick={run(() => void copy(k.id))}
          >
            Copy
          </button>
          <button
            type="button"
            className="button small secondary"
            onClick={revealed ? () => setRevealed(null) : run(() => void showSecret())}
          >
            {revealed ? 'Hide' : 'Reveal'}
          </button>
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy === 'check' || undefined}
            onClick={run(() => void check(k.id))}
          >
            Verify now
          </button>
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy === 'pause' || undefined}
            onClick={run(() => void setPaused(k.id, !k.paused))}
          >
            {k.paused ? 'Resume checks' : 'Pause checks'}
          </button>
        </span>
        {k.app !== 'uisp' && (
          <span className="action-group">
            <SendButtons keyView={k} ha={ha} onNeedHa={() => setNeedHa(true)} />
            <FieldsButton keyView={k} />
          </span>
        )}
      </div>
      <RowOutput keyView={k} onSignIn={onSignIn} needHa={needHa && ha.length === 0} />

      <div className="danger-zone" role="group" aria-labelledby="key-danger-heading">
        <h4 id="key-danger-heading" className="danger-zone-title">
          Replace or remove
        </h4>
        <div className="action-group">
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy === 'rotate' || undefined}
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
    </section>
  )
}
