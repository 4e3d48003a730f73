// What the Devices tab shows of the inventory (pure, unit-tested): the groups in
// the order people act on them (consoles, Home Assistant, UISP servers, then
// everything else compactly by model), the summary line of a scan, and titles
// that do not change under the user's eyes.
import { addressKey } from '../../../shared/format.ts'
import type { InventoryApp, InventoryItem, InventoryKind } from '../../../shared/inventory.ts'

export interface OtherGroup {
  /** The model (or kind) the devices share. */
  label: string
  items: InventoryItem[]
}

export interface DeviceGroups {
  /** Consoles and video recorders: both run UniFi OS and keep their own keys. */
  consoles: InventoryItem[]
  homeAssistants: InventoryItem[]
  uispServers: InventoryItem[]
  others: OtherGroup[]
}

export const APP_NAME: Record<InventoryApp, string> = { protect: 'Protect', network: 'Network', access: 'Access' }

const KIND_WORD: Record<InventoryKind, string> = {
  console: 'Console',
  nvr: 'Video recorder',
  device: 'Device',
  'uisp-server': 'UISP server',
  'home-assistant': 'Home Assistant',
}

export function groupInventory(items: readonly InventoryItem[]): DeviceGroups {
  const groups: DeviceGroups = { consoles: [], homeAssistants: [], uispServers: [], others: [] }
  const byModel = new Map<string, InventoryItem[]>()
  for (const item of items) {
    if (item.kind === 'console' || item.kind === 'nvr') groups.consoles.push(item)
    else if (item.kind === 'home-assistant') groups.homeAssistants.push(item)
    else if (item.kind === 'uisp-server') groups.uispServers.push(item)
    else {
      const label = item.productName ?? item.model ?? 'Other devices'
      byModel.set(label, [...(byModel.get(label) ?? []), item])
    }
  }
  groups.others = [...byModel.entries()]
    .map(([label, list]) => ({ label, items: list }))
    .sort((a, b) => b.items.length - a.items.length || a.label.localeCompare(b.label))
  return groups
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/** "3 consoles, 32 devices, 1 UISP server, 1 Home Assistant": the kinds found, consoles first. */
export function foundCounts(items: readonly InventoryItem[]): string {
  const g = groupInventory(items)
  const devices = g.others.reduce((n, o) => n + o.items.length, 0)
  const parts = [
    g.consoles.length > 0 ? plural(g.consoles.length, 'console', 'consoles') : null,
    devices > 0 ? plural(devices, 'device', 'devices') : null,
    g.uispServers.length > 0 ? plural(g.uispServers.length, 'UISP server', 'UISP servers') : null,
    g.homeAssistants.length > 0 ? plural(g.homeAssistants.length, 'Home Assistant', 'Home Assistants') : null,
  ]
  return parts.filter((p): p is string => p !== null).join(', ')
}

/** Where the wizard signs in to a console: its HTTPS address as `host:port`, or null without one. */
export function consoleKey(item: InventoryItem): string | null {
  return item.address ? addressKey(item.address, item.httpsPort ?? 443) : null
}

/** A title for a card that has no name yet: clearly a stand-in ("UDMPRO at 10.0.0.1"). */
export function placeholderTitle(item: InventoryItem): string {
  const what = item.model ?? KIND_WORD[item.kind]
  return item.address ? `${what} at ${item.address}` : `Unnamed ${what.toLowerCase()}`
}

export interface ShownTitle {
  title: string
  /** The title came from a real name (not a stand-in). */
  named: boolean
}

/**
 * Titles stay what they were first shown as (issue 17: "names do not change under the user's
 * eyes"): a card first shown under a stand-in takes its real name when one arrives, once; a card
 * shown under a name keeps it, and a different name arriving later (the console's own name after
 * the discovery hostname) is shown in its details (`laterName`). Cards that left are forgotten.
 */
export function stableTitles(
  shown: ReadonlyMap<string, ShownTitle>,
  items: readonly InventoryItem[],
): Map<string, ShownTitle> {
  const next = new Map<string, ShownTitle>()
  for (const item of items) {
    const before = shown.get(item.id)
    if (before?.named) next.set(item.id, before)
    else if (item.name) next.set(item.id, { title: item.name, named: true })
    else next.set(item.id, before ?? { title: placeholderTitle(item), named: false })
  }
  return next
}

/** A name the card got after its title was fixed, when it differs; null otherwise. */
export function laterName(item: InventoryItem, shown: ShownTitle | undefined): string | null {
  return item.name && shown && item.name !== shown.title ? item.name : null
}
