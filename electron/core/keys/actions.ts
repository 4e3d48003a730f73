// What the key list can do with a key: copy (clipboard cleared after the
// configured time, only if it still holds the key), copy its dedicated user's
// password the same way, reveal, verify now, rotate, revoke on the console.
// Secrets leave the core only for copy and reveal, which the user asked for.
import type { CopyResult, KeyRecord } from '../../../shared/domain.ts'
import type { WatchedKey } from '../views.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { ConsoleSession } from '../unifi/session.ts'
import type { LifecycleDeps } from './lifecycle.ts'
import { createRotation, keySessions, type Revoked, type UispKeyLifecycle } from './key-rotation.ts'
import type { UserRemoval } from './key-user.ts'
import type { KeyWatch } from './watch.ts'
import type { KeyCheck, UnifiApp } from '../../../shared/domain.ts'

/** The system clipboard, supplied by the Electron shell (core never imports electron). */
export interface ClipboardPort {
  writeText(text: string): void | Promise<void>
  /** Electron 45's clipboard answers with a promise; older and fake ones synchronously. */
  readText(): string | Promise<string>
}

/**
 * Copies a secret to the clipboard and clears it after the configured time if
 * it still holds that secret. Without a system clipboard (browser host) the
 * secret is handed back for the page to copy and clear: the user asked for it.
 */
export function createSecretCopier(options: { settings: Settings; clipboard?: ClipboardPort }) {
  let clearTimer: NodeJS.Timeout | null = null
  /** Clears the clipboard if it still holds what Keyward put there; the pending timer goes. */
  let pendingClear: (() => Promise<void>) | null = null
  const cancel = () => {
    if (clearTimer) clearTimeout(clearTimer)
    clearTimer = null
    pendingClear = null
  }
  return {
    async copy(secret: string): Promise<CopyResult> {
      const seconds = options.settings.getPreferences().clipboardClearSeconds
      if (!options.clipboard) return { copied: false, secret, clearsInSeconds: seconds }
      const clipboard = options.clipboard
      await clipboard.writeText(secret)
      cancel()
      // Only if the user has not copied something else meanwhile.
      const clear = async () => {
        if ((await clipboard.readText()) === secret) await clipboard.writeText('')
      }
      pendingClear = clear
      clearTimer = setTimeout(() => {
        cancel()
        void clear().catch(() => undefined)
      }, seconds * 1000)
      return { copied: true, clearsInSeconds: seconds }
    },
    /**
     * Quit: clear now what would have been cleared later. Electron 44+'s clipboard
     * is asynchronous, so this must be awaited before the process exits (electron.md §0a).
     */
    async release(): Promise<void> {
      const clear = pendingClear
      cancel()
      if (clear) await clear().catch(() => undefined)
    },
    stop() {
      cancel()
    },
  }
}

export type SecretCopier = ReturnType<typeof createSecretCopier>

export type { UispKeyLifecycle } from './key-rotation.ts'

export interface KeyActionsOptions {
  settings: Settings
  vault: SecretStore
  watch: KeyWatch
  clipboard?: ClipboardPort
  adminSession: (consoleKey: string) => ConsoleSession
  userSession: (consoleKey: string, username: string, password: string) => Promise<ConsoleSession>
  /** `pushedTo`: the Home Assistants that consume the key, whose requirements the check applies. */
  verifyFor: (consoleKey: string, app: UnifiApp, pushedTo?: readonly string[]) => (secret: string) => Promise<KeyCheck>
  maskSecret: (secret: string) => string
  handOver?: LifecycleDeps['handOver']
  /** Shared with other copy actions, so one timer clears whatever Keyward copied last. */
  copier?: SecretCopier
  uisp?: UispKeyLifecycle
  userRemoval?: UserRemoval
}

export function createKeyActions(options: KeyActionsOptions) {
  const { settings, vault } = options
  const copier =
    options.copier ?? createSecretCopier(options.clipboard ? { settings, clipboard: options.clipboard } : { settings })

  const find = (id: string): KeyRecord => {
    const key = settings.listKeys().find((k) => k.id === id)
    if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
    return key
  }
  const secretOf = async (key: KeyRecord) => {
    const secret = await vault.get(key.keyRef)
    if (!secret)
      throw new KeywardFailure('not-found', `The keychain no longer holds “${key.name}”. Rotate it to make a new one.`)
    return secret
  }
  const sessionFor = keySessions(options)
  const rotation = createRotation({ ...options, sessionFor })

  return {
    sessionFor,

    copy: async (id: string): Promise<CopyResult> => copier.copy(await secretOf(find(id))),

    /** The dedicated user's password from the keychain (HA ≤ 2026.8 needs it besides the key). */
    async copyPassword(id: string): Promise<CopyResult> {
      const key = find(id)
      if (!key.passwordRef) {
        throw new KeywardFailure(
          'not-found',
          `“${key.name}” was made as ${key.username}, your own account: Keyward has no password for it. Type your own password.`,
        )
      }
      const password = await vault.get(key.passwordRef)
      if (!password)
        throw new KeywardFailure('not-found', `The keychain no longer holds the password of ${key.username}.`)
      return copier.copy(password)
    },

    async reveal(id: string): Promise<{ secret: string; hideAfterSeconds: number }> {
      return { secret: await secretOf(find(id)), hideAfterSeconds: 20 }
    },

    /** A new secret for the key (verified, handed over, the old one revoked); see key-rotation.ts. */
    rotate: (id: string): Promise<{ keys: WatchedKey[]; oldKeyStillActive: boolean }> => rotation.rotate(find(id)),

    /** Revokes the key where it was made and forgets it here; `deleteUser`: its dedicated user too. */
    revoke: (id: string, deleteUser = false): Promise<Revoked> => rotation.revoke(find(id), { deleteUser }),

    stop() {
      copier.stop()
    },
  }
}

export type KeyActions = ReturnType<typeof createKeyActions>
