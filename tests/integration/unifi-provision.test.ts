// The wizard-level core flow on a console: dedicated local-only user → key
// minted as that user → stored → verified; resumable after a dropped
// connection at the worst moments, leaving no second user and no stray key,
// and never a secret in the settings file.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openSettings } from '../../electron/core/settings/settings.ts'
import {
  newProvision,
  ProvisionFailure,
  runProvision,
  type ProvisionDeps,
} from '../../electron/core/unifi/provision.ts'
import { verifyKey } from '../../electron/core/unifi/verify.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { failureOf, knownOf, ownerSession, startConsole } from '../support/consoles.ts'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function setup(sim: RunningConsole, others: RunningConsole[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-provision-'))
  dirs.push(dir)
  const vault = new MemorySecretStore()
  const settings = openSettings({ cwd: dir, projectVersion: '0.1.0', isSecret: (s) => vault.isKnownSecret(s) })
  const deps: ProvisionDeps = {
    vault,
    journal: { get: (id) => settings.getProvision(id), save: (r) => settings.saveProvision(r) },
    verify: (key) =>
      verifyKey({ console: knownOf(sim), others: others.map(knownOf), app: 'protect', key, minimumVersion: '7.2.105' }),
  }
  const scanForSecrets = async () => {
    const secrets = await Promise.all(
      settings.listProvisions().flatMap((p) => [vault.get(p.passwordRef), vault.get(p.keyRef)]),
    )
    const files = readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n')
    return secrets.filter((s): s is string => !!s && files.includes(s))
  }
  return { dir, vault, settings, deps, scanForSecrets }
}

const usersNamed = (sim: RunningConsole, name: string) =>
  [...sim.state.users.values()].filter((u) => u.username === name)
const keysOf = (sim: RunningConsole, userId: string) =>
  [...sim.state.apiKeys.values()].filter((k) => k.userId === userId)

describe('provisioning a key on a console', () => {
  it('creates a local-only Super Admin, mints the key as that user, stores and verifies it', async () => {
    const unvr = await startConsole('unvr')
    const { vault, settings, deps, scanForSecrets } = setup(unvr)
    const admin = await ownerSession(unvr)
    const start = newProvision({
      consoleKey: knownOf(unvr).key,
      app: 'protect',
      username: 'keyward-protect',
      keyName: 'home-assistant-protect',
    })
    const { record, check } = await runProvision(admin, start, deps)

    expect(check).toMatchObject({ status: 'ok', cameras: 6 })
    expect(record.steps).toEqual({ user: 'done', key: 'done', verify: 'done' })
    const [user] = usersNamed(unvr, 'keyward-protect')
    expect(user).toMatchObject({ localAccount: true, roleKey: 'super_administrator' })
    const [key] = keysOf(unvr, user!.id)
    expect(key!.creatorUserId).toBe(user!.id) // minted as the dedicated user, not the owner
    expect(await vault.get(record.keyRef)).toBe(key!.key)
    expect(await vault.get(record.passwordRef)).toBe(user!.password)
    expect(settings.getProvision(record.id)).toEqual(record)
    expect(await scanForSecrets()).toEqual([])
    // The dedicated user's session was closed after minting.
    expect([...unvr.state.sessions.values()].filter((s) => s.userId === user!.id).every((s) => s.loggedOut)).toBe(true)
  })

  it('resumes after the connection dies once the user exists, and again once the key exists: one user, one key', async () => {
    const unvr = await startConsole('unvr')
    const { vault, settings, deps, scanForSecrets } = setup(unvr)
    const start = newProvision({
      consoleKey: knownOf(unvr).key,
      app: 'protect',
      username: 'keyward-protect',
      keyName: 'ha',
    })

    void unvr.failNext({ method: 'POST', path: '/proxy/users/api/v2/user', when: 'after' })
    const first = await failureOf(runProvision(await ownerSession(unvr), start, deps))
    expect(first).toBeInstanceOf(ProvisionFailure)
    expect((first as ProvisionFailure).step).toBe('user')
    expect(usersNamed(unvr, 'keyward-protect')).toHaveLength(1) // created, reply lost
    expect(settings.getProvision(start.id)!.steps.user).toBe('failed')

    void unvr.failNext({ method: 'POST', path: /\/keys$/, when: 'after' })
    const second = await failureOf(runProvision(await ownerSession(unvr), start, deps))
    expect((second as ProvisionFailure).step).toBe('key')
    const [user] = usersNamed(unvr, 'keyward-protect')
    expect(keysOf(unvr, user!.id)).toHaveLength(1) // minted, reply lost: a stray for now

    const { record, check } = await runProvision(await ownerSession(unvr), start, deps)
    expect(check.status).toBe('ok')
    expect(usersNamed(unvr, 'keyward-protect')).toHaveLength(1)
    const keys = keysOf(unvr, user!.id)
    expect(keys).toHaveLength(1)
    expect(keys[0]!.id).toBe(record.keyId)
    expect(await vault.get(record.keyRef)).toBe(keys[0]!.key)
    expect(await scanForSecrets()).toEqual([])
  })

  it('offers minting as the signed-in admin where local users are refused, and that fallback works', async () => {
    const se = await startConsole('udm-se')
    const { deps } = setup(se)
    const admin = await ownerSession(se)
    const start = newProvision({
      consoleKey: knownOf(se).key,
      app: 'protect',
      username: 'keyward-protect',
      keyName: 'ha',
    })
    const refused = await failureOf(runProvision(admin, start, deps))
    expect(refused).toMatchObject({ step: 'user', fallbackAvailable: true })

    const fallback = newProvision({
      consoleKey: knownOf(se).key,
      app: 'protect',
      username: 'admin',
      keyName: 'ha',
      mode: 'signed-in-admin',
    })
    const { record, check } = await runProvision(admin, fallback, deps)
    expect(record.steps).toEqual({ user: 'skipped', key: 'done', verify: 'done' })
    expect(check).toMatchObject({ status: 'ok', cameras: 4 })
  })

  it('revokes a freshly minted key that the keychain cannot take', async () => {
    const unvr = await startConsole('unvr')
    const { vault, deps } = setup(unvr)
    const admin = await ownerSession(unvr)
    const start = newProvision({
      consoleKey: knownOf(unvr).key,
      app: 'protect',
      username: 'keyward-protect',
      keyName: 'ha',
    })
    const realSet = vault.set.bind(vault)
    vault.set = async (ref, secret) => {
      if (ref.startsWith('key:')) vault.setAvailable(false, 'The keychain is locked.')
      return realSet(ref, secret)
    }
    const error = await failureOf(runProvision(admin, start, deps))
    expect(error).toMatchObject({ code: 'keychain-unavailable', step: 'key' })
    const [user] = usersNamed(unvr, 'keyward-protect')
    expect(keysOf(unvr, user!.id)).toEqual([])
  })

  it('refuses to adopt a same-named user it did not create', async () => {
    const unvr = await startConsole('unvr')
    const { deps } = setup(unvr)
    const start = newProvision({ consoleKey: knownOf(unvr).key, app: 'protect', username: 'admin', keyName: 'ha' })
    const error = await failureOf(runProvision(await ownerSession(unvr), start, deps))
    expect(error).toMatchObject({
      code: 'conflict',
      step: 'user',
      message: expect.stringMatching(/Choose another name/),
    })
  })

  it('provisions a UniFi Access token with its expiry, and resumes without a stray token', async () => {
    const now = Date.parse('2026-11-22T12:00:00Z')
    const sim = await startConsole('udm-pro', { apps: ['network', 'protect', 'access'], accessPort: 0 }, () => now)
    const { vault, deps } = setup(sim)
    const accessDeps: ProvisionDeps = {
      ...deps,
      now: () => now,
      accessToken: { validityDays: 30 },
      verify: (key) => verifyKey({ console: knownOf(sim), app: 'access', key, accessPort: sim.accessPort! }),
    }
    const start = newProvision({
      consoleKey: knownOf(sim).key,
      app: 'access',
      username: 'keyward-access',
      keyName: 'home-assistant-access',
    })
    void sim.failNext({ method: 'POST', path: '/proxy/access/api/v1/developer/tokens', when: 'after' })
    expect(await failureOf(runProvision(await ownerSession(sim), start, accessDeps))).toMatchObject({ step: 'key' })
    expect(sim.state.accessTokens.size).toBe(1) // created, reply lost

    const { record, check } = await runProvision(await ownerSession(sim), start, accessDeps)
    expect(check).toMatchObject({ status: 'ok', app: 'access' })
    expect(record.expiresAt).toBe('2026-12-22T12:00:00.000Z')
    const tokens = [...sim.state.accessTokens.values()]
    expect(tokens).toHaveLength(1)
    expect(tokens[0]!.token).toBe(await vault.get(record.keyRef))
  })

  it('reports the seed failure as a diagnosis when the flow ran on the wrong console', async () => {
    const udm = await startConsole('udm-pro')
    const unvr = await startConsole('unvr')
    const { deps } = setup(udm, [unvr])
    const start = newProvision({
      consoleKey: knownOf(udm).key,
      app: 'protect',
      username: 'keyward-protect',
      keyName: 'ha',
    })
    const { record, check } = await runProvision(await ownerSession(udm), start, deps)
    expect(record.steps.verify).toBe('failed')
    expect(check).toMatchObject({ status: 'failed', problem: 'wrong_host', rightHost: { name: 'NVR' } })
  })
})
