// Home Assistant as the app uses it: connect with a long-lived token (kept in
// the keychain), push a key into HA's UniFi setup, show the fields for the
// copy path, and read HA's health for the keys Keyward pushed.
import { randomUUID } from 'node:crypto'
import type {
  HaConsent,
  HaFit,
  HaKeyHealth,
  HaPushOptions,
  HaPushSummary,
  HaSummary,
  HomeAssistantRecord,
  KeyRecord,
  UnifiApp,
} from '../../../shared/domain.ts'
import { consoleLabel } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { networkSignature } from '../keys/network-watch.ts'
import { createBinding, HaHeldFailure, summaryOf as summary, tlsOf } from './binding.ts'
import { connectHomeAssistant, normalizeBaseUrl, type HomeAssistantClient } from './client.ts'
import { findConsent, noteMode, offersApiKeyOnly, pushOptions, recordConsent } from './consent.ts'
import { copyFields, type CopyFieldsPlan } from './copy.ts'
import { DOMAIN_FOR_APP, pushKey } from './flows.ts'
import { readHealth } from './health.ts'
import { firstContact, identityAtConnect, type AnnouncedUuid } from './identity.ts'
import { KeySites, type CheckedSites } from './key-sites.ts'
import { probeNetworkFit } from './network.ts'
import { HomeAssistantFailure, type HaConsoleRef } from './types.ts'

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
  const binding = createBinding({ settings, network, announced })

  const find = (id: string): HomeAssistantRecord => {
    const found = settings.listHomeAssistants().find((h) => h.id === id)
    if (!found) throw new KeywardFailure('not-found', 'Keyward is not connected to that Home Assistant any more.')
    return found
  }

  /** HA instances whose stored token was refused during background reads (until connected again). */
  const refusedTokens = new Set<string>()

  /** The token goes out only after the binding agrees (binding.ts), pinned when https. */
  const open = async (stored: HomeAssistantRecord): Promise<HomeAssistantClient> => {
    const record = await binding.guard(stored)
    const token = await vault.get(record.tokenRef)
    if (!token)
      throw new KeywardFailure(
        'keychain-unavailable',
        'The Home Assistant token is missing from the keychain; connect to Home Assistant again.',
      )
    const tls = tlsOf(record)
    return connectHomeAssistant({
      url: record.url,
      token,
      ...(tls ? { tls } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    }).catch((error: unknown) => {
      if (tls && error instanceof KeywardFailure && error.code === 'certificate-changed')
        throw binding.certificateChanged(record)
      throw error
    })
  }

  /** HA's version as it is now: which Protect it accepts depends on it (requirements.ts, issue 14 §6). */
  const noteVersion = (record: HomeAssistantRecord, version: string | null) => {
    if (!version || version === record.version) return
    settings.saveHomeAssistants(settings.listHomeAssistants().map((h) => (h.id === record.id ? { ...h, version } : h)))
  }

  const consoleRef = (key: KeyRecord): HaConsoleRef => {
    const c = settings.listConsoles().find((r) => r.key === key.consoleKey)
    if (!c) throw new KeywardFailure('not-found', 'Keyward no longer knows the console of this key.')
    return { key: c.key, host: c.host, port: c.port, mac: c.mac, name: c.name }
  }

  const credentialsOf = async (key: KeyRecord) => {
    // The dedicated local user is exactly the account HA's "full" mode asks for.
    const password = key.passwordRef ? await vault.get(key.passwordRef) : null
    return password ? { username: key.username, password } : null
  }

  /** The UniFi app of a key; UISP tokens have no HA integration Keyward fills (home-assistant.md covers UniFi only). */
  const unifiApp = (key: KeyRecord): UnifiApp => {
    if (key.app === 'uisp')
      throw new KeywardFailure(
        'refused',
        'Keyward sends only UniFi keys to Home Assistant; copy the UISP token to where you use it.',
      )
    return key.app
  }

  const saveKey = (keyId: string, change: (k: KeyRecord) => KeyRecord) =>
    settings.saveKeys(settings.listKeys().map((k) => (k.id === keyId ? change(k) : k)))

  const labelOf = (key: KeyRecord) => consoleLabel(consoleRef(key))

  /**
   * What a Protect push to this HA may send (consent.ts): API-key-only by default where HA offers
   * it; the dedicated user's password only with the user's recorded consent — refused before any
   * flow request otherwise.
   */
  const protectPlan = async (
    key: KeyRecord,
    record: HomeAssistantRecord,
    haVersion: string | null,
    requested: 'full' | 'api_key' | undefined,
  ) => {
    const consent = findConsent(key, record)
    // A rotation keeps the mode the last push set up (full only where consent says it is in use).
    const mode = requested ?? (consent?.fullModeInUse ? 'full' : 'api_key')
    const needsPassword = mode === 'full' || !offersApiKeyOnly(haVersion)
    if (!needsPassword) return { mode, credentials: null, consent: null }
    const version = haVersion ?? 'of unknown version'
    if (!key.passwordRef) {
      throw new HomeAssistantFailure(
        'invalid-input',
        'needs_credentials',
        mode === 'full'
          ? 'Full mode needs a local user’s password, and this key was made as the signed-in admin, whose password Keyward never keeps. Use API-key-only mode.'
          : `Home Assistant ${version} needs a local username and password besides the key, and this key has no dedicated user. Update Home Assistant to 2026.9 or later (API-key-only mode), or use "Copy fields".`,
      )
    }
    if (!consent) {
      throw new HomeAssistantFailure(
        'refused',
        'consent_required',
        `${mode === 'full' ? 'Full mode' : `Home Assistant ${version}`} needs the password of “${key.username}”, the dedicated local user of ${labelOf(key)}, and you have not agreed to send it to ${record.url}. Nothing was sent.` +
          (offersApiKeyOnly(haVersion)
            ? ' Use API-key-only mode, or agree to send it first.'
            : ' Agree to send it first, or update Home Assistant to 2026.9 or later for API-key-only mode.'),
      )
    }
    return { mode, credentials: await credentialsOf(key), consent }
  }

  const keySites = new KeySites(settings, vault, options.timeoutMs)

  /** Pushes `secret` (the key's current or a rotated one) into HA. */
  const pushSecret = async (
    haId: string,
    key: KeyRecord,
    secret: string,
    opts: { requested?: 'full' | 'api_key'; siteId?: string; rotation?: boolean } = {},
  ): Promise<HaPushSummary> => {
    unifiApp(key)
    const record = find(haId)
    const ha = await open(record)
    try {
      noteVersion(record, ha.haVersion)
      ha.requireAdmin()
      const target = consoleRef(key)
      let result
      if (key.app === 'protect') {
        const plan = await protectPlan(key, record, ha.haVersion ?? record.version, opts.requested)
        result = await pushKey(ha, {
          app: 'protect',
          console: target,
          apiKey: secret,
          mode: plan.mode,
          credentials: plan.credentials,
          consent: plan.consent,
          credentialsAvailable: key.passwordRef !== null,
        })
        saveKey(key.id, (k) => noteMode(k, haId, result!.mode))
      } else if (key.app === 'access') {
        result = await pushKey(ha, { app: 'access', console: target, token: secret })
      } else {
        result = await pushKey(ha, {
          app: 'network',
          console: target,
          apiKey: secret,
          siteId: opts.siteId ?? null,
          preferConfigured: opts.rotation === true,
          sites: await keySites.read(key, secret),
        })
      }
      return {
        outcome: result.outcome,
        entryId: result.entryId,
        title: result.title,
        entryState: result.entryState,
        haVersion: result.haVersion,
        message: result.message,
        mode: result.mode,
        ...(result.sites ? { sites: result.sites.map((s) => ({ id: s.id, name: s.name })) } : {}),
      }
    } finally {
      ha.close()
    }
  }

  return {
    /**
     * First contact without the token (identity.ts): https with a certificate no CA vouches
     * for fails `certificate-unconfirmed` with its fingerprint until the user confirms it
     * (`sha256`); then the token goes only over that pin. Plain http connects with a warning.
     */
    async connect(input: { url: string; token: string; sha256?: string }): Promise<HaSummary> {
      const base = normalizeBaseUrl(input.url)
      // Connecting again to a pinned HA needs no new confirmation while its certificate is the same one.
      const known = settings.listHomeAssistants().find((h) => h.url === base.origin)?.certificateSha256 ?? undefined
      const contact = await firstContact(base, input.sha256 ?? known, options.timeoutMs).catch((error: unknown) => {
        if (error instanceof KeywardFailure && (error.code === 'unreachable' || error.code === 'timeout')) {
          throw new HomeAssistantFailure(
            error.code,
            'ha_unreachable',
            `Home Assistant at ${base.origin} did not answer: ${error.message}`,
            error.detail,
          )
        }
        throw error
      })
      const pin = contact.trust === 'pin' ? contact.certificate!.sha256.toUpperCase() : null
      const ha = await connectHomeAssistant({
        url: input.url,
        token: input.token,
        ...(pin ? { tls: { pin } } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      })
      try {
        const info = ha.info!
        ha.requireAdmin()
        const url = info.base.origin
        const existing = settings.listHomeAssistants().find((h) => h.url === url)
        const id = existing?.id ?? randomUUID()
        const tokenRef = existing?.tokenRef ?? `ha-token:${id}`
        const identity = await identityAtConnect(base, contact, announced, network())
        await vault.set(tokenRef, input.token) // keychain first: nothing is saved if it refuses
        const record: HomeAssistantRecord = {
          id,
          url,
          version: info.version,
          locationName: info.locationName,
          tokenRef,
          addedAt: existing?.addedAt ?? new Date().toISOString(),
          certificateSha256: pin,
          identity,
          hold: null,
        }
        settings.saveHomeAssistants([...settings.listHomeAssistants().filter((h) => h.id !== id), record])
        refusedTokens.delete(id)
        return summary(record)
      } finally {
        ha.close()
      }
    },

    list: (): HaSummary[] => settings.listHomeAssistants().map(summary),

    /** "It's mine — continue": the user vouches for the HA at the stored address (binding.ts). */
    async resume(id: string, sha256?: string): Promise<HaSummary> {
      return summary(await binding.resume(find(id), sha256))
    },

    async forget(id: string): Promise<HaSummary[]> {
      const record = find(id)
      await vault.delete(record.tokenRef).catch(() => false)
      settings.saveHomeAssistants(settings.listHomeAssistants().filter((h) => h.id !== id))
      settings.saveKeys(
        settings.listKeys().map((k) => ({
          ...k,
          pushedTo: k.pushedTo.filter((h) => h !== id),
          haHealth: k.haHealth?.haId === id ? null : k.haHealth,
          ...(k.haConsents ? { haConsents: k.haConsents.filter((c) => c.haId !== id) } : {}),
        })),
      )
      return settings.listHomeAssistants().map(summary)
    },

    /** Puts a key into HA's integration for its app (new entry, reconfigure or pending reauth). */
    async push(
      keyId: string,
      haId: string,
      choice: { mode?: 'full' | 'api_key'; siteId?: string } = {},
    ): Promise<HaPushSummary> {
      const key = settings.listKeys().find((k) => k.id === keyId)
      if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
      const secret = await vault.get(key.keyRef)
      if (!secret) throw new KeywardFailure('not-found', `The keychain no longer holds “${key.name}”.`)
      // A user's push asks for API-key-only unless they chose full mode (consent.ts).
      const result = await pushSecret(haId, key, secret, {
        ...(key.app === 'protect' ? { requested: choice.mode ?? 'api_key' } : {}),
        ...(choice.siteId ? { siteId: choice.siteId } : {}),
      })
      if (result.outcome !== 'not-applicable' && result.outcome !== 'choose-site') {
        settings.saveKeys(
          settings
            .listKeys()
            .map((k) => (k.id === keyId ? { ...k, pushedTo: [...new Set([...k.pushedTo, haId])] } : k)),
        )
      }
      return result
    },

    /** How a Protect key can go to this HA: modes, what full mode adds and costs, the consent sentence. */
    pushOptions(keyId: string, haId: string): HaPushOptions {
      const key = settings.listKeys().find((k) => k.id === keyId)
      if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
      unifiApp(key)
      return pushOptions(key, find(haId), labelOf(key))
    },

    /**
     * Records the user's consent to send the key's dedicated user's password to this HA, after
     * checking `sentence` is exactly what Keyward shows now (who, what, where, when are kept).
     */
    consent(keyId: string, haId: string, sentence: string, now: Date = new Date()): HaConsent {
      const key = settings.listKeys().find((k) => k.id === keyId)
      if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
      const record = find(haId)
      const updated = recordConsent(key, record, labelOf(key), sentence, now)
      saveKey(keyId, () => updated)
      return findConsent(updated, record)!
    },

    /** Rotation hand-over: every HA this key was pushed into gets the new secret first. */
    async handOver(key: KeyRecord, secret: string): Promise<void> {
      for (const haId of key.pushedTo) {
        const result = await pushSecret(haId, key, secret, { rotation: true })
        // Several of the key's sites have entries in HA and none can be picked for the user: throwing
        // aborts the rotation (the old key keeps working) rather than leaving HA with a revoked key.
        if (result.outcome === 'choose-site') {
          throw new KeywardFailure(
            'refused',
            `Home Assistant at ${find(haId).url} uses this key for more than one UniFi Network site, so Keyward cannot hand a rotated key over to just one. The old key was kept; make a new key and send it to each site instead.`,
          )
        }
      }
    },

    /**
     * Before minting: can this HA take a key for `app`? Only UniFi Network is asked (home-assistant.md §3.2:
     * the `unifi` API-key mode is detected by its menu, so a probe flow is opened and deleted); Protect and
     * Access keys fit every HA Keyward supports (their version checks live in requirements.ts / flows.ts).
     */
    async fit(haId: string, app: UnifiApp): Promise<HaFit> {
      const record = find(haId)
      if (app !== 'network') return { app, fit: 'ready', haVersion: record.version, message: '' }
      const ha = await open(record)
      try {
        noteVersion(record, ha.haVersion)
        const probe = await probeNetworkFit(ha)
        return { app, fit: probe.fit, haVersion: ha.haVersion, message: probe.message }
      } finally {
        ha.close()
      }
    },

    /** The fields to fill by hand in HA (the key itself is copied separately). */
    async copyFields(keyId: string, haId?: string): Promise<CopyFieldsPlan> {
      const key = settings.listKeys().find((k) => k.id === keyId)
      if (!key) throw new KeywardFailure('not-found', 'That key is no longer on record.')
      const ha = haId ? find(haId) : settings.listHomeAssistants()[0]
      // The mode a push to this HA would use: API-key-only where HA offers it, the full setup only where the
      // user chose it (consent.ts). The password is never read here (the user copies it with keys.copyPassword).
      const credentials = key.passwordRef ? { username: key.username, password: '' } : null
      const mode = ha && findConsent(key, ha)?.fullModeInUse ? 'full' : 'auto'
      const plan = copyFields({
        app: unifiApp(key),
        console: consoleRef(key),
        secret: null,
        credentials,
        haVersion: ha?.version ?? null,
        haUrl: ha?.url ?? null,
        mode,
      })
      // Secrets never travel with the plan: the user copies them with "Copy" (auto-clearing).
      return { ...plan, fields: plan.fields.map((f) => (f.secret ? { ...f, value: '' } : f)) }
    },

    /** HA's view of each pushed key's entry; errors leave the previous view in place. */
    async health(keys: KeyRecord[], checked?: CheckedSites): Promise<Map<string, HaKeyHealth>> {
      const out = new Map<string, HaKeyHealth>()
      for (const record of settings.listHomeAssistants()) {
        const mine = keys.filter((k) => k.pushedTo.includes(record.id) && k.app !== 'uisp')
        if (mine.length === 0) continue
        const tokenRefused = (): void => {
          const message = `Home Assistant at ${record.url} refused Keyward’s access token, so Keyward cannot see how it uses this key. Connect to it again with a new long-lived token; until then Keyward does not ask (HA counts every refusal as a failed login).`
          for (const k of mine)
            out.set(k.id, {
              haId: record.id,
              signal: 'error',
              keyProblem: false,
              message,
              checkedAt: new Date().toISOString(),
            })
        }
        // One refusal per token and run: HA raises a notice for every failed login and may ban the address (§4).
        if (refusedTokens.has(record.id)) {
          tokenRefused()
          continue
        }
        let ha: HomeAssistantClient | null = null
        try {
          ha = await open(record)
          noteVersion(record, ha.haVersion)
          for (const app of [...new Set(mine.map((k) => k.app))]) {
            const ofApp = mine.filter((k) => k.app === app)
            const refs = [...new Map(ofApp.map((k) => [k.consoleKey, consoleRef(k)])).values()]
            // UniFi Network entries are found by the site UUIDs the key sees, read as HA reads them (§3.2).
            if (app === 'network')
              for (const ref of refs)
                ref.siteIds = await keySites.idsOf(
                  ofApp.filter((k) => k.consoleKey === ref.key),
                  checked,
                )
            const report = await readHealth(ha, DOMAIN_FOR_APP[app as UnifiApp], refs)
            for (const entry of report.consoles) {
              for (const k of ofApp.filter((x) => x.consoleKey === entry.consoleKey)) {
                out.set(k.id, {
                  haId: record.id,
                  signal: entry.signal,
                  keyProblem: entry.keyProblem,
                  message: entry.message,
                  checkedAt: new Date().toISOString(),
                })
              }
            }
          }
        } catch (error) {
          if (error instanceof HaHeldFailure) {
            // Nothing was sent: say so on each key until the identity checks out or the user continues.
            const message = `Keyward paused its checks of Home Assistant at ${record.url}: ${error.hold.message}`
            for (const k of mine)
              out.set(k.id, {
                haId: record.id,
                signal: 'error',
                keyProblem: false,
                message: message.slice(0, 600),
                checkedAt: new Date().toISOString(),
              })
          } else if (error instanceof KeywardFailure && error.code === 'invalid-credentials') {
            refusedTokens.add(record.id)
            tokenRefused()
          }
          // HA unreachable: no new view this sweep.
        } finally {
          ha?.close()
        }
      }
      return out
    },
  }
}

export type HomeAssistantService = ReturnType<typeof createHomeAssistantService>
