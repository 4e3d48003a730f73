// Rotate and revoke as the key list calls them: UISP tokens through the UISP service, UniFi keys through
// lifecycle.ts with a session that may manage the key (its dedicated user's, else the signed-in admin's).
// Both end in the key watch: a rotated key keeps its entry with the new secret; a revoked one is forgotten.
// Revoke may also delete the key's dedicated user (key-user.ts), in the safe order: the key, then the
// user, the user's password from the keychain last.
import type { CleanupOutcome, KeyCheck, KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import type { WatchedKey } from '../views.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { ConsoleSession } from '../unifi/session.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { UserRemoval } from './key-user.ts'
import { revokeOnConsole, rotateKey, type LifecycleDeps } from './lifecycle.ts'
import type { KeyWatch } from './watch.ts'

/** UISP API tokens are rotated and revoked by the UISP service (electron/core/uisp/service.ts). */
export interface UispKeyLifecycle {
  rotate(key: KeyRecord): Promise<{ record: KeyRecord; check: KeyCheck; oldKeyStillActive: boolean }>
  revoke(key: KeyRecord): Promise<void>
}

export interface KeySessionOptions {
  vault: SecretStore
  adminSession: (consoleKey: string) => ConsoleSession
  userSession: (consoleKey: string, username: string, password: string) => Promise<ConsoleSession>
}

/** A session that may manage `key`: its dedicated user's (signed out after use), else the admin's (kept). */
export function keySessions(options: KeySessionOptions): LifecycleDeps['sessionFor'] {
  return async (key) => {
    const password = key.passwordRef ? await options.vault.get(key.passwordRef) : null
    if (password) {
      const session = await options.userSession(key.consoleKey, key.username, password)
      return { session, release: () => session.logout().catch(() => undefined) }
    }
    return { session: options.adminSession(key.consoleKey), release: async () => {} }
  }
}

export interface RotationOptions {
  vault: SecretStore
  watch: KeyWatch
  sessionFor: LifecycleDeps['sessionFor']
  /** `pushedTo`: the Home Assistants that consume the key, whose requirements the check applies. */
  verifyFor: (consoleKey: string, app: UnifiApp, pushedTo?: readonly string[]) => (secret: string) => Promise<KeyCheck>
  maskSecret: (secret: string) => string
  handOver?: LifecycleDeps['handOver']
  uisp?: UispKeyLifecycle
  /** Deletes a revoked key's dedicated user (`revoke` with `deleteUser`). */
  userRemoval?: UserRemoval
}

export interface Revoked {
  keys: WatchedKey[]
  /** What removing the key's user came to; null when not asked. */
  user: CleanupOutcome | null
}

export function createRotation(options: RotationOptions) {
  const { vault, watch, sessionFor } = options
  const uisp = (verb: 'rotate' | 'revoke'): UispKeyLifecycle => {
    if (!options.uisp) throw new KeywardFailure('refused', `Keyward cannot ${verb} UISP tokens here.`)
    return options.uisp
  }
  return {
    async rotate(key: KeyRecord): Promise<{ keys: WatchedKey[]; oldKeyStillActive: boolean }> {
      if (key.app === 'uisp') {
        const rotated = await uisp('rotate').rotate(key)
        watch.replace(rotated.record, rotated.check)
        return { keys: watch.list(), oldKeyStillActive: rotated.oldKeyStillActive }
      }
      const app = key.app
      const deps: LifecycleDeps = {
        vault,
        sessionFor,
        verify: (candidate, secret) => options.verifyFor(candidate.consoleKey, app, candidate.pushedTo)(secret),
        ...(options.handOver ? { handOver: options.handOver } : {}),
      }
      const result = await rotateKey(key, deps, options.maskSecret)
      watch.replace(result.record, result.check)
      return { keys: watch.list(), oldKeyStillActive: result.oldKeyStillActive }
    },

    /**
     * Revokes the key on its console and forgets it. With `deleteUser`, everything is checked first
     * (the user is Keyward's, no other key uses it, an admin is signed in), then the key is revoked
     * and leaves the list with the user's password still in the keychain, then the flow's cleanup
     * deletes the user and only then the password: a removal cut off anywhere can be retried.
     */
    async revoke(key: KeyRecord, how: { deleteUser?: boolean } = {}): Promise<Revoked> {
      if (key.app === 'uisp') {
        await uisp('revoke').revoke(key)
        return { keys: await watch.forget(key.id), user: null }
      }
      if (!how.deleteUser) {
        await revokeOnConsole(key, { vault, sessionFor })
        return { keys: await watch.forget(key.id), user: null }
      }
      if (!options.userRemoval) throw new KeywardFailure('refused', 'Keyward cannot delete console users here.')
      const removeUser = options.userRemoval.plan(key)
      await revokeOnConsole(key, { vault, sessionFor })
      watch.dismiss(key.keyRef) // the key's secret went with the revoke; its user's password stays for now
      const user = await removeUser()
      return { keys: watch.list(), user }
    },
  }
}
