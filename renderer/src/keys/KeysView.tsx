// The Keys tab: every key Keyward watches, live through `keys.changed`, as a compact list (one
// Tab stop, KeyList.tsx) with a filter and a sort, and the open key in a detail pane beside it
// (under ~800 px in its place, keys.css) holding every field and action (KeyDetail.tsx).
// Home Assistant connections are in Settings.
import { useEffect, useRef, useState } from 'react'
import { useNow } from '../hooks.ts'
import { Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { KeyDetail, type ConfirmKind } from './KeyDetail.tsx'
import { KeyList } from './KeyList.tsx'
import './keys.css'
import { filterKeys, SORTS, sortKeys, type SortKey } from './model.ts'
import { useOpenedKey } from './opened-key.ts'
import type { SignInRequest } from './RowOutput.tsx'
import { SignInDialog } from './SignInDialog.tsx'
import { UserRemoval } from './UserRemoval.tsx'

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
  const [confirm, setConfirm] = useState<{ kind: ConfirmKind; id: string } | null>(null)
  const [signIn, setSignIn] = useState<SignInRequest | null>(null)
  // What the last revoke asked for, so a retry after signing in asks the same.
  const lastRevoke = useRef(false)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const detailRef = useRef<HTMLHeadingElement>(null)
  const now = useNow(true, 30_000)
  const { openId, open, close } = useOpenedKey(headingRef, detailRef, keys, loaded, setFilter)

  useEffect(() => {
    void load()
  }, [load])

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
  const opened = keys.find((k) => k.id === openId)
  const confirmKey = confirm ? keys.find((k) => k.id === confirm.id) : undefined
  const sortLabel = SORTS.find((c) => c.key === sort.by)?.label ?? sort.by

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
            <div className="sort-field">
              <label htmlFor="keys-sort">Sort by</label>
              <select id="keys-sort" value={sort.by} onChange={(e) => setSort(e.target.value as SortKey)}>
                {SORTS.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.label}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="button small secondary sort-direction"
                aria-label={`Order: ${sort.dir}. Reverse it`}
                onClick={() => setSort(sort.by)}
              >
                <span aria-hidden="true">{sort.dir === 'ascending' ? '▲' : '▼'}</span>
              </button>
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
        <UserRemoval />
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
          <div className={`keys-layout${opened ? ' detail-open' : ''}`}>
            <div className="key-list-pane">
              <KeyList
                keys={shown}
                all={keys}
                openId={openId}
                now={now}
                onOpen={open}
                label={`Keys, sorted by ${sortLabel}, ${sort.dir}. Enter opens a key.`}
              />
              {shown.length === 0 && (
                <p className="no-match">
                  No key matches “{filter}”.{' '}
                  <button type="button" className="button link" onClick={() => setFilter('')}>
                    Clear the filter
                  </button>
                </p>
              )}
            </div>
            {opened ? (
              <KeyDetail
                keyView={opened}
                ha={ha}
                now={now}
                headingRef={detailRef}
                onClose={close}
                onConfirm={(kind) => setConfirm({ kind, id: opened.id })}
                onSignIn={setSignIn}
              />
            ) : (
              <p className="key-detail-empty muted">Open a key to see all it holds and what you can do with it.</p>
            )}
          </div>
        )}
      </section>

      {confirm && confirmKey && (
        <ConfirmDialog
          kind={confirm.kind}
          keyView={confirmKey}
          ha={ha}
          onClose={() => setConfirm(null)}
          onRevoke={(deleteUser) => (lastRevoke.current = deleteUser)}
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
            if (signedIn)
              void (request.retry === 'rotate' ? rotate(request.keyId) : revoke(request.keyId, lastRevoke.current))
          }}
        />
      )}
    </div>
  )
}
