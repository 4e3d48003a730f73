// The Home Assistants Keyward is connected to: connect (first contact without the token, then the
// token over the pin), list, resume a hold, forget, and open a client for a stored one. The token goes
// out only after the binding agrees (binding.ts). State: the records in settings, the tokens in the
// keychain, and in memory the HAs whose token was refused during background reads.
import { randomUUID } from 'node:crypto'
import type { HaSummary, HomeAssistantRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { summaryOf, tlsOf, type Binding } from './binding.ts'
import { connectHomeAssistant, normalizeBaseUrl, onboardingState, type HomeAssistantClient } from './client.ts'
import { firstContact, identityAtConnect, type AnnouncedUuid, type FirstContact } from './identity.ts'
import { HomeAssistantFailure, type HaBaseUrl } from './types.ts'

export interface HaRegistryOptions {
  settings: Settings
  vault: SecretStore
  binding: Binding
  network: () => string
  announced: AnnouncedUuid
  timeoutMs?: number
}

export interface ConnectInput {
  url: string
  token: string
  sha256?: string
}

/** The connected Home Assistants and the one way to open a client for one (see above). */
export class HaRegistry {
  /** HA instances whose stored token was refused during background reads (until connected again). */
  readonly #refusedTokens = new Set<string>()
  readonly #timeout: { timeoutMs?: number }

  constructor(private readonly options: HaRegistryOptions) {
    this.#timeout = options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}
  }

  find(id: string): HomeAssistantRecord {
    const found = this.options.settings.listHomeAssistants().find((h) => h.id === id)
    if (!found) throw new KeywardFailure('not-found', 'Keyward is not connected to that Home Assistant any more.')
    return found
  }

  /** The token goes out only after the binding agrees (binding.ts), pinned when https. */
  async open(stored: HomeAssistantRecord): Promise<HomeAssistantClient> {
    const { binding, vault } = this.options
    const record = await binding.guard(stored)
    const token = await vault.get(record.tokenRef)
    if (!token)
      throw new KeywardFailure(
        'keychain-unavailable',
        'The Home Assistant token is missing from the keychain; connect to Home Assistant again.',
      )
    const tls = tlsOf(record)
    return connectHomeAssistant({ url: record.url, token, ...(tls ? { tls } : {}), ...this.#timeout }).catch(
      (error: unknown) => {
        if (tls && error instanceof KeywardFailure && error.code === 'certificate-changed')
          throw binding.certificateChanged(record)
        throw error
      },
    )
  }

  /** HA's version as it is now: which Protect it accepts depends on it (requirements.ts, issue 14 §6). */
  noteVersion(record: HomeAssistantRecord, version: string | null): void {
    if (!version || version === record.version) return
    const { settings } = this.options
    settings.saveHomeAssistants(settings.listHomeAssistants().map((h) => (h.id === record.id ? { ...h, version } : h)))
  }

  /**
   * First contact without the token (identity.ts): https with a certificate no CA vouches
   * for fails `certificate-unconfirmed` with its fingerprint until the user confirms it
   * (`sha256`); then the token goes only over that pin. Plain http connects with a warning.
   */
  async connect(input: ConnectInput): Promise<HaSummary> {
    const base = normalizeBaseUrl(input.url)
    // Connecting again to a pinned HA needs no new confirmation while its certificate is the same one.
    const known =
      this.options.settings.listHomeAssistants().find((h) => h.url === base.origin)?.certificateSha256 ?? undefined
    const seen = await this.#contact(base, input.sha256 ?? known)
    const pin = seen.trust === 'pin' ? seen.certificate!.sha256.toUpperCase() : null
    await this.#requireOnboarded(base, pin)
    const ha = await connectHomeAssistant({
      url: input.url,
      token: input.token,
      ...(pin ? { tls: { pin } } : {}),
      ...this.#timeout,
    })
    try {
      ha.requireAdmin()
      return summaryOf(await this.#remember(ha, input, base, seen, pin))
    } finally {
      ha.close()
    }
  }

  list(): HaSummary[] {
    return this.options.settings.listHomeAssistants().map(summaryOf)
  }

  /** "It's mine — continue": the user vouches for the HA at the stored address (binding.ts). */
  async resume(id: string, sha256?: string): Promise<HaSummary> {
    return summaryOf(await this.options.binding.resume(this.find(id), sha256))
  }

  /** Drops the HA, its token, and what the keys recorded about it (pushes, health, consents). */
  async forget(id: string): Promise<HaSummary[]> {
    const { settings, vault } = this.options
    const record = this.find(id)
    await vault.delete(record.tokenRef).catch(() => false)
    settings.saveHomeAssistants(settings.listHomeAssistants().filter((h) => h.id !== id))
    settings.saveKeys(
      settings.listKeys().map((k) => ({
        ...k,
        pushedTo: k.pushedTo.filter((h) => h !== id),
        haHealth: k.haHealth?.haId === id ? null : k.haHealth,
        ...(k.haEntries
          ? { haEntries: Object.fromEntries(Object.entries(k.haEntries).filter(([h]) => h !== id)) }
          : {}),
        ...(k.haConsents ? { haConsents: k.haConsents.filter((c) => c.haId !== id) } : {}),
      })),
    )
    return settings.listHomeAssistants().map(summaryOf)
  }

  /**
   * Whether this HA refused its stored token during background reads: not asked again until the user
   * connects anew (one refusal per token and run: HA raises a notice for every failed login and may ban, §4).
   */
  tokenRefused(id: string): boolean {
    return this.#refusedTokens.has(id)
  }

  markTokenRefused(id: string): void {
    this.#refusedTokens.add(id)
  }

  /** First contact, without the token; an unreachable HA is named as such. */
  #contact(base: HaBaseUrl, sha256: string | undefined): Promise<FirstContact> {
    return firstContact(base, sha256, this.options.timeoutMs).catch((error: unknown) => {
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
  }

  /**
   * home-assistant.md §5: a fresh HA (onboarding `user` step not done) has no users and so no tokens;
   * any token would be refused and counted as a failed login. Asked without the token, over the pin;
   * an unreadable answer ('unknown', or an error) lets the connect go on as before.
   */
  async #requireOnboarded(base: HaBaseUrl, pin: string | null): Promise<void> {
    const state = await onboardingState(base.origin, {
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(pin ? { tls: { pin } } : {}),
    }).catch(() => 'unknown' as const)
    if (state !== 'pending') return
    throw new HomeAssistantFailure(
      'refused',
      'ha_unavailable',
      `Home Assistant at ${base.origin} has not finished its first-time setup, so it has no users and no access tokens yet. ` +
        `Open ${base.origin} in a browser, create the owner account, then make a long-lived access token (your profile → Security) and connect again. Keyward did not send the token.`,
      'onboarding: user step not done',
    )
  }

  /** Saves the record of an HA that accepted the token (keychain first: nothing is saved if it refuses). */
  async #remember(
    ha: HomeAssistantClient,
    input: ConnectInput,
    base: HaBaseUrl,
    seen: FirstContact,
    pin: string | null,
  ): Promise<HomeAssistantRecord> {
    const { settings, vault } = this.options
    const info = ha.info!
    const url = info.base.origin
    const existing = settings.listHomeAssistants().find((h) => h.url === url)
    const id = existing?.id ?? randomUUID()
    const tokenRef = existing?.tokenRef ?? `ha-token:${id}`
    const identity = await identityAtConnect(base, seen, this.options.announced, this.options.network())
    await vault.set(tokenRef, input.token)
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
    this.#refusedTokens.delete(id)
    return record
  }
}
