// The audit screen as data (issue 18): which hosts can be audited, the report's findings as rows, the
// confirmation's sentences, and the audit's own export (CSV or JSON; never a secret: the report holds
// masked keys and names only).
import type { AuditFinding, AuditReport } from '../../../shared/audit.ts'
import { toCsv } from '../../../shared/csv.ts'
import type { ConsoleRecord, UispServerRecord } from '../../../shared/domain.ts'

export interface AuditHostChoice {
  kind: 'console' | 'uisp'
  key: string
  name: string
}

export function hostChoices(
  consoles: readonly ConsoleRecord[],
  servers: readonly UispServerRecord[],
): AuditHostChoice[] {
  return [
    ...consoles.map((c) => ({ kind: 'console' as const, key: c.key, name: c.name ?? c.host })),
    ...servers.map((s) => ({ kind: 'uisp' as const, key: s.key, name: `UISP at ${s.host}` })),
  ]
}

export const KIND_LABEL: Record<AuditFinding['kind'], string> = {
  unused: 'Unused',
  'never-used': 'Never used',
  'owner-gone': 'Account gone',
  'owner-disabled': 'Account disabled',
  'untracked-keyward': 'Made by Keyward, not watched',
  'gone-from-console': 'Watched, but gone',
  'orphan-super-admin': 'Super Admin nobody uses',
  'broad-scope': 'More rights than needed',
  expiring: 'Expiring',
  'app-moved': 'App moved to another console',
}

const ACTION_LABEL: Record<NonNullable<AuditFinding['action']>, string> = {
  'revoke-key': 'Revoke the key',
  'revoke-access-token': 'Revoke the Access token',
  'revoke-uisp-token': 'Revoke the UISP token',
  'delete-user': 'Delete the local user',
  'forget-record': 'Stop watching it',
}

export const actionLabel = (f: AuditFinding): string => (f.action ? ACTION_LABEL[f.action] : 'Nothing to clean up')

/** The confirmation's one line for the whole set, recorded in the activity log as the user's words. */
export function confirmationSentence(findings: readonly AuditFinding[]): string {
  const n = findings.length
  return `Clean up ${n} finding${n === 1 ? '' : 's'}: ${findings.map((f) => `${actionLabel(f).toLowerCase()} (${f.subject} on ${f.hostLabel})`).join('; ')}.`
}

interface ExportRow {
  host: string
  kind: string
  subject: string
  reason: string
  action: string
}

export function auditExport(report: AuditReport, format: 'csv' | 'json'): { filename: string; text: string } {
  const filename = `keyward-audit-${report.openedAt.slice(0, 10)}.${format}`
  if (format === 'json') {
    const { openedAt, unusedDays, hosts, credentials, findings } = report
    return { filename, text: `${JSON.stringify({ openedAt, unusedDays, hosts, credentials, findings }, null, 2)}\n` }
  }
  const rows: ExportRow[] = report.findings.map((f) => ({
    host: f.hostLabel,
    kind: KIND_LABEL[f.kind],
    subject: f.subject,
    reason: f.reason,
    action: actionLabel(f),
  }))
  return { filename, text: toCsv(rows, ['host', 'kind', 'subject', 'reason', 'action']) }
}

/** Offers `text` as a file download (a link with `download`, no navigation). */
export function download(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** `set` with `key` added or taken out (a checkbox list's selection). */
export function toggled(set: ReadonlySet<string>, key: string): Set<string> {
  const next = new Set(set)
  if (next.has(key)) next.delete(key)
  else next.add(key)
  return next
}
