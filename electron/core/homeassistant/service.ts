// Home Assistant as the app uses it, wired from small units: the connections (registry.ts: connect
// with a long-lived token kept in the keychain, list, resume, forget), the pushes (push-coordinator.ts:
// push, rotation hand-over, fit), the key-level requests (ha-keys.ts: push options, consent, copy
// fields) and HA's health for the keys Keyward pushed (health-reader.ts).
import type { KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { CopyFieldsPlan } from './copy.ts'
import { networkSignature } from '../keys/network-watch.ts'
import { createBinding } from './binding.ts'
import { createHaKeys, createKeyDesk } from './ha-keys.ts'
import { createHealthReader } from './health-reader.ts'
import type { AnnouncedUuid } from './identity.ts'
import { PushCoordinator } from './push-coordinator.ts'
import { HaRegistry, type ConnectInput } from './registry.ts'
import { createSiteReader } from './site-reader.ts'

export interface HomeAssistantServiceOptions {
  settings: Settings
  vault: SecretStore
  timeoutMs?: number
  /** The machine's network attachment (default keys/network-watch.ts `networkSignature`). */
  network?: () => string
  /** An HA uuid announced over mDNS from one of these addresses (the discovery inventory). */
  announcedUuid?: AnnouncedUuid
}

export function createHomeAssistantService(options: HomeAssistantServiceOptions) {
  const { settings, vault } = options
  const network = options.network ?? (() => networkSignature())
  const announced: AnnouncedUuid = options.announcedUuid ?? (() => null)
  const timeout = options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}
  const binding = createBinding({ settings, network, announced })
  const registry = new HaRegistry({ settings, vault, binding, network, announced, ...timeout })
  const keys = createHaKeys(settings, vault)
  const sites = createSiteReader({ settings, vault, ...timeout })
  const pushes = new PushCoordinator({ registry, keys, sites, vault })
  const desk = createKeyDesk(keys, registry, settings)
  const reader = createHealthReader({ registry, keys, sites, list: () => settings.listHomeAssistants() })

  return {
    connect: (input: ConnectInput) => registry.connect(input),
    list: () => registry.list(),
    resume: (id: string, sha256?: string) => registry.resume(id, sha256),
    forget: (id: string) => registry.forget(id),
    push: (keyId: string, haId: string, choice?: { mode?: 'full' | 'api_key'; siteId?: string }) =>
      pushes.push(keyId, haId, choice),
    handOver: (key: KeyRecord, secret: string) => pushes.handOver(key, secret),
    fit: (haId: string, app: UnifiApp) => pushes.fit(haId, app),
    pushOptions: desk.pushOptions,
    consent: desk.consent,
    copyFields: async (keyId: string, haId?: string): Promise<CopyFieldsPlan> => desk.copyFields(keyId, haId),
    health: reader.health,
  }
}

export type HomeAssistantService = ReturnType<typeof createHomeAssistantService>
