// The keys as Home Assistant work sees them: the key record, its console, its UniFi app, the
// dedicated user's password (only for a consented push), and the key-level requests that send
// nothing to HA: the push options, recording consent, and the fields to copy by hand.
import type { HaConsent, HaPushOptions, KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { findConsent, pushOptions, recordConsent } from './consent.ts'
import { copyFields, type CopyFieldsPlan } from './copy.ts'
import type { HaRegistry } from './registry.ts'
import type { HaConsoleRef } from './types.ts'

export function createHaKeys(settings: Settings, vault: SecretStore) {
  const key = (keyId: string): KeyRecord => {
    const found = settings.listKeys().find((k) => k.id === keyId)
    if (!found) throw new KeywardFailure('not-found', 'That key is no longer on record.')
    return found
  }

  const consoleRef = (k: KeyRecord): HaConsoleRef => {
    const c = settings.listConsoles().find((r) => r.key === k.consoleKey)
    if (!c) throw new KeywardFailure('not-found', 'Keyward no longer knows the console of this key.')
    return { key: c.key, host: c.host, port: c.port, mac: c.mac, name: c.name }
  }

  /** The UniFi app of a key; UISP tokens have no HA integration Keyward fills (home-assistant.md covers UniFi only). */
  const unifiApp = (k: KeyRecord): UnifiApp => {
    if (k.app === 'uisp')
      throw new KeywardFailure(
        'refused',
        'Keyward sends only UniFi keys to Home Assistant; copy the UISP token to where you use it.',
      )
    return k.app
  }

  const save = (keyId: string, change: (k: KeyRecord) => KeyRecord): void =>
    settings.saveKeys(settings.listKeys().map((k) => (k.id === keyId ? change(k) : k)))

  return {
    key,
    consoleRef,
    unifiApp,
    save,
    labelOf: (k: KeyRecord): string => consoleLabel(consoleRef(k)),

    /** The dedicated local user is exactly the account HA's "full" mode asks for. */
    async credentialsOf(k: KeyRecord): Promise<{ username: string; password: string } | null> {
      const password = k.passwordRef ? await vault.get(k.passwordRef) : null
      return password ? { username: k.username, password } : null
    },
  }
}

export type HaKeys = ReturnType<typeof createHaKeys>

/** The key-level requests that send nothing to Home Assistant. */
export function createKeyDesk(keys: HaKeys, registry: Pick<HaRegistry, 'find'>, settings: Settings) {
  return {
    /** How a Protect key can go to this HA: modes, what full mode adds and costs, the consent sentence. */
    pushOptions(keyId: string, haId: string): HaPushOptions {
      const key = keys.key(keyId)
      keys.unifiApp(key)
      return pushOptions(key, registry.find(haId), keys.labelOf(key))
    },

    /**
     * Records the user's consent to send the key's dedicated user's password to this HA, after
     * checking `sentence` is exactly what Keyward shows now (who, what, where, when are kept).
     */
    consent(keyId: string, haId: string, sentence: string, now: Date = new Date()): HaConsent {
      const key = keys.key(keyId)
      const record = registry.find(haId)
      const updated = recordConsent(key, record, keys.labelOf(key), sentence, now)
      keys.save(keyId, () => updated)
      return findConsent(updated, record)!
    },

    /** The fields to fill by hand in HA (the key itself is copied separately). */
    copyFields(keyId: string, haId?: string): CopyFieldsPlan {
      const key = keys.key(keyId)
      const ha = haId ? registry.find(haId) : settings.listHomeAssistants()[0]
      // The mode a push to this HA would use: API-key-only where HA offers it, the full setup only where the
      // user chose it (consent.ts). The password is never read here (the user copies it with keys.copyPassword).
      const credentials = key.passwordRef ? { username: key.username, password: '' } : null
      const mode = ha && findConsent(key, ha)?.fullModeInUse ? 'full' : 'auto'
      const plan = copyFields({
        app: keys.unifiApp(key),
        console: keys.consoleRef(key),
        secret: null,
        credentials,
        haVersion: ha?.version ?? null,
        haUrl: ha?.url ?? null,
        mode,
      })
      // Secrets never travel with the plan: the user copies them with "Copy" (auto-clearing).
      return { ...plan, fields: plan.fields.map((f) => (f.secret ? { ...f, value: '' } : f)) }
    },
  }
}
