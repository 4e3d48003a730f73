// What the Overview shows, as pure functions of the key list, the keychain and
// the connected Home Assistants: the tray's own model (shared/tray-model.ts, the
// copy the core draws the tray with), counts per status, when keys were last
// checked and when the next background check is due, and what needs attention
// with the one action that fixes it.
import type { HaSummary, KeyStatus, KeyView, VaultStatus } from '../../../shared/domain.ts'
import type { SweepScheduleView } from '../../../shared/views.ts'
import { STATUS_SEVERITY, statusCounts, type TrayModel } from '../../../shared/tray-model.ts'

export { statusCounts }

/** The status tiles, worst first; OK always shows, the others when a key has them. */
export const TILE_ORDER: readonly KeyStatus[] = ['failing', 'expired', 'expiring', 'unknown', 'ok', 'paused']
export const TILE_LABEL: Record<KeyStatus, string> = {
  failing: 'Failing',
  expired: 'Expired',
  expiring: 'Expiring soon',
  unknown: 'Not checked yet',
  ok: 'OK',
  paused: 'Paused',
}

export const HEADLINE: Record<TrayModel['icon'], string> = {
  ok: 'All good',
  attention: 'Needs a look',
  error: 'Something is wrong',
}

/** The tray's tooltip without the app name in front ("Keyward — 2 keys: 1 failing" → "2 keys: 1 failing"). */
export const trayLine = (model: TrayModel) => model.tooltip.replace(/^Keyward — /, '')

export interface SweepTimes {
  /** The latest check of any key, by the background sweep or by "Check now" (ISO); null before the first. */
  last: string | null
  /**
   * The next background sweep exactly as the key watch planned it (its jitter applied): 'now' while one
   * runs, null when nothing will be checked (every key paused, or the watch stopped).
   */
  next: number | 'now' | null
}

export function sweepTimes(keys: readonly KeyView[], schedule: SweepScheduleView | null): SweepTimes {
  const times = keys.flatMap((k) => (k.lastCheck ? [Date.parse(k.lastCheck.checkedAt)] : []))
  if (schedule?.lastSweepAt) times.push(Date.parse(schedule.lastSweepAt))
  const last = times.length > 0 ? new Date(Math.max(...times)).toISOString() : null
  const watched = keys.some((k) => !k.paused)
  if (!schedule || !watched || !schedule.watching) return { last, next: null }
  if (schedule.sweeping) return { last, next: 'now' }
  return { last, next: schedule.nextSweepAt ? Date.parse(schedule.nextSweepAt) : null }
}

/** "in 12 minutes", "in about 2 hours", "any moment now" (for a planned time, exact to the minute). */
export function relativeFuture(at: number, now: number): string {
  const minutes = Math.round((at - now) / 60_000)
  if (minutes <= 0) return 'any moment now'
  if (minutes < 90) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  return `in about ${hours} hour${hours === 1 ? '' : 's'}`
}

/** One thing that needs the user, with the action that fixes it. */
export type Attention =
  | { kind: 'key'; keyId: string; status: KeyStatus; title: string; detail: string; fix: string }
  | { kind: 'keychain'; title: string; detail: string; fix: string }
  | { kind: 'home-assistant'; haId: string; title: string; detail: string; fix: string }

const KEY_TITLE: Partial<Record<KeyStatus, string>> = {
  failing: 'is failing',
  expired: 'has expired',
  expiring: 'expires soon',
  unknown: 'could not be checked yet',
}

function keyDetail(k: KeyView): string {
  if (k.status === 'expired' || k.status === 'expiring') {
    const when = k.expiresAt ? new Date(k.expiresAt).toLocaleDateString() : 'soon'
    return `${k.status === 'expired' ? 'It expired on' : 'It expires on'} ${when}. Rotate it to get a new one; Keyward updates Home Assistant where it sent the old one.`
  }
  const ha = k.haHealth?.keyProblem ? k.haHealth.message : null
  const check = k.lastCheck?.status === 'failed' ? [k.lastCheck.message, k.lastCheck.nextStep] : []
  const text = [ha, ...check].filter((s): s is string => !!s).join(' ')
  if (text) return text
  return k.status === 'unknown' ? 'Keyward has not been able to check this key yet.' : 'The last check failed.'
}

const FIX: Partial<Record<KeyStatus, string>> = {
  failing: 'Open the key',
  expired: 'Open the key',
  expiring: 'Open the key',
  unknown: 'Open the key',
}

/** Everything that needs the user, worst first: keys, then the keychain, then held Home Assistants. */
export function attention(keys: readonly KeyView[], vault: VaultStatus | null, ha: readonly HaSummary[]): Attention[] {
  const items: Attention[] = [...keys]
    .filter((k) => KEY_TITLE[k.status])
    .sort((a, b) => STATUS_SEVERITY[b.status] - STATUS_SEVERITY[a.status] || a.name.localeCompare(b.name))
    .map((k) => ({
      kind: 'key' as const,
      keyId: k.id,
      status: k.status,
      // Same-named keys are told apart by their console.
      title: `${k.name} on ${k.consoleName ?? k.host ?? k.consoleKey} ${KEY_TITLE[k.status]!}`,
      detail: keyDetail(k),
      fix: FIX[k.status]!,
    }))
  if (vault && !vault.available) {
    items.push({
      kind: 'keychain',
      title: 'The system keychain is not available',
      detail: `${vault.problem ?? ''} Keyward cannot store or check keys until it is.`.trim(),
      fix: 'Open keychain settings',
    })
  }
  for (const h of ha) {
    if (h.status.state === 'ok') continue
    items.push({
      kind: 'home-assistant',
      haId: h.id,
      title: `Keyward stopped talking to ${h.locationName ?? h.url}`,
      detail: h.status.message,
      fix: 'Open Home Assistant settings',
    })
  }
  return items
}
