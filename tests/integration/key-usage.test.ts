// The key list's "role / scopes" and "last used" columns on real keys: read from
// the console's key list as the key's own dedicated user (the admin has signed
// out), throttled per console, told apart from Keyward's own checks; and the
// expiry lead time as a preference.
import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KeyView, ProvisionOutcome } from '../../shared/domain.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'
import { probeAndTrust, probeAndTrustUisp } from '../support/trust.ts'

let skew = 0
const core = makeCore({ accessPort: 0 })
let udm: RunningConsole
let address: string

const keyNamed = (name: string) => core.keys.list().find((k) => k.name === name)!
const usage = async (force?: boolean): Promise<KeyView[]> => {
  const r = await core.invoke('keys.usage', force === undefined ? {} : { force })
  if (!r.ok) throw new Error(r.error.message)
  return r.value as KeyView[]
}

/** What Home Assistant would do with the key: one integration call. */
function useKey(secret: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: udm.port,
        path: '/proxy/protect/integration/v1/meta/info',
        headers: { 'X-API-KEY': secret },
        rejectUnauthorized: false,
        timeout: 5000,
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

async function provision(app: 'protect' | 'network', mode: 'dedicated-user' | 'signed-in-admin', keyName: string) {
  const run = await core.invoke('provision.run', { key: address, app, mode, username: `kw-${keyName}`, keyName })
  if (!run.ok) throw new Error(run.error.message)
  expect((run.value as ProvisionOutcome).check?.status).toBe('ok')
}

beforeAll(async () => {
  udm = await startConsole('udm-pro', {}, () => Date.now() + skew)
  address = `127.0.0.1:${udm.port}`
  await probeAndTrust(core, address)
  await core.invoke('console.signIn', { key: address, username: OWNER_USERNAME, password: OWNER_PASSWORD })
  await provision('protect', 'dedicated-user', 'ha-protect')
  await provision('network', 'signed-in-admin', 'owner-network')
  await core.invoke('console.signOut', { key: address })
})
afterAll(async () => {
  await core.close()
  core.dispose()
})

describe('key usage and rights', () => {
  it('knows each key’s role at mint time: the dedicated user is Super Admin, the admin-minted key the owner’s', () => {
    expect(keyNamed('ha-protect').access).toEqual({ role: 'Super Admin', scopes: [] })
    expect(keyNamed('owner-network').access).toEqual({ role: 'Owner', scopes: [] })
    expect(keyNamed('ha-protect').usage).toBeUndefined()
  })

  it('reads last use and the permission map as the dedicated user, and labels Keyward’s own check as such', async () => {
    const listed = await usage(true)
    const protect = listed.find((k) => k.name === 'ha-protect')!
    expect(protect.access?.scopes).toContain('protect.management: admin')
    expect(protect.access?.role).toBe('Super Admin')
    // The only use so far is the wizard's verification.
    expect(protect.usage?.lastUsedAt).not.toBeNull()
    expect(Math.abs(Date.parse(protect.usage!.lastUsedAt!) - Date.parse(protect.lastCheck!.checkedAt))).toBeLessThan(
      5000,
    )
    // The admin-minted key needs the admin's session, which was signed out: left unread, not an error.
    expect(listed.find((k) => k.name === 'owner-network')!.usage).toBeUndefined()
    // The settings file holds the reading (metadata only), so it survives a restart.
    expect(core.settings.listKeys().find((k) => k.name === 'ha-protect')!.usage?.lastUsedAt).toBe(
      protect.usage!.lastUsedAt,
    )
  })

  it('shows a later use by something else, but reads the console at most once per interval unless asked', async () => {
    const before = keyNamed('ha-protect').usage!.lastUsedAt
    skew = 3600_000 // an hour later, Home Assistant uses the key
    expect(await useKey((await core.vault.get(keyNamed('ha-protect').keyRef))!)).toBe(200)
    expect((await usage()).find((k) => k.name === 'ha-protect')!.usage!.lastUsedAt).toBe(before) // throttled
    const fresh = (await usage(true)).find((k) => k.name === 'ha-protect')!
    expect(Date.parse(fresh.usage!.lastUsedAt!) - Date.parse(fresh.lastCheck!.checkedAt)).toBeGreaterThan(3000_000)
  })

  it('reads again once the admin signs in, and a rotation starts the new key’s usage afresh but keeps its rights', async () => {
    await core.invoke('console.signIn', { key: address, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    const network = (await usage(true)).find((k) => k.name === 'owner-network')!
    expect(network.usage).not.toBeNull()
    expect(network.access?.scopes).toContain('network.management: admin')

    const rotated = await core.invoke('keys.rotate', { id: keyNamed('ha-protect').id })
    expect(rotated.ok).toBe(true)
    const after = keyNamed('ha-protect')
    expect(after.usage).toBeNull()
    expect(after.access?.role).toBe('Super Admin')
    expect(after.access?.scopes).toContain('protect.management: admin')
  })
})

describe('a refused stored password', () => {
  it('is tried once, then never again in the background: the console locks sign-ins per address after a few failures', async () => {
    const other = makeCore()
    try {
      const sim = await startConsole('unvr')
      const at = `127.0.0.1:${sim.port}`
      await provisionedKey(other, sim, { username: 'kw-changed', keyName: 'changed' })
      await other.invoke('console.signOut', { key: at })
      // Someone changes the dedicated user's password on the console.
      const user = [...sim.state.users.values()].find((u) => u.username === 'kw-changed')!
      user.password = 'changed-on-the-console-1'
      const failures = () => [...sim.state.loginLockout.entries.values()].reduce((n, e) => n + e.failures, 0)

      for (let i = 0; i < 4; i++) await other.invoke('keys.usage', { force: true })
      expect(failures()).toBe(1)
      expect(other.keys.list()[0]!.usage).toBeUndefined()
      // The owner can still sign in from this address.
      expect(
        await other.invoke('console.signIn', { key: at, username: OWNER_USERNAME, password: OWNER_PASSWORD }),
      ).toMatchObject({ ok: true })
    } finally {
      await other.close()
      other.dispose()
    }
  })
})

describe('expiry lead time preference', () => {
  it('turns a key expiring in 10 days "expiring" when the user asks to be warned 14 days ahead, at once', async () => {
    const record = core.keys.register({
      name: 'door-token',
      app: 'access',
      consoleKey: address,
      username: 'kw-door',
      remoteId: null,
      keyRef: 'key:test-door',
      passwordRef: null,
      masked: 'abcd…wxyz',
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      lastCheck: null,
    })
    const status = () => core.keys.list().find((k) => k.id === record.id)!.status
    expect(status()).toBe('unknown') // not checked yet, not within the default 7 days
    const seen: string[] = []
    const off = core.subscribe('keys.changed', (list) =>
      seen.push((list as KeyView[]).find((k) => k.id === record.id)!.status),
    )
    const prefs = await core.invoke('preferences.set', { expiryLeadDays: 14 })
    off()
    expect(prefs).toMatchObject({ ok: true, value: { expiryLeadDays: 14 } })
    expect(status()).toBe('expiring')
    expect(seen).toEqual(['expiring']) // the list and tray hear of it without waiting for a sweep
    expect((await core.invoke('preferences.set', { expiryLeadDays: 0 })).ok).toBe(false)
  })
})

describe('UISP token usage', () => {
  it('reads lastUsed from the signed-in user’s token list, and shows the token’s scope as its rights', async () => {
    const { startUisp, UISP_OPERATOR } = await import('../simulators/uisp/testing.ts')
    const sim = await startUisp()
    const server = `127.0.0.1:${sim.port}`
    expect((await probeAndTrustUisp(core, server)).ok).toBe(true)
    expect(await core.invoke('uisp.signIn', { key: server, ...UISP_OPERATOR })).toMatchObject({ ok: true })
    expect(await core.invoke('uisp.createToken', { key: server, purpose: 'monitor', name: 'ha-uisp' })).toMatchObject({
      ok: true,
    })
    const token = core.keys.list().find((k) => k.app === 'uisp')!
    expect(token.uisp?.scope).toBeTruthy()
    const read = (await usage(true)).find((k) => k.id === token.id)!
    // The only use so far is the wizard's own check (the server counts it).
    expect(read.usage?.readAt).toBeTruthy()
    expect(read.usage?.lastUsedAt).not.toBeNull()

    // Signed out (a UISP sign-in may need a 2FA code, so Keyward never signs in on its own): left as read.
    await core.invoke('uisp.signOut', { key: server })
    expect((await usage(true)).find((k) => k.id === token.id)!.usage).toEqual(read.usage)
  })
})
