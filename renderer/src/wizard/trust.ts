// Trust on first use, shared by the UniFi and UISP paths of the wizard: a
// freshly probed server goes to sign-in only when its certificate is the one
// the user confirmed and has not changed; every confirmation goes through the
// core (`console.trust` / `uisp.trust`), which sends no credential to a server
// the user has not confirmed; and a sign-in the core refuses for the
// certificate brings the fresh comparison back.
import type { Outcome } from '../../../shared/result.ts'

/** What the trust rule needs of a probe (`ConsoleProbe` and `UispProbe` both have it). */
export interface PinnedProbe {
  address: { key: string }
  certificate: { sha256: string }
  trust: 'first-contact' | 'matches' | 'changed'
}

/** Server key → the certificate fingerprint the user confirmed. */
export type Confirmed = Record<string, string>

/** The core's side of trust: record a confirmation, and look at the server again. */
export interface TrustCore<P> {
  trust(input: { key: string; sha256: string }): Promise<Outcome<unknown>>
  /** A fresh probe of the server, or null when it did not answer. */
  probe(key: string): Promise<P | null>
}

/** Sign-in refusals that mean "compare the certificate (again)" rather than "wrong password". */
const TRUST_REFUSALS = new Set(['certificate-changed', 'certificate-unconfirmed'])

/** Where a fresh probe leads: sign-in for a confirmed, unchanged certificate; the comparison otherwise. */
export function stepAfterProbe(key: string, probe: PinnedProbe, confirmed: Confirmed): 'signin' | 'trust' {
  return probe.trust !== 'changed' && confirmed[key] === probe.certificate.sha256 ? 'signin' : 'trust'
}

export class CertificateTrust<P extends PinnedProbe> {
  constructor(private readonly core: TrustCore<P>) {}

  /** The user compared and confirmed: the core records it; the probe now matches and the pin joins `confirmed`. */
  async accept(key: string, probe: P, confirmed: Confirmed): Promise<Outcome<{ probe: P; confirmed: Confirmed }>> {
    const outcome = await this.core.trust({ key, sha256: probe.certificate.sha256 })
    if (!outcome.ok) return outcome
    return {
      ok: true,
      value: { probe: { ...probe, trust: 'matches' }, confirmed: { ...confirmed, [key]: probe.certificate.sha256 } },
    }
  }

  /** After a sign-in: when the core refused it for the certificate, the server's fresh probe to compare. */
  async recheck(outcome: Outcome<unknown>, key: string): Promise<P | null> {
    if (outcome.ok || !TRUST_REFUSALS.has(outcome.error.code)) return null
    return this.core.probe(key)
  }
}
