// UISP step 2: compare and trust the server's certificate (trust on first use).
import { Actions, Callout, ErrorCallout, Fingerprint, Screen } from '../parts.tsx'
import { useUispWizard } from './context.ts'

export function TrustServer() {
  const probe = useUispWizard((s) => s.probe)
  const busy = useUispWizard((s) => s.busy)
  const error = useUispWizard((s) => s.error)
  const accept = useUispWizard((s) => s.acceptCertificate)
  const goTo = useUispWizard((s) => s.goTo)
  if (!probe) {
    return (
      <Screen id="uisp-trust" title="Choose a UISP server first">
        <Actions>
          <button type="button" className="button primary" onClick={() => goTo('find')}>
            Back to servers
          </button>
        </Actions>
      </Screen>
    )
  }
  const changed = probe.trust === 'changed'
  return (
    <Screen
      id="uisp-trust"
      tone={changed ? 'danger' : undefined}
      title={changed ? 'The certificate of this UISP server has changed' : 'Is this your UISP server?'}
    >
      {changed ? (
        <Callout tone="danger" alert>
          <p>
            Keyward trusted a different certificate at {probe.address.key} before. Renewing the certificate changes it —
            and so does someone intercepting the connection. Keyward sends nothing until you decide.
          </p>
        </Callout>
      ) : (
        <p className="lead">
          UISP usually runs with its own certificate, so browsers warn about it; the fingerprint below tells you it is
          really your server.
        </p>
      )}
      <dl className="facts">
        <dt>Address</dt>
        <dd className="mono">{probe.address.key}</dd>
        <dt>UISP version</dt>
        <dd data-testid="uisp-version">{probe.version ?? 'not shown before sign-in'}</dd>
        <dt>Certificate SHA-256</dt>
        <dd>
          <Fingerprint sha256={probe.certificate.sha256} testId="trust-fingerprint" />
        </dd>
      </dl>
      <p className="note">
        To compare: open <span className="mono">https://{probe.address.key}</span> in a browser and view the
        certificate’s SHA-256 fingerprint.
      </p>
      {error && <ErrorCallout error={error} />}
      <Actions>
        <button type="button" className="button secondary" onClick={() => goTo('find')}>
          Back
        </button>
        <button
          type="button"
          className={`button ${changed ? 'danger' : 'primary'}`}
          disabled={busy}
          onClick={() => void accept()}
        >
          {changed ? 'Trust the new certificate' : 'Trust this server'}
        </button>
      </Actions>
    </Screen>
  )
}
