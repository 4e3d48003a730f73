// The only place API keys live is the OS keychain. Nothing here ever writes a
// secret anywhere else, not even as a fallback when the keychain is missing.
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
// Types only: the native binding is loaded on first use (KeyringSecretStore#binding).
import type { AsyncEntry } from '@napi-rs/keyring'
import { KeywardFailure } from '../../../shared/result.ts'
import type { VaultStatus } from '../../../shared/domain.ts'

export interface SecretStore {
  status(): Promise<VaultStatus>
  get(ref: string): Promise<string | null>
  set(ref: string, secret: string): Promise<void>
  delete(ref: string): Promise<boolean>
  /** True if `value` is, or contains, a secret this store set or returned in this process. */
  isKnownSecret(value: string): boolean
}

export const SERVICE_NAME = 'Keyward'
const REF_PATTERN = /^[a-z0-9][a-z0-9:._-]{0,127}$/
const MAX_SECRET_LENGTH = 1024 // Windows Credential Manager caps blobs at 2560 bytes (UTF-16)

/** Refs are ids like `key:<uuid>`; never echo a bad one, it might be a secret passed by mistake. */
export function assertValidRef(ref: unknown): asserts ref is string {
  if (typeof ref !== 'string' || !REF_PATTERN.test(ref)) {
    const length = typeof ref === 'string' ? ref.length : -1
    throw new KeywardFailure('invalid-input', 'Internal error: invalid keychain reference.', `ref length ${length}`)
  }
}

function assertValidSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length === 0 || secret.length > MAX_SECRET_LENGTH) {
    throw new KeywardFailure('invalid-input', 'Internal error: the secret to store is empty or too long.')
  }
}

/**
 * Keyed hashes of the secrets seen in this process, so other modules can refuse
 * to persist them without us keeping the plain values around. The HMAC key is
 * random per process, so the fingerprints are useless outside it.
 */
export class SecretFingerprints {
  static readonly MIN_SUBSTRING_LENGTH = 12 // shorter secrets are matched exactly only
  readonly #key = randomBytes(32)
  readonly #hashes = new Set<string>()
  readonly #substringLengths = new Set<number>()

  #hash(value: string): string {
    return createHmac('sha256', this.#key).update(value, 'utf8').digest('base64')
  }

  remember(secret: string): void {
    this.#hashes.add(this.#hash(secret))
    if (secret.length >= SecretFingerprints.MIN_SUBSTRING_LENGTH) this.#substringLengths.add(secret.length)
  }

  matches(value: string): boolean {
    if (this.#hashes.size === 0) return false
    if (this.#hashes.has(this.#hash(value))) return true
    // A secret embedded in a longer string (e.g. a pasted "Bearer <key>") counts too.
    for (const length of this.#substringLengths) {
      for (let i = 0; i + length <= value.length; i++) {
        if (this.#hashes.has(this.#hash(value.slice(i, i + length)))) return true
      }
    }
    return false
  }
}

export type KeychainBackend = 'Secret Service' | 'macOS Keychain' | 'Windows Credential Manager'

export function backendFor(platform: NodeJS.Platform): KeychainBackend {
  if (platform === 'darwin') return 'macOS Keychain'
  if (platform === 'win32') return 'Windows Credential Manager'
  return 'Secret Service'
}

function userAdvice(platform: NodeJS.Platform, locked: boolean): string {
  if (platform === 'darwin') {
    return 'Keyward cannot use the macOS Keychain. Unlock your login keychain (open Keychain Access) and allow Keyward access, then try again.'
  }
  if (platform === 'win32') {
    return 'Keyward cannot use the Windows Credential Manager. Sign in to Windows with your own account (not a temporary profile) and try again.'
  }
  return locked
    ? 'Your system keyring is locked. Unlock it (for example in Passwords and Keys, or by logging out and in again) and try again.'
    : 'Keyward cannot reach a system keyring (Secret Service). Make sure GNOME Keyring or KWallet is installed, running and unlocked in your desktop session, then try again.'
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** What Keyward uses of @napi-rs/keyring. */
export interface KeyringBinding {
  AsyncEntry: typeof AsyncEntry
}

/**
 * Loads the native binding. A static import would run at start-up, and a binding
 * that fails to load (asar-unpack mismatch, missing platform package, musl) would
 * then kill the main process before any window or tray exists (electron.md §6b).
 */
export const loadKeyringBinding = (): Promise<KeyringBinding> => import('@napi-rs/keyring')

export const BINDING_ADVICE =
  'Keyward could not load its keychain component, so it cannot store or read keys. ' +
  'Reinstalling Keyward usually fixes this.'

/** The load error and its causes (napi-rs chains one per candidate package), briefly. */
function loadErrorText(error: unknown): string {
  const parts: string[] = []
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    parts.push(errorText(e))
    e = e instanceof Error ? e.cause : undefined
  }
  const text = parts.join(' ← ')
  return text.length > 300 ? text.slice(0, 300) + '…' : text
}

export interface KeyringOptions {
  service?: string
  platform?: NodeJS.Platform
  /** A locked keyring may wait for the user at an unlock prompt; give up after this. */
  timeoutMs?: number
  /** Loads @napi-rs/keyring on first use (tests inject one that fails). */
  loadBinding?: () => Promise<KeyringBinding>
}

/** The OS keychain via @napi-rs/keyring: service "Keyward", account = ref. */
export class KeyringSecretStore implements SecretStore {
  readonly #service: string
  readonly #platform: NodeJS.Platform
  readonly #timeoutMs: number
  readonly #loadBinding: () => Promise<KeyringBinding>
  #bindingLoad: Promise<KeyringBinding> | null = null
  readonly #seen = new SecretFingerprints()

  constructor(options: KeyringOptions = {}) {
    this.#service = options.service ?? SERVICE_NAME
    this.#platform = options.platform ?? process.platform
    this.#timeoutMs = options.timeoutMs ?? 60_000
    this.#loadBinding = options.loadBinding ?? loadKeyringBinding
  }

  get backend(): KeychainBackend {
    return backendFor(this.#platform)
  }

  isKnownSecret(value: string): boolean {
    return this.#seen.matches(value)
  }

  async status(): Promise<VaultStatus> {
    // A real round trip: "the daemon answers" is not "we can store and read back".
    const probeRef = `probe:${randomUUID()}`
    const probeValue = randomBytes(24).toString('base64url')
    try {
      await this.#run('store a test item', probeRef, (entry) => entry.setPassword(probeValue), probeValue)
      try {
        const readBack = await this.#run('read the test item', probeRef, (entry) => entry.getPassword())
        if (readBack !== probeValue) {
          throw new KeywardFailure(
            'keychain-unavailable',
            userAdvice(this.#platform, false),
            'probe item read back differently',
          )
        }
      } finally {
        await this.#run('delete the test item', probeRef, (entry) => entry.deleteCredential()).catch(() => false)
      }
      return { available: true, backend: this.backend, problem: null }
    } catch (error) {
      const failure = error instanceof KeywardFailure ? error : this.#failure('check', error)
      return { available: false, backend: this.backend, problem: failure.message }
    }
  }

  async get(ref: string): Promise<string | null> {
    assertValidRef(ref)
    const secret = await this.#run('read', ref, (entry) => entry.getPassword())
    if (secret !== null) this.#seen.remember(secret)
    return secret
  }

  async set(ref: string, secret: string): Promise<void> {
    assertValidRef(ref)
    assertValidSecret(secret)
    this.#seen.remember(secret) // before the call: even a failed write must not end up in settings
    await this.#run('store', ref, (entry) => entry.setPassword(secret), secret)
  }

  async delete(ref: string): Promise<boolean> {
    assertValidRef(ref)
    return this.#run('delete', ref, (entry) => entry.deleteCredential())
  }

  /**
   * The binding, loaded once and cached. A failed load is not cached: every later
   * call (each status check, get or set) tries again, so a cause that goes away
   * without a restart (a binding missing from disk that reappears) is picked up.
   * Node's ESM loader does remember a module whose evaluation threw, so a binding
   * that loaded but failed to initialise keeps failing until Keyward restarts,
   * which reinstalling (the advice shown) involves anyway.
   */
  #binding(): Promise<KeyringBinding> {
    this.#bindingLoad ??= Promise.resolve()
      .then(() => this.#loadBinding())
      .then((binding) => {
        if (typeof binding?.AsyncEntry !== 'function') throw new Error('the module has no AsyncEntry export')
        return binding
      })
      .catch((error: unknown) => {
        this.#bindingLoad = null
        const detail = `@napi-rs/keyring did not load: ${loadErrorText(error)}`
        throw new KeywardFailure('keychain-unavailable', BINDING_ADVICE, detail)
      })
    return this.#bindingLoad
  }

  async #run<T>(action: string, ref: string, op: (entry: AsyncEntry) => Promise<T>, secret?: string): Promise<T> {
    const { AsyncEntry } = await this.#binding() // its failure is already a KeywardFailure with its own advice
    let timer: NodeJS.Timeout | undefined
    try {
      // Pin Secret Service: the default silently falls back to the kernel keyutils
      // store, which is per-session and gone after logout or reboot.
      const entry = new AsyncEntry(this.#service, ref, { linux: { store: 'secret-service' } })
      // The library ignores AbortSignal once started; racing at least returns control.
      const timeout = new Promise<never>((_, reject) => {
        const why = `no answer within ${this.#timeoutMs} ms (an unlock prompt may be waiting)`
        timer = setTimeout(() => reject(new Error(why)), this.#timeoutMs)
      })
      return await Promise.race([op(entry), timeout])
    } catch (error) {
      throw this.#failure(action, error, secret)
    } finally {
      clearTimeout(timer)
    }
  }

  #failure(action: string, error: unknown, secret?: string): KeywardFailure {
    let text = errorText(error)
    if (secret) text = text.split(secret).join('[redacted]')
    const locked = /locked|unlock|prompt|dismissed/i.test(text)
    return new KeywardFailure(
      'keychain-unavailable',
      userAdvice(this.#platform, locked),
      `${this.backend}: could not ${action} (${text})`,
    )
  }
}

export interface MemoryStoreOptions {
  /** Start unavailable, as if the keychain were locked or missing. */
  available?: boolean
  problem?: string
}

/** In-memory stand-in for unit tests of other modules. Never use in production. */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'Memory'
  readonly #items = new Map<string, string>()
  readonly #stored = new Set<string>()
  readonly #seen = new SecretFingerprints()
  #available: boolean
  #problem: string

  constructor(options: MemoryStoreOptions = {}) {
    this.#available = options.available ?? true
    this.#problem = options.problem ?? userAdvice('linux', true)
  }

  /** Simulate the keychain being locked or unlocked mid-run. */
  setAvailable(available: boolean, problem?: string): void {
    this.#available = available
    if (problem !== undefined) this.#problem = problem
  }

  /** Test helper: how many items are stored. */
  get size(): number {
    return this.#items.size
  }

  /** Test helper: every secret ever stored (the e2e secret-leak scan looks for them). */
  get everStored(): string[] {
    return [...this.#stored]
  }

  isKnownSecret(value: string): boolean {
    return this.#seen.matches(value)
  }

  async status(): Promise<VaultStatus> {
    return { available: this.#available, backend: this.backend, problem: this.#available ? null : this.#problem }
  }

  async get(ref: string): Promise<string | null> {
    assertValidRef(ref)
    this.#assertAvailable('read')
    const secret = this.#items.get(ref) ?? null
    if (secret !== null) this.#seen.remember(secret)
    return secret
  }

  async set(ref: string, secret: string): Promise<void> {
    assertValidRef(ref)
    assertValidSecret(secret)
    this.#seen.remember(secret)
    this.#assertAvailable('store')
    this.#items.set(ref, secret)
    this.#stored.add(secret)
  }

  async delete(ref: string): Promise<boolean> {
    assertValidRef(ref)
    this.#assertAvailable('delete')
    return this.#items.delete(ref)
  }

  #assertAvailable(action: string): void {
    if (!this.#available) {
      throw new KeywardFailure(
        'keychain-unavailable',
        this.#problem,
        `${this.backend}: could not ${action} (simulated)`,
      )
    }
  }
}
