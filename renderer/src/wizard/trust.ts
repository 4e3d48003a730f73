// Trust on first use, shared by the UniFi and UISP paths of the wizard: a
// freshly probed server goes to sign-in only when its certificate is the one
// the user confirmed and has not changed; every confirmation goes through the
// core (`console.trust` / `uisp.trust`), which sends no credential to a server
// the user has not confirmed; and a sign-in the core refuses for the
// certificate brings the fresh comparison back.
import type { KeywardError, Outcome } from '../../../shared/result.ts'

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

/** What a sign-in screen sends (the password and 2FA code never enter a store). */
export interface SignInInput {
  username: string
  password: string
  mfaCode?: string
}

/** The sign-in request for a pinned server: the 2FA code only when there is one. */
export const signInRequest = (key: string, { username, password, mfaCode }: SignInInput) =>
  mfaCode ? { key, username, password, mfaCode } : { key, username, password }

/** Sign-in refusals that mean "compare the certificate (again)" rather than "wrong password". */
const TRUST_REFUSALS = new Set(['certificate-changed', 'certificate-unconfirmed'])

/** Where a fresh probe leads: sign-in for a confirmed, unchanged certificate; the comparison otherwise. */
export function stepAfterProbe(key: string, probe: PinnedProbe, confirmed: Confirmed): 'signin' | 'trust' {
  return probe.trust !== 'changed' && confirmed[key] === probe.certificate.sha256 ? 'signin' : 'trust'
}

export class CertificateTrust<P extends PinnedProbe> {
  constructor(private readonly core: TrustCore<P>) {}

  /**
   * The user compared and confirmed: the core records it while the screen shows busy (its refusal as the
   * screen's error). Then the probe, now matching, and the pin to add to `confirmed`; null when refused.
   */
  async accept(
    key: string,
    probe: P,
    show: (patch: { busy: boolean; error: KeywardError | null }) => void,
  ): Promise<{ probe: P; pin: Confirmed } | null> {
    show({ busy: true, error: null })
    const outcome = await this.core.trust({ key, sha256: probe.certificate.sha256 })
    if (!outcome.ok) {
      show({ busy: false, error: outcome.error })
      return null
    }
    return { probe: { ...probe, trust: 'matches' }, pin: { [key]: probe.certificate.sha256 } }
  }

  /** After a sign-in: when the core refused it for the certificate, the server's fresh probe to compare. */
  async recheck(outcome: Outcome<unknown>, key: string): Promise<P | null> {
    if (outcome.ok || !TRUST_REFUSALS.has(outcome.error.code)) return null
    return this.core.probe(key)
  }
}
