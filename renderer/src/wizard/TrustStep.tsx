// The UniFi path's certificate step: the shared certificate screen with a
// console's facts and wording; a changed certificate gets its comparison.
import { useWizard } from './context.ts'
import { CertificateCheck } from './CertificateCheck.tsx'
import { appShort } from './model.ts'
import { formatMac, kindLabel } from '../format.ts'
import type { ConsoleProbe } from '../../../shared/domain.ts'

const consoleUrl = (probe: ConsoleProbe) =>
  `https://${probe.address.port === 443 ? probe.address.host.replace(/^(.*:.*)$/, '[$1]') : probe.address.key}`

function ConsoleFacts({ probe }: { probe: ConsoleProbe }) {
  return (
    <>
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
    </>
  )
}

export function TrustStep() {
  const probe = useWizard((s) => s.probe)
  const target = useWizard((s) => s.target)
  const known = useWizard((s) => s.known)
  const busy = useWizard((s) => s.busy)
  const error = useWizard((s) => s.error)
  const accept = useWizard((s) => s.acceptCertificate)
  const goTo = useWizard((s) => s.goTo)
  const shown = probe && target ? probe : null
  const name = probe?.name ?? target?.host ?? ''
  const url = shown ? consoleUrl(shown) : ''
  return (
    <CertificateCheck
      id="trust"
      probe={shown}
      busy={busy}
      error={error}
      onAccept={() => void accept()}
      onBack={() => goTo('find')}
      facts={shown && <ConsoleFacts probe={shown} />}
      comparison={{
        before: known.find((k) => k.key === target?.key)?.certificateSha256 ?? null,
        howToCompare: (
          <>
            Open <span className="mono">{url}</span> in a browser and compare the SHA-256 fingerprint it shows for the
            certificate. Trust the new one only if they match and you know why it changed.
          </>
        ),
      }}
      wording={{
        missingTitle: 'Choose a console first',
        backToList: 'Back to consoles',
        askTitle: `Is this your ${name}?`,
        changedTitle: `The certificate of ${name} has changed`,
        lead: (
          <>
            {shown?.trust === 'first-contact'
              ? `This is the first time Keyward talks to ${name}.`
              : `You have not confirmed ${name}’s certificate yet.`}{' '}
            Consoles use their own certificate, so your browser warns about it; the fingerprint below tells you it is
            really your console.
          </>
        ),
        changedWarning: (
          <>
            Keyward trusted a different certificate at {shown?.address.key} before. A firmware update, a factory reset
            or a certificate you installed changes it — and so does someone intercepting the connection. Keyward sends
            nothing to this console until you decide.
          </>
        ),
        trustThis: 'Trust this console',
        howToCompare: (
          <>
            To compare: open <span className="mono">{url}</span> in a browser, click the warning or padlock next to the
            address, and view the certificate’s SHA-256 fingerprint.
          </>
        ),
      }}
    />
  )
}
