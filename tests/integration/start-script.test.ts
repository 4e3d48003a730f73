// scripts/start.mjs without an Electron binary: it must say in plain words why Electron cannot start (no stack
// trace) and, with the fallback switched off, exit non-zero instead of starting the browser host. The download is
// pointed at a closed loopback port with an empty cache, so it fails at once and never touches the network.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const electronDir = join(root, 'node_modules/electron')
const version = (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }).version
// With a binary in place the script would build and launch the real app; these cases are about its absence.
const binaryPresent =
  existsSync(join(electronDir, 'path.txt')) &&
  existsSync(join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8').trim()))

// A port nothing listens on: bound, then released.
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

// The caller's environment minus everything that steers Electron's download (.npmrc and package.json config
// arrive as npm_config_electron_* / npm_package_config_electron_*; ELECTRON_GET_USE_PROXY, ELECTRON_MIRROR…).
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    const steersDownload = /^(npm_config_electron_|npm_package_config_electron_|electron_|force_no_cache$)/i
    if (!steersDownload.test(key) && key !== 'KEYWARD_NO_FALLBACK') env[key] = value
  }
  return { ...env, ...extra }
}

function start(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), ...args], { cwd: root, env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    // Only a guard against a hung script, not a duration under test.
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(guard)
      resolve({ code, output })
    })
  })
}

describe.skipIf(binaryPresent)('npm start without an Electron binary', () => {
  const cache = mkdtempSync(join(tmpdir(), 'keyward-electron-cache-'))
  afterAll(() => rmSync(cache, { recursive: true, force: true }))

  it('a failed download: one plain sentence naming Electron and the reason, no stack trace, exit 1', async () => {
    const port = await closedPort()
    const env = cleanEnv({ ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: cache })
    const { code, output } = await start(['--no-fallback'], env)

    expect(output).not.toMatch(/^\s+at /m)
    expect(output).toContain(`Could not download Electron ${version} for ${process.platform}-${process.arch}:`)
    expect(output).toMatch(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`))
    expect(output).toContain('Not starting the browser host')
    expect(code).not.toBe(0)
    expect(code).not.toBeNull()
    // Nothing was fetched.
    expect(readdirSync(cache)).toEqual([])
  }, 150_000)

  it('ELECTRON_SKIP_BINARY_DOWNLOAD=1: says the download was skipped, fetches nothing', async () => {
    const port = await closedPort()
    const env = cleanEnv({
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      KEYWARD_NO_FALLBACK: '1',
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
      electron_config_cache: cache,
    })
    const { code, output } = await start(['--dev'], env)

    expect(output).not.toMatch(/^\s+at /m)
    expect(output).toContain(`Electron ${version}`)
    expect(output).toMatch(/skipped: ELECTRON_SKIP_BINARY_DOWNLOAD=1/)
    expect(output).not.toContain('Downloading')
    expect(code).not.toBe(0)
    expect(code).not.toBeNull()
  }, 150_000)
})
