// The audit's part of the settings file (issue 18): a file written before it existed opens with the
// defaults (90 days, an empty activity log), the log survives a reopen, and it never holds a secret.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createActivityLog } from '../../electron/core/audit/activity.ts'
import { openSettings } from '../../electron/core/settings/settings.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'

const root = mkdtempSync(join(tmpdir(), 'keyward-audit-settings-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const vault = new MemorySecretStore()
const open = (cwd: string) => openSettings({ cwd, projectVersion: '0.1.0', isSecret: (s) => vault.isKnownSecret(s) })

describe('audit settings', () => {
  it('opens a file from before the audit with its defaults, and keeps the log across a reopen', () => {
    const dir = mkdtempSync(join(root, 'case-'))
    const before = { consoles: [], preferences: { clipboardClearSeconds: 30, checkIntervalMinutes: 15 } }
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ ...before, __internal__: { migrations: { version: '0.1.0' } } }),
    )
    const first = open(dir)
    expect(first.recoveredFrom).toBeNull()
    expect(first.getAudit()).toEqual({ unusedDays: 90, activity: [] })
    createActivityLog(first, () => Date.parse('2026-12-01T10:00:00Z')).record({
      action: 'probed',
      outcome: 'ok',
      subject: 'the console at 192.0.2.1',
      hostKey: '192.0.2.1:443',
    })
    first.saveAudit({ unusedDays: 30 })
    const second = open(dir)
    expect(second.getAudit()).toEqual({
      unusedDays: 30,
      activity: [
        {
          at: '2026-12-01T10:00:00.000Z',
          action: 'probed',
          outcome: 'ok',
          hostKey: '192.0.2.1:443',
          keyId: null,
          subject: 'the console at 192.0.2.1',
          words: null,
          detail: null,
        },
      ],
    })
  })

  it('refuses an activity entry holding a secret the vault knows, and writes nothing', async () => {
    const dir = mkdtempSync(join(root, 'case-'))
    const settings = open(dir)
    await vault.set('key:test', 'RHgzD88Mp4Gzcyj9JQCp18pFcx9AqxH5')
    const log = createActivityLog(settings)
    expect(() =>
      log.record({ action: 'minted', outcome: 'ok', subject: 'x', words: 'RHgzD88Mp4Gzcyj9JQCp18pFcx9AqxH5' }),
    ).toThrow()
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).not.toContain('RHgzD88Mp4Gzcyj9JQCp18pFcx9AqxH5')
    expect(settings.getAudit().activity).toEqual([])
  })
})
