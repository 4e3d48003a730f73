// The key list's entry for a key a UniFi flow made and verified (unifi/flows.ts `KeyReady`): the
// secret stays in the keychain under `keyRef`; the entry holds its masked form, the check, and the
// rights the key carries (usage.ts `accessOf`).
import type { KeyRecord } from '../../../shared/domain.ts'
import type { KeyReady } from '../unifi/flows.ts'
import { accessOf } from './usage.ts'
import { summarize } from './watch.ts'

export type NewKey = Omit<KeyRecord, 'id' | 'paused' | 'unreachableStreak' | 'pushedTo' | 'haHealth'>

export function keyFromFlow({ record: done, check, masked, signedInAs }: KeyReady): NewKey {
  return {
    name: done.keyName,
    app: done.app,
    consoleKey: done.consoleKey,
    username: done.username,
    remoteId: done.keyId,
    keyRef: done.keyRef,
    passwordRef: done.mode === 'dedicated-user' ? done.passwordRef : null,
    masked,
    createdAt: done.updatedAt,
    expiresAt: done.expiresAt,
    lastCheck: summarize(check),
    access: accessOf(done, { user: signedInAs }),
  }
}
