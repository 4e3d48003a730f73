// UISP keys (the device connection string, uisp.md §4): the text in the keychain, a masked
// record in config.json (`uisp.keys`). The key, and registration commands holding it, leave only
// through the copier (clipboard with auto-clear), which the user asked for.
import { randomUUID } from 'node:crypto'
import type {
  CopyResult,
  RegistrationCommands,
  UispDeviceKind,
  UispKeyCheck,
  UispKeyRecord,
  UispKeyView,
} from '../../../shared/domain.ts'
import { addressKey } from '../../../shared/format.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { SecretCopier } from '../keys/actions.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { checkUispKey, fetchUispKey } from './connection.ts'
import { maskUispKey, parseUispKey, type UispKey } from './key.ts'
import { registrationCommands } from './registration.ts'
import type { UispServers } from './servers.ts'
import type { UispSessions } from './sessions.ts'

export interface UispDeviceInput {
  kind: UispDeviceKind
  firmware?: string | undefined
  airmax?: 'ac' | 'm' | undefined
  mode?: 'interactive' | 'script' | undefined
}

export interface UispKeyStoreOptions {
  settings: Settings
  vault: SecretStore
  copier: SecretCopier
  servers: UispServers
  sessions: UispSessions
  now: () => number
}

/** What crosses to the renderer: the record without its keychain reference. */
const view = ({ keyRef: _ref, ...rest }: UispKeyRecord): UispKeyView => rest

const device = (d: UispDeviceInput) => ({
  kind: d.kind,
  ...(d.firmware !== undefined ? { firmware: d.firmware } : {}),
  ...(d.airmax !== undefined ? { airmax: d.airmax } : {}),
  ...(d.mode !== undefined ? { mode: d.mode } : {}),
})

export class UispKeyStore {
  readonly #o: UispKeyStoreOptions

  constructor(options: UispKeyStoreOptions) {
    this.#o = options
  }

  /** Newest first, masked. */
  list(): UispKeyView[] {
    return this.#records()
      .sort((a, b) => Date.parse(b.savedAt) - Date.parse(a.savedAt))
      .map(view)
  }

  async save(text: string): Promise<UispKeyView> {
    const parsed = parseUispKey(text)
    if (!parsed.ok) throw new KeywardFailure('invalid-input', parsed.error.message, parsed.error.code)
    return this.#store(parsed.key, 'pasted', null)
  }

  /** Reads the server's key (GET /nms/connection, admin scope) with the signed-in session. */
  async fromServer(key: string): Promise<UispKeyView> {
    return this.#store(await fetchUispKey(this.#o.sessions.require(key)), 'server', key)
  }

  /** Could devices reach the server in this key? Honours the key's certificate option; pins a known server. */
  async check(id: string): Promise<UispKeyCheck> {
    const record = this.#find(id)
    const key = await this.#secret(record)
    const known = this.#o.servers.find(addressKey(key.host, key.port))
    const signedIn = record.serverKey ? this.#o.sessions.signedIn(record.serverKey) : undefined
    // With an admin session on the server the key came from, also notice a regenerated key.
    const serverKey = signedIn ? await fetchUispKey(signedIn).catch(() => undefined) : undefined
    const check = await checkUispKey(key, {
      ...(known ? { pin: known.certificateSha256 } : {}),
      ...(serverKey ? { serverKey } : {}),
      ...this.#o.servers.timeouts,
      now: this.#o.now,
    })
    const failed = check.status === 'failed'
    const lastCheck = {
      status: check.status,
      problem: failed ? check.problem : null,
      message: failed ? check.message : null,
      checkedAt: check.checkedAt,
    }
    this.#o.settings.saveUisp({ keys: this.#records().map((k) => (k.id === id ? { ...k, lastCheck } : k)) })
    return check
  }

  async copy(id: string): Promise<CopyResult> {
    return this.#o.copier.copy((await this.#secret(this.#find(id))).text)
  }

  async forget(id: string): Promise<UispKeyView[]> {
    const record = this.#find(id)
    await this.#o.vault.delete(record.keyRef)
    this.#o.settings.saveUisp({ keys: this.#records().filter((k) => k.id !== id) })
    return this.list()
  }

  /** The commands to show: the key's place holds a placeholder, never the key. */
  async registration(id: string | undefined, d: UispDeviceInput): Promise<RegistrationCommands> {
    const key = id ? await this.#secret(this.#find(id)) : null
    const result = registrationCommands(device(d), key, 'display')
    if (!result.ok) throw new KeywardFailure('invalid-input', result.error.message, result.error.code)
    return result.commands
  }

  /** The same commands with the key in them, to the clipboard only (auto-clear). */
  async copyRegistration(id: string, d: UispDeviceInput): Promise<CopyResult> {
    const result = registrationCommands(device(d), await this.#secret(this.#find(id)), 'copy')
    if (!result.ok) throw new KeywardFailure('invalid-input', result.error.message, result.error.code)
    return this.#o.copier.copy(result.commands.text)
  }

  #records(): UispKeyRecord[] {
    return this.#o.settings.getUisp().keys
  }

  #find(id: string): UispKeyRecord {
    const found = this.#records().find((k) => k.id === id)
    if (!found) throw new KeywardFailure('not-found', 'That UISP key is no longer on record.')
    return found
  }

  async #secret(record: UispKeyRecord): Promise<UispKey> {
    const text = await this.#o.vault.get(record.keyRef)
    const parsed = text ? parseUispKey(text) : null
    if (!parsed?.ok) {
      throw new KeywardFailure(
        'not-found',
        'The keychain no longer holds this UISP key. Paste it again or read it from the server.',
      )
    }
    return parsed.key
  }

  /** Stores a parsed key (the same key twice is one entry) and returns its masked view. */
  async #store(key: UispKey, from: UispKeyRecord['from'], serverKey: string | null): Promise<UispKeyView> {
    for (const existing of this.#records()) {
      const text = await this.#o.vault.get(existing.keyRef).catch(() => null)
      if (text === key.text) {
        const updated = { ...existing, from, serverKey: serverKey ?? existing.serverKey }
        this.#o.settings.saveUisp({ keys: this.#records().map((k) => (k.id === existing.id ? updated : k)) })
        return view(updated)
      }
    }
    const id = randomUUID()
    const record: UispKeyRecord = {
      id,
      masked: maskUispKey(key.text),
      option: key.option,
      warnings: key.warnings.map((w) => ({ code: w.code, message: w.message })),
      from,
      serverKey,
      keyRef: `uisp-key:${id}`,
      savedAt: new Date(this.#o.now()).toISOString(),
      lastCheck: null,
    }
    await this.#o.vault.set(record.keyRef, key.text) // the keychain first: no record without its secret
    this.#o.settings.saveUisp({ keys: [...this.#records(), record] })
    return view(record)
  }
}
