// The UniFi Network sites a key sees, read from its console with the key (pinned, unifi/verify.ts
// `fetchNetworkSites`) the way HA's `unifi` API-key mode will read them (home-assistant.md §3.2).
// State: the site UUIDs each key was last seen to reach, in memory, so a revoked key that can no
// longer list them still finds its entries for the health view.
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

export interface SiteReaderOptions {
  settings: Settings
  vault: SecretStore
  timeoutMs?: number
  /** The sites call (default unifi/verify.ts `fetchNetworkSites`). */
  fetchSites?: typeof fetchNetworkSites
}

export function createSiteReader(options: SiteReaderOptions) {
  const { settings, vault } = options
  const fetchSites = options.fetchSites ?? fetchNetworkSites
  const lastSites = new Map<string, string[]>()

  /** The sites `secret` sees on the key's console; a refusal or an unreachable console sends nothing to HA. */
  async function sitesOf(key: KeyRecord, secret: string): Promise<NetworkSite[]> {
    const c = settings.listConsoles().find((r) => r.key === key.consoleKey)
    if (!c) throw new KeywardFailure('not-found', 'Keyward no longer knows the console of this key.')
    // HA reads these sites right after, once and without a retry (unifi-os.md §5.2): when this read spent
    // the key user's budget (`RateLimit` r=0, §5.1), wait for its reset (at most 5 s) so HA is not refused.
    let resetMs = 0
    const found = await fetchSites(knownConsole(c), secret, {
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      onReply: (_, reply) => {
        for (const p of parseRateLimit(reply.headers))
          if (p.remaining !== null && p.remaining <= 0)
            resetMs = Math.max(resetMs, Math.min(5, p.resetSeconds ?? p.windowSeconds ?? 1) * 1000)
      },
    })
    if (resetMs > 0) await new Promise((resolve) => setTimeout(resolve, resetMs))
    if ('sites' in found) {
      lastSites.set(
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

  /** What it last reached stands when the key is refused or unreachable: the key watch reports that itself. */
  async function refresh(key: KeyRecord): Promise<void> {
    const secret = await vault.get(key.keyRef).catch(() => null)
    if (secret) await sitesOf(key, secret).catch(() => undefined)
  }

  /**
   * The site UUIDs these keys see (else the last ones seen), so health can find their `unifi` entries.
   * Keys in `checked` are not read again: a sweep's check just read their sites (or failed before it
   * could, when the last ones seen stand).
   */
  async function siteIdsOf(keys: KeyRecord[], checked?: CheckedSites): Promise<string[]> {
    const ids = new Set<string>()
    for (const key of keys) {
      const fromCheck = checked?.get(key.id)
      if (fromCheck) lastSites.set(key.id, [...fromCheck])
      else if (fromCheck === undefined) await refresh(key)
      for (const id of lastSites.get(key.id) ?? []) ids.add(id)
    }
    return [...ids]
  }

  return { sitesOf, siteIdsOf }
}

export type SiteReader = ReturnType<typeof createSiteReader>
