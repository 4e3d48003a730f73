// The setup many tests share before they get to what they test: trust a console (probe + confirm its
// certificate), sign in as the owner, and make a key with provision.run (by default for a dedicated user).
// Answers the run's outcome, the key record Keyward now watches and its secret from the keychain. Throws,
// in plain words, when a step of the setup itself fails; the outcome's check is left to the test.
import type { Core } from '../../electron/core/index.ts'
import type { WatchedKey } from '../../electron/core/views.ts'
import type { ProvisionRecord, UnifiApp } from '../../shared/domain.ts'
import type { ProvisionOutcomeView } from '../../shared/views.ts'
import type { Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { probeAndTrust } from './trust.ts'

export interface ProvisionedKey {
  /** The console's key, as the probe named it ('127.0.0.1:<port>'). */
  address: string
  outcome: ProvisionOutcomeView
  /** The watched key made by this run (the one stored under the run's keyRef). */
  key: WatchedKey
  /** The key's secret, as the keychain holds it. */
  secret: string | null
}

export interface ProvisionOptions {
  app?: UnifiApp
  mode?: ProvisionRecord['mode']
  /** The dedicated user's name (default 'keyward-ha'). */
  username?: string
  /** The key's name (default 'home-assistant'). */
  keyName?: string
  accessValidityDays?: number
}

export async function provisionedKey(
  core: Pick<Core, 'invoke' | 'keys' | 'vault' | 'settings'>,
  console: RunningConsole | string,
  options: ProvisionOptions = {},
): Promise<ProvisionedKey> {
  const typed = typeof console === 'string' ? console : `127.0.0.1:${console.port}`
  const setupStep = <T>(what: string, outcome: Outcome<T>): T => {
    if (!outcome.ok) throw new Error(`provisionedKey: ${what} failed: ${outcome.error.message}`)
    return outcome.value
  }
  // The console's key as the probe names it (an address typed without a port gets ':443').
  const address = setupStep('trusting the console', await probeAndTrust(core, typed)).address.key
  const signedIn = setupStep(
    'the owner sign-in',
    (await core.invoke('console.signIn', {
      key: address,
      username: OWNER_USERNAME,
      password: OWNER_PASSWORD,
    })) as Outcome<{ state: string }>,
  )
  if (signedIn.state !== 'signed-in') throw new Error(`provisionedKey: the owner sign-in ended in ${signedIn.state}`)
  const { app = 'protect', mode = 'dedicated-user', username = 'keyward-ha', keyName = 'home-assistant' } = options
  const input = { key: address, app, mode, username, keyName }
  const days = options.accessValidityDays === undefined ? {} : { accessValidityDays: options.accessValidityDays }
  const outcome = setupStep(
    'provision.run',
    await core.invoke('provision.run', { ...input, ...days }),
  ) as ProvisionOutcomeView
  // The answer is a view (no keychain names): the run's record in the journal names the key's entry.
  const keyRef = core.settings.getProvision(outcome.record.id)?.keyRef
  const key = core.keys.list().find((k) => k.keyRef === keyRef)
  if (!key) throw new Error(`provisionedKey: the run made no watched key (${JSON.stringify(outcome.failure)})`)
  return { address, outcome, key, secret: await core.vault.get(key.keyRef) }
}
