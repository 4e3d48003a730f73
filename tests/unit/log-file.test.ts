// The log file: lines land on disk, rotation keeps a bounded history, secrets the
// vault knows never reach it, a failing disk never reaches the caller. And the
// logs.* requests that tell the page where the file is.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createCore, type CoreOptions } from '../../electron/core/index.ts'
import { openLogFile, rotatedName } from '../../electron/core/log-file.ts'
import { createLogger, silentLogger, teeSink } from '../../electron/core/log.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'

const root = mkdtempSync(join(tmpdir(), 'keyward-logs-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const freshDir = () => join(root, `case-${++n}`, 'logs') // not there yet: openLogFile creates it
const linesOf = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean)
const isRoot = process.getuid?.() === 0

describe('openLogFile', () => {
  it('creates a private directory and file and appends each line at once', () => {
    const log = openLogFile({ dir: freshDir() })
    expect(log.path).toBe(join(log.dir, 'keyward.log'))
    log.write('{"message":"one"}')
    expect(linesOf(log.path)).toEqual(['{"message":"one"}']) // synchronous: on disk before write returns
    log.write('{"message":"two"}\n') // a trailing newline is not doubled
    expect(readFileSync(log.path, 'utf8')).toBe('{"message":"one"}\n{"message":"two"}\n')
    if (process.platform !== 'win32') {
      expect(statSync(log.dir).mode & 0o777).toBe(0o700)
      expect(statSync(log.path).mode & 0o777).toBe(0o600)
    }
    log.close()
    log.write('after close') // ignored, never thrown
    expect(linesOf(log.path)).toHaveLength(2)
  })

  it('appends to an existing file and counts its size towards rotation', () => {
    const dir = freshDir()
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'keyward.log'), 'x'.repeat(90) + '\n')
    const log = openLogFile({ dir, maxBytes: 100, keep: 1 })
    log.write('y'.repeat(20))
    log.close()
    expect(linesOf(join(dir, 'keyward.1.log'))).toEqual(['x'.repeat(90)])
    expect(linesOf(log.path)).toEqual(['y'.repeat(20)])
  })

  it('rotates keyward.log → keyward.1.log → … keeping at most `keep` old files, newest lines current', () => {
    const dir = freshDir()
    const log = openLogFile({ dir, maxBytes: 200, keep: 2 })
    const line = (i: number) => JSON.stringify({ i, pad: 'p'.repeat(20) }) // 33–35 bytes with "\n"
    for (let i = 0; i < 100; i++) log.write(line(i))
    log.close()

    expect(readdirSync(dir).sort()).toEqual(['keyward.1.log', 'keyward.2.log', 'keyward.log'])
    const files = ['keyward.2.log', 'keyward.1.log', 'keyward.log'].map((f) => join(dir, f))
    for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(200)
    const kept = files.flatMap(linesOf).map((text) => (JSON.parse(text) as { i: number }).i)
    expect(kept.at(-1)).toBe(99) // the newest line is in keyward.log
    expect(kept).toEqual(kept.map((_, k) => kept[0]! + k)) // oldest to newest with no gap
    expect(kept.length).toBeGreaterThan(10)
  })

  it('names rotated files before the extension', () => {
    expect(rotatedName('keyward.log', 3)).toBe('keyward.3.log')
    expect(rotatedName('keyward', 1)).toBe('keyward.1')
  })

  it('keep: 0 starts the file over instead of keeping old ones', () => {
    const dir = freshDir()
    const log = openLogFile({ dir, maxBytes: 50, keep: 0 })
    for (let i = 0; i < 10; i++) log.write(`line ${i} ${'.'.repeat(20)}`)
    log.close()
    expect(readdirSync(dir)).toEqual(['keyward.log'])
    expect(linesOf(log.path).at(-1)).toMatch(/^line 9 /)
  })

  it('truncates a line longer than maxBytes with a marker, without a rotation loop', () => {
    const dir = freshDir()
    const log = openLogFile({ dir, maxBytes: 100, keep: 3 })
    log.write('x'.repeat(5000))
    const [only] = linesOf(log.path)
    expect(readFileSync(log.path).length).toBeLessThanOrEqual(100)
    expect(only).toMatch(/^x+ …\[truncated\]$/)
    expect(readdirSync(dir)).toEqual(['keyward.log'])

    log.write('a' + 'é'.repeat(400)) // multi-byte, the cut falls inside a character: moved back to its start
    log.write('next')
    log.close()
    expect(readdirSync(dir).sort()).toEqual(['keyward.1.log', 'keyward.2.log', 'keyward.log'])
    const cut = readFileSync(join(dir, 'keyward.1.log'), 'utf8')
    expect(cut).not.toContain('\uFFFD')
    expect(cut).toMatch(/^aé+ …\[truncated\]\n$/)
    expect(linesOf(log.path)).toEqual(['next'])
  })
})

describe('a failing disk never reaches the caller', () => {
  const failing = (dir: string, options: { maxBytes?: number; keep?: number } = {}) => {
    const report = vi.fn<(message: string) => void>()
    const file = openLogFile({ dir, ...options, report })
    const seen: string[] = []
    const log = createLogger(teeSink(file.write, (line) => seen.push(line)))
    return { file, report, seen, log }
  }

  it('a file where the directory should be: reported once, the logger keeps working', () => {
    const dir = join(root, `case-${++n}`)
    writeFileSync(dir, 'not a directory')
    const { report, seen, log } = failing(join(dir, 'logs'))
    expect(() => {
      for (let i = 0; i < 5; i++) log.info('still logging', { i })
    }).not.toThrow()
    expect(seen).toHaveLength(5) // the other sink got every line
    expect(report).toHaveBeenCalledTimes(1)
    expect(report.mock.calls[0]![0]).toMatch(/cannot open the log file .*keyward\.log .*logging to the file stops/)
  })

  it('a directory where the log file should be', () => {
    const dir = freshDir()
    mkdirSync(join(dir, 'keyward.log'), { recursive: true })
    const { report, seen, log } = failing(dir)
    log.warn('hello')
    expect(seen).toHaveLength(1)
    expect(report).toHaveBeenCalledTimes(1)
    expect(report.mock.calls[0]![0]).toMatch(/EISDIR/)
  })

  it('a rotation that fails (a directory in the way) stops the file, not the app', () => {
    const dir = freshDir()
    mkdirSync(join(dir, 'keyward.1.log', 'blocker'), { recursive: true })
    const { file, report, seen, log } = failing(dir, { maxBytes: 120, keep: 1 })
    for (let i = 0; i < 20; i++) log.info('line', { i })
    expect(seen).toHaveLength(20)
    expect(report).toHaveBeenCalledTimes(1)
    expect(report.mock.calls[0]![0]).toMatch(/cannot write to the log file/)
    expect(() => file.close()).not.toThrow()
  })

  it.skipIf(process.platform === 'win32' || isRoot)('an unwritable directory (EACCES)', () => {
    const parent = join(root, `case-${++n}`)
    mkdirSync(parent, { mode: 0o500 })
    try {
      const { report, seen, log } = failing(join(parent, 'logs'))
      log.error('hello')
      expect(seen).toHaveLength(1)
      expect(report).toHaveBeenCalledTimes(1)
      expect(report.mock.calls[0]![0]).toMatch(/EACCES/)
    } finally {
      chmodSync(parent, 0o700)
      rmSync(parent, { recursive: true, force: true })
    }
  })

  it('teeSink: a sink that throws does not stop the others', () => {
    const seen: string[] = []
    const sink = teeSink(
      () => {
        throw new Error('broken')
      },
      null,
      (line) => seen.push(line),
    )
    expect(() => sink('a')).not.toThrow()
    expect(seen).toEqual(['a'])
  })
})

describe('secrets the vault knows never reach the file', () => {
  const secret = 'kw-test-secret-0123456789abcdef'

  it('createLogger with the vault as isSecret and the file as sink', async () => {
    const vault = new MemorySecretStore()
    await vault.set('key:one', secret)
    const file = openLogFile({ dir: freshDir() })
    const log = createLogger(file.write, (s) => vault.isKnownSecret(s))
    const fields = { value: secret, note: `Bearer ${secret}`, nested: { list: [secret] }, error: new Error(secret) }
    log.info('key stored', fields)
    file.close()
    const text = readFileSync(file.path, 'utf8')
    expect(text).not.toContain(secret)
    expect(text.match(/\[redacted\]/g)?.length).toBe(4)
  })

  it('the core logger writes to CoreOptions.logSink, redacted', async () => {
    const vault = new MemorySecretStore()
    const dataDir = join(root, `case-${++n}`)
    const file = openLogFile({ dir: join(dataDir, 'logs') })
    const core = createCore({ dataDir, version: '0.1.0', vault, logSink: file.write })
    await vault.set('key:two', secret)
    core.log.warn('a console answered', { body: `{"apiKey":"x","echo":"${secret}"}` })
    await core.close()
    file.close()
    const text = readFileSync(file.path, 'utf8')
    expect(text).toContain('a console answered')
    expect(text).not.toContain(secret)
  })
})

describe('logs.location and logs.open through core.invoke', () => {
  const make = (logs?: CoreOptions['logs']) => {
    const dataDir = join(root, `case-${++n}`)
    const vault = new MemorySecretStore()
    return createCore({ dataDir, version: '0.1.0', log: silentLogger, vault, ...(logs ? { logs } : {}) })
  }

  it('without a log file: location null, open unsupported', async () => {
    const core = make()
    expect(await core.invoke('logs.location', {})).toEqual({ ok: true, value: null })
    expect(await core.invoke('logs.open', {})).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    await core.close()
  })

  it('a log file but no way to open folders: canOpen false, open unsupported naming the file', async () => {
    const core = make({ dir: '/var/log/kw', file: '/var/log/kw/keyward.log' })
    expect(await core.invoke('logs.location', {})).toEqual({
      ok: true,
      value: { dir: '/var/log/kw', file: '/var/log/kw/keyward.log', canOpen: false },
    })
    const outcome = await core.invoke('logs.open', {})
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    if (!outcome.ok) expect(outcome.error.message).toContain('/var/log/kw/keyward.log')
    await core.close()
  })

  it('with an opener: canOpen true, open calls it; an error string from it is refused with detail', async () => {
    const open = vi.fn<() => Promise<string | void>>().mockResolvedValueOnce('').mockResolvedValueOnce('No application')
    const core = make({ dir: '/logs', file: '/logs/keyward.log', open })
    expect(await core.invoke('logs.location', {})).toMatchObject({ ok: true, value: { canOpen: true } })
    expect(await core.invoke('logs.open', {})).toEqual({ ok: true, value: null })
    expect(open).toHaveBeenCalledTimes(1)
    expect(await core.invoke('logs.open', {})).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringContaining('/logs'), detail: 'No application' },
    })
    open.mockRejectedValueOnce(new Error('spawn failed'))
    expect(await core.invoke('logs.open', {})).toMatchObject({
      ok: false,
      error: { code: 'refused', detail: 'spawn failed' },
    })
    expect(await core.invoke('logs.open', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    await core.close()
  })
})
