// Pure helpers of the key list: status wording, sorting, filtering, dates, and
// what stops working when a key is revoked or forgotten.
import type { HaSummary, KeyApp, KeyStatus, KeyView } from '../../../shared/domain.ts'
import type { InventoryItem } from '../../../shared/inventory.ts'
import type { ProvisionView } from '../../../shared/views.ts'
import { STATUS_SEVERITY } from '../../../shared/tray-model.ts'
import { appName, appShort } from '../wizard/model.ts'

export const STATUS: Record<KeyStatus, { label: string; tone: 'ok' | 'warn' | 'danger' | 'muted' }> = {
  ok: { label: 'OK', tone: 'ok' },
  failing: { label: 'Failing', tone: 'danger' },
  expiring: { label: 'Expiring', tone: 'warn' },
  expired: { label: 'Expired', tone: 'danger' },
  paused: { label: 'Paused', tone: 'muted' },
  unknown: { label: 'Unknown', tone: 'muted' },
}

export type SortKey = 'name' | 'app' | 'host' | 'user' | 'status' | 'created' | 'verified' | 'used' | 'expires'
export type SortDir = 'ascending' | 'descending'
export interface Sort {
  by: SortKey
  dir: SortDir
}

/** The list's sort choices (the list shows name, app, console, status and last verified; the rest in the detail). */
export const SORTS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'app', label: 'App' },
  { key: 'host', label: 'Console' },
  { key: 'status', label: 'Status' },
  { key: 'verified', label: 'Last verified' },
  { key: 'used', label: 'Last used' },
  { key: 'created', label: 'Created' },
  { key: 'expires', label: 'Expires' },
  { key: 'user', label: 'User' },
]

export const hostLabel = (k: KeyView) => k.consoleName ?? k.host ?? k.consoleKey

/**
 * The console line under a key's name in the list: its console's name, with the address too when
 * another key of the same name sits on a console of the same name (so same-named keys differ).
 */
export function consoleLine(k: KeyView, all: readonly KeyView[]): string {
  const label = hostLabel(k)
  const twin = all.some((o) => o.id !== k.id && o.name.toLowerCase() === k.name.toLowerCase() && hostLabel(o) === label)
  return twin && label !== k.consoleKey ? `${label} · ${k.consoleKey}` : label
}

const time = (iso: string | null | undefined, missing: number) => (iso ? Date.parse(iso) : missing)

function compare(a: KeyView, b: KeyView, by: SortKey): number {
  const text = (x: string, y: string) => x.localeCompare(y, undefined, { sensitivity: 'base', numeric: true })
  switch (by) {
    case 'name':
      return text(a.name, b.name)
    case 'app':
      return text(appShort(a.app), appShort(b.app))
    case 'host':
      return text(hostLabel(a), hostLabel(b)) || text(a.consoleKey, b.consoleKey)
    case 'user':
      return text(a.username, b.username)
    case 'status':
      return STATUS_SEVERITY[b.status] - STATUS_SEVERITY[a.status] // worst first (the tray's order)
    case 'created':
      return time(a.createdAt, 0) - time(b.createdAt, 0)
    case 'verified':
      return time(a.lastCheck?.checkedAt, 0) - time(b.lastCheck?.checkedAt, 0)
    case 'used':
      return time(a.usage?.lastUsedAt, 0) - time(b.usage?.lastUsedAt, 0)
    case 'expires':
      // "Never" sorts after every date.
      return time(a.expiresAt, Number.MAX_SAFE_INTEGER) - time(b.expiresAt, Number.MAX_SAFE_INTEGER)
  }
}

export function sortKeys(keys: KeyView[], sort: Sort): KeyView[] {
  const sign = sort.dir === 'ascending' ? 1 : -1
  return [...keys].sort((a, b) => sign * compare(a, b, sort.by) || compare(a, b, 'name') || a.id.localeCompare(b.id))
}

/** Every word must appear in the key's name, app, console, address, user, status or masked key. */
export function filterKeys(keys: KeyView[], text: string): KeyView[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return keys
  return keys.filter((k) => {
    const hay = [
      k.name,
      appName(k.app),
      k.consoleName ?? '',
      k.consoleKey,
      k.host ?? '',
      k.username,
      STATUS[k.status].label,
      k.masked,
      k.access?.role ?? '',
    ]
      .join(' ')
      .toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

/** First click sorts ascending (dates: newest first); a second click reverses. */
export function nextSort(current: Sort, by: SortKey): Sort {
  if (current.by === by) return { by, dir: current.dir === 'ascending' ? 'descending' : 'ascending' }
  return { by, dir: by === 'created' || by === 'verified' || by === 'used' ? 'descending' : 'ascending' }
}

export const formatDate = (iso: string | null) =>
  iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : null

/** For table cells: "Nov 23", with the year only when it is not this year (the title has the full date). */
export const formatShortDate = (iso: string | null, now = Date.now()) => {
  if (!iso) return null
  const date = new Date(iso)
  const sameYear = date.getFullYear() === new Date(now).getFullYear()
  return date.toLocaleDateString(
    undefined,
    sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' },
  )
}

export const formatDateTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })

/** "just now", "4 min ago", "3 h ago", then the date. */
export function formatAgo(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (s < 45) return 'just now'
  const m = Math.round(s / 60)
  if (m < 60) return `${m} min ago`
  const h = Math.round(m / 60)
  if (h < 24) return `${h} h ago`
  return formatShortDate(iso, now)!
}

/** The Home Assistant integration that uses a key of this app. */
export const haIntegration = (app: KeyApp) => `Home Assistant’s ${appName(app)} integration`

/** A Home Assistant discovery found: where to connect. */
export interface FoundHa {
  id: string
  name: string
  url: string
  /** Why to look twice: the announcement named another host, or another address claims the same instance. */
  warning: string | null
}

/**
 * Home Assistant instances from the inventory, with the URL to connect to as the core decided
 * it (discovery/mdns.ts `announcedTarget`): an announced URL only when its host is the packet's
 * source address, else http://<source>:<SRV port>. Two announcers of one uuid stay two entries,
 * each with a warning, so the target never moves to a spoofer.
 */
export function foundHomeAssistants(items: InventoryItem[]): FoundHa[] {
  const out: FoundHa[] = []
  for (const item of items) {
    const ha = item.homeAssistant
    if (item.kind !== 'home-assistant' || !ha?.connectUrl) continue
    const warnings: string[] = []
    if (ha.sameUuidElsewhere.length > 0) {
      warnings.push(
        `Another device (${ha.sameUuidElsewhere.join(', ')}) announces itself as this same Home Assistant; one of them may be an impostor. Connect only to the address you know.`,
      )
    }
    if (ha.urlIgnored)
      warnings.push(
        'It announced an address on another device; Keyward ignored that and uses the address the announcement came from.',
      )
    out.push({
      id: item.id,
      name: ha.locationName ?? ha.instance,
      url: ha.connectUrl,
      warning: warnings.length > 0 ? warnings.join(' ') : null,
    })
  }
  return out
}

export const haLabel = (h: HaSummary) => (h.locationName ? `${h.locationName} (${h.url})` : h.url)

/** Sentences for the revoke dialog: what stops working once the console deletes the key. */
export function revokeConsequences(key: KeyView, ha: HaSummary[]): string[] {
  const pushed = ha.filter((h) => key.pushedTo.includes(h.id))
  const lines = pushed.map((h) => `${haIntegration(key.app)} on ${haLabel(h)} will stop working.`)
  if (pushed.length === 0) {
    lines.push(
      key.app === 'network' || key.app === 'uisp'
        ? 'Anything you gave this key to (scripts, dashboards) will stop working.'
        : `Anything you gave this key to, such as ${haIntegration(key.app)}, will stop working.`,
    )
  }
  return lines
}

/**
 * Sentences for the rotate dialog: the consumers Keyward hands the new key to (the Home
 * Assistants it was sent to) and those it cannot reach, which the user updates by hand.
 */
export function rotateConsequences(key: KeyView, ha: HaSummary[]): { updates: string[]; byHand: string } {
  const pushed = ha.filter((h) => key.pushedTo.includes(h.id))
  const updates =
    key.app === 'uisp' ? [] : pushed.map((h) => `${haIntegration(key.app)} on ${haLabel(h)} gets the new key.`)
  const byHand =
    updates.length > 0
      ? 'Anything else you gave this key to (scripts, other apps) keeps the old key, which stops working: give it the new one by hand.'
      : 'Keyward knows of nothing that uses this key, so it updates nothing: whatever you gave it to keeps the old key, which stops working. Give it the new one by hand.'
  return { updates, byHand }
}

/** Sentences for the forget dialog: the key lives on, Keyward lets go of it. */
export function forgetConsequences(key: KeyView, ha: HaSummary[]): string[] {
  const pushed = ha.filter((h) => key.pushedTo.includes(h.id))
  const where = hostLabel(key)
  return [
    `Keyward stops checking it and deletes its copy from this computer’s keychain: you cannot copy, rotate or revoke it from here afterwards.`,
    pushed.length > 0
      ? `It keeps working on ${where}, so ${haIntegration(key.app)} on ${pushed.map(haLabel).join(' and ')} keeps using it.`
      : `It keeps working on ${where} for anything that uses it.`,
    key.app === 'uisp'
      ? `To switch it off, revoke it instead, or delete it in UISP (Settings → Users → API Tokens).`
      : `To switch it off, revoke it instead, or delete it on ${where}’s Integrations page.`,
  ]
}

/** "Super Admin" and up to two scopes ("protect admin"), the rest counted; `full` lists all. */
export function accessLabel(k: KeyView): { role: string | null; scopes: string | null; full: string } | null {
  // UISP tokens carry one scope and belong to no console role (uisp.md: token `scope`).
  if (!k.access && k.uisp)
    return { role: null, scopes: `${k.uisp.scope} scope`, full: `${k.uisp.scope} scope (for ${k.uisp.purpose})` }
  if (!k.access) return null
  // The key's own app first: that is what whoever uses the key needs.
  const own = `${k.app}.management:`
  const ordered = [...k.access.scopes].sort((a, b) => Number(b.startsWith(own)) - Number(a.startsWith(own)))
  const short = ordered.map((s) => s.replace(/\.management: /, ' '))
  const scopes =
    short.length === 0
      ? null
      : short.length <= 2
        ? short.join(', ')
        : `${short.slice(0, 2).join(', ')} +${short.length - 2}`
  return { role: k.access.role, scopes, full: [k.access.role, ...k.access.scopes].filter(Boolean).join('\n') }
}

/**
 * The "Last used" cell. The console counts Keyward's own checks as uses, so a use
 * within a few seconds of the last check is labelled as that check.
 */
export function usageLabel(
  k: KeyView,
  now: number,
): { text: string; note: string | null; muted: boolean; title: string } {
  if (k.app === 'access')
    return {
      text: 'not reported',
      note: null,
      muted: true,
      title: 'UniFi Access does not report when a token was last used.',
    }
  if (!k.usage) {
    return {
      text: 'not read yet',
      note: null,
      muted: true,
      title: 'Read from the console’s key list while this list is open, signed in as the key’s user.',
    }
  }
  const read = `Read ${formatDateTime(k.usage.readAt)}`
  const used = k.usage.lastUsedAt
  if (!used) return { text: 'never', note: null, muted: true, title: read }
  const checked = k.lastCheck ? Date.parse(k.lastCheck.checkedAt) : null
  const own = checked !== null && Math.abs(Date.parse(used) - checked) <= 5000
  return {
    text: formatAgo(used, Math.max(now, Date.parse(used))),
    note: own ? 'Keyward’s check' : null,
    muted: false,
    title: `${formatDateTime(used)} · ${read}`,
  }
}

/**
 * The key a finished flow made, in the watched list: by the id the console gave it (the flow's keyId is the
 * key's remoteId on the same console), then by name and console, then the newest key of that console.
 */
export function findKeyFor(keys: KeyView[], record: ProvisionView): KeyView | null {
  return (
    (record.keyId !== null
      ? keys.find((k) => k.consoleKey === record.consoleKey && k.remoteId === record.keyId)
      : undefined) ??
    keys.find((k) => k.name === record.keyName && k.consoleKey === record.consoleKey) ??
    keys
      .filter((k) => k.consoleKey === record.consoleKey && k.app === record.app)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0] ??
    null
  )
}
