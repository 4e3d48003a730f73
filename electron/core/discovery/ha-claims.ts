// Two mDNS announcers of one Home Assistant uuid (discovery.md §6: mDNS is unauthenticated,
// "flag two sources that claim one uuid"). A claim from another source address than the
// card that holds the uuid gets a card of its own (`ha:<uuid>@<source>`): both are shown and
// flagged, never merged, so a card's connect target never moves to a spoofer. The holder's
// own addresses count as its own (a multi-homed HA announces from each).
import type { HomeAssistantDetails, InventoryItem } from '../../../shared/inventory.ts'
import type { Card } from './card.ts'

export function haCardId(cards: Map<string, Card>, details: HomeAssistantDetails): string {
  if (!details.uuid) return `mdns:${details.fqdn.toLowerCase()}`
  const base = `ha:${details.uuid}`
  const holder = cards.get(base)
  const source = details.source
  if (!holder?.ha?.source || !source || holder.ha.source === source || holder.haAddresses.includes(source)) return base
  return `${base}@${source}`
}

/** Whether a sighting or goodbye from `source` speaks for this card (unknown source: any card, as before). */
export function fromSource(card: Card, source: string | null): boolean {
  if (source === null || !card.ha?.source) return true
  return card.ha.source === source || card.haAddresses.includes(source)
}

/** Every card claiming `uuid` names the other sources that claim it too. */
export function flagUuidClaims(cards: Map<string, Card>, uuid: string): void {
  const claims = [...cards.values()].filter((c) => c.ha?.uuid === uuid)
  for (const card of claims) {
    const others = claims
      .filter((c) => c !== card)
      .map((c) => c.ha!.source ?? c.id)
      .slice(0, 8)
    card.ha = { ...card.ha!, sameUuidElsewhere: others }
    card.view = null
  }
}

/**
 * The uuid a Home Assistant announced from one of `addresses` (the packet's source, never
 * an address named inside the announcement), lower-case; null when none did.
 */
export function announcedHaUuid(items: InventoryItem[], addresses: string[]): string | null {
  for (const item of items) {
    const ha = item.homeAssistant
    if (item.kind === 'home-assistant' && ha?.uuid && ha.source && addresses.includes(ha.source))
      return ha.uuid.toLowerCase()
  }
  return null
}
