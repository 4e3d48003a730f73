// The watched keys' records (metadata only, in config.json under `keys`): every change the key watch
// makes to them, each one read-modify-write so a key added or removed meanwhile is kept.
import { randomUUID } from 'node:crypto'
import { summarize } from '../../../shared/check-summary.ts'
import type { HaKeyHealth, KeyCheck, KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'

export type NewKeyRecord = Omit<KeyRecord, 'id' | 'paused' | 'unreachableStreak' | 'pushedTo' | 'haHealth'>

export { summarize }

const notFound = () => new KeywardFailure('not-found', 'That key is no longer on record.')

export class KeyRecords {
  constructor(
    private readonly settings: Settings,
    private readonly vault: SecretStore,
  ) {}

  list(): KeyRecord[] {
    return this.settings.listKeys()
  }

  /** A freshly minted key; a resumed flow re-verifies the same key, which is updated rather than listed twice. */
  add(input: NewKeyRecord): KeyRecord {
    const keys = this.list()
    const existing = keys.find((k) => k.keyRef === input.keyRef)
    const record: KeyRecord = existing
      ? { ...existing, ...input, unreachableStreak: 0 }
      : { ...input, id: randomUUID(), paused: false, unreachableStreak: 0, pushedTo: [], haHealth: null }
    this.settings.saveKeys([...keys.filter((k) => k.id !== record.id), record])
    return record
  }

  /** Drops the key holding `keyRef` from the list; false when none does. Its keychain entries stay. */
  dropByRef(keyRef: string): boolean {
    const keys = this.list()
    if (!keys.some((k) => k.keyRef === keyRef)) return false
    this.settings.saveKeys(keys.filter((k) => k.keyRef !== keyRef))
    return true
  }

  /** The same key entry with a new check (after a rotation). */
  replace(record: KeyRecord, check: KeyCheck): KeyRecord {
    const updated = { ...record, lastCheck: summarize(check) }
    this.settings.saveKeys(this.list().map((k) => (k.id === record.id ? updated : k)))
    return updated
  }

  amend(changed: ReadonlyMap<string, Partial<Pick<KeyRecord, 'usage' | 'access'>>>): void {
    this.settings.saveKeys(this.list().map((k) => (changed.has(k.id) ? { ...k, ...changed.get(k.id) } : k)))
  }

  setPaused(id: string, paused: boolean): void {
    const keys = this.list()
    if (!keys.some((k) => k.id === id)) throw notFound()
    this.settings.saveKeys(keys.map((k) => (k.id === id ? { ...k, paused } : k)))
  }

  /** Forgets a key locally with its secret (and its user's password unless another key still uses it). */
  async forget(id: string): Promise<void> {
    const key = this.list().find((k) => k.id === id)
    if (!key) throw notFound()
    await this.vault.delete(key.keyRef)
    if (key.passwordRef && !this.list().some((k) => k.id !== id && k.passwordRef === key.passwordRef)) {
      await this.vault.delete(key.passwordRef).catch(() => false)
    }
    this.settings.saveKeys(this.list().filter((k) => k.id !== id))
  }

  /** A sweep's results: each checked key's last check and streak, and HA's view where HA gave one. */
  saveSweep(checked: ReadonlyMap<string, KeyRecord>, ha: ReadonlyMap<string, HaKeyHealth>): void {
    this.settings.saveKeys(
      this.list().map((k) => {
        const fresh = checked.get(k.id)
        const merged = fresh ? { ...k, lastCheck: fresh.lastCheck, unreachableStreak: fresh.unreachableStreak } : k
        const health = ha.get(k.id)
        return health ? { ...merged, haHealth: health } : merged
      }),
    )
  }
}
