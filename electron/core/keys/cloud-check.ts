// "Why does this key fail?" — the one place Keyward asks Ubiquiti's cloud (Site Manager,
// api.ui.com) about a key, and only because the user pressed the button on a failing key
// after being told the key goes to api.ui.com (unifi-os.md §5.4 [inferred]: "run it only
// interactively, for a key the user pasted and after saying so, never in background checks").
// Keys Keyward minted on a console are local keys, so the usual answer is "not a cloud key";
// the check still tells the user that the problem is on the console, not in the cloud.
import type { CloudCheckResult, KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import { cloudKeyCheck } from '../unifi/verify.ts'
import type { SecretStore } from '../vault/secret-store.ts'

export interface CloudCheckDeps {
  settings: Settings
  vault: SecretStore
  /** null: this build never asks the cloud. */
  siteManager: { url: string; ca?: string } | null
  timeoutMs?: number
}

/** A console key the console refuses (invalid_key) is the only kind worth asking the cloud about. */
const asksCloud = (key: KeyRecord) =>
  (key.app === 'protect' || key.app === 'network') &&
  key.lastCheck?.status === 'failed' &&
  (key.lastCheck.problem === 'invalid_key' || key.lastCheck.problem === 'cloud_key')

export async function cloudCheck(deps: CloudCheckDeps, id: string): Promise<CloudCheckResult> {
  const key = deps.settings.listKeys().find((k) => k.id === id)
  if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
  if (!asksCloud(key)) {
    throw new KeywardFailure(
      'refused',
      'Keyward asks Ubiquiti’s cloud only about a console key that its console refuses as invalid. Nothing was sent.',
    )
  }
  if (!deps.siteManager)
    throw new KeywardFailure('refused', 'This copy of Keyward does not ask Ubiquiti’s cloud. Nothing was sent.')
  const secret = await deps.vault.get(key.keyRef)
  if (!secret) throw new KeywardFailure('not-found', `The keychain no longer holds “${key.name}”.`)
  const host = new URL(deps.siteManager.url).host
  const answer = await cloudKeyCheck(secret, deps.siteManager, deps.timeoutMs ?? 8000)
  if (answer === 'cloud') {
    return {
      cloudKey: true,
      sentTo: host,
      message: 'This is a Site Manager key from unifi.ui.com. Consoles on your network refuse cloud keys.',
      nextStep: 'Make the key on the console itself (open it by its IP address, not through unifi.ui.com).',
    }
  }
  if (answer === 'not-cloud') {
    return {
      cloudKey: false,
      sentTo: host,
      message:
        'Ubiquiti’s cloud does not accept this key either, so it is not a cloud key: it was revoked on the console, or the console was reset.',
      nextStep: 'Make a new key on the console.',
    }
  }
  throw new KeywardFailure('unreachable', `Ubiquiti’s cloud (${host}) gave no clear answer; try again later.`)
}
