import { useWizard } from './context.ts'
import { appShort } from './model.ts'
import { formatMac, kindLabel } from '../format.ts'
import { Actions, Callout, ErrorCallout, Fingerprint, Screen } from './parts.tsx'

export function TrustStep() {
  const probe = useWizard((s) => s.probe)
  const target = useWizard((s) => s.target)
  const known = useWizard((s) => s.known)
  const busy = useWizard((s) => s.busy)
  const error = useWizard((s) => s.error)
  const accept = useWizard((s) => s.acceptCertificate)
  const goTo = useWizard((s) => s.goTo)
  if (!probe || !target) {
    return (
      <Screen id="trust" title="Choose a console first">
        <Actions>
          <button type="button" className="button primary" onClick={() => goTo('find')}>
            Back to consoles
          </button>
        </Actions>
      </Screen>
    )
  }
  const name = probe.name ?? target.host
  const url = `https://${probe.address.port === 443 ? probe.address.host.replace(/^(.*:.*)$/, '[$1]') : probe.address.key}`

  if (probe.trust === 'changed') {
    const before = known.find((k) => k.key === target.key)?.certificateSha256 ?? null
    return (
      <Screen id="trust" tone="danger" title={`The certificate of ${name} has changed`}>
        <Callout tone="danger" alert>
          <p>
            Keyward trusted a different certificate at {probe.address.key} before. A firmware update, a factory reset or
            a certificate you installed changes it — and so does someone intercepting the connection. Keyward sends
            nothing to this console until you decide.
          </p>
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
        <p>
          Open <span className="mono">{url}</span> in a browser and compare the SHA-256 fingerprint it shows for the
          certificate. Trust the new one only if they match and you know why it changed.
        </p>
        {error && <ErrorCallout error={error} />}
        <Actions>
          <button type="button" className="button primary" onClick={() => goTo('find')}>
            Back to consoles
          </button>
          <button type="button" className="button danger" disabled={busy} onClick={() => void accept()}>
            {busy ? 'Checking…' : 'Trust the new certificate'}
          </button>
        </Actions>
      </Screen>
    )
  }

  return (
    <Screen id="trust" title={`Is this your ${name}?`}>
      <p className="lead">
        {probe.trust === 'first-contact'
          ? `This is the first time Keyward talks to ${name}.`
          : `You have not confirmed ${name}’s certificate yet.`}{' '}
        Consoles use their own certificate, so your browser warns about it; the fingerprint below tells you it is really
        your console.
      </p>
      <dl className="facts">
        <dt>Name</dt>
        <dd data-testid="trust-name">{probe.name ?? 'unknown'}</dd>
        <dt>Model</dt>
        <dd>{probe.model ?? 'unknown'}</dd>
        <dt>Type</dt>
        <dd data-testid="trust-kind">{kindLabel(probe.kind, probe.address.port)}</dd>
        <dt>Address</dt>
        <dd className="mono">{probe.address.key}</dd>
        <dt>MAC address</dt>
        <dd className="mono">{formatMac(probe.mac)}</dd>
        <dt>Apps</dt>
        <dd>{probe.apps.length ? probe.apps.map(appShort).join(', ') : 'none answered'}</dd>
        <dt>Certificate SHA-256</dt>
        <dd>
          <Fingerprint sha256={probe.certificate.sha256} testId="trust-fingerprint" />
        </dd>
      </dl>
      <p className="note">
        To compare: open <span className="mono">{url}</span> in a browser, click the warning or padlock next to the
        address, and view the certificate’s SHA-256 fingerprint.
      </p>
      {error && <ErrorCallout error={error} />}
      <Actions>
        <button type="button" className="button secondary" onClick={() => goTo('find')}>
          Back
        </button>
        <button type="button" className="button primary" disabled={busy} onClick={() => void accept()}>
          Trust this console
        </button>
      </Actions>
    </Screen>
  )
}
