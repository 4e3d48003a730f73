// Errors cross every boundary as values, never as thrown strings (mullvad's
// ipc-helpers pattern). `code` is stable and machine-readable; `message` is a
// sentence for the user; `detail` is optional technical context and must never
// carry a secret.

export const errorCodes = [
  'invalid-input', // the request failed schema validation
  'unknown-request', // no such request name in the contract
  'too-large', // a request or a reply exceeded its size limit
  'timeout', // a network call ran past its deadline
  'unreachable', // connection refused, no route, DNS failure
  'tls', // TLS handshake failed
  'certificate-changed', // a pinned certificate no longer matches
  'certificate-unconfirmed', // the user has not yet confirmed this host's first-contact certificate; nothing was sent
  'redirect-refused', // a reply redirected off-host
  'bad-reply', // the peer answered, but not in a shape we understand
  'not-unifi-os', // the host answered HTTPS but is not a UniFi OS console
  'invalid-credentials', // the console refused the username, password or 2FA code
  'locked-out', // the console's login rate limit is active (429); never retried automatically
  'session-expired', // the console session ended and could not be renewed
  'forbidden', // signed in, but this account may not do that
  'conflict', // the thing to create already exists (e.g. a username)
  'refused', // the console declined for a reason of its own (weak password, feature off)
  'rate-limited', // a console API rate limit answered 429
  'not-found', // the console has no such object or app
  'keychain-unavailable', // the OS keychain cannot be reached or is locked
  'settings-invalid', // the settings file could not be read or written
  'unauthorized', // the bridge token was missing or wrong
  'unsupported', // this app or platform cannot do that at all (e.g. open a folder from the browser host)
  'internal', // a bug: logged, never shown with its stack
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface KeywardError {
  code: ErrorCode
  message: string
  detail?: string
  /** `locked-out`: seconds left when the error was made, and the end of the lock (ISO) every screen counts down to. */
  retryAfterSeconds?: number
  until?: string
  /** `certificate-unconfirmed` / `certificate-changed`: the certificate presented now, to compare and confirm. */
  certificate?: {
    sha256: string
    subject: string
    issuer: string
    validFrom: string
    validTo: string
    selfSigned: boolean
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: KeywardError }

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value })
export const fail = (code: ErrorCode, message: string, detail?: string): Outcome<never> => ({
  ok: false,
  error: detail === undefined ? { code, message } : { code, message, detail },
})

/** A KeywardError travelling through code that throws (core internals only). */
export class KeywardFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'KeywardFailure'
  }
  toError(): KeywardError {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail }
  }
}
