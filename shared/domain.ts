// Domain types shared by core and renderer. Plain data only: these cross IPC
// (structured clone) and the browser bridge (JSON).

/** SHA-256 of the leaf certificate's DER, as colon-separated upper-case hex. */
export type CertificateFingerprint = string

export interface CertificateInfo {
  sha256: CertificateFingerprint
  subject: string
  issuer: string
  validFrom: string
  validTo: string
  selfSigned: boolean
}

/** What kind of HTTPS service answered at an address. */
export type ConsoleKind = 'unifi-os' | 'legacy-network'

/** An address the user typed, normalised: host (IPv4, IPv6 or name) and port. */
export interface ConsoleAddress {
  host: string
  port: number
  /** `host:port`, with IPv6 in brackets; the stable key for a console address. */
  key: string
}

/** The result of probing one address over HTTPS (unifi-os.md §1). */
export interface ConsoleProbe {
  address: ConsoleAddress
  kind: ConsoleKind
  /** `hardware.shortname` from /api/system, e.g. UDMPRO, UNVR. */
  model: string | null
  name: string | null
  /** Upper-case hex without separators, as /api/system reports it. */
  mac: string | null
  directConnectDomain: string | null
  certificate: CertificateInfo
  /**
   * Trust on first use: `first-contact` for a console never seen at this
   * address, `matches` when the certificate is the one seen before, `changed`
   * when it differs (the stored fingerprint is then left untouched).
   */
  trust: 'first-contact' | 'matches' | 'changed'
  latencyMs: number
  probedAt: string
}

/** What Keyward remembers about a console (metadata only, never secrets). */
export interface ConsoleRecord {
  key: string
  host: string
  port: number
  kind: ConsoleKind
  model: string | null
  name: string | null
  mac: string | null
  certificateSha256: CertificateFingerprint
  lastSeen: string
}

export interface VaultStatus {
  available: boolean
  backend: string
  /** Why the keychain cannot be used, as a sentence for the user. */
  problem: string | null
}

export interface Preferences {
  clipboardClearSeconds: number
  checkIntervalMinutes: number
}
