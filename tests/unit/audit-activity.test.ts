// The activity log (issue 18): what each request leaves, the cap (oldest out), filters, and exports
// that are safe to open in a spreadsheet.
import { describe, expect, it } from 'vitest'
import type { AuditSettings } from '../../electron/core/settings/schema.ts'
import { ACTIVITY_CAP } from '../../electron/core/settings/schema.ts'
import { createActivityLog } from '../../electron/core/audit/activity.ts'
import { csvField } from '../../shared/csv.ts'
import { activitiesOf, withActivity } from '../../electron/core/audit/activity-map.ts'

function memorySettings() {
  let audit: AuditSettings = { unusedDays: 90, activity: [] }
  return {
    getAudit: () => structuredClone(audit),
    saveAudit: (patch: Partial<AuditSettings>) => void (audit = { ...audit, ...patch }),
  }
}

describe('activity log', () => {
  it('keeps the newest entries up to the cap', () => {
    const log = createActivityLog(memorySettings(), () => Date.parse('2026-12-01T00:00:00Z'))
    for (let i = 0; i < ACTIVITY_CAP + 5; i++) log.record({ action: 'probed', outcome: 'ok', subject: `n${i}` })
    const all = log.list()
    expect(all).toHaveLength(ACTIVITY_CAP)
    expect(all[0]?.subject).toBe('n5')
    expect(all.at(-1)?.subject).toBe(`n${ACTIVITY_CAP + 4}`)
  })

  it('filters by console and key, and exports CSV a spreadsheet will not run', () => {
    const log = createActivityLog(memorySettings(), () => Date.parse('2026-12-01T00:00:00Z'))
    log.record({ action: 'revoked', outcome: 'ok', subject: 'the key “a, b”', hostKey: 'h1:443', keyId: 'k1' })
    log.record({ action: 'probed', outcome: 'ok', subject: '=cmd()', hostKey: 'h2:443' })
    expect(log.list({ hostKey: 'h2:443' }).map((e) => e.subject)).toEqual(['=cmd()'])
    expect(log.list({ keyId: 'k1' }).map((e) => e.action)).toEqual(['revoked'])
    const csv = log.export('csv')
    expect(csv.filename).toBe('keyward-activity-2026-12-01.csv')
    expect(csv.text.split('\r\n')).toEqual([
      'at,action,outcome,hostKey,keyId,subject,words,detail',
      '2026-12-01T00:00:00.000Z,revoked,ok,h1:443,k1,"the key “a, b”",,',
      "2026-12-01T00:00:00.000Z,probed,ok,h2:443,,'=cmd(),,",
      '',
    ])
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
  })

  it('reads named fields only: a sign-in never records its password', () => {
    const input = { key: 'h:443', username: 'admin', password: 'Secret-Pass-9' }
    const [entry] = activitiesOf('console.signIn', input, { ok: true, value: { state: 'signed-in' } })
    expect(entry).toEqual({ action: 'signed-in', outcome: 'ok', subject: 'as admin', hostKey: 'h:443' })
    expect(
      JSON.stringify(activitiesOf('console.signIn', input, { ok: false, error: { code: 'refused', message: 'no' } })),
    ).not.toContain('Secret')
    expect(activitiesOf('keys.copy', { id: 'k1' }, { ok: true, value: null })).toEqual([])
  })

  it('hooks the dispatch once: names the key before a revoke forgets it, and leaves malformed requests out', async () => {
    const settings = memorySettings()
    const log = createActivityLog(settings)
    const keys = [{ id: 'k1', name: 'ha-protect', consoleKey: 'nvr:443' }]
    const invoke = withActivity(
      async (name) =>
        name === 'keys.revoke'
          ? { ok: true, value: [] }
          : { ok: false, error: { code: 'invalid-input', message: 'bad' } },
      log,
      () => keys,
    )
    await invoke('keys.revoke', { id: 'k1' })
    await invoke('keys.rotate', { id: 'k1', extra: true })
    expect(log.list()).toEqual([
      expect.objectContaining({ action: 'revoked', subject: 'the key “ha-protect”', hostKey: 'nvr:443', keyId: 'k1' }),
    ])
  })
})
