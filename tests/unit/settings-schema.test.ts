// The settings file's JSON Schema is generated from its zod schema (settings/schema.ts). A file
// the store really wrote must pass it; a damaged one must not. Checked with ajv, the validator
// conf itself uses (Ajv2020 + ajv-formats), independently of conf's own check.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, describe, expect, it } from 'vitest'
import { settingsFileJsonSchema } from '../../electron/core/settings/schema.ts'
import { openSettings, type Settings } from '../../electron/core/settings/settings.ts'
import { SettingsStore } from '../../electron/core/settings/store.ts'
import { KeywardFailure } from '../../shared/result.ts'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-schema-'))
  dirs.push(dir)
  return dir
}

const FP = Array.from({ length: 32 }, () => 'AB').join(':')
const AT = '2026-03-01T10:00:00.000Z'

/** One of every record kind, written through the store as the app writes them. */
function fill(settings: Settings): void {
  settings.upsertConsole({
    ...{ key: '192.0.2.10:443', host: '192.0.2.10', port: 443, kind: 'unifi-os', model: 'UDMPRO' },
    ...{ name: 'Office', mac: 'F4E2C6000001', apps: ['protect'], certificateSha256: FP, confirmed: true, lastSeen: AT },
  })
  settings.saveProvision({
    ...{
      id: 'flow-1',
      consoleKey: '192.0.2.10:443',
      app: 'protect',
      mode: 'dedicated-user',
      username: 'keyward-protect',
    },
    ...{ keyName: 'ha', userId: 'u1', passwordRef: 'password:flow-1', keyRef: 'key:flow-1', keyId: 'k1' },
    ...{ expiresAt: null, accessValidityDays: null, steps: { user: 'done', key: 'done', verify: 'done' } },
    ...{ lastError: null, createdAt: AT, updatedAt: AT, requested: { user: true, key: true } },
  })
  settings.saveKeys([
    {
      ...{ id: 'key-1', name: 'ha', app: 'protect', consoleKey: '192.0.2.10:443', username: 'keyward-protect' },
      ...{ remoteId: 'k1', keyRef: 'key:flow-1', passwordRef: 'password:flow-1', masked: 'RHgz…xqH5' },
      ...{ createdAt: AT, expiresAt: null, paused: false, unreachableStreak: 2, pushedTo: ['ha-1'], haHealth: null },
      lastCheck: {
        ...{ status: 'ok', problem: null, message: null, nextStep: null },
        ...{ appVersion: '6.0.0', latencyMs: 12, checkedAt: AT },
      },
    },
  ])
  settings.saveHomeAssistants([
    {
      ...{ id: 'ha-1', url: 'http://192.0.2.20:8123', version: '2026.9.1', locationName: 'Home' },
      ...{ tokenRef: 'ha-token:ha-1', addedAt: AT, certificateSha256: null, hold: null },
    },
  ])
  settings.saveUisp({
    servers: [
      { key: '192.0.2.30:443', host: '192.0.2.30', port: 443, version: '2.4.1', certificateSha256: FP, lastSeen: AT },
    ],
  })
  settings.setPreferences({ checkIntervalMinutes: 30 })
}

function validator() {
  const ajv = new Ajv2020({ allErrors: true })
  addFormats(ajv)
  return ajv.compile(settingsFileJsonSchema())
}

/** The parts of a written file the damage cases change. */
interface WrittenFile {
  consoles: { port: unknown }[]
  keys: Record<string, unknown>[]
  provisions: { updatedAt: unknown; steps: Record<string, unknown> }[]
  homeAssistants: Record<string, unknown>[]
  preferences: unknown
}

function writtenFile(): WrittenFile {
  const settings = openSettings({ cwd: freshDir(), projectVersion: '0.1.0' })
  fill(settings)
  return JSON.parse(readFileSync(settings.path, 'utf8')) as WrittenFile
}

describe('the settings file schema (generated from zod)', () => {
  it('accepts a settings file the store really wrote, with every kind of record in it', () => {
    const file = writtenFile()
    expect(file.keys.length).toBe(1) // the file really holds what was saved
    const validate = validator()
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true)
  })

  it.each([
    ['a port out of range', (f: WrittenFile) => (f.consoles[0]!.port = 70000), '/consoles/0/port'],
    ['an unknown field on a key', (f: WrittenFile) => (f.keys[0]!.secret = 'x'), '/keys/0'],
    [
      'more than a few characters of a key',
      (f: WrittenFile) => (f.keys[0]!.masked = 'RHgzABCDEFGHxqH5'),
      '/keys/0/masked',
    ],
    [
      'a time without a zone',
      (f: WrittenFile) => (f.provisions[0]!.updatedAt = 'yesterday'),
      '/provisions/0/updatedAt',
    ],
    [
      'a record without its keychain ref',
      (f: WrittenFile) => delete f.homeAssistants[0]!.tokenRef,
      '/homeAssistants/0',
    ],
    [
      'a step state the journal never writes',
      (f: WrittenFile) => (f.provisions[0]!.steps.key = 'maybe'),
      '/provisions/0/steps/key',
    ],
    ['preferences that are not an object', (f: WrittenFile) => (f.preferences = 'fast'), '/preferences'],
  ])('rejects a file with %s', (_what, damage, where) => {
    const file = writtenFile()
    damage(file)
    const validate = validator()
    expect(validate(file)).toBe(false)
    expect(validate.errors!.map((e) => e.instancePath)).toContain(where)
  })

  it('is what conf enforces: the store refuses to save what the schema rejects', () => {
    const settings = openSettings({ cwd: freshDir(), projectVersion: '0.1.0' })
    expect(() => settings.setPreferences({ clipboardClearSeconds: 1 })).toThrow(/preferences\/clipboardClearSeconds/)
  })
})

describe('the settings store', () => {
  it('refuses a write holding a secret and leaves the file as it was', () => {
    const dir = freshDir()
    const store = new SettingsStore({ cwd: dir, projectVersion: '0.1.0', isSecret: (s) => s.includes('hunter2') })
    store.write('homeAssistants', [])
    const before = readFileSync(store.path, 'utf8')
    const attempt = () =>
      store.write('preferences', { clipboardClearSeconds: 30, checkIntervalMinutes: 15, note: 'hunter2' } as never)
    expect(attempt).toThrow(KeywardFailure)
    expect(attempt).toThrow(/refused to save a secret/)
    expect(readFileSync(store.path, 'utf8')).toBe(before)
    expect(store.read('preferences').clipboardClearSeconds).toBe(30)
  })

  it('keeps what it wrote when the same file is opened again', () => {
    const dir = freshDir()
    new SettingsStore({ cwd: dir, projectVersion: '0.1.0' }).write('preferences', {
      ...{ clipboardClearSeconds: 45, checkIntervalMinutes: 15, startAtLogin: true, expiryLeadDays: 7 },
    })
    const reopened = new SettingsStore({ cwd: dir, projectVersion: '0.1.0' })
    expect(reopened.read('preferences').clipboardClearSeconds).toBe(45)
    expect(reopened.recoveredFrom).toBeNull()
  })
})
