// Faults a user meets, through the contract the UI calls: a console that
// reboots mid-wizard, a connection that drops between creating the user and
// minting the key, Home Assistant down during a push and a rotation, and a
// damaged settings file. Nothing is lost and every flow can resume.
// (Keychain locked and disk full need a private keyring and a private mount
// namespace: tests/integration/faults-system.test.ts.)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { HaSummary, ProvisionOutcome } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { agreeToSendPassword } from '../support/ha-consent.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { relay, type Outage } from '../support/outage.ts'
import { probeAndTrust } from '../support/trust.ts'

const cores: ReturnType<typeof makeCore>[] = []
const relays: Outage[] = []
afterAll(async () => {
  for (const core of cores) {
    await core.close()
    core.dispose()
  }
  await Promise.all(relays.map((r) => r.close()))
})
function newCore() {
  const core = makeCore({ probeTimeoutMs: 1500 })
  cores.push(core)
  return core
}

const usersNamed = (sim: RunningConsole, name: string) =>
  [...sim.state.users.values()].filter((u) => u.username === name)
const keysOf = (sim: RunningConsole, userId: string) =>
  [...sim.state.apiKeys.values()].filter((k) => k.userId === userId)
const value = <T>(outcome: Outcome<unknown>): T => {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}

/** A console behind a relay, probed and signed in through the core. */
async function consoleBehindRelay(core: ReturnType<typeof makeCore>) {
  const sim = await startConsole('unvr')
  const link = await relay(sim.port)
  relays.push(link)
  const key = `127.0.0.1:${link.port}`
  value(await probeAndTrust(core, key))
  value(await core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD }))
  return { sim, link, key }
}

/** A reboot: off the network, every session forgotten, then up again but still starting. */
async function reboot(sim: RunningConsole, link: Outage): Promise<void> {
  await link.down()
  sim.state.sessions.clear()
  sim.setBooting(true)
  await link.up()
}

describe('a console reboots mid-wizard', () => {
  it('stops with a clear step, and resumes to one user and one key once the console is back', async () => {
    const core = newCore()
    const { sim, link, key } = await consoleBehindRelay(core)

    // The user is created; the console reboots before its reply arrives.
    void sim.failNext({ method: 'POST', path: '/proxy/users/api/v2/user', when: 'after' }).then(() => reboot(sim, link))
    const first = value<ProvisionOutcome>(
      await core.invoke('provision.run', {
        key,
        app: 'protect',
        mode: 'dedicated-user',
        username: 'keyward-ha',
        keyName: 'home-assistant',
      }),
    )
    expect(first.failure).toMatchObject({
      step: 'user',
      code: 'unreachable',
      message: expect.stringMatching(/closed the connection/),
    })
    expect(first.record.steps).toMatchObject({ user: 'failed', key: 'pending', verify: 'pending' })
    const id = first.record.id
    expect(usersNamed(sim, 'keyward-ha')).toHaveLength(1)

    // Still starting up: the resume says so, and changes nothing.
    const booting = value<ProvisionOutcome>(await core.invoke('provision.resume', { id }))
    expect(booting.failure).toMatchObject({
      step: 'user',
      code: 'bad-reply',
      message: expect.stringMatching(/starting up/),
    })
    expect(usersNamed(sim, 'keyward-ha')).toHaveLength(1)

    // Up: the session is renewed once with the sign-in the user gave, the flow adopts its user.
    sim.setBooting(false)
    const done = value<ProvisionOutcome>(await core.invoke('provision.resume', { id }))
    expect(done.failure).toBeNull()
    expect(done.record.steps).toEqual({ user: 'done', key: 'done', verify: 'done' })
    expect(done.check).toMatchObject({ status: 'ok' })
    const users = usersNamed(sim, 'keyward-ha')
    expect(users).toHaveLength(1)
    expect(keysOf(sim, users[0]!.id)).toHaveLength(1)
    expect(await core.vault.get(core.settings.getProvision(done.record.id)!.keyRef)).toBe(
      keysOf(sim, users[0]!.id)[0]!.key,
    )
    expect(core.keys.list()).toHaveLength(1)
  })
})

describe('the connection drops between creating the user and minting the key', () => {
  it('keeps the user, mints exactly one key on resume, and leaves no stray key', async () => {
    const core = newCore()
    const { sim, key } = await consoleBehindRelay(core)

    // The next sign-in is the dedicated user's, right before the mint: it never reaches the console.
    void sim.failNext({ method: 'POST', path: '/api/auth/login', when: 'before' })
    const first = value<ProvisionOutcome>(
      await core.invoke('provision.run', {
        key,
        app: 'protect',
        mode: 'dedicated-user',
        username: 'keyward-drop',
        keyName: 'ha-drop',
      }),
    )
    expect(first.failure).toMatchObject({ step: 'key', code: 'unreachable' })
    expect(first.record.steps).toMatchObject({ user: 'done', key: 'failed' })
    const [user] = usersNamed(sim, 'keyward-drop')
    expect(keysOf(sim, user!.id)).toEqual([])
    expect(await core.vault.get(core.settings.getProvision(first.record.id)!.passwordRef)).toBe(user!.password)

    // A drop after the mint too (the key exists, its reply is lost): the resume revokes that one.
    void sim.failNext({ method: 'POST', path: /\/keys$/, when: 'after' })
    const second = value<ProvisionOutcome>(await core.invoke('provision.resume', { id: first.record.id }))
    expect(second.failure).toMatchObject({ step: 'key' })
    expect(keysOf(sim, user!.id)).toHaveLength(1)

    const done = value<ProvisionOutcome>(await core.invoke('provision.resume', { id: first.record.id }))
    expect(done.failure).toBeNull()
    expect(usersNamed(sim, 'keyward-drop')).toHaveLength(1)
    const keys = keysOf(sim, user!.id)
    expect(keys).toHaveLength(1)
    expect(keys[0]!.id).toBe(done.record.keyId)
  })
})

describe('Home Assistant is down', () => {
  it('a push says so and can be retried; a rotation keeps the old key working', async () => {
    const core = newCore()
    const { sim, key } = await consoleBehindRelay(core)
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const haLink = await relay(Number(new URL(ha.url).port))
    relays.push(haLink)
    const haUrl = `http://127.0.0.1:${haLink.port}`
    const connected = value<HaSummary>(await core.invoke('ha.connect', { url: haUrl, token: ADMIN_TOKEN }))
    const made = value<ProvisionOutcome>(
      await core.invoke('provision.run', {
        key,
        app: 'protect',
        mode: 'dedicated-user',
        username: 'keyward-ha',
        keyName: 'home-assistant',
      }),
    )
    expect(made.failure).toBeNull()
    const keyId = core.keys.list()[0]!.id
    // The console listens on an ephemeral port, and API-key-only mode has no port field (§2.2):
    // this test uses full mode, after the user's consent to send the dedicated user's password.
    await agreeToSendPassword(core, keyId, connected.id)

    await haLink.down()
    const push = await core.invoke('ha.push', { keyId, haId: connected.id, mode: 'full' })
    expect(push).toMatchObject({
      ok: false,
      error: {
        code: 'unreachable',
        message: expect.stringMatching(
          /Home Assistant at http:\/\/127\.0\.0\.1:\d+ did not answer: Nothing answers at/,
        ),
      },
    })
    expect(ha.entries('unifiprotect')).toEqual([])

    await haLink.up()
    const retried = await core.invoke('ha.push', { keyId, haId: connected.id, mode: 'full' })
    expect(retried).toMatchObject({ ok: true, value: { outcome: 'created' } })
    expect(ha.entries('unifiprotect')).toHaveLength(1)

    // HA goes down again; a rotation must not revoke the key HA is using.
    const oldSecret = (await core.vault.get(core.keys.list()[0]!.keyRef))!
    await haLink.down()
    const rotated = await core.invoke('keys.rotate', { id: keyId })
    expect(rotated).toMatchObject({
      ok: false,
      error: { code: 'unreachable', message: expect.stringMatching(/Home Assistant at .* did not answer/) },
    })
    // Rolled back: the old key is the only one, still in HA's entry and in the keychain.
    const [user] = usersNamed(sim, 'keyward-ha')
    expect(keysOf(sim, user!.id).map((k) => k.key)).toEqual([oldSecret])
    expect(JSON.stringify(ha.entries('unifiprotect')[0])).toContain(oldSecret)
    expect(await core.vault.get(core.keys.list()[0]!.keyRef)).toBe(oldSecret)

    // HA back: the same rotation goes through, and only then is the old key revoked.
    await haLink.up()
    const again = await core.invoke('keys.rotate', { id: keyId })
    expect(again).toMatchObject({ ok: true, value: { oldKeyStillActive: false } })
    const newSecret = (await core.vault.get(core.keys.list()[0]!.keyRef))!
    expect(newSecret).not.toBe(oldSecret)
    expect(keysOf(sim, user!.id).map((k) => k.key)).toEqual([newSecret])
    expect(JSON.stringify(ha.entries('unifiprotect')[0])).toContain(newSecret)
  })
})

describe('a damaged settings file', () => {
  it('is kept aside byte for byte, Keyward starts afresh, tells the user, and works', async () => {
    const first = newCore()
    const dir = first.dataDir
    await first.close()
    const damaged = Buffer.from('{"consoles": [{"key": "10.0.0.1:443", "host": tru', 'utf8')
    writeFileSync(join(dir, 'config.json'), damaged)

    const { createCore } = await import('../../electron/core/index.ts')
    const { silentLogger } = await import('../../electron/core/log.ts')
    const { MemorySecretStore } = await import('../../electron/core/vault/secret-store.ts')
    const core = createCore({ dataDir: dir, version: '0.1.0', log: silentLogger, vault: new MemorySecretStore() })
    try {
      const status = value<{ path: string; recoveredFrom: string | null }>(await core.invoke('settings.status', {}))
      expect(status.recoveredFrom).toMatch(/config\.corrupt-.*\.json$/)
      expect(readFileSync(status.recoveredFrom!)).toEqual(damaged)
      expect(readdirSync(dir).filter((f) => f.startsWith('config.corrupt-'))).toHaveLength(1)
      // Fresh settings that work: a console is remembered again.
      const sim = await startConsole('unvr')
      value(await core.invoke('console.probe', { address: `127.0.0.1:${sim.port}` }))
      expect(value<unknown[]>(await core.invoke('console.list', {}))).toHaveLength(1)
      expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).consoles).toHaveLength(1)
    } finally {
      await core.close()
    }
  })
})
