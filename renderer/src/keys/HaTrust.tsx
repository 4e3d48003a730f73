// Issue 15 in the Home Assistant panel: confirming a self-signed certificate before the
// token is sent, and a held HA's note with "It's mine — continue" (core: homeassistant/binding.ts).
import { useState } from 'react'
import type { HaSummary } from '../../../shared/domain.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { Callout } from '../wizard/parts.tsx'
import { useKeys } from './context.ts'

type Certificate = NonNullable<KeywardError['certificate']>

/** First contact over https: nothing was sent; the user compares the fingerprint and confirms. */
export function HaCertificateConfirm({
  certificate,
  changed,
  onConfirm,
}: {
  certificate: Certificate
  changed: boolean
  onConfirm: () => void
}) {
  return (
    <Callout
      tone="warn"
      title={changed ? 'Home Assistant’s certificate changed' : 'Confirm Home Assistant’s certificate'}
    >
      <p>
        {changed
          ? 'This is not the certificate you confirmed before. Keyward has sent nothing, not the token either. '
          : 'This Home Assistant uses a certificate no public authority vouches for. Keyward has sent nothing yet, not the token either. '}
        Compare this fingerprint with the one your Home Assistant’s certificate shows:
      </p>
      <p className="mono" data-testid="ha-certificate-sha256">
        {certificate.sha256}
      </p>
      <button type="button" className="button secondary" onClick={onConfirm}>
        It matches: trust it and connect
      </button>
    </Callout>
  )
}

/** A held HA (network change, another certificate or instance): why, and "It's mine — continue". */
export function HaHoldNote({ summary }: { summary: HaSummary }) {
  const haContinue = useKeys((s) => s.haContinue)
  const [certificate, setCertificate] = useState<KeywardError['certificate'] | null>(null)
  const [error, setError] = useState<KeywardError | null>(null)
  if (summary.status.state === 'ok') return null
  const resume = async (sha256?: string) => {
    setError(null)
    const outcome = await haContinue(summary.id, sha256)
    if (outcome.ok) return setCertificate(null)
    if (outcome.error.code === 'certificate-changed' && outcome.error.certificate)
      setCertificate(outcome.error.certificate)
    else setError(outcome.error)
  }
  return (
    <span className="ha-hold" data-testid="ha-hold">
      <span className="row-note tone-warn">{summary.status.message}</span>
      {certificate ? (
        <>
          <span className="row-note">
            New certificate fingerprint: <span className="mono">{certificate.sha256}</span>
          </span>
          <button type="button" className="button small secondary" onClick={() => void resume(certificate.sha256)}>
            It matches: trust the new certificate
          </button>
        </>
      ) : (
        <button type="button" className="button small secondary" onClick={() => void resume()}>
          It’s mine — continue
        </button>
      )}
      {error && <span className="row-note tone-danger">{error.message}</span>}
    </span>
  )
}
