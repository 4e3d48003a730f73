// Whether the user confirmed a host's certificate, and the refusal when not (issue 14 §3).
// Trust on first use (unifi-os.md §7 "[inferred] TOFU-pin the leaf SHA-256 per console and
// show it"; uisp.md §6 "as for consoles"): a probe records the certificate it saw, but only
// the user's confirmation (`console.trust` / `uisp.trust`) makes the host one Keyward may
// send a password, an API key or a token to. The UI asks first; the core enforces it.
import type { ConsoleRecord, UispServerRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { closeConnections } from '../net/pool.ts'
import type { Settings } from '../settings/settings.ts'

type Records = Pick<Settings, 'listKeys' | 'listProvisions' | 'getUisp'>

/**
 * Records written before the flag existed have none. Keyward made keys or ran a key flow
 * there only after the user confirmed the certificate, so such a console counts as
 * confirmed; any other asks once more (one click on the trust screen).
 */
export function isConsoleConfirmed(record: ConsoleRecord, settings: Records): boolean {
  if (record.confirmed !== undefined) return record.confirmed
  return (
    settings.listKeys().some((k) => k.app !== 'uisp' && k.consoleKey === record.key) ||
    settings.listProvisions().some((p) => p.consoleKey === record.key)
  )
}

/** As `isConsoleConfirmed`, for a UISP server: its tokens, token flows or a UISP key read from it. */
export function isServerConfirmed(record: UispServerRecord, settings: Records): boolean {
  if (record.confirmed !== undefined) return record.confirmed
  const uisp = settings.getUisp()
  return (
    settings.listKeys().some((k) => k.app === 'uisp' && k.consoleKey === record.key) ||
    uisp.flows.some((f) => f.serverKey === record.key) ||
    uisp.keys.some((k) => k.serverKey === record.key)
  )
}

/** The refusal: nothing was sent, and what to do. */
export function unconfirmedFailure(label: string, what: 'console' | 'UISP server'): KeywardFailure {
  return new KeywardFailure(
    'certificate-unconfirmed',
    `Confirm this ${what}'s certificate first: Keyward has sent nothing to ${label}. ` +
      `Open the ${what} in Keyward, compare the fingerprint it shows and trust it.`,
  )
}

/**
 * The gate both services put before any credential (issue 14 §3): the record itself when the
 * user confirmed its certificate, else the refusal above. `confirmed` comes from
 * `isConsoleConfirmed` or `isServerConfirmed`.
 */
export function requireConfirmed<R>(record: R, confirmed: boolean, label: string, what: 'console' | 'UISP server'): R {
  if (!confirmed) throw unconfirmedFailure(label, what)
  return record
}

/** A session that can be dropped here only, without a logout. */
export interface DiscardableSession {
  discard(): void
}

/**
 * Drops the session on a host here only (a replaced pin, a forgotten host: the old pin refuses a
 * logout), signed in or half-way (2FA), and closes the host's kept-alive connections (net/pool.ts).
 * `address` is the host's record as it is now; none (already forgotten) leaves no pool to close.
 */
export function dropHostSessions(
  sessions: Map<string, DiscardableSession>,
  key: string,
  address: { host: string; port: number } | undefined,
): void {
  sessions.get(key)?.discard()
  sessions.delete(key)
  if (address) closeConnections(address.host, address.port)
}

/**
 * Signs out of a host (the host hears the logout; a failed one is ignored), forgets the session and
 * closes the host's kept-alive connections. `address` as in `dropHostSessions`.
 */
export async function endHostSession(
  sessions: Map<string, { logout(): Promise<void> }>,
  key: string,
  address: { host: string; port: number } | undefined,
): Promise<null> {
  await sessions
    .get(key)
    ?.logout()
    .catch(() => undefined)
  sessions.delete(key)
  if (address) closeConnections(address.host, address.port)
  return null
}
