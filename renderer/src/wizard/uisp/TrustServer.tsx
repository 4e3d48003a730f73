// UISP step 2: compare and trust the server's certificate (trust on first use),
// on the certificate screen shared with the UniFi path.
import { CertificateCheck } from '../CertificateCheck.tsx'
import { useUispWizard } from './context.ts'

export function TrustServer() {
  const probe = useUispWizard((s) => s.probe)
  const busy = useUispWizard((s) => s.busy)
  const error = useUispWizard((s) => s.error)
  const accept = useUispWizard((s) => s.acceptCertificate)
  const goTo = useUispWizard((s) => s.goTo)
  const key = probe?.address.key ?? ''
  return (
    <CertificateCheck
      id="uisp-trust"
      probe={probe}
      busy={busy}
      error={error}
      onAccept={() => void accept()}
      onBack={() => goTo('find')}
      facts={
        probe && (
          <>
            <dt>Address</dt>
            <dd className="mono">{key}</dd>
            <dt>UISP version</dt>
            <dd data-testid="uisp-version">{probe.version ?? 'not shown before sign-in'}</dd>
          </>
        )
      }
      wording={{
        missingTitle: 'Choose a UISP server first',
        backToList: 'Back to servers',
        askTitle: 'Is this your UISP server?',
        changedTitle: 'The certificate of this UISP server has changed',
        lead: 'UISP usually runs with its own certificate, so browsers warn about it; the fingerprint below tells you it is really your server.',
        changedWarning: `Keyward trusted a different certificate at ${key} before. Renewing the certificate changes it — and so does someone intercepting the connection. Keyward sends nothing until you decide.`,
        trustThis: 'Trust this server',
        howToCompare: (
          <>
            To compare: open <span className="mono">https://{key}</span> in a browser and view the certificate’s SHA-256
            fingerprint.
          </>
        ),
      }}
    />
  )
}
