// The certificate screen both wizard paths share (trust on first use, the rule
// in trust.ts): "is this your server?" on first contact, or "its certificate
// has changed" when the pin on record differs. What differs between a UniFi
// console and a UISP server — the facts shown, the wording, and whether a
// changed certificate gets its own comparison of old and new — comes in as props.
import type { ReactNode } from 'react'
import type { KeywardError } from '../../../shared/result.ts'
import { Actions, Callout, ErrorCallout, Fingerprint, Screen } from './parts.tsx'
import type { PinnedProbe } from './trust.ts'

export interface TrustWording {
  /** The screen's title when no server is chosen, and the button back to the list ("Back to consoles"). */
  missingTitle: string
  backToList: string
  askTitle: string
  changedTitle: string
  /** The first-contact screen's lead paragraph. */
  lead: ReactNode
  /** The danger callout on a changed certificate. */
  changedWarning: ReactNode
  /** The accept button on first contact ("Trust this console"). */
  trustThis: string
  /** How to compare in a browser (the note under the facts). */
  howToCompare: ReactNode
}

/** A changed certificate on its own screen: the pin on record next to the one presented now. */
export interface ChangedComparison {
  before: string | null
  howToCompare: ReactNode
}

export interface CertificateCheckProps {
  /** The screen id (`trust`, `uisp-trust`): headings and e2e selectors hang on it. */
  id: string
  probe: (PinnedProbe & { certificate: { subject: string; validFrom: string; validTo: string } }) | null
  busy: boolean
  error: KeywardError | null
  wording: TrustWording
  /** The facts rows (`dt`/`dd`) before the fingerprint row. */
  facts: ReactNode
  /** Given: a changed certificate shows as a comparison (UniFi); absent: the same facts in danger tone (UISP). */
  comparison?: ChangedComparison
  onAccept(): void
  onBack(): void
}

export function CertificateCheck(props: CertificateCheckProps) {
  const { id, probe, wording, onBack } = props
  if (!probe) {
    return (
      <Screen id={id} title={wording.missingTitle}>
        <Actions>
          <button type="button" className="button primary" onClick={onBack}>
            {wording.backToList}
          </button>
        </Actions>
      </Screen>
    )
  }
  if (probe.trust === 'changed' && props.comparison) return <CompareChanged {...props} probe={probe} />
  const changed = probe.trust === 'changed'
  return (
    <Screen id={id} tone={changed ? 'danger' : undefined} title={changed ? wording.changedTitle : wording.askTitle}>
      {changed ? (
        <Callout tone="danger" alert>
          <p>{wording.changedWarning}</p>
        </Callout>
      ) : (
        <p className="lead">{wording.lead}</p>
      )}
      <dl className="facts">
        {props.facts}
        <dt>Certificate SHA-256</dt>
        <dd>
          <Fingerprint sha256={probe.certificate.sha256} testId="trust-fingerprint" />
        </dd>
      </dl>
      <p className="note">{wording.howToCompare}</p>
      {props.error && <ErrorCallout error={props.error} />}
      <Actions>
        <button type="button" className="button secondary" onClick={onBack}>
          Back
        </button>
        <button
          type="button"
          className={`button ${changed ? 'danger' : 'primary'}`}
          disabled={props.busy}
          onClick={props.onAccept}
        >
          {changed ? 'Trust the new certificate' : wording.trustThis}
        </button>
      </Actions>
    </Screen>
  )
}

function CompareChanged({
  id,
  probe,
  busy,
  error,
  wording,
  comparison,
  onAccept,
  onBack,
}: CertificateCheckProps & { probe: NonNullable<CertificateCheckProps['probe']> }) {
  const before = comparison?.before ?? null
  return (
    <Screen id={id} tone="danger" title={wording.changedTitle}>
      <Callout tone="danger" alert>
        <p>{wording.changedWarning}</p>
      </Callout>
      <dl className="facts compare">
        <dt>Trusted before</dt>
        <dd>{before ? <Fingerprint sha256={before} testId="previous-fingerprint" /> : 'unknown'}</dd>
        <dt>Presented now</dt>
        <dd>
          <Fingerprint sha256={probe.certificate.sha256} testId="trust-fingerprint" />
        </dd>
        <dt>Issued to</dt>
        <dd>{probe.certificate.subject || 'unknown'}</dd>
        <dt>Valid</dt>
        <dd>
          {new Date(probe.certificate.validFrom).toLocaleDateString()} –{' '}
          {new Date(probe.certificate.validTo).toLocaleDateString()}
        </dd>
      </dl>
      <p>{comparison?.howToCompare}</p>
      {error && <ErrorCallout error={error} />}
      <Actions>
        <button type="button" className="button primary" onClick={onBack}>
          {wording.backToList}
        </button>
        <button type="button" className="button danger" disabled={busy} onClick={onAccept}>
          {busy ? 'Checking…' : 'Trust the new certificate'}
        </button>
      </Actions>
    </Screen>
  )
}
