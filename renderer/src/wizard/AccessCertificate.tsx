// UniFi Access's API port with a certificate of its own (core: unifi/access-pin.ts): the fingerprint the
// key check saw there, and one button that confirms exactly that one (`console.trustAccess`) and checks
// the token again. Shown by the wizard's failed check and by the key detail.
import { useState } from 'react'
import type { KeywardError } from '../../../shared/result.ts'
import { ErrorCallout, Fingerprint } from './parts.tsx'

export function AccessCertificate({
  sha256,
  trust,
}: {
  sha256: string
  /** Confirms `sha256` and checks again; the core's refusal, or null. */
  trust: (sha256: string) => Promise<KeywardError | null>
}) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<KeywardError | null>(null)
  const confirm = async () => {
    setBusy(true)
    setError(null)
    const refused = await trust(sha256)
    setBusy(false)
    setError(refused)
  }
  return (
    <div className="access-certificate" data-testid="access-certificate">
      <dl className="facts">
        <dt>Access certificate SHA-256</dt>
        <dd>
          <Fingerprint sha256={sha256} testId="access-fingerprint" />
        </dd>
      </dl>
      {error && <ErrorCallout error={error} />}
      <p>
        <button
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() => void confirm()}
          data-testid="trust-access"
        >
          {busy ? 'Checking…' : 'Trust Access’s certificate'}
        </button>
      </p>
    </div>
  )
}
