// The key watch's checker for UniFi keys (Protect, Network, Access): the same verification as the
// wizard, sent only to a console whose certificate the user confirmed (issue 14 §3).
import type { KeyCheck, KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import { isConsoleConfirmed } from '../console/trust.ts'
import { keyConsumers, protectRequirement } from '../homeassistant/requirements.ts'
import type { Settings } from '../settings/settings.ts'
import { knownConsole } from '../console/known.ts'
import { verifyKey } from '../unifi/verify.ts'
import type { KeyChecker } from './checkers.ts'

export const UNIFI_KEY_APPS: readonly UnifiApp[] = ['protect', 'network', 'access']

/** Nothing is sent: the console is unconfirmed (a pin problem) or no longer known (unreachable). */
const refused = (record: KeyRecord, unconfirmed: boolean): KeyCheck => ({
  status: 'failed',
  app: record.app,
  host: record.consoleKey,
  checkedAt: new Date().toISOString(),
  ...(unconfirmed
    ? {
        problem: 'tls_pin_mismatch',
        message: 'The console’s certificate is not confirmed, so Keyward sent nothing.',
        nextStep: 'Confirm this console’s certificate first: open it in Keyward and trust it.',
      }
    : {
        problem: 'unreachable',
        message: 'Keyward no longer knows this console.',
        nextStep: 'Check the console by its address again.',
      }),
})

export function createUnifiKeyChecker(options: { settings: Settings; accessPort?: number }): KeyChecker {
  const { settings } = options
  return (record, secret, pace, paced, sites) => {
    const app = record.app as UnifiApp
    const records = settings.listConsoles()
    const confirmedKeys = new Set(records.filter((c) => isConsoleConfirmed(c, settings)).map((c) => c.key))
    const all = records.map(knownConsole)
    const target = all.find((c) => c.key === record.consoleKey && confirmedKeys.has(c.key))
    if (!target)
      return Promise.resolve(
        refused(
          record,
          records.some((c) => c.key === record.consoleKey),
        ),
      )
    return verifyKey({
      console: target,
      others: all.filter((c) => c.key !== target.key),
      mayReceiveKey: (c) => confirmedKeys.has(c.key),
      app,
      key: secret,
      pace,
      onReply: paced,
      ...(sites ? { onSites: sites } : {}),
      // Failing for a too-old Protect only where a Home Assistant that consumes this key refuses it (issue 14 §6).
      ...(app === 'protect'
        ? (protectRequirement(keyConsumers(settings.listHomeAssistants(), record.pushedTo)) ?? {})
        : {}),
      ...(options.accessPort ? { accessPort: options.accessPort } : {}),
      // Nothing asks the cloud about a minted key (unifi-os.md §5.4 [inferred]).
    })
  }
}
