// Console simulator: preset knobs, deep overrides and the CLI flags the lab uses.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { overridesFromCli, parseSetting } from '../simulators/console/cli-overrides.ts'
import { call, json } from '../simulators/console/client.ts'
import { createConsoleConfig, presets } from '../simulators/console/presets.ts'

describe('preset knobs', () => {
  it('firmware, app versions, cameras, accounts and refusals per preset', () => {
    expect(presets['udm-pro']).toMatchObject({
      apps: ['network', 'protect'],
      appVersions: { network: '10.2.105', protect: '7.3.12' },
      protect: { cameras: 0 },
      localUserCreation: 'allowed',
      booting: false,
      accessPort: 12445,
      rateLimit: { quota: 10, windowSeconds: 1, second: { quota: 0 }, window: 'sliding', headers: 'single' },
      auth: {
        cookieName: 'TOKEN',
        csrfInJwtOnly: false,
        badCredentialsStatus: 403,
        lockout: { maxFailures: 5, lockSeconds: 60 },
      },
    })
    expect(
      presets['udm-pro'].accounts.map((a) => [a.username, a.role, a.isOwner, a.localAccount, a.mfa?.code]),
    ).toEqual([
      ['admin', 'super_administrator', true, true, undefined],
      ['cloud@example.com', 'super_administrator', false, false, '123456'],
    ])
    expect(presets.unvr).toMatchObject({ protect: { cameras: 6 }, appVersions: { protect: '7.3.12' } })
    expect(presets.unvr.accounts.map((a) => a.username)).toEqual(['admin', 'cloud@example.com'])
    expect(presets['udm-se']).toMatchObject({ localUserCreation: 'refused', appVersions: { protect: '7.3.12' } })
    expect(presets['udm-se'].firmware).toMatch(/^5\./)
    expect(presets['ckg2-plus']).toMatchObject({
      firmware: '4.3.6',
      appVersions: { protect: '6.0.53', network: '10.2.105', access: '4.2.10' },
    })
    expect(presets['ckg2-plus'].accounts.map((a) => [a.username, a.role])).toEqual([
      ['admin', 'super_administrator'],
      ['limited', 'admin'],
    ])
    for (const p of Object.values(presets)) {
      for (const a of p.accounts)
        expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/)
    }
    expect(Object.isFrozen(presets['udm-pro'].auth.lockout)).toBe(true)
  })

  it('two-shaped facts (issue 14 §1): every preset answers the long-standing shape; --set picks the other', () => {
    for (const p of Object.values(presets)) {
      expect(p.shapes).toEqual({
        keyPaths: 'both',
        whoAmI: 'both',
        profileIds: 'both',
        loginReplyHasId: true,
        envelope: 'code-1',
        adminList: 'array',
        duplicateUser: 'username',
        keyFormat: 'base64url',
        loginEnvelope: false,
        loginProfile: 'full',
      })
      expect(p.auth.csrfHeaders).toBe('both')
    }
    const base = createConsoleConfig('unvr')
    expect(parseSetting(base, 'shapes.keyPaths=user-id')).toEqual({ path: ['shapes', 'keyPaths'], value: 'user-id' })
    expect(parseSetting(base, 'shapes.loginReplyHasId=false').value).toBe(false)
    const set = ['shapes.keyPaths=user-id', 'auth.csrfHeaders=x-csrf-token']
    const c = createConsoleConfig('unvr', overridesFromCli(base, { set }))
    expect(c.shapes).toMatchObject({ keyPaths: 'user-id', whoAmI: 'both' })
    expect(c.auth).toMatchObject({ csrfHeaders: 'x-csrf-token', cookieName: 'TOKEN' })
  })

  it('overrides are deep: nested knobs keep their siblings, arrays replace, presets stay untouched', () => {
    const c = createConsoleConfig('udm-pro', {
      auth: { lockout: { lockSeconds: 5 } },
      appVersions: { protect: '6.1.79' },
      apps: ['protect'],
    })
    expect(c.auth).toMatchObject({ cookieName: 'TOKEN', lockout: { maxFailures: 5, lockSeconds: 5 } })
    expect(c.appVersions).toEqual({ network: '10.2.105', protect: '6.1.79', access: '4.2.10' })
    expect(c.apps).toEqual(['protect'])
    c.accounts[0]!.password = 'changed'
    c.auth.lockout.maxFailures = 1
    expect(presets['udm-pro'].accounts[0]!.password).toBe('Passw0rd!owner')
    expect(presets['udm-pro'].auth.lockout.maxFailures).toBe(5)
  })
})

describe('CLI overrides', () => {
  const base = createConsoleConfig('unvr')

  it('--set types values after the preset and rejects unknown paths', () => {
    expect(parseSetting(base, 'auth.cookieName=UOS_TOKEN')).toEqual({
      path: ['auth', 'cookieName'],
      value: 'UOS_TOKEN',
    })
    expect(parseSetting(base, 'auth.lockout.lockSeconds=5')).toEqual({
      path: ['auth', 'lockout', 'lockSeconds'],
      value: 5,
    })
    expect(parseSetting(base, 'booting=true').value).toBe(true)
    expect(parseSetting(base, 'name=123').value).toBe('123')
    expect(parseSetting(base, 'apps=["protect","access"]').value).toEqual(['protect', 'access'])
    expect(parseSetting(base, 'appVersions.network=10.0.1').value).toBe('10.0.1') // optional leaf
    expect(() => parseSetting(base, 'auth.cookiename=x')).toThrow(/unknown setting/)
    expect(() => parseSetting(base, 'booting=yes')).toThrow(/true or false/)
    expect(() => parseSetting(base, 'rateLimit.quota=many')).toThrow(/number/)
    expect(parseSetting(base, 'rateLimit.window=fixed').value).toBe('fixed')
    expect(parseSetting(base, 'rateLimit.headers=lines').value).toBe('lines')
    expect(parseSetting(base, 'rateLimit.second.quota=600').value).toBe(600)
    expect(() => parseSetting(base, 'apps=protect')).toThrow(/JSON/)
    expect(() => parseSetting(base, 'noequals')).toThrow(/path=value/)
  })

  it('--config-json first, then --set in order', () => {
    const o = overridesFromCli(base, {
      configJson: '{"auth":{"csrfInJwtOnly":true,"lockout":{"maxFailures":2}},"protect":{"cameras":1}}',
      set: ['auth.lockout.lockSeconds=9', 'protect.cameras=3'],
    })
    const c = createConsoleConfig('unvr', o)
    expect(c.auth).toMatchObject({ csrfInJwtOnly: true, lockout: { maxFailures: 2, lockSeconds: 9 } })
    expect(c.protect.cameras).toBe(3)
    expect(() => overridesFromCli(base, { configJson: '[1]' })).toThrow(/object/)
  })

  it('main.ts starts a knobbed console and reports accessPort in the ready line', async () => {
    const main = fileURLToPath(new URL('../simulators/console/main.ts', import.meta.url))
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        main,
        '--preset',
        'unvr',
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--set',
        'apps=["protect","access"]',
        '--set',
        'accessPort=0',
        '--config-json',
        '{"booting":true}',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    try {
      let out = ''
      child.stdout.setEncoding('utf8')
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk
          if (out.includes('\n')) resolve()
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}`)))
      })
      const ready = JSON.parse(out.trim()) as {
        ready: boolean
        url: string
        accessPort: number
        accessUrl: string
        preset: string
      }
      expect(ready).toMatchObject({ ready: true, preset: 'unvr' })
      expect(ready.accessPort).toBeGreaterThan(0)
      expect(ready.accessUrl).toBe(`https://127.0.0.1:${ready.accessPort}`)
      expect((await call(ready.url, '/api/system')).headers['content-type']).toMatch(/^text\/html/) // booting
      expect((await call(ready.url, '/proxy/access/api')).status).toBe(200) // booting page, too
    } finally {
      child.kill('SIGTERM')
      if (child.exitCode === null) await once(child, 'exit')
    }
    expect(child.exitCode).toBe(0)
  })

  it('main.ts rejects a bad --set with exit code 2', async () => {
    const main = fileURLToPath(new URL('../simulators/console/main.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--preset', 'unvr', '--set', 'nope=1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c))
    const [code] = (await once(child, 'exit')) as [number]
    expect(code).toBe(2)
    expect(err).toMatch(/unknown setting "nope"/)
  })
})

describe('client helper', () => {
  it('json() parses bodies', () => {
    expect(json({ status: 200, headers: {}, body: '{"a":1}', fingerprint256: '' })).toEqual({ a: 1 })
  })
})
