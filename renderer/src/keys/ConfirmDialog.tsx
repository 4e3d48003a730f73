// "Rotate", "Revoke on the console" and "Forget here", each confirmed in a dialog that says what
// will stop working (or keep working) before anything happens. Rotate names the consumers Keyward
// hands the new key to and those it cannot; Revoke offers to delete the key's dedicated user when
// Keyward created it (ticked when no other key uses it; the core checks again).
import { useId, useState } from 'react'
import type { KeyUserView } from '../../../shared/views.ts'
import type { HaSummary, KeyView } from '../../../shared/domain.ts'
import { useKeys } from './context.ts'
import { ConfirmActions, Dialog } from './Dialog.tsx'
import type { ConfirmKind } from './KeyDetail.tsx'
import { forgetConsequences, hostLabel, revokeConsequences, rotateConsequences } from './model.ts'
import { IDLE_ROW } from './store.ts'

const WORKING: Record<ConfirmKind, string> = { rotate: 'Rotating…', revoke: 'Revoking…', forget: 'Forgetting…' }
const LABEL: Record<ConfirmKind, string> = {
  rotate: 'Rotate the key',
  revoke: 'Revoke the key',
  forget: 'Forget the key',
}

export function ConfirmDialog({
  kind,
  keyView,
  ha,
  onClose,
  onRevoke,
  fallbackFocus,
}: {
  kind: ConfirmKind
  keyView: KeyView
  ha: HaSummary[]
  onClose: () => void
  /** Revoke ran (its answer shows in the list); `deleteUser` as chosen, for a retry after signing in. */
  onRevoke?: (deleteUser: boolean) => void
  fallbackFocus: () => HTMLElement | null
}) {
  const revoke = useKeys((s) => s.revoke)
  const forget = useKeys((s) => s.forget)
  const rotate = useKeys((s) => s.rotate)
  const busy = useKeys((s) => (s.rows[keyView.id] ?? IDLE_ROW).busy)
  const user = keyView.dedicatedUser ?? null
  const [deleteUser, setDeleteUser] = useState(user !== null && user.sharedWith.length === 0)
  const where = hostLabel(keyView)
  const working = busy === kind

  const confirm = async () => {
    if (busy) return
    if (kind === 'rotate') {
      onClose() // the rotation's progress and answer show next to the key
      await rotate(keyView.id)
      return
    }
    if (kind === 'revoke') {
      onRevoke?.(deleteUser && user !== null)
      await revoke(keyView.id, deleteUser && user !== null)
    } else await forget(keyView.id)
    // Done or failed, the answer shows in the list (next to the key, or above it when the key is gone).
    onClose()
  }

  const title =
    kind === 'rotate'
      ? `Rotate “${keyView.name}” on ${where}?`
      : kind === 'revoke'
        ? `Revoke “${keyView.name}” on ${where}?`
        : `Forget “${keyView.name}” here?`

  return (
    <Dialog
      title={title}
      tone={kind === 'rotate' ? undefined : 'danger'}
      onClose={onClose}
      fallbackFocus={fallbackFocus}
      testId={`${kind}-dialog`}
      description={<Consequences kind={kind} keyView={keyView} ha={ha} />}
    >
      {kind === 'revoke' && user && (
        <UserChoice keyView={keyView} user={user} checked={deleteUser} onChange={setDeleteUser} />
      )}
      <ConfirmActions
        onCancel={onClose}
        onConfirm={() => void confirm()}
        working={working}
        label={working ? WORKING[kind] : LABEL[kind]}
      />
    </Dialog>
  )
}

function Consequences({ kind, keyView, ha }: { kind: ConfirmKind; keyView: KeyView; ha: HaSummary[] }) {
  const where = hostLabel(keyView)
  if (kind === 'rotate') {
    const { updates, byHand } = rotateConsequences(keyView, ha)
    return (
      <>
        <p>
          Keyward makes a new key on {where}, checks it, hands it over, and only then revokes this one. If anything
          fails on the way, this key stays as it is.
        </p>
        <ul className="consequences" data-testid="consequences">
          {updates.map((line) => (
            <li key={line}>{line}</li>
          ))}
          <li>{byHand}</li>
        </ul>
      </>
    )
  }
  const revoking = kind === 'revoke'
  const lines = revoking ? revokeConsequences(keyView, ha) : forgetConsequences(keyView, ha)
  return (
    <>
      <p>
        {revoking
          ? `${where} deletes the key at once. What uses it stops working:`
          : `Keyward lets go of this key, but ${where} does not delete it.`}
      </p>
      <ul className="consequences" data-testid="consequences">
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
        {revoking && <li>Keyward forgets the key and removes it from this computer’s keychain.</li>}
      </ul>
    </>
  )
}

/** "Also delete the user": ticked by default when no other key uses it (the core checks again). */
function UserChoice(props: {
  keyView: KeyView
  user: KeyUserView
  checked: boolean
  onChange: (checked: boolean) => void
}) {
  const { keyView, user } = props
  const id = useId()
  const where = hostLabel(keyView)
  const others = user.sharedWith.map((o) => `“${o.name}”`).join(', ')
  const one = user.sharedWith.length === 1
  return (
    <div className="confirm-user">
      <label htmlFor={id} className="check-row">
        <input
          id={id}
          type="checkbox"
          checked={props.checked}
          disabled={user.sharedWith.length > 0}
          onChange={(e) => props.onChange(e.target.checked)}
        />{' '}
        Also delete the user {keyView.username} that Keyward created on {where}
      </label>
      <p className="muted" data-testid="user-note">
        {user.sharedWith.length > 0
          ? `${others} also belong${one ? 's' : ''} to ${keyView.username}; Keyward will not delete the user while ${one ? 'it is' : 'they are'} in the list.`
          : `No other key in your list uses ${keyView.username}. Keyward revokes the key first, then deletes the user (you need to be signed in to ${where} as an Owner or Super Admin), then its password from this computer’s keychain.`}
      </p>
    </div>
  )
}
