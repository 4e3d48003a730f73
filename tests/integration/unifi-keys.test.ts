// Users, keys, Access tokens and key verification against the simulator:
// every diagnosis the client can give, on the presets that produce it.
import { describe, expect, it } from 'vitest'
import { createAccessToken } from '../../electron/core/unifi/access.ts'
import { listKeys, mintKey, revokeKey } from '../../electron/core/unifi/keys.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import { createLocalUser, deleteUser, listAdmins, listRoles } from '../../electron/core/unifi/users.ts'
import { verifyKey } from '../../electron/core/unifi/verify.ts'
import { LIMITED_PASSWORD, LIMITED_USERNAME } from '../simulators/console/presets.ts'
import { failureOf, knownOf, ownerSession, startConsole, targetOf } from '../support/consoles.ts'

describe('local users', () => {
  it('creates a local-only Super Admin, lists it, refuses duplicates and weak passwords, deletes it', async () => {
    const sim = await startConsole('udm-pro')
    const session = await ownerSession(sim)
    const superAdmin = (await listRoles(session)).find((r) => r.systemKey === 'super_administrator')!
    expect(superAdmin.name).toMatch(/Super Admin/)
    const user = await createLocalUser(session, {
      username: 'keyward-protect',
      password: 'Str0ng-and-long!',
      roleId: superAdmin.id,
    })
    const stored = sim.state.users.get(user.id)!
    expect(stored).toMatchObject({ username: 'keyward-protect', localAccount: true, roleKey: 'super_administrator' })
    expect((await listAdmins(session)).map((u) => u.username)).toContain('keyward-protect')

    const duplicate = await failureOf(
      createLocalUser(session, { username: 'Keyward-Protect', password: 'Str0ng-and-long!', roleId: superAdmin.id }),
    )
    expect(duplicate).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/already has a user with that name/),
    })
    const weak = await failureOf(
      createLocalUser(session, { username: 'other', password: 'short', roleId: superAdmin.id }),
    )
    expect(weak).toMatchObject({ code: 'refused', message: expect.stringMatching(/rejected the password/) })

    await deleteUser(session, user.id)
    expect(sim.state.users.has(user.id)).toBe(false)
  })

  it('reports a console that refuses local users (UniFi OS 5 "Fabric")', async () => {
    const sim = await startConsole('udm-se')
    const session = await ownerSession(sim)
    const role = (await listRoles(session)).find((r) => r.systemKey === 'super_administrator')!
    const error = await failureOf(
      createLocalUser(session, { username: 'keyward', password: 'Str0ng-and-long!', roleId: role.id }),
    )
    expect(['refused', 'forbidden']).toContain(error.code)
    expect(sim.state.users.size).toBe(sim.config.accounts.length)
  })
})

describe('API keys', () => {
  it('mints a key shown once, lists it masked, revokes it', async () => {
    const sim = await startConsole('unvr')
    const session = await ownerSession(sim)
    const minted = await mintKey(session, 'home-assistant')
    expect(minted.key).toMatch(/^[A-Za-z0-9_-]{32}$/)
    const listed = await listKeys(session)
    expect(listed).toHaveLength(1)
    expect(listed[0]!.masked).toMatch(/\*{3}/)
    expect(JSON.stringify(listed)).not.toContain(minted.key)
    await revokeKey(session, minted.id)
    expect(await listKeys(session)).toEqual([])
  })

  it('tells a non-Super-Admin why the Integrations page is missing', async () => {
    const sim = await startConsole('ckg2-plus')
    const session = new ConsoleSession(targetOf(sim))
    await session.login({ username: LIMITED_USERNAME, password: LIMITED_PASSWORD })
    const error = await failureOf(mintKey(session, 'ha'))
    expect(error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/only Owner or Super Admin/) })
  })
})

describe('verifying keys', () => {
  it('the seed failure: Protect on the UNVR, key made on the UDM Pro', async () => {
    const udm = await startConsole('udm-pro')
    const unvr = await startConsole('unvr')
    const udmKey = (await mintKey(await ownerSession(udm), 'ha')).key
    const all = [knownOf(udm), knownOf(unvr)]

    // Pointed at the NVR, the UDM's key fails: name the console it belongs to.
    const atNvr = await verifyKey({ console: knownOf(unvr), others: all, app: 'protect', key: udmKey })
    expect(atNvr).toMatchObject({ status: 'failed', problem: 'wrong_host', rightHost: { key: knownOf(udm).key } })
    expect(atNvr.status === 'failed' && atNvr.message).toMatch(/made on Dream Machine Pro/)

    // A console whose certificate the user never confirmed is not sent the key to find where it belongs
    // (issue 14 §3): without that try, the UDM cannot be named as the key's console.
    const unconfirmed = await verifyKey({
      console: knownOf(unvr),
      others: all,
      app: 'protect',
      key: udmKey,
      mayReceiveKey: () => false,
    })
    expect(unconfirmed.status).toBe('failed')
    expect(unconfirmed).not.toMatchObject({ problem: 'wrong_host' })

    // At the UDM, the key works but its Protect is empty: name the NVR.
    const atUdm = await verifyKey({ console: knownOf(udm), others: all, app: 'protect', key: udmKey })
    expect(atUdm).toMatchObject({
      status: 'failed',
      problem: 'wrong_host',
      rightHost: { key: knownOf(unvr).key, name: 'NVR' },
    })

    // Made on the NVR, it verifies, with Protect's version and cameras.
    const nvrKey = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ok = await verifyKey({
      console: knownOf(unvr),
      others: all,
      app: 'protect',
      key: nvrKey,
      minimumVersion: '7.2.105',
    })
    expect(ok).toMatchObject({ status: 'ok', appVersion: '7.3.12', cameras: 6 })
  })

  it('says Protect is too old for Home Assistant', async () => {
    const ck = await startConsole('ckg2-plus')
    const key = (await mintKey(await ownerSession(ck), 'ha')).key
    const check = await verifyKey({ console: knownOf(ck), app: 'protect', key, minimumVersion: '7.2.105' })
    expect(check).toMatchObject({
      status: 'failed',
      problem: 'version_too_old',
      message: expect.stringMatching(/6\.0\.53.*7\.2\.105/),
    })
  })

  it('says the app is not on this console and which one has it', async () => {
    const udm = await startConsole('udm-pro')
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const check = await verifyKey({ console: knownOf(unvr), others: [knownOf(udm)], app: 'network', key })
    expect(check).toMatchObject({ status: 'failed', problem: 'app_not_on_host', rightHost: { key: knownOf(udm).key } })
  })

  it('says a key lacks rights when its owner has no access to the app', async () => {
    const sim = await startConsole('udm-pro', {
      accounts: [
        {
          id: 'a7c1b1e0-0000-4000-8000-000000000001',
          username: 'admin',
          password: 'Passw0rd!owner',
          role: 'super_administrator',
          isOwner: true,
          localAccount: true,
        },
        {
          id: 'a7c1b1e0-0000-4000-8000-000000000002',
          username: 'viewer',
          password: 'Passw0rd!viewer',
          role: 'viewer',
          isOwner: false,
          localAccount: true,
        },
      ],
    })
    const owner = await ownerSession(sim)
    // The owner mints a key for the viewer: it carries the viewer's (empty) rights (§4.2).
    const reply = await owner.call('POST', '/proxy/users/api/v2/user/a7c1b1e0-0000-4000-8000-000000000002/keys', {
      name: 'viewer-key',
    })
    const key = (reply.body as { data: { full_api_key: string } }).data.full_api_key
    const check = await verifyKey({ console: knownOf(sim), app: 'network', key })
    expect(check).toMatchObject({ status: 'failed', problem: 'insufficient_permission' })
  })

  it('a key no console accepts is invalid here, and the message says what that can mean', async () => {
    const sim = await startConsole('unvr')
    const check = await verifyKey({ console: knownOf(sim), app: 'protect', key: 'dnF8hQgEXlkG5ipcb3pbWwTNV9MZk0Nx' })
    expect(check).toMatchObject({ status: 'failed', problem: 'invalid_key' })
    if (check.status === 'failed') expect(check.message).toMatch(/revoked/)
  })

  it('tells console keys and Access tokens apart, and Access tokens expire', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z')
    const clock = () => now
    const sim = await startConsole(
      'udm-pro',
      { apps: ['network', 'protect', 'access'], accessPort: 0, protect: { cameras: 3 } },
      clock,
    )
    const session = await ownerSession(sim, { now: clock })
    const consoleKey = (await mintKey(session, 'ha')).key
    const token = await createAccessToken(session, { name: 'ha-access', validityDays: 1 }, now)
    expect(token.expiresAt).toBe('2026-11-23T12:00:00.000Z')
    const target = { ...knownOf(sim) }
    const accessPort = sim.accessPort!

    expect(await verifyKey({ console: target, app: 'access', key: token.token, accessPort })).toMatchObject({
      status: 'ok',
      app: 'access',
    })
    expect(await verifyKey({ console: target, app: 'access', key: consoleKey, accessPort })).toMatchObject({
      status: 'failed',
      problem: 'wrong_key_type',
      message: expect.stringMatching(/console API key/),
    })
    expect(await verifyKey({ console: target, app: 'protect', key: token.token, accessPort })).toMatchObject({
      status: 'failed',
      problem: 'wrong_key_type',
      message: expect.stringMatching(/Access API token/),
    })

    now += 2 * 86_400_000
    expect(await verifyKey({ console: target, app: 'access', key: token.token, accessPort })).toMatchObject({
      status: 'failed',
      problem: 'invalid_key',
    })
  })

  it('waits out a short rate limit once, then reports it with when to retry', async () => {
    const sim = await startConsole('unvr', { rateLimit: { quota: 1 } })
    const key = (await mintKey(await ownerSession(sim), 'ha')).key
    // meta/info takes the second's budget; the camera count waits out Retry-After, then answers.
    const started = Date.now()
    expect(await verifyKey({ console: knownOf(sim), app: 'protect', key })).toMatchObject({ status: 'ok', cameras: 6 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
    // Many at once: the budget cannot cover them even after one wait.
    const checks = await Promise.all(
      Array.from({ length: 6 }, () => verifyKey({ console: knownOf(sim), app: 'protect', key })),
    )
    const limited = checks.find((c) => c.status === 'failed')
    expect(limited).toMatchObject({ problem: 'rate_limited', retryAfterSeconds: expect.any(Number) })
  })

  it('refuses to send a key to a console whose certificate changed, and reports an unreachable one', async () => {
    const sim = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(sim), 'ha')).key
    const known = knownOf(sim)
    await sim.replaceCertificate()
    const before = [...sim.state.apiKeys.values()][0]!.lastUsedAt
    expect(await verifyKey({ console: known, app: 'protect', key })).toMatchObject({
      status: 'failed',
      problem: 'tls_pin_mismatch',
    })
    expect([...sim.state.apiKeys.values()][0]!.lastUsedAt).toBe(before)
    await sim.close()
    expect(await verifyKey({ console: known, app: 'protect', key, timeoutMs: 1000 })).toMatchObject({
      status: 'failed',
      problem: 'unreachable',
    })
  })
})
