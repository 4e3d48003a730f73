// An error as the user reads it (issue 17 "Errors with a next step"): the plain
// sentence, what to check when a host cannot be reached, and what the network or
// the host said (codes, HTTP lines) only inside a details element.
import type { KeywardError } from '../../../shared/result.ts'
import './error-text.css'

/** What to check when nothing answered at an address, in the order people usually find the cause. */
export const UNREACHABLE_CHECKS = [
  'the address: the one you open in a browser, such as 192.168.1.1',
  'that this computer is on the same network as the device (the same VLAN), not a guest or VPN network',
  'the port: UniFi consoles use 443, UniFi OS Server 11443, Home Assistant 8123 (443 behind a reverse proxy with https)',
  'that the device is switched on and has finished starting',
] as const

/** True for failures where the user's next step is to check the address, network, port or power. */
export function isUnreachable(error: Pick<KeywardError, 'code'>): boolean {
  return error.code === 'unreachable' || error.code === 'timeout'
}

/** The sentence (its id for aria-describedby), what to check when unreachable, then the details. */
export function ErrorText({ error, messageId }: { error: KeywardError; messageId?: string }) {
  return (
    <div className="error-text">
      <p id={messageId} className="error-sentence">
        {error.message}
      </p>
      {isUnreachable(error) && (
        <>
          <p className="error-checks-title">Check:</p>
          <ul className="error-checks">
            {UNREACHABLE_CHECKS.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      )}
      {error.detail && (
        <details className="error-details">
          <summary>Details</summary>
          <p className="mono">{error.detail}</p>
        </details>
      )}
    </div>
  )
}
