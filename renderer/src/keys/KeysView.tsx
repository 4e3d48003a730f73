// The Keys tab: every key Keyward watches, live through `keys.changed`, as a compact list (one
// Tab stop, KeyList.tsx) with a filter and a sort, and the open key in a detail pane beside it
// (under ~800 px in its place, keys.css) holding every field and action (KeyDetail.tsx).
// Home Assistant connections are in Settings.
import { useEffect, useRef, useState, type RefObject } from 'react'
import type { KeyView } from '../../../shared/domain.ts'
import { useNow } from '../hooks.ts'
import { Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { KeyDetail, type ConfirmKind } from './KeyDetail.tsx'
import { KeyList } from './KeyList.tsx'
import './keys.css'
import { KeysToolbar } from './KeysToolbar.tsx'
import { filterKeys, SORTS, sortKeys } from './model.ts'
import { useOpenedKey } from './opened-key.ts'
import type { SignInRequest } from './RowOutput.tsx'
import { SignInDialog } from './SignInDialog.tsx'
import { UserRemoval } from './UserRemoval.tsx'

export function KeysView({ onNewKey }: { onNewKey: () => void }) {
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const error = useKeys((s) => s.error)
  const notice = useKeys((s) => s.notice)
  const filter = useKeys((s) => s.filter)
  const sort = useKeys((s) => s.sort)
  const load = useKeys((s) => s.load)
  const setFilter = useKeys((s) => s.setFilter)
  const viewing = useKeys((s) => s.viewing)
  const [confirm, setConfirm] = useState<{ kind: ConfirmKind; id: string } | null>(null)
  const [signIn, setSignIn] = useState<SignInRequest | null>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const detailRef = useRef<HTMLHeadingElement>(null)
  const now = useNow(true, 30_000)
  const { openId, open, close } = useOpenedKey(headingRef, detailRef, keys, loaded, setFilter)

  useEffect(() => {
    void load()
  }, [load])

  useListOnScreen(viewing)

  const shown = sortKeys(filterKeys(keys, filter), sort)
  const opened = keys.find((k) => k.id === openId)

  return (
    <div className="keys-view">
      <section className="panel" aria-labelledby="keys-heading">
        <KeysHeader headingRef={headingRef} />
        {keys.length > 0 && <KeysToolbar keys={keys} shown={shown.length} />}

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

        <KeysBody
          shown={shown}
          opened={opened}
          openId={openId}
          now={now}
          detailRef={detailRef}
          onNewKey={onNewKey}
          onOpen={open}
          onClose={close}
          onConfirm={(kind, id) => setConfirm({ kind, id })}
          onSignIn={setSignIn}
        />
      </section>

      <KeysDialogs
        confirm={confirm}
        signIn={signIn}
        onCloseConfirm={() => setConfirm(null)}
        onCloseSignIn={() => setSignIn(null)}
        headingRef={headingRef}
      />
    </div>
  )
}

/** Loading, the designed empty state, or the list with the open key's detail beside it. */
function KeysBody(props: {
  shown: KeyView[]
  opened: KeyView | undefined
  openId: string | null
  now: number
  detailRef: RefObject<HTMLHeadingElement | null>
  onNewKey: () => void
  onOpen: (id: string) => void
  onClose: () => void
  onConfirm: (kind: ConfirmKind, id: string) => void
  onSignIn: (request: SignInRequest) => void
}) {
  const { shown, opened, openId, now } = props
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const sort = useKeys((s) => s.sort)
  const filter = useKeys((s) => s.filter)
  const ha = useKeys((s) => s.ha)
  const setFilter = useKeys((s) => s.setFilter)
  const sortLabel = SORTS.find((c) => c.key === sort.by)?.label ?? sort.by
  if (!loaded) {
    return (
      <div className="keys-loading" aria-busy="true">
        <p className="muted">Loading the keys…</p>
        <div className="skeleton" />
        <div className="skeleton" />
      </div>
    )
  }
  if (keys.length === 0) return <EmptyKeys onNewKey={props.onNewKey} />
  return (
    <div className={`keys-layout${opened ? ' detail-open' : ''}`}>
      <div className="key-list-pane">
        <KeyList
          keys={shown}
          all={keys}
          openId={openId}
          now={now}
          onOpen={props.onOpen}
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
          key={opened.id}
          keyView={opened}
          ha={ha}
          now={now}
          headingRef={props.detailRef}
          onClose={props.onClose}
          onConfirm={(kind) => props.onConfirm(kind, opened.id)}
          onSignIn={props.onSignIn}
        />
      ) : (
        <p className="key-detail-empty muted">Open a key to see all it holds and what you can do with it.</p>
      )}
    </div>
  )
}

function EmptyKeys({ onNewKey }: { onNewKey: () => void }) {
  return (
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
  )
}

/** The confirmations (rotate, revoke, forget) and the sign-in a rotate or revoke may need. */
function KeysDialogs(props: {
  confirm: { kind: ConfirmKind; id: string } | null
  signIn: SignInRequest | null
  onCloseConfirm: () => void
  onCloseSignIn: () => void
  headingRef: RefObject<HTMLHeadingElement | null>
}) {
  const { confirm, signIn, headingRef } = props
  const keys = useKeys((s) => s.keys)
  const ha = useKeys((s) => s.ha)
  const rotate = useKeys((s) => s.rotate)
  const revoke = useKeys((s) => s.revoke)
  const signInTo = useKeys((s) => s.signIn)
  // What the last revoke asked for, so a retry after signing in asks the same.
  const lastRevoke = useRef(false)
  const confirmKey = confirm ? keys.find((k) => k.id === confirm.id) : undefined
  return (
    <>
      {confirm && confirmKey && (
        <ConfirmDialog
          kind={confirm.kind}
          keyView={confirmKey}
          ha={ha}
          onClose={props.onCloseConfirm}
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
            props.onCloseSignIn()
            // Signed in: do what the session was needed for (the user asked for it already).
            if (signedIn)
              void (signIn.retry === 'rotate' ? rotate(signIn.keyId) : revoke(signIn.keyId, lastRevoke.current))
          }}
        />
      )}
    </>
  )
}

/** Tells the core while the list is on screen (it holds notifications back meanwhile). */
function useListOnScreen(viewing: (open: boolean) => void): void {
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
}

/** The tab's heading (focused when the tab opens), what it is, and "Check all". */
function KeysHeader({ headingRef }: { headingRef: RefObject<HTMLHeadingElement | null> }) {
  const count = useKeys((s) => s.keys.length)
  const checkingAll = useKeys((s) => s.checkingAll)
  const checkAll = useKeys((s) => s.checkAll)
  return (
    <div className="view-head">
      <div>
        <h2 id="keys-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
          Keys
        </h2>
        <p className="lead">
          Every key Keyward made or watches, checked in the background against the console that made it.
        </p>
      </div>
      {count > 0 && (
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
  )
}
