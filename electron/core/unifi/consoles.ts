// The stored consoles as the console service reads them (issue 14 §3, unifi-os.md §1): a record by
// key or a plain refusal, the retired self-hosted Network app refused before any login, the
// confirmed-certificate gate before any credential, the pinned target a session is built from,
// and the key check a flow or a rotation runs against a console.
import type { ConsoleRecord, KeyCheck, UnifiApp } from '../../../shared/domain.ts'
import { consoleLabel, legacyNetworkExplanation } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { isConsoleConfirmed, requireConfirmed } from '../console/trust.ts'
import { knownConsole } from '../console/known.ts'
import { keyConsumers, protectRequirement } from '../homeassistant/requirements.ts'
import type { Settings } from '../settings/settings.ts'
import type { ConsoleTarget } from './session.ts'
import { verifyKey } from './verify.ts'

export class ConsoleRecords {
  constructor(
    private readonly settings: Settings,
    /** Access developer API port (unifi-os.md §1: 12445), for tests. */
    private readonly accessPort?: number,
  ) {}

  find(key: string): ConsoleRecord | undefined {
    return this.settings.listConsoles().find((c) => c.key === key)
  }

  /** The console stored under `key`, or `not-found` in words. */
  get(key: string): ConsoleRecord {
    const found = this.find(key)
    if (!found) throw new KeywardFailure('not-found', 'Keyward does not know that console; check its address first.')
    return found
  }

  label(c: ConsoleRecord): string {
    return consoleLabel(c)
  }

  /** The retired self-hosted Network app has no local keys: say so before any login (unifi-os.md §1, §4). */
  supported(c: ConsoleRecord): ConsoleRecord {
    if (c.kind === 'legacy-network') throw new KeywardFailure('unsupported', legacyNetworkExplanation(this.label(c)))
    return c
  }

  /** No credential goes to a console whose certificate the user has not confirmed (issue 14 §3). */
  confirmed(c: ConsoleRecord): ConsoleRecord {
    return requireConfirmed(c, isConsoleConfirmed(c, this.settings), this.label(c), 'console')
  }

  /** Built from the record as it is now: a re-trusted pin applies at once. */
  target(c: ConsoleRecord): ConsoleTarget {
    return { host: c.host, port: c.port, pin: c.certificateSha256, label: this.label(c) }
  }

  /**
   * The check of a key for `app` on `c`. The key goes to this console and, to find where a stray key
   * belongs, to the other confirmed ones; every known console's recorded apps may name the right host
   * (no credential goes there for that). A too-old Protect fails the check only for the Home Assistant
   * that consumes the key (issue 14 §6). Nothing goes to Ubiquiti's cloud (unifi-os.md §5.4).
   */
  verifyFor(c: ConsoleRecord, app: UnifiApp, pushedTo: readonly string[] = []): (key: string) => Promise<KeyCheck> {
    return (key: string) =>
      verifyKey({
        console: knownConsole(this.confirmed(c)),
        others: this.settings
          .listConsoles()
          .filter((o) => o.key !== c.key)
          .map(knownConsole),
        mayReceiveKey: (o) => isConsoleConfirmed(this.get(o.key), this.settings),
        app,
        key,
        ...(app === 'protect'
          ? (protectRequirement(keyConsumers(this.settings.listHomeAssistants(), pushedTo)) ?? {})
          : {}),
        ...(this.accessPort ? { accessPort: this.accessPort } : {}),
      })
  }
}
