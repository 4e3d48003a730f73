// The activity log (issue 18): everything Keyward did, per console and per key, kept in the settings
// file under `audit.activity` with a cap (oldest out). Never a secret: entries hold names, ids, the
// outcome and the user's own words, and the settings store refuses any string the vault knows.
import type { ActivityEntry, ActivityExport, ActivityFilter } from '../../../shared/audit.ts'
import { toCsv } from '../../../shared/csv.ts'
import { ACTIVITY_CAP } from '../settings/schema.ts'
import type { Settings } from '../settings/settings.ts'

export type NewActivity = Omit<ActivityEntry, 'at' | 'words' | 'detail' | 'keyId' | 'hostKey'> &
  Partial<Pick<ActivityEntry, 'words' | 'detail' | 'keyId' | 'hostKey'>>

const clip = (text: string | null | undefined, max: number): string | null =>
  text == null ? null : text.length > max ? `${text.slice(0, max - 1)}…` : text

export interface ActivityLog {
  record(entry: NewActivity): void
  list(filter?: ActivityFilter): ActivityEntry[]
  export(format: 'csv' | 'json', filter?: ActivityFilter): ActivityExport
}

export function matches(entry: ActivityEntry, filter: ActivityFilter = {}): boolean {
  if (filter.hostKey && entry.hostKey !== filter.hostKey) return false
  if (filter.keyId && entry.keyId !== filter.keyId) return false
  return true
}

const COLUMNS = ['at', 'action', 'outcome', 'hostKey', 'keyId', 'subject', 'words', 'detail'] as const

export function createActivityLog(
  settings: Pick<Settings, 'getAudit' | 'saveAudit'>,
  now: () => number = Date.now,
): ActivityLog {
  const list = (filter?: ActivityFilter) => settings.getAudit().activity.filter((e) => matches(e, filter))
  return {
    record(entry) {
      const full: ActivityEntry = {
        at: new Date(now()).toISOString(),
        action: entry.action,
        outcome: entry.outcome,
        hostKey: clip(entry.hostKey, 300),
        keyId: entry.keyId ?? null,
        subject: clip(entry.subject, 400) ?? '',
        words: clip(entry.words, 1000),
        detail: clip(entry.detail, 1000),
      }
      const activity = [...settings.getAudit().activity, full]
      settings.saveAudit({ activity: activity.slice(Math.max(0, activity.length - ACTIVITY_CAP)) })
    },
    list,
    export(format, filter) {
      const rows = list(filter)
      const stamp = new Date(now()).toISOString().slice(0, 10)
      const text = format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : toCsv(rows, COLUMNS)
      return { format, filename: `keyward-activity-${stamp}.${format}`, text }
    },
  }
}
