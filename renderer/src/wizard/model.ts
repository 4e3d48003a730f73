// Pure helpers of the setup wizard: step order, app wording, the console cards
// of the Find step (inventory + consoles Keyward already knows), name checks.
import type { ConsoleProbe, ConsoleRecord, UnifiApp } from '../../../shared/domain.ts'
import type { DiscoveryMethod, InventoryItem } from '../../../shared/inventory.ts'
import { APP_NAMES, appName, appShort } from '../../../shared/labels.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { addressKey } from '../../../shared/format.ts'

/** `cleanup`: removing what a failed or wrong-host run made, on its own screen (Cleanup.tsx). */
export type WizardStep = 'goal' | 'find' | 'trust' | 'signin' | 'plan' | 'run' | 'cleanup' | 'done'

/** What the step indicator shows; `done` and `cleanup` share the last entry with `run`. */
export const STEPS: { step: WizardStep; label: string }[] = [
  { step: 'goal', label: 'App' },
  { step: 'find', label: 'Console' },
  { step: 'trust', label: 'Certificate' },
  { step: 'signin', label: 'Sign in' },
  { step: 'plan', label: 'Plan' },
  { step: 'run', label: 'Key' },
]

export const stepIndex = (step: WizardStep) =>
  step === 'done' ? STEPS.length : STEPS.findIndex((s) => s.step === (step === 'cleanup' ? 'run' : step))

export interface AppChoice {
  app: UnifiApp
  name: string
  /** What the key is for, in one line. */
  purpose: string
  /** What Keyward makes: an API key, or an Access token. */
  credential: string
  /** Which Home Assistant integration takes it (home-assistant.md §2, §3). */
  haIntegration: string
}

export const APPS: AppChoice[] = [
  {
    app: 'protect',
    name: APP_NAMES.protect,
    credential: 'API key',
    purpose: 'Cameras, doorbells and sensors in Home Assistant.',
    haIntegration: 'Home Assistant: “UniFi Protect” (unifiprotect) takes this key.',
  },
  {
    app: 'network',
    name: APP_NAMES.network,
    credential: 'API key',
    purpose: 'Clients, devices and traffic from your gateway.',
    haIntegration:
      'Home Assistant: “UniFi Network” (unifi) takes it in its API-key mode (Home Assistant 2026.10 and later).',
  },
  {
    app: 'access',
    name: APP_NAMES.access,
    credential: 'Access token',
    purpose: 'Doors and readers; a token that expires when you choose.',
    haIntegration: 'Home Assistant: “UniFi Access” (unifi_access) takes an Access API token, not a console key.',
  },
]

export const appInfo = (app: UnifiApp): AppChoice => APPS.find((a) => a.app === app)!
/** "UniFi Protect" … and "Protect" …: the one formatter core and renderer share (shared/labels.ts). */
export { appName, appShort }

/** "Protect API key", "Network API key", "Access token". */
export const credentialOf = (app: UnifiApp) => (app === 'access' ? 'Access token' : `${appShort(app)} API key`)

/** A console's key as the core spells it: `host:port`, IPv6 in brackets. */

const FOUND_BY: Record<DiscoveryMethod, string> = {
  'ubnt-v1': 'UniFi discovery',
  'ubnt-v2': 'UniFi discovery',
  airos: 'airOS announcement',
  mdns: 'mDNS',
  https: 'HTTPS check',
  manual: 'Address you entered',
}

export type ProbeEntry =
  { status: 'running' } | { status: 'done'; result: ConsoleProbe } | { status: 'failed'; error: KeywardError }

/** One console on the Find step. */
export interface ConsoleCard {
  /** Stable React key: the inventory id, or `known:<key>`. */
  id: string
  /** Console key (`host:port`) to probe and sign in to; null when discovery has no address yet. */
  key: string | null
  name: string | null
  model: string | null
  productName: string | null
  mac: string | null
  /** Apps on this host: from Keyward's own check when there is one, else from discovery. */
  apps: UnifiApp[]
  /** False until something looked at the apps (discovery fingerprint or a probe). */
  appsKnown: boolean
  foundBy: string[]
  /** The retired self-hosted Network application: it has no local API keys (unifi-os.md §1). */
  unsupported: boolean
  nvr: boolean
}

const isConsole = (item: InventoryItem) => item.kind === 'console' || item.kind === 'nvr'

/**
 * discovery.md §5 "Group a console's VLAN addresses under one MAC": a console answers from every VLAN
 * address and names several MACs (UBNT 0x01 and 0x02, `/api/system`); discovery keeps them on one card.
 * A known console is that card when any of them matches, never only its first address or MAC.
 */
function sameConsole(item: InventoryItem, record: ConsoleRecord): boolean {
  const port = item.httpsPort ?? 443
  return (
    item.addresses.some((a) => addressKey(a, port) === record.key) ||
    (record.mac !== null && (item.mac === record.mac || item.macs.includes(record.mac)))
  )
}

export function buildCards(
  inventory: InventoryItem[],
  known: ConsoleRecord[],
  probes: Record<string, ProbeEntry>,
): ConsoleCard[] {
  const cards: ConsoleCard[] = []
  const claimed = new Set<string>()
  const probed = (key: string | null) => {
    const entry = key ? probes[key] : undefined
    return entry?.status === 'done' ? entry.result : null
  }
  const consoles = inventory.filter(isConsole)
  const keyOf = (item: InventoryItem) => (item.address ? addressKey(item.address, item.httpsPort ?? 443) : null)
  // A record some card has at its own address belongs to that card, whatever the order.
  const owned = new Set(consoles.map(keyOf))
  for (const item of consoles) {
    let key = keyOf(item)
    let record = known.find((k) => k.key === key)
    // The same console Keyward knows under another address (a typed name, another VLAN): one card,
    // Keyward's key. Matched only when the card's own address is not another known console (two
    // consoles behind one address on different ports stay two cards).
    if (!record) {
      record = known.find((k) => !claimed.has(k.key) && !owned.has(k.key) && sameConsole(item, k))
      if (record) key = record.key
    }
    if (key) claimed.add(key)
    const probe = probed(key)
    const apps = probe?.apps ?? record?.apps ?? item.apps
    cards.push({
      id: item.id,
      key,
      name: probe?.name ?? record?.name ?? item.name,
      model: probe?.model ?? record?.model ?? item.model,
      productName: item.productName,
      mac: probe?.mac ?? item.mac,
      apps: [...apps],
      appsKnown: probe !== null || record?.apps !== undefined || item.platform !== null,
      foundBy: [...new Set(item.foundBy.map((m) => FOUND_BY[m]))],
      unsupported: (probe?.kind ?? record?.kind ?? item.platform) === 'legacy-network',
      nvr: item.kind === 'nvr' || /NVR/i.test(item.model ?? ''),
    })
  }
  // Consoles Keyward checked (typed addresses, earlier runs) that discovery has not reported.
  for (const record of known) {
    if (claimed.has(record.key)) continue
    claimed.add(record.key)
    const probe = probed(record.key)
    cards.push({
      id: `known:${record.key}`,
      key: record.key,
      name: probe?.name ?? record.name,
      model: probe?.model ?? record.model,
      productName: null,
      mac: record.mac,
      apps: [...(probe?.apps ?? record.apps ?? [])],
      appsKnown: probe !== null || record.apps !== undefined,
      foundBy: [probes[record.key] ? 'Address you entered' : 'Checked before'],
      unsupported: record.kind === 'legacy-network',
      nvr: /NVR/i.test(record.model ?? ''),
    })
  }
  return cards
}

/** "12 UniFi devices, 1 Home Assistant": what else discovery found, for context. */
export function otherFinds(inventory: InventoryItem[]): string | null {
  const count = (kind: InventoryItem['kind']) => inventory.filter((i) => i.kind === kind).length
  const parts: string[] = []
  const devices = count('device')
  const uisp = count('uisp-server')
  const ha = count('home-assistant')
  if (devices) parts.push(`${devices} UniFi device${devices === 1 ? '' : 's'}`)
  if (uisp) parts.push(`${uisp} UISP server${uisp === 1 ? '' : 's'}`)
  if (ha) parts.push(`${ha} Home Assistant`)
  return parts.length ? parts.join(', ') : null
}

/** The same rule the contract applies to user and key names. */
export const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9 ._@-]*$/

export function nameProblem(value: string): string | null {
  const v = value.trim()
  if (v === '') return 'Enter a name.'
  if (v.length > 64) return 'Use at most 64 characters.'
  if (!NAME_RULE.test(v)) return 'Use letters, digits, space and . _ @ - only, starting with a letter or digit.'
  return null
}

export function validityProblem(days: number): string | null {
  if (!Number.isInteger(days) || days < 0 || days > 3650) return 'Enter a whole number of days from 0 to 3650.'
  return null
}

/**
 * Seconds until a locked-out console accepts sign-ins again, from the error the core sent: from
 * its `until`, the one end of the lock every screen shares (core: unifi/lockout.ts), when present.
 */
export function lockSeconds(error: KeywardError, now = Date.now()): number | null {
  const until = error.until ? Date.parse(error.until) : Number.NaN
  if (!Number.isNaN(until)) return Math.max(0, Math.ceil((until - now) / 1000))
  const m = /retry-after (\d+)/.exec(error.detail ?? '') ?? /in (\d+) s\b/.exec(error.message)
  return m ? Number(m[1]) : null
}

export const consoleLabel = (c: { name: string | null; host?: string; key?: string }) =>
  c.name ?? c.host ?? c.key ?? 'this console'
