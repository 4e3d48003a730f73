// CSV as spreadsheets read it (RFC 4180), for the activity log's and the audit's exports: one copy for
// the core and the renderer.

/** One CSV field (RFC 4180 quoting); a leading =, +, - or @ is prefixed so a spreadsheet never runs it. */
export function csvField(value: string | null): string {
  const text = value ?? ''
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const cell = (v: unknown) =>
    csvField(v == null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v as string))
  const lines = rows.map((r) => columns.map((c) => cell(r[c])).join(','))
  return [columns.join(','), ...lines].join('\r\n') + '\r\n'
}
