// The vault against a real Secret Service (run through tests/support/with-keyring.sh)
// and against an unreachable one (always, on Linux).
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import type { VaultStatus } from '../../shared/domain.ts'
import { KeyringSecretStore, MemorySecretStore } from '../../electron/core/vault/secret-store.ts'

const execFileAsync = promisify(execFile)
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const realKeychain = process.env.KEYWARD_KEYRING === 'secret-service'
const requireKeychain = process.env.KEYWARD_REQUIRE_KEYRING === '1'
const realTitle =
  realKeychain || requireKeychain
    ? 'KeyringSecretStore on a real Secret Service'
    : 'KeyringSecretStore on a real Secret Service [skipped: KEYWARD_KEYRING unset, run via tests/support/with-keyring.sh]'

/** Every file under `dir` that holds `secret` in any common encoding. */
function filesContaining(dir: string, secret: string): string[] {
  const needles = [
    Buffer.from(secret, 'utf8'),
    Buffer.from(secret, 'utf16le'),
    Buffer.from(Buffer.from(secret).toString('base64')),
    Buffer.from(Buffer.from(secret).toString('hex')),
  ]
  const hits: string[] = []
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const file = join(dir, name)
    if (!statSync(file).isFile()) continue
    const bytes = readFileSync(file)
    if (needles.some((needle) => bytes.includes(needle))) hits.push(file)
  }
  return hits
}

/** What a peer that is not us sees in the keyring: `secret-tool lookup` (null when absent). */
async function secretToolLookup(ref: string): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync('secret-tool', ['lookup', 'service', 'Keyward', 'username', ref])
    return stdout
  } catch (error) {
    if ((error as { code?: unknown }).code === 1) return null
    throw error
  }
}

const moduleUrl = (path: string) => JSON.stringify(pathToFileURL(join(repoRoot, path)).href)
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** What the child scripts print as their last line. */
interface ChildReport {
  set: 'stored' | { code: string; message: string; detail: string }
  status: VaultStatus
  leak?: string
  keyutils?: 'absent' | 'present' | 'inaccessible'
}

/** Node + tsx running `script` (ESM); `prefix` wraps the command line (e.g. with-keyring.sh). */
async function runChild(
  script: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; prefix?: string[] },
): Promise<{ stdout: string; result: ChildReport }> {
  const [file, ...args] = [
    ...(options.prefix ?? []),
    process.execPath,
    '--import',
    tsxLoader,
    '--input-type=module',
    '-e',
    script,
  ]
  const { stdout } = await execFileAsync(file ?? '', args, { cwd: options.cwd, env: options.env, timeout: 60_000 })
  return { stdout, result: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') }
}

describe.skipIf(!realKeychain && !requireKeychain)(realTitle, () => {
  const store = new KeyringSecretStore({ timeoutMs: 15_000 })
  const ref = `key:test-${randomUUID()}`
  afterAll(async () => {
    await store.delete(ref).catch(() => false)
  })

  it('reports the keychain as available after a real probe round trip', async () => {
    expect(await store.status()).toEqual({ available: true, backend: 'Secret Service', problem: null })
  })

  it('sets, reads, overwrites and deletes an item that other Secret Service clients can see', async () => {
    const first = `kw-first-${randomUUID()}`
    const second = `kw-second-${randomUUID()}`

    expect(await store.get(ref)).toBeNull()
    await store.set(ref, first)
    expect(await store.get(ref)).toBe(first)
    expect(await secretToolLookup(ref)).toBe(first)

    await store.set(ref, second)
    expect(await store.get(ref)).toBe(second)
    expect(await secretToolLookup(ref)).toBe(second)
    const { stdout, stderr } = await execFileAsync('secret-tool', ['search', '--all', 'service', 'Keyward'])
    // secret-tool prints attributes on stderr and label/secret on stdout.
    expect(stderr).toContain(`attribute.username = ${ref}`)
    expect(stdout).toContain(`label = keyring:${ref}@Keyward`)
    expect(stdout.match(new RegExp(`label = keyring:${ref}@`, 'g'))).toHaveLength(1) // overwritten, not duplicated

    expect(store.isKnownSecret(first)).toBe(true)
    expect(store.isKnownSecret(`Bearer ${second}`)).toBe(true)
    expect(store.isKnownSecret('not-a-secret-we-have-seen')).toBe(false)

    expect(await store.delete(ref)).toBe(true)
    expect(await store.get(ref)).toBeNull()
    expect(await secretToolLookup(ref)).toBeNull()
    expect(await store.delete(ref)).toBe(false)
  })

  it('reports a locked keyring as locked, with advice to unlock it', async () => {
    // A nested wrapper gives the child its own keyring, so locking it cannot
    // disturb tests running in parallel on ours. No DISPLAY: a desktop must not
    // pop up a real unlock prompt; without one the prompt is dismissed at once.
    const sandbox = mkdtempSync(join(tmpdir(), 'keyward-locked-'))
    try {
      const script = `
        const { KeyringSecretStore } = await import(${moduleUrl('electron/core/vault/secret-store.ts')})
        const vault = new KeyringSecretStore({ timeoutMs: 10000 })
        const out = { status: await vault.status() }
        try { await vault.set('key:locked-test', 'kw-locked-secret-value'); out.set = 'stored' }
        catch (e) { out.set = { code: e.code, message: e.message, detail: e.detail } }
        console.log(JSON.stringify(out))
      `
      const lockThenRun =
        'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets ' +
        'org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null && exec "$@"'
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: sandbox } // whatever the prompter caches stays in the sandbox
      delete env.DISPLAY
      delete env.WAYLAND_DISPLAY
      const { stdout, result } = await runChild(script, {
        cwd: sandbox,
        env,
        prefix: ['bash', join(repoRoot, 'tests/support/with-keyring.sh'), 'bash', '-c', lockThenRun, 'lock'],
      })
      expect(stdout).not.toContain('kw-locked-secret-value')
      expect(result.status).toMatchObject({ available: false, backend: 'Secret Service' })
      expect(result.set).toMatchObject({ code: 'keychain-unavailable' })
      const failure = result.set as Exclude<ChildReport['set'], 'stored'>
      expect(failure.message).toMatch(/^Your system keyring is locked\. Unlock it/)
      expect(failure.detail).toMatch(/unlock prompt was dismissed/)
      expect(filesContaining(sandbox, 'kw-locked-secret-value')).toEqual([])
    } finally {
      rmSync(sandbox, { recursive: true, force: true })
    }
  })

  it('leaves no probe items behind after status()', async () => {
    await store.status()
    const { stderr } = await execFileAsync('secret-tool', ['search', '--all', 'service', 'Keyward'])
    expect(stderr).not.toMatch(/attribute\.username = probe:/)
  })
})

describe('vault input checks (no keychain needed)', () => {
  it.each(['', 'Key:UPPER', 'key with space', 'key/slash', `key:${'x'.repeat(200)}`])(
    'rejects the ref %j before touching the keychain',
    async (ref) => {
      const keyring = new KeyringSecretStore()
      await expect(keyring.get(ref)).rejects.toMatchObject({ code: 'invalid-input' })
      await expect(keyring.set(ref, 'some-secret-value')).rejects.toMatchObject({ code: 'invalid-input' })
      await expect(new MemorySecretStore().delete(ref)).rejects.toMatchObject({ code: 'invalid-input' })
    },
  )

  it('does not echo a rejected ref (it might be a secret passed by mistake)', async () => {
    const failure = await new KeyringSecretStore().get('SECRET-LOOKING-VALUE').catch((e: unknown) => e)
    expect(JSON.stringify(failure)).not.toContain('SECRET-LOOKING-VALUE')
    expect((failure as Error).message).not.toContain('SECRET-LOOKING-VALUE')
  })

  it('MemorySecretStore can simulate a locked keychain', async () => {
    const vault = new MemorySecretStore({ available: false })
    expect(await vault.status()).toMatchObject({ available: false, backend: 'Memory' })
    await expect(vault.set('key:a', 'memory-secret-value')).rejects.toMatchObject({ code: 'keychain-unavailable' })
    expect(vault.isKnownSecret('memory-secret-value')).toBe(true) // refused writes still count as secrets
    vault.setAvailable(true)
    await vault.set('key:a', 'memory-secret-value')
    expect(await vault.get('key:a')).toBe('memory-secret-value')
    expect(await vault.delete('key:a')).toBe(true)
    expect(vault.size).toBe(0)
  })
})

describe('an unreachable keychain', () => {
  let sandbox = ''
  afterAll(() => {
    if (sandbox) rmSync(sandbox, { recursive: true, force: true })
  })

  // In a child process: the D-Bus address is read when the library connects,
  // and this must not disturb the real keyring other tests in this run use.
  it.skipIf(process.platform !== 'linux')(
    'fails with keychain-unavailable, does not fall back, and writes no secret to disk',
    async () => {
      sandbox = mkdtempSync(join(tmpdir(), 'keyward-nokeychain-'))
      const settingsDir = join(sandbox, 'settings')
      const home = join(sandbox, 'home')
      mkdirSync(home)
      const secret = `kw-unreachable-${randomUUID()}`
      const script = `
        const { KeyringSecretStore } = await import(${moduleUrl('electron/core/vault/secret-store.ts')})
        const { openSettings } = await import(${moduleUrl('electron/core/settings/settings.ts')})
        const { createRequire } = await import('node:module')
        const { Entry } = createRequire(${moduleUrl('package.json')})('@napi-rs/keyring')
        const secret = process.env.KW_SECRET
        const vault = new KeyringSecretStore({ timeoutMs: 10000 })
        const settings = openSettings({ cwd: process.env.KW_SETTINGS, projectVersion: '0.1.0', isSecret: (s) => vault.isKnownSecret(s) })
        const out = {}
        try { await vault.set('key:unreachable-test', secret); out.set = 'stored' }
        catch (e) { out.set = { code: e.code, message: e.message, detail: e.detail } }
        out.status = await vault.status()
        const meta = { key: '192.0.2.1:443', host: '192.0.2.1', port: 443, kind: 'unifi-os', model: 'UDMPRO', name: 'Lab',
          mac: null, certificateSha256: Array(32).fill('AB').join(':'), lastSeen: new Date().toISOString() }
        settings.upsertConsole(meta)
        try { settings.upsertConsole({ ...meta, name: 'key ' + secret }); out.leak = 'written' } catch (e) { out.leak = e.code }
        // The library's default would fall back to kernel keyutils; ours must not have.
        try { out.keyutils = new Entry('Keyward', 'key:unreachable-test', { linux: { store: 'keyutils' } }).getPassword() === null ? 'absent' : 'present' }
        catch { out.keyutils = 'inaccessible' }
        console.log(JSON.stringify(out))
      `
      const { stdout, result } = await runChild(script, {
        cwd: sandbox,
        env: {
          ...process.env,
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          XDG_DATA_HOME: join(home, '.local/share'),
          KW_SECRET: secret,
          KW_SETTINGS: settingsDir,
        },
      })
      expect(stdout).not.toContain(secret)
      expect(result.set).toMatchObject({ code: 'keychain-unavailable' })
      const failure = result.set as Exclude<ChildReport['set'], 'stored'>
      expect(failure.message).toMatch(
        /^Keyward cannot reach a system keyring \(Secret Service\)\. .*GNOME Keyring or KWallet/,
      )
      expect(failure.detail).toMatch(/Failed to connect to socket \/nonexistent/)
      expect(result.status).toMatchObject({ available: false, backend: 'Secret Service', problem: failure.message })
      expect(result.leak).toBe('settings-invalid')
      expect(result.keyutils).not.toBe('present')

      expect(readdirSync(settingsDir)).toEqual(['config.json']) // metadata was saved…
      expect(readFileSync(join(settingsDir, 'config.json'), 'utf8')).toContain('192.0.2.1:443')
      expect(filesContaining(sandbox, secret)).toEqual([]) // …but the secret went nowhere
    },
  )
})
