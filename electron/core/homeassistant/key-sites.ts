// The UniFi Network sites a key sees, read from its console with the key (pinned) as HA reads them
// (home-assistant.md §3.2, unifi-os.md §5.2), and the site UUIDs each key was last seen to reach, so HA's
// health can find a key's `unifi` entries even after the key was revoked.
import type { KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { knownConsole } from '../console/known.ts'
import { parseRateLimit } from '../net/ratelimit.ts'
import type { Settings } from '../settings/settings.ts'
import { fetchNetworkSites } from '../unifi/verify.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { NetworkSite } from './types.ts'

/** Keys a sweep just checked → the site ids that check read (null: it read none). */
export type CheckedSites = ReadonlyMap<string, readonly string[] | null>

export class KeySites {
  /** Site UUIDs each Network key was last seen to reach (in memory): a revoked key can no longer list them. */
  readonly #last = new Map<string, string[]>()

  constructor(
    private readonly settings: Settings,
    private readonly vault: SecretStore,
    private readonly timeoutMs?: number,
  ) {}

  /** The sites the key sees now (remembered); a refused key or no answer fails in plain words. */
  async read(key: KeyRecord, secret: string): Promise<NetworkSite[]> {
    const c = this.settings.listConsoles().find((r) => r.key === key.consoleKey)
    if (!c) throw new KeywardFailure('not-found', 'Keyward no longer knows the console of this key.')
    // HA reads these sites right after, once and without a retry (unifi-os.md §5.2): when this read spent
    // the key user's budget (`RateLimit` r=0, §5.1), wait for its reset (at most 5 s) so HA is not refused.
    let resetMs = 0
    const found = await fetchNetworkSites(knownConsole(c), secret, {
      ...(this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}),
      onReply: (_, reply) => {
        for (const p of parseRateLimit(reply.headers))
          if (p.remaining !== null && p.remaining <= 0)
            resetMs = Math.max(resetMs, Math.min(5, p.resetSeconds ?? p.windowSeconds ?? 1) * 1000)
      },
    })
    if (resetMs > 0) await new Promise((resolve) => setTimeout(resolve, resetMs))
    if ('sites' in found) {
      this.#last.set(
        key.id,
        found.sites.map((s) => s.id),
      )
      return found.sites
    }
    if (found.status === 401)
      throw new KeywardFailure(
        'invalid-credentials',
        'UniFi Network refused this key when Keyward listed its sites: it was revoked or made on another console. Nothing was sent to Home Assistant.',
      )
    throw new KeywardFailure(
      'unreachable',
      `Keyward could not list the key's UniFi Network sites, so nothing was sent to Home Assistant: ${found.message}`,
    )
  }

  /**
   * The site UUIDs these keys see (else the last ones seen). Keys in `checked` are not read again: a sweep's
   * check just read their sites (or failed before it could, when the last ones seen stand).
   */
  async idsOf(keys: KeyRecord[], checked?: CheckedSites): Promise<string[]> {
    const ids = new Set<string>()
    for (const key of keys) {
      const fromCheck = checked?.get(key.id)
      if (fromCheck) this.#last.set(key.id, [...fromCheck])
      else if (fromCheck === undefined) await this.#refresh(key)
      for (const id of this.#last.get(key.id) ?? []) ids.add(id)
    }
    return [...ids]
  }

  async #refresh(key: KeyRecord): Promise<void> {
    const secret = await this.vault.get(key.keyRef).catch(() => null)
    try {
      if (!secret) throw new Error('no secret')
      await this.read(key, secret)
    } catch {
      // The key watch reports a refused or unreachable key itself; keep what it last reached.
    }
  }
}
