// After "Send to Home Assistant" for a Protect key: which way HA signs in, what full mode would
// add and what it costs, and — only if the user wants it — the consent to send the dedicated
// user's password (its sentence names what goes where). The core enforces the same rule:
// without recorded consent it sends no password (homeassistant/consent.ts).
import { useEffect, useId, useState } from 'react'
import type { HaPushOptions, HaPushSummary, KeyView } from '../../../shared/domain.ts'
import type { RowState } from './rows.ts'
import { Actions, Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'
import { IDLE_ROW } from './store.ts'

export function ProtectMode({ keyView, haId }: { keyView: KeyView; haId: string }) {
  const push = useKeys((s) => s.push)
  const row = useKeys((s) => s.rows[keyView.id] ?? IDLE_ROW)
  const options = usePushOptions(keyView.id, haId, row.push)

  if (!options) return null
  const mode = row.push?.mode ?? null
  const busy = row.busy !== null
  const fullLabel = options.apiKeyOnlyAvailable ? 'Send in full mode' : 'Send with the password'
  return (
    <section className="ha-mode" data-testid="ha-mode" aria-label="How Home Assistant signs in to UniFi Protect">
      {options.apiKeyOnlyAvailable ? (
        <p data-testid="ha-mode-current">
          {mode === 'full'
            ? 'Home Assistant uses full mode: it holds the key and the dedicated user’s password.'
            : 'Keyward uses API-key-only mode: Home Assistant holds the key and no password.'}
        </p>
      ) : (
        <p data-testid="ha-mode-current">
          Home Assistant {options.haVersion ?? ''} has no API-key-only mode (it arrived in 2026.9): its UniFi Protect
          form requires a local user’s password besides the key. Update Home Assistant to keep the password out of it.
        </p>
      )}
      <p>
        <strong>What full mode adds:</strong> {options.fullModeAdds}
      </p>
      <p>
        <strong>What it costs:</strong> {options.fullModeCosts}
      </p>
      <ProtectConsent keyView={keyView} haId={haId} options={options} mode={mode} busy={busy} fullLabel={fullLabel} />
      {mode === 'full' && options.apiKeyOnlyAvailable && (
        <Actions>
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy || undefined}
            onClick={() => !busy && void push(keyView.id, haId, { mode: 'api_key' })}
          >
            Switch back to API-key-only mode
          </button>
        </Actions>
      )}
    </section>
  )
}

/** The push options of this key for this Home Assistant, read again after each push. */
function usePushOptions(keyId: string, haId: string, refreshAfter: RowState['push']): HaPushOptions | null {
  const pushOptions = useKeys((s) => s.pushOptions)
  const [options, setOptions] = useState<HaPushOptions | null>(null)
  useEffect(() => {
    let live = true
    void pushOptions(keyId, haId).then((o) => {
      if (live && o.ok) setOptions(o.value)
    })
    return () => {
      live = false
    }
  }, [pushOptions, keyId, haId, refreshAfter])
  return options
}

/** Full mode's consent: none possible, recorded (and full mode one click away), or asked for. */
function ProtectConsent({
  keyView,
  haId,
  options,
  mode,
  busy,
  fullLabel,
}: {
  keyView: KeyView
  haId: string
  options: HaPushOptions
  mode: HaPushSummary['mode']
  busy: boolean
  fullLabel: string
}) {
  const consentAndPush = useKeys((s) => s.consentAndPush)
  const push = useKeys((s) => s.push)
  const [agreed, setAgreed] = useState(false)
  const checkboxId = useId()
  return options.consentSentence === null ? (
    <p className="muted">
      This key was made as the signed-in admin, whose password Keyward never keeps, so full mode is not offered.
    </p>
  ) : options.consent ? (
    <>
      <p className="muted" data-testid="ha-consent-recorded">
        You agreed on {new Date(options.consent.grantedAt).toLocaleString()}: “{options.consent.sentence}”
      </p>
      {mode !== 'full' && (
        <Actions>
          <button
            type="button"
            className="button small secondary"
            aria-disabled={busy || undefined}
            onClick={() => !busy && void push(keyView.id, haId, { mode: 'full' })}
          >
            {fullLabel}
          </button>
        </Actions>
      )}
    </>
  ) : (
    <Callout tone="warn" label="Consent to send a password">
      <p>
        <input
          id={checkboxId}
          type="checkbox"
          checked={agreed}
          onChange={(e) => setAgreed(e.target.checked)}
          data-testid="ha-consent-check"
        />{' '}
        <label htmlFor={checkboxId} data-testid="ha-consent-sentence">
          {options.consentSentence}
        </label>
      </p>
      <Actions>
        <button
          type="button"
          className="button small secondary"
          aria-disabled={!agreed || busy || undefined}
          onClick={() => agreed && !busy && void consentAndPush(keyView.id, haId, options.consentSentence!, 'full')}
        >
          Agree and {fullLabel.toLowerCase()}
        </button>
      </Actions>
    </Callout>
  )
}
