// What a key's actions answered, shown next to the key: progress, a result
// note, an error value from the core (with "Sign in" when the console session
// ended), Home Assistant's answer and the fields to fill by hand.
import type { HaSummary, KeyView } from '../../../shared/domain.ts'
import { Actions, Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { CopyFieldsView, HaPushResult, focusHaConnect } from './HomeAssistant.tsx'
import { hostLabel } from './model.ts'
import { ProtectMode } from './ProtectMode.tsx'
import { IDLE_ROW, type RowAction } from './store.ts'

const BUSY_TEXT: Record<RowAction, string> = {
  copy: 'Copying…',
  'copy-password': 'Copying the password…',
  reveal: 'Fetching the key from the keychain…',
  check: 'Verifying with the console…',
  rotate: 'Rotating: making a new key, checking it, then revoking the old one…',
  revoke: 'Revoking on the console…',
  forget: 'Forgetting…',
  pause: 'Saving…',
  push: 'Sending to Home Assistant…',
  fields: 'Preparing the fields…',
}

const ERROR_TITLE: Record<RowAction, string> = {
  copy: 'Not copied',
  'copy-password': 'Password not copied',
  reveal: 'Not revealed',
  check: 'Could not check the key',
  rotate: 'Not rotated: the old key is unchanged and still works',
  revoke: 'Not revoked',
  forget: 'Not forgotten',
  pause: 'Not changed',
  push: 'Home Assistant did not take the key',
  fields: 'Could not prepare the fields',
}

export interface SignInRequest {
  keyId: string
  consoleKey: string
  consoleName: string
  retry: 'rotate' | 'revoke'
}

export function RowOutput({
  keyView,
  onSignIn,
  needHa,
  level = 3,
}: {
  keyView: KeyView
  /** Heading level of the fields panel (4 under the Done screen's "Home Assistant"). */
  level?: 3 | 4
  onSignIn?: (request: SignInRequest) => void
  /** "Send to Home Assistant" was pressed with no Home Assistant connected. */
  needHa?: boolean
}) {
  const state = useKeys((s) => s.rows[keyView.id] ?? IDLE_ROW)
  const dismiss = useKeys((s) => s.dismiss)
  const hideFields = useKeys((s) => s.hideFields)
  const { busy, error, note, push, fields, pushHa } = state
  const expired = error?.error.code === 'session-expired' && (error.action === 'rotate' || error.action === 'revoke')
  return (
    <>
      <div className="row-status" role="status" data-testid="row-status">
        {busy ? (
          <p className="row-busy">{BUSY_TEXT[busy]}</p>
        ) : note ? (
          <p className={`row-note tone-${note.tone}`} data-testid="row-note">
            {note.text}
          </p>
        ) : null}
      </div>
      {needHa && !busy && (
        <Callout tone="info" title="Connect Home Assistant first">
          <p>Keyward needs Home Assistant’s address and an administrator’s access token to send it a key.</p>
          <button type="button" className="button small secondary" onClick={focusHaConnect}>
            Go to Home Assistant
          </button>
        </Callout>
      )}
      {error && !busy && (
        <Callout tone="danger" alert title={ERROR_TITLE[error.action]}>
          <p data-testid="row-error">{error.error.message}</p>
          {expired && <p>{signInReason(keyView, error.action === 'rotate' ? 'rotate' : 'revoke')}</p>}
          {error.error.detail && <p className="detail">Details: {error.error.detail}</p>}
          <Actions>
            {expired && onSignIn && (
              <button
                type="button"
                className="button small primary"
                onClick={() =>
                  onSignIn({
                    keyId: keyView.id,
                    consoleKey: keyView.consoleKey,
                    consoleName: hostLabel(keyView),
                    retry: error.action === 'rotate' ? 'rotate' : 'revoke',
                  })
                }
              >
                Sign in to {hostLabel(keyView)}
              </button>
            )}
            <button type="button" className="button small secondary" onClick={() => dismiss(keyView.id)}>
              Dismiss
            </button>
          </Actions>
        </Callout>
      )}
      {push && <HaPushResult summary={push} keyId={keyView.id} />}
      {keyView.app === 'protect' && pushHa && (push || error?.action === 'push') && (
        <ProtectMode keyView={keyView} haId={pushHa} />
      )}
      {fields && <CopyFieldsView plan={fields} keyView={keyView} level={level} onHide={() => hideFields(keyView.id)} />}
    </>
  )
}

/** Why the console wants a signed-in account before it rotates or revokes this key. */
function signInReason(keyView: KeyView, verb: 'rotate' | 'revoke'): string {
  const where = hostLabel(keyView)
  if (keyView.app === 'uisp') return `${where} wants a signed-in UISP user to ${verb} this token.`
  if (verb === 'revoke' && keyView.dedicatedUser) {
    return `Deleting ${keyView.username} needs a signed-in Owner or Super Admin on ${where}. Nothing was revoked yet.`
  }
  return `This key was made with your own account, so ${where} wants a signed-in Owner or Super Admin to ${verb} it.`
}

/** "Send to Home Assistant" (one button per connected instance when there are several). */
export function SendButtons({ keyView, ha, onNeedHa }: { keyView: KeyView; ha: HaSummary[]; onNeedHa: () => void }) {
  const push = useKeys((s) => s.push)
  const busy = useKeys((s) => (s.rows[keyView.id] ?? IDLE_ROW).busy)
  if (ha.length <= 1) {
    return (
      <button
        type="button"
        className="button small secondary"
        aria-disabled={busy === 'push' || undefined}
        onClick={() => (ha[0] ? void push(keyView.id, ha[0].id) : onNeedHa())}
      >
        Send to Home Assistant
      </button>
    )
  }
  return (
    <>
      {ha.map((h) => (
        <button
          key={h.id}
          type="button"
          className="button small secondary"
          aria-disabled={busy === 'push' || undefined}
          onClick={() => void push(keyView.id, h.id)}
        >
          Send to {h.locationName ?? h.url}
        </button>
      ))}
    </>
  )
}

export function FieldsButton({ keyView }: { keyView: KeyView }) {
  const showFields = useKeys((s) => s.showFields)
  const hideFields = useKeys((s) => s.hideFields)
  const shown = useKeys((s) => (s.rows[keyView.id] ?? IDLE_ROW).fields !== null)
  return (
    <button
      type="button"
      className="button small secondary"
      aria-expanded={shown}
      onClick={() => (shown ? hideFields(keyView.id) : void showFields(keyView.id))}
    >
      Copy fields for Home Assistant
    </button>
  )
}
