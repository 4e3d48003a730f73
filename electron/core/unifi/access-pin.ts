// Access's API port (:12445) with a certificate of its own. UniFi Access may make its own self-signed
// certificate when it is installed, different from the console's (imhotep/hass-unifi-access#3 [report]:
// "Access has its own API port with a different certificate from the regular UI"; unifi-os.md §5.3 says
// tokens are used there, §7 pins only the console's). Two shapes, both handled: the port presents the
// console's certificate (held to the console's pin, nothing to confirm), or its own one, which the
// user confirms once (`console.trustAccess`) and which is then pinned as `ConsoleRecord.accessPin`.
// Until then, or when it changes later, the token is not sent: a secret goes only to a pinned host.
import type { ConsoleRecord, KeyCheckFailed } from '../../../shared/domain.ts'
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { isConsoleConfirmed, requireConfirmed } from '../console/trust.ts'
import { readCertificate } from '../net/handshake.ts'
import type { Settings } from '../settings/settings.ts'
import { label } from './key-calls.ts'
import type { CheckContext } from './verify-apps.ts'

/** unifi-os.md §1: the Access developer API port. */
export const ACCESS_PORT = 12445

/**
 * The Access check call met a certificate that is not the pinned one (nothing was sent): read what the
 * port presents with a handshake only and ask the user to confirm it. Null when it cannot be read.
 */
export async function accessCertificateCheck(ctx: CheckContext): Promise<KeyCheckFailed | null> {
  const { target, opts } = ctx
  const port = opts.accessPort ?? ACCESS_PORT
  const presented = await readCertificate({ host: target.host, port }).catch(() => null)
  if (!presented) return null
  const where = `UniFi Access’s API port (${port}) on ${label(target)}`
  const compare = `compare the fingerprint below with the one your browser shows at https://${target.host}:${port}`
  return target.accessPin
    ? ctx.failed(
        'access_certificate',
        `${where} now presents a different certificate than the one you confirmed, so Keyward sent nothing.`,
        `If UniFi Access was reinstalled or updated, ${compare} and trust it; otherwise check who is answering at that address.`,
        { accessCertificate: presented },
      )
    : ctx.failed(
        'access_certificate',
        `${where} has its own certificate, not the console’s. Keyward sent nothing, so this token is not checked yet.`,
        `To check it, ${compare} and trust Access’s certificate.`,
        { accessCertificate: presented },
      )
}

/**
 * The user compared the fingerprint of Access's port on a confirmed console: pin exactly that one,
 * read again now with a handshake only (a fingerprint from an old screen is refused, as in `console.trust`).
 */
export async function trustAccessCertificate(
  settings: Pick<Settings, 'listConsoles' | 'upsertConsole' | 'listKeys' | 'listProvisions' | 'getUisp'>,
  key: string,
  sha256: string,
  accessPort: number = ACCESS_PORT,
): Promise<ConsoleRecord> {
  const known = settings.listConsoles().find((c) => c.key === key)
  if (!known) throw new KeywardFailure('not-found', 'Keyward does not know that console; check its address first.')
  const name = consoleLabel(known)
  requireConfirmed(known, isConsoleConfirmed(known, settings), name, 'console')
  const presented = await readCertificate({ host: known.host, port: accessPort })
  if (presented.sha256 !== sha256) {
    throw new KeywardFailure(
      'certificate-changed',
      `UniFi Access’s API port on ${name} now presents a different certificate than the one shown. Compare again.`,
    )
  }
  const record: ConsoleRecord = { ...known, accessPin: sha256 }
  // The console's own certificate needs no second pin.
  if (sha256 === known.certificateSha256) delete record.accessPin
  settings.upsertConsole(record)
  return record
}
