// Result types of the UISP client. Plain data, shaped like shared/domain.ts
// KeyCheck so they can move there (with `app: 'uisp'`) once the contract carries UISP.
import type { CertificateInfo } from '../../../shared/domain.ts'
import type { UispScope, UispTokenPurpose } from './tokens.ts'

/** Why a UISP token check failed. */
export type UispTokenProblem =
  | 'invalid_key' // the server refuses the token: revoked, mistyped, or from another server
  | 'expired' // refused, and its recorded expiry has passed
  | 'insufficient_scope' // valid, but its scope does not allow what it is for (403)
  | 'not_uisp' // the address answers, but not as a UISP server
  | 'tls_pin_mismatch' // the server's certificate changed since it was trusted
  | 'unreachable' // no answer, or an unexpected status
  | 'rate_limited' // 429

export interface UispTokenCheckOk {
  status: 'ok'
  app: 'uisp'
  /** Server address key (`host:port`). */
  host: string
  /** UISP version from /nms/version; null if it did not say. */
  appVersion: string | null
  latencyMs: number
  checkedAt: string
  purpose: UispTokenPurpose
  /** The scope this check proved the token has at least. */
  scope: UispScope
  /** As recorded at creation (null = never). */
  expiresAt: string | null
  expiry: UispExpiry
  /** `monitor` checks: the user the token belongs to. */
  username?: string
}

export interface UispTokenCheckFailed {
  status: 'failed'
  app: 'uisp'
  host: string
  problem: UispTokenProblem
  /** One sentence a home-lab user understands. */
  message: string
  /** What to do about it. */
  nextStep: string
  retryAfterSeconds?: number
  checkedAt: string
}

export type UispTokenCheck = UispTokenCheckOk | UispTokenCheckFailed

/** A token's expiry at a moment: `never` (expiresAt null), `valid`, `expiring` (within the lead time), `expired`. */
export type UispExpiry = 'never' | 'valid' | 'expiring' | 'expired'

/** Why a UISP key would not let devices connect. */
export type UispKeyProblem =
  | 'invalid_key' // the text is not a valid UISP key
  | 'unreachable' // nothing answers at host:port (from this computer)
  | 'tls' // something answers, but no TLS handshake
  | 'certificate_untrusted' // the certificate is not one the key's option lets devices accept
  | 'tls_pin_mismatch' // differs from the certificate trusted before
  | 'not_uisp' // TLS works, but no UISP version there
  | 'key_outdated' // the server now hands out a different key

export interface UispKeyCheckOk {
  status: 'ok'
  /** `host:port` of the key (not secret, but obscured in shared text). */
  host: string
  /** null when the server hides its version from unauthenticated callers (uisp.md §8). */
  appVersion: string | null
  latencyMs: number
  checkedAt: string
  certificate: CertificateInfo
  /** How the certificate was accepted: a trusted chain, or the key's option. */
  trust: 'verified' | 'self-signed-allowed' | 'untrusted-allowed'
  /** Compared with the server's current key: true/false, or null when not compared. */
  matchesServer: boolean | null
}

export interface UispKeyCheckFailed {
  status: 'failed'
  host: string | null
  problem: UispKeyProblem
  message: string
  nextStep: string
  certificate?: CertificateInfo
  checkedAt: string
}

export type UispKeyCheck = UispKeyCheckOk | UispKeyCheckFailed
