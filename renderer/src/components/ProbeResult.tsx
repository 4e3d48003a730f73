import type { ProbeState } from '../store.ts'
import { ErrorText } from './ErrorText.tsx'
import { fingerprintLines, formatMac, kindLabel } from '../format.ts'

export function ProbeResult({ probe }: { probe: ProbeState }) {
  if (probe.status === 'idle') return null
  if (probe.status === 'running') {
    return (
      <section className="card pending" aria-live="polite" aria-busy="true">
        Contacting {probe.address}…
      </section>
    )
  }
  if (probe.status === 'failed') {
    return (
      <section className="card error" role="alert" aria-label="Console check failed">
        <h2>Could not identify {probe.address.trim()}</h2>
        <ErrorText error={probe.error} />
      </section>
    )
  }
  const c = probe.result
  const [fp1, fp2] = fingerprintLines(c.certificate.sha256)
  return (
    <section className="card" aria-label="Console found" aria-live="polite">
      <h2>{c.name ?? c.address.host}</h2>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{kindLabel(c.kind, c.address.port)}</dd>
        <dt>Model</dt>
        <dd data-testid="console-model">{c.model ?? 'unknown'}</dd>
        <dt>Name</dt>
        <dd data-testid="console-name">{c.name ?? 'unknown'}</dd>
        <dt>MAC address</dt>
        <dd data-testid="console-mac">{formatMac(c.mac)}</dd>
        <dt>Address</dt>
        <dd>{c.address.key}</dd>
        <dt>Answered in</dt>
        <dd>{c.latencyMs} ms</dd>
        <dt>Certificate SHA-256</dt>
        <dd
          className="fingerprint"
          data-testid="console-fingerprint"
          aria-label={`Certificate fingerprint ${c.certificate.sha256}`}
        >
          <span>{fp1}</span>
          <span>{fp2}</span>
        </dd>
      </dl>
      {c.trust === 'first-contact' && (
        <p className="note">
          First contact: compare this fingerprint with the one in the console’s settings before you sign in.
        </p>
      )}
      {c.trust === 'changed' && (
        <p className="warning" role="alert">
          This console’s certificate is not the one Keyward saw before. If you did not replace it or update the
          firmware, someone may be intercepting the connection.
        </p>
      )}
    </section>
  )
}
