// Settings → Trusted consoles and servers, as data: one row per console and UISP
// server Keyward has a certificate for, with how many keys depend on it, and the
// sentences of the forget confirmation (what stops, what keeps working).
import type { ConsoleRecord, KeyView, UispServerRecord } from '../../../shared/domain.ts'
import { kindLabel } from '../format.ts'

export interface TrustedHost {
  kind: 'console' | 'uisp'
  /** The address key (host:port) the core files it under. */
  key: string
  name: string
  what: string
  sha256: string
  confirmed: boolean
  keys: number
  /** UniFi Access's API port's own certificate, when the user confirmed one (ConsoleRecord.accessPin). */
  accessPin?: string
}

export function trustedHosts(
  consoles: readonly ConsoleRecord[],
  servers: readonly UispServerRecord[],
  keys: readonly KeyView[],
): TrustedHost[] {
  const using = (key: string) => keys.filter((k) => k.consoleKey === key).length
  return [
    ...consoles.map((c) => ({
      kind: 'console' as const,
      key: c.key,
      name: c.name ?? c.host,
      what: [kindLabel(c.kind, c.port), c.model].filter(Boolean).join(' · '),
      sha256: c.certificateSha256,
      // Records written before the flag count as confirmed (console/trust.ts); the list says what the core does.
      confirmed: c.confirmed !== false,
      keys: using(c.key),
      ...(c.accessPin ? { accessPin: c.accessPin } : {}),
    })),
    ...servers.map((s) => ({
      kind: 'uisp' as const,
      key: s.key,
      name: s.host,
      what: `UISP server${s.version ? ` ${s.version}` : ''}`,
      sha256: s.certificateSha256,
      confirmed: s.confirmed !== false,
      keys: using(s.key),
    })),
  ]
}

/** What forgetting a console or server does, in plain words, before anything happens. */
export function forgetConsequences(host: TrustedHost): string[] {
  const lines = [
    `Keyward forgets the certificate of ${host.name} and signs out of it.`,
    'Nothing changes on the device itself.',
  ]
  if (host.keys > 0) {
    const one = host.keys === 1
    lines.push(
      `${one ? 'The key' : `The ${host.keys} keys`} made there ${one ? 'keeps' : 'keep'} working, but Keyward cannot check or rotate ${one ? 'it' : 'them'} until you add and trust ${host.name} again.`,
    )
  }
  return lines
}

/** The first and last byte pairs of a fingerprint, to recognise it at a glance (compare it in full). */
export const shortFingerprint = (sha256: string) => {
  const parts = sha256.split(':')
  return parts.length > 8 ? `${parts.slice(0, 4).join(':')} … ${parts.slice(-4).join(':')}` : sha256
}
