// Home Assistant: the connect form (HaConnectForm.tsx, used by Settings and the wizard's Done screen), and
// for one key: the answer of "Send to Home Assistant" and the fields to fill by hand ("Copy fields for Home
// Assistant"). The connections list lives in Settings (settings/HomeAssistantSettings.tsx). Secrets
// never appear here: a secret field offers Copy, which goes through keys.copy.
import { useId } from 'react'
import type { CopyFieldsPlan, HaPushSummary, KeyView } from '../../../shared/domain.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { openView } from '../route.ts'
import { Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { IDLE_ROW } from './store.ts'
import { HaSiteChoice } from './HaSiteChoice.tsx'

export { HaConnectForm } from './HaConnectForm.tsx'

/** The address field of the Home Assistant panel, so other places can send the user there. */
export const HA_URL_FIELD_ID = 'ha-connect-url'

/** Opens Settings on the Home Assistant connect form (HomeAssistantSettings focuses the field). */
export function focusHaConnect(): void {
  openView('settings', 'focus=ha-connect')
}

export function ErrorNote({ error, title }: { error: KeywardError; title: string }) {
  return (
    <Callout tone="danger" alert title={title}>
      <p>{error.message}</p>
    </Callout>
  )
}

const PUSH_TITLE: Record<HaPushSummary['outcome'], string> = {
  created: 'Added to Home Assistant',
  reconfigured: 'Home Assistant now uses this key',
  reauthenticated: 'Home Assistant signed in again with this key',
  'not-applicable': 'Not applicable',
  'choose-site': 'Choose a UniFi Network site',
}

const PUSH_OUTCOME: Record<HaPushSummary['outcome'], string> = {
  created: 'created: a new integration entry',
  reconfigured: 'reconfigured: the existing entry was updated',
  reauthenticated: 'reauthenticated: the entry’s pending sign-in was completed',
  'not-applicable': 'not applicable',
  'choose-site': 'nothing sent yet: choose a site',
}

export function HaPushResult({ summary, keyId }: { summary: HaPushSummary & { haId?: string }; keyId?: string }) {
  const na = summary.outcome === 'not-applicable' || summary.outcome === 'choose-site'
  return (
    <div
      className={`callout ${na ? 'callout-info' : 'callout-ok'} ha-result`}
      data-testid="ha-push-result"
      data-outcome={summary.outcome}
    >
      <p className="callout-title">{PUSH_TITLE[summary.outcome]}</p>
      <p data-testid="ha-push-message">{summary.message}</p>
      {summary.outcome === 'choose-site' && keyId && summary.haId && (
        <HaSiteChoice keyId={keyId} haId={summary.haId} sites={summary.sites ?? []} />
      )}
      {!na && (
        <dl className="facts compact">
          <dt>Result</dt>
          <dd data-testid="ha-push-outcome">{PUSH_OUTCOME[summary.outcome]}</dd>
          {summary.title && (
            <>
              <dt>Entry</dt>
              <dd data-testid="ha-entry-title">{summary.title}</dd>
            </>
          )}
          {summary.entryState && (
            <>
              <dt>State</dt>
              <dd data-testid="ha-entry-state">{summary.entryState}</dd>
            </>
          )}
          {summary.haVersion && (
            <>
              <dt>Home Assistant</dt>
              <dd>{summary.haVersion}</dd>
            </>
          )}
        </dl>
      )}
    </div>
  )
}

const KEY_FIELDS = new Set(['api_key', 'api_token'])

export function CopyFieldsView({
  plan,
  keyView,
  onHide,
  level = 3,
}: {
  plan: CopyFieldsPlan
  keyView: KeyView
  onHide?: () => void
  level?: 3 | 4
}) {
  const Heading = level === 3 ? 'h3' : 'h4'
  const ids = useId()
  return (
    <section className="copy-fields" aria-labelledby={`${ids}-title`} data-testid="copy-fields">
      <div className="copy-fields-head">
        <Heading id={`${ids}-title`} className="copy-fields-title">
          Fields for Home Assistant
        </Heading>
        {onHide && (
          <button type="button" className="button link" onClick={onHide}>
            Hide fields
          </button>
        )}
      </div>
      {!plan.applicable ? (
        <Callout tone="info" title="Not applicable">
          <p data-testid="copy-fields-message">{plan.message}</p>
        </Callout>
      ) : (
        <p data-testid="copy-fields-message">{plan.message}</p>
      )}
      <ol className="plan-steps">
        {plan.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <table className="fields-table">
        <caption className="visually-hidden">Fields to fill in Home Assistant</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {plan.fields.map((f) => (
            <tr key={f.field} data-testid={`field-${f.field}`}>
              <th scope="row">{f.label}</th>
              <td>
                <CopyFieldValue field={f} keyView={keyView} />
              </td>
              <td className="muted">{f.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="copy-fields-link">
        Start in Home Assistant:{' '}
        <a href={plan.link} target="_blank" rel="noreferrer" className="mono">
          {plan.link}
        </a>
      </p>
    </section>
  )
}

/** One field's value: a secret offers Copy (through the keychain), never its text. */
function CopyFieldValue({ field: f, keyView }: { field: CopyFieldsPlan['fields'][number]; keyView: KeyView }) {
  const copy = useKeys((s) => s.copy)
  const copyPassword = useKeys((s) => s.copyPassword)
  const busy = useKeys((s) => (s.rows[keyView.id] ?? IDLE_ROW).busy)
  if (KEY_FIELDS.has(f.field)) {
    return (
      <span className="secret-field">
        <span className="muted">use Copy key</span>
        <button
          type="button"
          className="button small secondary"
          aria-disabled={busy === 'copy' || undefined}
          onClick={() => void copy(keyView.id)}
        >
          Copy key
        </button>
      </span>
    )
  }
  if (f.secret && f.field === 'password' && keyView.hasPassword) {
    // Never shown: copied from the keychain like a key, and cleared after the same time.
    return (
      <span className="secret-field">
        <span className="muted">
          The password of {keyView.username} stays in this computer’s keychain: use Copy password
        </span>
        <button
          type="button"
          className="button small secondary"
          aria-disabled={busy === 'copy-password' || undefined}
          onClick={() => void copyPassword(keyView.id)}
        >
          Copy password
        </button>
      </span>
    )
  }
  if (f.secret) {
    return (
      <span className="muted">
        {keyView.hasPassword ? 'Send to Home Assistant fills it in.' : `Your own password for ${keyView.username}.`}
      </span>
    )
  }
  // The core leaves the user name out; it is the key's own console user.
  const shown = f.value || (f.field === 'username' ? keyView.username : '')
  return shown ? <span className="mono field-value">{shown}</span> : <span className="muted">leave empty</span>
}
