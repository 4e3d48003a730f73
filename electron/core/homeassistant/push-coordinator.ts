// Sending keys to Home Assistant: a user's push, a rotation's hand-over to every HA the old key
// went to, and the fit probe before minting. For each push: the HA is opened through the registry
// (binding first), the request is built for the key's app (Protect: the consent plan; Network: the
// sites the key sees), flows.ts drives HA's config flow, and the key records where it went.
import type { HaFit, HaPushSummary, HomeAssistantRecord, KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { HomeAssistantClient } from './client.ts'
import { noteMode, planProtectPush } from './consent.ts'
import { pushKey, type PushRequest } from './flows.ts'
import type { HaKeys } from './ha-keys.ts'
import { probeNetworkFit } from './network.ts'
import type { HaRegistry } from './registry.ts'
import type { SiteReader } from './site-reader.ts'
import type { PushResult } from './types.ts'

export interface PushChoice {
  /** Protect: the mode asked for; undefined on a rotation (the last push's mode is kept). */
  requested?: 'full' | 'api_key'
  /** Network: the site the user chose after a `choose-site` answer. */
  siteId?: string
  rotation?: boolean
}

export interface PushCoordinatorOptions {
  registry: HaRegistry
  keys: HaKeys
  sites: SiteReader
  vault: { get(ref: string): Promise<string | null> }
}

const summaryOf = (result: PushResult): HaPushSummary => ({
  outcome: result.outcome,
  entryId: result.entryId,
  title: result.title,
  entryState: result.entryState,
  haVersion: result.haVersion,
  message: result.message,
  mode: result.mode,
  ...(result.sites ? { sites: result.sites.map((s) => ({ id: s.id, name: s.name })) } : {}),
})

export class PushCoordinator {
  constructor(private readonly options: PushCoordinatorOptions) {}

  /** Puts a key into HA's integration for its app (new entry, reconfigure or pending reauth). */
  async push(keyId: string, haId: string, choice: { mode?: 'full' | 'api_key'; siteId?: string } = {}) {
    const { keys, vault } = this.options
    const key = keys.key(keyId)
    const secret = await vault.get(key.keyRef)
    if (!secret) throw new KeywardFailure('not-found', `The keychain no longer holds “${key.name}”.`)
    // A user's push asks for API-key-only unless they chose full mode (consent.ts).
    const result = await this.#pushSecret(haId, key, secret, {
      ...(key.app === 'protect' ? { requested: choice.mode ?? 'api_key' } : {}),
      ...(choice.siteId ? { siteId: choice.siteId } : {}),
    })
    if (result.outcome !== 'not-applicable' && result.outcome !== 'choose-site')
      this.#landed(keyId, haId, result.entryId)
    return result
  }

  /** The key now feeds this HA, in the entry HA named (its own id: the health check's fallback link). */
  #landed(keyId: string, haId: string, entryId: string | null): void {
    this.options.keys.save(keyId, (k) => ({
      ...k,
      pushedTo: [...new Set([...k.pushedTo, haId])],
      ...(entryId ? { haEntries: { ...k.haEntries, [haId]: entryId } } : {}),
    }))
  }

  /** Rotation hand-over: every HA this key was pushed into gets the new secret first. */
  async handOver(key: KeyRecord, secret: string): Promise<void> {
    for (const haId of key.pushedTo) {
      const result = await this.#pushSecret(haId, key, secret, { rotation: true })
      // Several of the key's sites have entries in HA and none can be picked for the user: throwing
      // aborts the rotation (the old key keeps working) rather than leaving HA with a revoked key.
      if (result.outcome === 'choose-site') {
        throw new KeywardFailure(
          'refused',
          `Home Assistant at ${this.options.registry.find(haId).url} uses this key for more than one UniFi Network site, so Keyward cannot hand a rotated key over to just one. The old key was kept; make a new key and send it to each site instead.`,
        )
      }
      if (result.outcome !== 'not-applicable') this.#landed(key.id, haId, result.entryId)
    }
  }

  /**
   * Before minting: can this HA take a key for `app`? Only UniFi Network is asked (home-assistant.md §3.2:
   * the `unifi` API-key mode is detected by its menu, so a probe flow is opened and deleted); Protect and
   * Access keys fit every HA Keyward supports (their version checks live in requirements.ts / flows.ts).
   */
  async fit(haId: string, app: UnifiApp): Promise<HaFit> {
    const { registry } = this.options
    const record = registry.find(haId)
    if (app !== 'network') return { app, fit: 'ready', haVersion: record.version, message: '' }
    const ha = await registry.open(record)
    try {
      registry.noteVersion(record, ha.haVersion)
      const probe = await probeNetworkFit(ha)
      return { app, fit: probe.fit, haVersion: ha.haVersion, message: probe.message }
    } finally {
      ha.close()
    }
  }

  /** Pushes `secret` (the key's current or a rotated one) into HA. */
  async #pushSecret(haId: string, key: KeyRecord, secret: string, choice: PushChoice): Promise<HaPushSummary> {
    const { registry, keys } = this.options
    keys.unifiApp(key)
    const record = registry.find(haId)
    const ha = await registry.open(record)
    try {
      registry.noteVersion(record, ha.haVersion)
      ha.requireAdmin()
      const result = await pushKey(ha, await this.#requestFor(ha, record, key, secret, choice))
      if (key.app === 'protect') keys.save(key.id, (k) => noteMode(k, haId, result.mode))
      return summaryOf(result)
    } finally {
      ha.close()
    }
  }

  /** What flows.ts gets for this key's app; a Protect password only under a recorded consent (consent.ts). */
  async #requestFor(
    ha: HomeAssistantClient,
    record: HomeAssistantRecord,
    key: KeyRecord,
    secret: string,
    choice: PushChoice,
  ): Promise<PushRequest> {
    const { keys, sites } = this.options
    const target = keys.consoleRef(key)
    if (key.app === 'protect') {
      const plan = planProtectPush(key, record, ha.haVersion ?? record.version, choice.requested, keys.labelOf(key))
      return {
        app: 'protect',
        console: target,
        apiKey: secret,
        mode: plan.mode,
        credentials: plan.consent ? await keys.credentialsOf(key) : null,
        consent: plan.consent,
        credentialsAvailable: key.passwordRef !== null,
      }
    }
    if (key.app === 'access') return { app: 'access', console: target, token: secret }
    return {
      app: 'network',
      console: target,
      apiKey: secret,
      siteId: choice.siteId ?? null,
      preferConfigured: choice.rotation === true,
      sites: await sites.sitesOf(key, secret),
    }
  }
}
