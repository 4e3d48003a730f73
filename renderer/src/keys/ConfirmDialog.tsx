// "Revoke on the console" and "Forget here", each confirmed in a dialog that
// says what will stop working (or keep working) before anything happens.
import type { HaSummary, KeyView } from '../../../shared/domain.ts'
import { useKeys } from './context.ts'
import { ConfirmActions, Dialog } from './Dialog.tsx'
import { forgetConsequences, hostLabel, revokeConsequences } from './model.ts'
import { IDLE_ROW } from './store.ts'

export function ConfirmDialog({
  kind,
  keyView,
  ha,
  onClose,
  fallbackFocus,
}: {
  kind: 'revoke' | 'forget'
  keyView: KeyView
  ha: HaSummary[]
  onClose: () => void
  fallbackFocus: () => HTMLElement | null
}) {
  const revoke = useKeys((s) => s.revoke)
  const forget = useKeys((s) => s.forget)
  const busy = useKeys((s) => (s.rows[keyView.id] ?? IDLE_ROW).busy)
  const where = hostLabel(keyView)
  const revoking = kind === 'revoke'
  const lines = revoking ? revokeConsequences(keyView, ha) : forgetConsequences(keyView, ha)
  const working = busy === kind

  const confirm = async () => {
    if (busy) return
    await (revoking ? revoke(keyView.id) : forget(keyView.id))
    // Done or failed, the answer shows in the list (next to the key, or above it when the key is gone).
    onClose()
  }

  return (
    <Dialog
      title={revoking ? `Revoke “${keyView.name}” on ${where}?` : `Forget “${keyView.name}” here?`}
      tone="danger"
      onClose={onClose}
      fallbackFocus={fallbackFocus}
      testId={`${kind}-dialog`}
      description={
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
      }
    >
      <ConfirmActions
        onCancel={onClose}
        onConfirm={() => void confirm()}
        working={working}
        label={working ? (revoking ? 'Revoking…' : 'Forgetting…') : revoking ? 'Revoke the key' : 'Forget the key'}
      />
    </Dialog>
  )
}
