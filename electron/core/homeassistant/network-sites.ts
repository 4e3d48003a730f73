// Which UniFi Network site a push is for, and which `unifi` entry is that site's (home-assistant.md §3.2,
// §1.6): an entry's unique_id is the Integration-API site UUID, found through the service device
// ["unifi", <uuid>] in the device registry or a pending reauth's context — never by title.
import { KeywardFailure } from '../../../shared/result.ts'
import type { DomainSnapshot, PendingReauth } from './entries.ts'
import { NETWORK_DOMAIN } from './network-fit.ts'
import type { HaEntry, NetworkSite } from './types.ts'

/** The entry whose unique_id is this site's UUID: its service device, or a pending reauth (§1.6). */
export function entryForSite(
  snapshot: DomainSnapshot,
  siteId: string,
): { entry: HaEntry | null; reauth: PendingReauth | null } {
  const device = snapshot.devices.find((d) => d.identifiers.some(([k, v]) => k === NETWORK_DOMAIN && v === siteId))
  const byId = (id: string | null | undefined) => snapshot.entries.find((e) => e.entry_id === id) ?? null
  const entry = device ? (device.config_entries.map(byId).find((e) => e !== null) ?? null) : null
  const reauth =
    snapshot.reauths.find((r) => r.uniqueId === siteId || (entry !== null && r.entryId === entry.entry_id)) ?? null
  return { entry: entry ?? byId(reauth?.entryId), reauth }
}

/** Health: the `unifi` entry (and pending reauth) of the first of `siteIds` HA has one for. */
export function matchNetworkSites(
  snapshot: DomainSnapshot,
  siteIds: readonly string[],
  /** The entry ids HA answered earlier pushes with: the link when HA shows no device (entries.ts). */
  entryIds: readonly string[] = [],
): { entry: HaEntry | null; reauth: PendingReauth | null } {
  for (const id of siteIds) {
    const found = entryForSite(snapshot, id)
    if (found.entry || found.reauth) return found
  }
  const pushed = snapshot.entries.find((e) => entryIds.includes(e.entry_id)) ?? null
  return {
    entry: pushed,
    reauth: pushed ? (snapshot.reauths.find((r) => r.entryId === pushed.entry_id) ?? null) : null,
  }
}

/** What the site choice reads of a push. */
export interface SiteRequest {
  sites: NetworkSite[]
  siteId?: string | null
  preferConfigured?: boolean
}

/** The chosen site, the only one, or on a rotation the one HA has an entry for; null: ask the user. */
export function chooseSite(req: SiteRequest, snapshot: DomainSnapshot): NetworkSite | null {
  if (req.siteId) {
    const chosen = req.sites.find((s) => s.id === req.siteId)
    if (!chosen)
      throw new KeywardFailure(
        'invalid-input',
        'The key does not see that UniFi Network site (any more). Send it again and choose one of the sites listed.',
      )
    return chosen
  }
  if (req.sites.length === 1) return req.sites[0]!
  if (req.preferConfigured) {
    const configured = req.sites.filter((s) => entryForSite(snapshot, s.id).entry !== null)
    if (configured.length === 1) return configured[0]!
  }
  return null
}
