// The commands that attach a device to UISP with a UISP key (uisp.md §5).
//   EdgeOS [source] UNMS lib/discovery/connect/erouter.js (run over SSH as a script):
//     source /opt/vyatta/etc/functions/script-template   (script form only)
//     configure / delete service unms disable / set service unms connection <key> / commit / save / exit
//     Stored config form quotes the key: set service unms connection 'wss://…' [report]; we quote it the same way.
//   airOS [source] UNMS lib/discovery/connect/airmax/*.js: system.cfg keys `unms.uri=<key>` and, on airMAX AC
//     8.5+ (AC-8.5.0.js), `unms.uri.changed=<key>`; both files also set `unms.status=enabled` (read in the same
//     source; the reference lists only the two uri keys). UNMS uploads the merged config through the web UI;
//     how to write and apply system.cfg by hand is not in the reference, so we give the lines, not a procedure.
//   UBIOS (UISP routers) [report] 52sadan97/uisp-auto-adopter uisptara.py adopt_ubios:
//     /usr/bin/ubios-udapi-client -X PUT -d '{"connectionString": "<key>"}' /v2.1/nms/connection
// Two variants: `display` puts UISP_KEY_PLACEHOLDER where the key goes (safe to show),
// `copy` puts the key itself (for the clipboard only; never to the renderer or a log).
import { versionAtLeast } from '../../../shared/format.ts'
import { parseUispKey, type UispKey, type UispKeyError } from './key.ts'
import type { RegistrationCommands, UispDeviceKind } from '../../../shared/domain.ts'

export type { RegistrationCommands, UispDeviceKind }

export interface UispDevice {
  kind: UispDeviceKind
  /** Firmware version as the device reports it, e.g. "v2.0.9-hotfix.7", "8.7.11", "XC.v8.7.4"; checked against the minimums. */
  firmware?: string | null
  /** airOS: airMAX AC (airOS 8) or airMAX M (airOS 6); inferred from the firmware when absent. */
  airmax?: 'ac' | 'm'
  /** EdgeOS: `interactive` (paste into an SSH session, default) or `script` (a file run by /bin/vbash). */
  mode?: 'interactive' | 'script'
}

export const UISP_KEY_PLACEHOLDER = '<UISP key>'

/** help.ui.com 115015772548: firmware a device needs to use a UISP key [source]. */
export const UISP_MINIMUM_FIRMWARE = {
  edgeos: { version: '1.9.7', label: 'EdgeRouter firmware 1.9.7' },
  airmaxAc: { version: '8.4.1', label: 'airMAX AC firmware 8.4.1' },
  airmaxM: { version: '6.1.3', label: 'airMAX M firmware 6.1.3' },
} as const

export type RegistrationResult = { ok: true; commands: RegistrationCommands } | { ok: false; error: UispKeyError }

/** The numeric part of a firmware string: "v2.0.9-hotfix.7" → "2.0.9", "XC.v8.7.4.45" → "8.7.4.45". */
export function firmwareNumber(firmware: string): string | null {
  return /(\d+(?:\.\d+)+)/.exec(firmware)?.[1] ?? null
}

function firmwareWarning(device: UispDevice, airmax: 'ac' | 'm' | null): string | null {
  const number = device.firmware ? firmwareNumber(device.firmware) : null
  if (!number) return null
  const minimum =
    device.kind === 'edgeos'
      ? UISP_MINIMUM_FIRMWARE.edgeos
      : device.kind === 'airos'
        ? airmax === 'm'
          ? UISP_MINIMUM_FIRMWARE.airmaxM
          : UISP_MINIMUM_FIRMWARE.airmaxAc
        : null
  if (!minimum || versionAtLeast(number, minimum.version)) return null
  return `This device runs firmware ${number}; UISP keys need ${minimum.label} or later. Update the firmware first.`
}

/**
 * The exact commands for `device`. `display` needs no key (it shows the
 * placeholder; a key, if given, is still validated); `copy` needs a valid key.
 */
export function registrationCommands(
  device: UispDevice,
  key: string | UispKey | null,
  variant: 'display' | 'copy' = 'display',
): RegistrationResult {
  let parsed: UispKey | null
  if (typeof key === 'string') {
    const result = parseUispKey(key)
    if (!result.ok) return result
    parsed = result.key
  } else {
    parsed = key
  }
  if (variant === 'copy' && !parsed) {
    return {
      ok: false,
      error: { code: 'empty', part: 'whole', message: 'The commands to copy need the UISP key itself.' },
    }
  }
  const value = variant === 'copy' ? parsed!.text : UISP_KEY_PLACEHOLDER
  const airmax =
    device.kind === 'airos'
      ? (device.airmax ??
        (() => {
          const major = Number((device.firmware && firmwareNumber(device.firmware))?.split('.')[0])
          return Number.isFinite(major) && major > 0 && major < 8 ? 'm' : 'ac' // airOS 8 = AC, 6 = M [inferred]
        })())
      : null
  const warnings = [firmwareWarning(device, airmax)].filter((w): w is string => w !== null)
  const notes: string[] = []
  if (parsed?.option === 'allowSelfSignedCertificate')
    notes.push('The key lets the device accept the server’s self-signed certificate.')
  if (parsed?.option === 'allowUntrustedCertificate')
    notes.push(
      'The key lets the device accept any server certificate, so it cannot tell your UISP server from an impostor.',
    )

  let out: Omit<RegistrationCommands, 'kind' | 'variant' | 'text' | 'notes' | 'warnings'>
  if (device.kind === 'edgeos') {
    const script = device.mode === 'script'
    out = {
      form: 'shell',
      where: script
        ? 'Save as a file on the EdgeRouter and run it with /bin/vbash.'
        : 'Sign in to the EdgeRouter over SSH and paste these lines.',
      lines: [
        ...(script ? ['source /opt/vyatta/etc/functions/script-template'] : []),
        'configure',
        'delete service unms disable',
        `set service unms connection '${value}'`,
        'commit',
        'save',
        'exit',
      ],
      // uisp.md §5
      source: 'the commands UISP itself sends to an EdgeRouter (UNMS lib/discovery/connect/erouter.js)',
    }
    notes.push(
      '"delete service unms disable" may answer "Nothing to delete" when UISP was never disabled; that is fine.',
    )
  } else if (device.kind === 'airos') {
    out = {
      form: 'config-lines',
      where: 'Set these keys in the device configuration (system.cfg), then save and apply it.',
      lines: [`unms.uri=${value}`, ...(airmax === 'ac' ? [`unms.uri.changed=${value}`] : []), 'unms.status=enabled'],
      // uisp.md §5
      source: `the settings UISP itself writes to an airMAX device (UNMS lib/discovery/connect/airmax/${airmax === 'ac' ? 'AC/AC-8.5.0.js' : 'M.js'})`,
    }
  } else {
    out = {
      form: 'shell',
      where: 'Sign in to the UISP router over SSH and run this command.',
      lines: [`/usr/bin/ubios-udapi-client -X PUT -d '{"connectionString": "${value}"}' /v2.1/nms/connection`],
      // uisp.md §5 [report]
      source:
        'a community tool, not Ubiquiti (52sadan97/uisp-auto-adopter, adopt_ubios): reported to work, not confirmed',
    }
  }
  return { ok: true, commands: { kind: device.kind, variant, ...out, text: out.lines.join('\n'), notes, warnings } }
}
