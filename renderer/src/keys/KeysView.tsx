// The key list: every key Keyward watches, live through `keys.changed`, with
// sorting, a filter, and per-key actions (Home Assistant connections are in Settings).
import { useEffect, useRef, useState } from 'react'
import type { HaSummary, KeyView } from '../../../shared/domain.ts'
import { useNow } from '../hooks.ts'
import { appShort } from '../wizard/model.ts'
import { Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import {
  accessLabel,
  COLUMNS,
  filterKeys,
  formatAgo,
  formatDate,
  formatDateTime,
  formatShortDate,
  hostLabel,
  sortKeys,
  STATUS,
  usageLabel,
  type SortKey,
} from './model.ts'
import { FieldsButton, RowOutput, SendButtons, type SignInRequest } from './RowOutput.tsx'
import { SignInDialog } from './SignInDialog.tsx'
import { IDLE_ROW } from './store.ts'
import { useOpenedKey } from './opened-key.ts'

type Confirm = { kind: 'revoke' | 'forget'; id: string }

export function KeysView({ onNewKey }: { onNewKey: () => void }) {
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const error = useKeys((s) => s.error)
  const notice = useKeys((s) => s.notice)
  const sort = useKeys((s) => s.sort)
  const filter = useKeys((s) => s.filter)
  const ha = useKeys((s) => s.ha)
  const checkingAll = useKeys((s) => s.checkingAll)
  const load = useKeys((s) => s.load)
  const setSort = useKeys((s) => s.setSort)
  const setFilter = useKeys((s) => s.setFilter)
  const checkAll = useKeys((s) => s.checkAll)
  const viewing = useKeys((s) => s.viewing)
  const rotate = useKeys((s) => s.rotate)
  const revoke = useKeys((s) => s.revoke)
  const signInTo = useKeys((s) => s.signIn)
  const [confirm, setConfirm] = useState<Confirm | null>(null)
  const [signIn, setSignIn] = useState<SignInRequest | null>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const now = useNow(true, 30_000)

  useEffect(() => {
    void load()
  }, [load])

  useOpenedKey(headingRef, loaded, setFilter)

  // The core suppresses notifications while the list is on screen.
  useEffect(() => {
    const update = () => viewing(document.visibilityState === 'visible')
    const hidden = () => viewing(false)
    update()
    document.addEventListener('visibilitychange', update)
    window.addEventListener('pagehide', hidden)
    return () => {
      document.removeEventListener('visibilitychange', update)
      window.removeEventListener('pagehide', hidden)
      viewing(false)
    }
  }, [viewing])

  const shown = sortKeys(filterKeys(keys, filter), sort)
  const confirmKey = confirm ? keys.find((k) => k.id === confirm.id) : undefined
  const sortLabel = COLUMNS.find((c) => c.key === sort.by)?.label ?? sort.by

  return (
    <div className="keys-view">
      <section className="panel" aria-labelledby="keys-heading">
        <div className="view-head">
          <div>
            <h2 id="keys-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
              Keys
            </h2>
            <p className="lead">
              Every key Keyward made or watches, checked in the background against the console that made it.
            </p>
          </div>
          {keys.length > 0 && (
            <button
              type="button"
              className="button secondary"
              aria-disabled={checkingAll || undefined}
              onClick={() => void checkAll()}
            >
              {checkingAll ? 'Checking all…' : 'Check all'}
            </button>
          )}
        </div>

        {keys.length > 0 && (
          <div className="keys-toolbar">
            <div className="filter-field">
              <label htmlFor="keys-filter">Filter</label>
              <input
                id="keys-filter"
                type="search"
                autoComplete="off"
                spellCheck={false}
                placeholder="Name, app, console, user or status"
                value={filter}
                aria-describedby="keys-count"
                onChange={(e) => setFilter(e.target.value)}
              />
            </div>
            <p id="keys-count" className="keys-count muted" role="status">
              {shown.length === keys.length
                ? `${keys.length} key${keys.length === 1 ? '' : 's'}`
                : `${shown.length} of ${keys.length} keys`}
            </p>
          </div>
        )}

        <div className="list-message" role="status">
          {notice && (
            <p className="row-note tone-ok" data-testid="keys-notice">
              {notice}
            </p>
          )}
        </div>
        {error && (
          <Callout tone="danger" alert title="Keyward could not read the keys">
            <p>{error.message}</p>
          </Callout>
        )}

        {!loaded ? (
          <div className="keys-loading" aria-busy="true">
            <p className="muted">Loading the keys…</p>
            <div className="skeleton" />
            <div className="skeleton" />
          </div>
        ) : keys.length === 0 ? (
          <div className="empty-state keys-empty" data-testid="keys-empty">
            <p className="empty-title">No keys yet — make one</p>
            <p className="muted">
              Keyward makes a key on the console that really runs the app, checks it with a real call, keeps it in this
              computer’s keychain and watches it from here.
            </p>
            <button type="button" className="button primary" onClick={onNewKey}>
              Make a key
            </button>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="keys-table" data-testid="keys-table">
              <caption className="visually-hidden">
                Keys, sorted by {sortLabel}, {sort.dir}
              </caption>
              <thead>
                <tr>
                  {COLUMNS.map((c) => {
                    const active = c.sortable && sort.by === c.key
                    return (
                      <th key={c.key} scope="col" className={`col-${c.key}`} aria-sort={active ? sort.dir : undefined}>
                        {c.sortable ? (
                          <button type="button" className="sort-button" onClick={() => setSort(c.key as SortKey)}>
                            {c.label}
                            <span className={`sort-icon${active ? ' active' : ''}`} aria-hidden="true">
                              {active ? (sort.dir === 'ascending' ? '▲' : '▼') : '↕'}
                            </span>
                          </button>
                        ) : (
                          <span className="sort-static">{c.label}</span>
                        )}
                      </th>
                    )
                  })}
                </tr>
              </thead>
              {shown.map((k) => (
                <KeyRow key={k.id} keyView={k} ha={ha} now={now} onConfirm={setConfirm} onSignIn={setSignIn} />
              ))}
              {shown.length === 0 && (
                <tbody>
                  <tr>
                    <td colSpan={COLUMNS.length} className="no-match">
                      No key matches “{filter}”.{' '}
                      <button type="button" className="button link" onClick={() => setFilter('')}>
                        Clear the filter
                      </button>
                    </td>
                  </tr>
                </tbody>
              )}
            </table>
          </div>
        )}
      </section>

      {confirm && confirmKey && (
        <ConfirmDialog
          kind={confirm.kind}
          keyView={confirmKey}
          ha={ha}
          onClose={() => setConfirm(null)}
          fallbackFocus={() => headingRef.current}
        />
      )}
      {signIn && (
        <SignInDialog
          signIn={signInTo}
          consoleKey={signIn.consoleKey}
          consoleName={signIn.consoleName}
          fallbackFocus={() => headingRef.current}
          onClose={(signedIn) => {
            const request = signIn
            setSignIn(null)
            // Signed in: do what the session was needed for (the user asked for it already).
            if (signedIn) void (request.retry === 'rotate' ? rotate(request.keyId) : revoke(request.keyId))
          }}
        />
      )}
    </div>
  )
}

function KeyRow({
  keyView: k,
  ha,
  now,
  onConfirm,
  onSignIn,
}: {
  keyView: KeyView
  ha: HaSummary[]
  now: number
  onConfirm: (c: Confirm) => void
  onSignIn: (request: SignInRequest) => void
}) {
  const busy = useKeys((s) => (s.rows[k.id] ?? IDLE_ROW).busy)
  const copy = useKeys((s) => s.copy)
  const reveal = useKeys((s) => s.reveal)
  const check = useKeys((s) => s.check)
  const rotate = useKeys((s) => s.rotate)
  const setPaused = useKeys((s) => s.setPaused)
  const cloudCheck = useKeys((s) => s.cloudCheck)
  // The revealed key lives here only, counting down to hiding itself.
  const [revealed, setRevealed] = useState<{ secret: string; left: number } | null>(null)
  const [needHa, setNeedHa] = useState(false)
  const showing = revealed !== null

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
  const check0 = k.lastCheck
  const failedCheck = check0?.status === 'failed' && k.status !== 'paused' ? check0 : null
  const expires = formatDate(k.expiresAt)
  const access = accessLabel(k)
  const used = usageLabel(k, now)

  return (
    <tbody
      className={`key-group status-${k.status}`}
      data-testid="key-row"
      data-key-id={k.id}
      data-status={k.status}
      aria-busy={busy ? true : undefined}
    >
      <tr className="key-main">
        <th scope="row" className="col-name" tabIndex={-1}>
          <span className="key-name" data-testid="key-name">
            {k.name}
          </span>
        </th>
        <td className="col-app">{appShort(k.app)}</td>
        <td className="col-host">
          <span className="host-name">{hostLabel(k)}</span>
          <span className="mono muted host-address">{k.consoleKey}</span>
        </td>
        <td className="col-user">
          <span className="mono block">{k.username}</span>
          <span className="key-access muted block" data-testid="key-access" title={access?.full}>
            {access ? [access.role, access.scopes].filter(Boolean).join(' · ') : 'role not known'}
          </span>
        </td>
        <td className="col-key mono" data-testid="masked-key">
          {k.masked}
        </td>
        <td className="col-status">
          <span className={`status-badge tone-${status.tone}`} data-testid="key-status">
            <span className="status-dot" aria-hidden="true" />
            {status.label}
          </span>
        </td>
        <td className="col-created">
          <time dateTime={k.createdAt} title={formatDateTime(k.createdAt)}>
            {formatShortDate(k.createdAt, now)}
          </time>
        </td>
        <td className="col-verified" data-testid="last-verified">
          {check0 ? (
            <time dateTime={check0.checkedAt} title={formatDateTime(check0.checkedAt)}>
              {formatAgo(check0.checkedAt, Math.max(now, Date.parse(check0.checkedAt)))}
            </time>
          ) : (
            <span className="muted">not yet</span>
          )}
          {check0?.status === 'failed' && <span className="muted block">(failed)</span>}
        </td>
        <td className="col-used" data-testid="last-used" title={used.title}>
          {used.muted ? (
            <span className="muted">{used.text}</span>
          ) : (
            <time dateTime={k.usage!.lastUsedAt!}>{used.text}</time>
          )}
          {used.note && <span className="muted block">({used.note})</span>}
        </td>
        <td className="col-expires">
          {expires ? (
            <time dateTime={k.expiresAt!} title={formatDateTime(k.expiresAt!)}>
              {formatShortDate(k.expiresAt, now)}
            </time>
          ) : (
            <span className="muted">never</span>
          )}
        </td>
      </tr>
      <tr className="key-sub">
        <td colSpan={COLUMNS.length}>
          {failedCheck && (
            <div className={`status-detail tone-${status.tone}`} data-testid="status-detail">
              <p data-testid="status-message">{failedCheck.message}</p>
              {failedCheck.nextStep && (
                <p data-testid="status-next-step">
                  <strong>What to do:</strong> {failedCheck.nextStep}
                </p>
              )}
              {failedCheck.problem === 'invalid_key' && (k.app === 'protect' || k.app === 'network') && (
                <p>
                  <button
                    type="button"
                    className="button small secondary"
                    aria-disabled={busy === 'cloud' || undefined}
                    onClick={run(() => void cloudCheck(k.id))}
                  >
                    Is it a cloud key? Ask Ubiquiti
                  </button>{' '}
                  <span className="muted">
                    This sends the key to Ubiquiti’s cloud (api.ui.com). Keyward never does it on its own.
                  </span>
                </p>
              )}
            </div>
          )}
          {check0?.status === 'ok' && check0.message && k.status !== 'paused' && (
            <div className="status-detail tone-warn" data-testid="status-warning">
              <p>{check0.message}</p>
            </div>
          )}
          {(k.status === 'expired' || k.status === 'expiring') && expires && (
            <div className={`status-detail tone-${status.tone}`}>
              <p>
                {k.status === 'expired' ? `Expired on ${expires}.` : `Expires on ${expires}.`} Rotate it to make a new
                one; whatever uses it gets the new one when you send it again.
              </p>
            </div>
          )}
          {k.haHealth && (
            <p
              className={`ha-health tone-${k.haHealth.keyProblem ? 'danger' : k.haHealth.signal === 'ok' ? 'ok' : 'warn'}`}
              data-testid="ha-health"
            >
              <strong>Home Assistant:</strong> {k.haHealth.message}
            </p>
          )}
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
                aria-disabled={busy === 'rotate' || undefined}
                onClick={run(() => void rotate(k.id))}
              >
                Rotate
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
            <span className="action-group end">
              <button
                type="button"
                className="button small danger"
                onClick={run(() => onConfirm({ kind: 'revoke', id: k.id }))}
              >
                Revoke…
              </button>
              <button
                type="button"
                className="button small danger"
                onClick={run(() => onConfirm({ kind: 'forget', id: k.id }))}
              >
                Forget…
              </button>
            </span>
          </div>
          <RowOutput keyView={k} onSignIn={onSignIn} needHa={needHa && ha.length === 0} />
        </td>
      </tr>
    </tbody>
  )
}
