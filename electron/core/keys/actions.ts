// What the key list can do with a key: copy (clipboard cleared after the
// configured time, only if it still holds the key), copy its dedicated user's
// password the same way, reveal, verify now, rotate, revoke on the console.
// Secrets leave the core only for copy and reveal, which the user asked for.
import type { CopyResult, KeyRecord, KeyView } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { ConsoleSession } from '../unifi/session.ts'
import { rotateKey, revokeOnConsole, type LifecycleDeps } from './lifecycle.ts'
import type { KeyWatch } from './watch.ts'
import type { KeyCheck, UnifiApp } from '../../../shared/domain.ts'

/** The system clipboard, supplied by the Electron shell (core never imports electron). */
export interface ClipboardPort {
  writeText(text: string): void | Promise<void>
  /** Electron 45's clipboard answers with a promise; older and fake ones synchronously. */
  readText(): string | Promise<string>
}


export interface KeyActionsOptions {
  settings: Settings
  vault: SecretStore
  watch: KeyWatch
  clipboard?: ClipboardPort
  adminSession: (consoleKey: string) => ConsoleSession
  userSession: (consoleKey: string, username: string, password: string) => Promise<ConsoleSession>
  verifyFor: (consoleKey: string, app: UnifiApp) => (secret: string) => Promise<KeyCheck>
  maskSecret: (secret: string) => string
  handOver?: LifecycleDeps['handOver']
}

export function createKeyActions(options: KeyActionsOptions) {
  const { settings, vault, watch } = options
  let clearTimer: NodeJS.Timeout | null = null

  const find = (id: string): KeyRecord => {
    const key = settings.listKeys().find((k) => k.id === id)
    if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
    return key
  }
  const secretOf = async (key: KeyRecord) => {
    const secret = await vault.get(key.keyRef)
    if (!secret) throw new KeywardFailure('not-found', `The keychain no longer holds “${key.name}”. Rotate it to make a new one.`)
    return secret
  }

  /** Writes a secret to the system clipboard and clears it later if it is still there. */
  const toClipboard = async (secret: string): Promise<CopyResult> => {
    const seconds = settings.getPreferences().clipboardClearSeconds
    if (!options.clipboard) return { copied: false, secret, clearsInSeconds: seconds }
    const clipboard = options.clipboard
    await clipboard.writeText(secret)
    if (clearTimer) clearTimeout(clearTimer)
    clearTimer = setTimeout(() => {
      clearTimer = null
      // Only if the user has not copied something else meanwhile.
      void Promise.resolve(clipboard.readText())
        .then((text) => (text === secret ? clipboard.writeText('') : undefined))
        .catch(() => undefined)
    }, seconds * 1000)
    return { copied: true, clearsInSeconds: seconds }
  }

  const sessionFor: LifecycleDeps['sessionFor'] = async (key) => {
    const password = key.passwordRef ? await vault.get(key.passwordRef) : null
    if (password) {
      const session = await options.userSession(key.consoleKey, key.username, password)
      return { session, release: () => session.logout().catch(() => undefined) }
    }
    return { session: options.adminSession(key.consoleKey), release: async () => {} }
  }

  return {
    sessionFor,

    copy: async (id: string): Promise<CopyResult> => toClipboard(await secretOf(find(id))),

    /** The dedicated user's password from the keychain (HA ≤ 2026.8 needs it besides the key). */
    async copyPassword(id: string): Promise<CopyResult> {
      const key = find(id)
      if (!key.passwordRef) {
        throw new KeywardFailure('not-found', `“${key.name}” was made as ${key.username}, your own account: Keyward has no password for it. Type your own password.`)
      }
      const password = await vault.get(key.passwordRef)
      if (!password) throw new KeywardFailure('not-found', `The keychain no longer holds the password of ${key.username}.`)
      return toClipboard(password)
    },

    async reveal(id: string): Promise<{ secret: string; hideAfterSeconds: number }> {
      return { secret: await secretOf(find(id)), hideAfterSeconds: 20 }
    },

    async rotate(id: string): Promise<{ keys: KeyView[]; oldKeyStillActive: boolean }> {
      const key = find(id)
      const result = await rotateKey(key, {
        vault,
        sessionFor,
        verify: (candidate, secret) => options.verifyFor(candidate.consoleKey, candidate.app)(secret),
        ...(options.handOver ? { handOver: options.handOver } : {}),
      }, options.maskSecret)
      watch.replace(result.record, result.check)
      return { keys: watch.list(), oldKeyStillActive: result.oldKeyStillActive }
    },

    async revoke(id: string): Promise<KeyView[]> {
      const key = find(id)
      await revokeOnConsole(key, { vault, sessionFor })
      return watch.forget(id)
    },

    stop() {
      if (clearTimer) clearTimeout(clearTimer)
    },
  }
}

export type KeyActions = ReturnType<typeof createKeyActions>
