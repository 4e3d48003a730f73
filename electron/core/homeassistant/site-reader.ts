// The UniFi Network sites a key sees, read from its console with the key (pinned, unifi/verify.ts
// `fetchNetworkSites`) the way HA's `unifi` API-key mode will read them (home-assistant.md §3.2).
// State: the site UUIDs each key was last seen to reach, in memory, so a revoked key that can no
// longer list them still finds its entries for the health view.
import type { KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { knownConsole } from '../console/known.ts'
import type { Settings } from '../settings/settings.ts'
import { fetchNetworkSites } from '../unifi/verify.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { NetworkSite } from './types.ts'

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
    const found = await fetchSites(knownConsole(c), secret, {
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    })
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

  /** The site UUIDs these keys see (else the last ones seen), so health can find their `unifi` entries. */
  async function siteIdsOf(keys: KeyRecord[]): Promise<string[]> {
    const ids = new Set<string>()
    for (const key of keys) {
      const secret = await vault.get(key.keyRef).catch(() => null)
      try {
        if (!secret) throw new Error('no secret')
        await sitesOf(key, secret)
      } catch {
        // The key watch reports a refused or unreachable key itself; keep what it last reached.
      }
      for (const id of lastSites.get(key.id) ?? []) ids.add(id)
    }
    return [...ids]
  }

  return { sitesOf, siteIdsOf }
}

export type SiteReader = ReturnType<typeof createSiteReader>
