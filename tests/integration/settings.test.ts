// Settings over conf in temp dirs: defaults, migration, reopen, schema errors,
// refusal to persist vault secrets, and recovery from a corrupt file.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ConsoleRecord } from '../../shared/domain.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { openSettings } from '../../electron/core/settings/settings.ts'
import { KeyringSecretStore, MemorySecretStore, type SecretStore } from '../../electron/core/vault/secret-store.ts'

let root = '' // created on first use: filtered-out runs must not leave temp dirs behind
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})
const freshDir = () => mkdtempSync(join((root ||= mkdtempSync(join(tmpdir(), 'keyward-settings-'))), 'case-'))
const open = (cwd: string, isSecret?: (s: string) => boolean) =>
  openSettings({ cwd, projectVersion: '0.1.0', ...(isSecret ? { isSecret } : {}) })

const realKeychain = process.env.KEYWARD_KEYRING === 'secret-service'

function consoleRecord(overrides: Partial<ConsoleRecord> = {}): ConsoleRecord {
  return {
    key: '192.0.2.10:443',
    host: '192.0.2.10',
    port: 443,
    kind: 'unifi-os',
    model: 'UDMPRO',
    name: 'Office',
    mac: 'F4E2C6000001',
    certificateSha256: Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':'),
    lastSeen: '2026-01-01T10:00:00.000Z',
    ...overrides,
  }
}

function filesContaining(dir: string, secret: string): string[] {
  const needles = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')].map((s) =>
    Buffer.from(s),
  )
  needles.push(Buffer.from(secret, 'utf16le'))
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile() && needles.some((n) => readFileSync(file).includes(n)))
}

function thrown(fn: () => unknown): KeywardFailure {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardFailure)
    return error as KeywardFailure
  }
  throw new Error('expected a KeywardFailure')
}

describe('settings', () => {
  it('starts from defaults and records the 0.1.0 migration', () => {
    const dir = freshDir()
    const settings = open(dir)
    expect(settings.path).toBe(join(dir, 'config.json'))
    expect(settings.recoveredFrom).toBeNull()
    expect(settings.listConsoles()).toEqual([])
    expect(settings.getPreferences()).toEqual({
      clipboardClearSeconds: 30,
      checkIntervalMinutes: 15,
      startAtLogin: false,
      expiryLeadDays: 7,
    })
    const raw = JSON.parse(readFileSync(settings.path, 'utf8'))
    expect(raw.__internal__.migrations.version).toBe('0.1.0')
  })

  it('the 0.1.0 migration fills in preferences an older file lacks, keeping what it has', () => {
    const dir = freshDir()
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ preferences: { clipboardClearSeconds: 45 } }))
    const settings = open(dir)
    expect(settings.recoveredFrom).toBeNull()
    expect(settings.getPreferences()).toEqual({
      clipboardClearSeconds: 45,
      checkIntervalMinutes: 15,
      startAtLogin: false,
      expiryLeadDays: 7,
    })
    expect(settings.listConsoles()).toEqual([])
  })

  it('round-trips consoles and preferences across a reopen, most recently seen first', () => {
    const dir = freshDir()
    const first = open(dir)
    const older = consoleRecord({ key: '192.0.2.10:443', lastSeen: '2026-01-01T10:00:00.000Z' })
    const newer = consoleRecord({ key: '[2001:db8::1]:443', host: '2001:db8::1', lastSeen: '2026-02-01T10:00:00.000Z' })
    first.upsertConsole(older)
    first.upsertConsole(newer)
    expect(first.setPreferences({ checkIntervalMinutes: 60 })).toEqual({
      clipboardClearSeconds: 30,
      checkIntervalMinutes: 60,
      startAtLogin: false,
      expiryLeadDays: 7,
    })

    const second = open(dir)
    expect(second.listConsoles()).toEqual([newer, older])
    expect(second.getPreferences()).toEqual({
      clipboardClearSeconds: 30,
      checkIntervalMinutes: 60,
      startAtLogin: false,
      expiryLeadDays: 7,
    })

    // upsert replaces by key; extra properties never reach the file
    second.upsertConsole({
      ...older,
      name: 'Renamed',
      lastSeen: '2026-03-01T00:00:00.000Z',
      extra: 'x',
    } as ConsoleRecord)
    expect(
      open(dir)
        .listConsoles()
        .map((c) => [c.key, c.name]),
    ).toEqual([
      ['192.0.2.10:443', 'Renamed'],
      ['[2001:db8::1]:443', 'Office'],
    ])
    expect(readFileSync(second.path, 'utf8')).not.toContain('extra')

    expect(second.forgetConsole('[2001:db8::1]:443')).toBe(true)
    expect(second.forgetConsole('[2001:db8::1]:443')).toBe(false)
    expect(
      open(dir)
        .listConsoles()
        .map((c) => c.key),
    ).toEqual(['192.0.2.10:443'])
  })

  it('refuses a schema violation with a specific error and leaves the file unchanged', () => {
    const settings = open(freshDir())
    settings.upsertConsole(consoleRecord())
    const before = readFileSync(settings.path)

    const tooShort = thrown(() => settings.setPreferences({ clipboardClearSeconds: 1 }))
    expect(tooShort.code).toBe('settings-invalid')
    expect(tooShort.message).toContain('preferences/clipboardClearSeconds')
    expect(tooShort.message).toContain('must be >= 5')

    const notInteger = thrown(() => settings.setPreferences({ checkIntervalMinutes: 2.5 }))
    expect(notInteger.message).toContain('preferences/checkIntervalMinutes')

    const unknownKey = thrown(() => settings.setPreferences({ theme: 'dark' } as never))
    expect(unknownKey.message).toContain('additional properties')

    const badPort = thrown(() => settings.upsertConsole(consoleRecord({ port: 70000 })))
    expect(badPort.message).toContain('consoles/0/port')

    expect(readFileSync(settings.path)).toEqual(before)
    expect(settings.getPreferences()).toEqual({
      clipboardClearSeconds: 30,
      checkIntervalMinutes: 15,
      startAtLogin: false,
      expiryLeadDays: 7,
    })
  })

  it('refuses to write a string the vault knows as a secret, alone or embedded', async () => {
    const vault = new MemorySecretStore()
    const secret = `kw-${randomUUID()}`
    await vault.set('key:one', secret)
    const settings = open(freshDir(), (s) => vault.isKnownSecret(s))
    settings.upsertConsole(consoleRecord())
    const before = readFileSync(settings.path)

    for (const name of [secret, `token=${secret};`]) {
      const failure = thrown(() => settings.upsertConsole(consoleRecord({ key: '192.0.2.99:443', name })))
      expect(failure.code).toBe('settings-invalid')
      expect(failure.detail).toBe('secret found at consoles[1].name')
      expect(JSON.stringify(failure.toError())).not.toContain(secret)
    }
    expect(readFileSync(settings.path)).toEqual(before)
    expect(readFileSync(settings.path, 'utf8')).not.toContain(secret)
  })

  it(`stores secrets only in the vault: a raw scan of the settings dir finds none (${realKeychain ? 'real Secret Service' : 'memory vault; no real keychain'})`, async () => {
    const vault: SecretStore = realKeychain ? new KeyringSecretStore({ timeoutMs: 15_000 }) : new MemorySecretStore()
    const dir = freshDir()
    const settings = open(dir, (s) => vault.isKnownSecret(s))
    const ref = `key:${randomUUID()}`
    const secret = `kw-apikey-${randomUUID()}`
    try {
      await vault.set(ref, secret)
      settings.upsertConsole(consoleRecord({ name: 'Main console' }))
      settings.setPreferences({ clipboardClearSeconds: 20 })
      expect(await vault.get(ref)).toBe(secret)
      expect(readdirSync(dir)).toEqual(['config.json'])
      expect(filesContaining(dir, secret)).toEqual([])
    } finally {
      await vault.delete(ref)
    }
  })

  it('moves a file with invalid JSON aside, keeps its bytes, and starts from defaults', () => {
    const dir = freshDir()
    const garbage = '{"consoles": [ {"key": "192.0.2.10:443", '
    writeFileSync(join(dir, 'config.json'), garbage)
    const settings = open(dir)
    expect(settings.recoveredFrom).toMatch(/[/\\]config\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/)
    expect(readFileSync(settings.recoveredFrom ?? '', 'utf8')).toBe(garbage)
    expect(settings.getPreferences()).toEqual({
      clipboardClearSeconds: 30,
      checkIntervalMinutes: 15,
      startAtLogin: false,
      expiryLeadDays: 7,
    })
    expect(readdirSync(dir).sort()).toEqual(['config.json', settings.recoveredFrom?.split(/[/\\]/).at(-1)].sort())
    expect(open(dir).recoveredFrom).toBeNull() // the new file is fine
  })

  it.each([
    [
      'a schema violation',
      JSON.stringify({ consoles: [], preferences: { clipboardClearSeconds: 'soon', checkIntervalMinutes: 15 } }),
    ],
    ['a malformed consoles list', JSON.stringify({ consoles: { '192.0.2.10:443': {} } })],
    ['JSON that is not an object', '[]'],
  ])('moves a file with %s aside byte for byte', (_label, content) => {
    const dir = freshDir()
    writeFileSync(join(dir, 'config.json'), content)
    const settings = open(dir)
    expect(settings.recoveredFrom).not.toBeNull()
    expect(existsSync(settings.recoveredFrom ?? '')).toBe(true)
    expect(readFileSync(settings.recoveredFrom ?? '', 'utf8')).toBe(content) // conf's own rewrite did not leak in
    expect(settings.listConsoles()).toEqual([])
  })

  it('reports an unusable settings location as settings-invalid instead of crashing', () => {
    const dir = freshDir()
    const blocker = join(dir, 'not-a-dir')
    writeFileSync(blocker, '')
    const failure = thrown(() => open(blocker))
    expect(failure.code).toBe('settings-invalid')
  })
})
