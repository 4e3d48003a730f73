// Console answers an implementation built from unifi-os.md §1–§2 may give, beyond the shapes the
// simulator's defaults show: each knob makes the simulator answer one allowed variant, and the
// real client must still do what a user expects (issue 14 §1 style).
import { describe, expect, it } from 'vitest'
import { probeAddresses, probeConsole } from '../../electron/core/console/probe.ts'
import { normalizeAddress } from '../../electron/core/net/address.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { newProvision, runProvision, type ProvisionDeps } from '../../electron/core/unifi/provision.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import { createLocalUser, listRoles } from '../../electron/core/unifi/users.ts'
import { verifyKey } from '../../electron/core/unifi/verify.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { ProvisionRecord } from '../../shared/domain.ts'
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
  type ConsoleOverrides,
} from '../simulators/console/presets.ts'
import { startSilentTcp } from '../support/hostile-server.ts'
import { failureOf, knownOf, ownerSession, startConsole, targetOf } from '../support/consoles.ts'

const at = (port: number) => normalizeAddress(`127.0.0.1:${port}`)

describe('identifying a console (unifi-os.md §1)', () => {
  it('reads model and MAC from an /api/system with null name and domain (§9: full JSON open)', async () => {
    const sim = await startConsole('unvr', { apiSystem: 'sparse' })
    expect(await probeConsole(at(sim.port))).toMatchObject({
      kind: 'unifi-os',
      model: 'UNVR',
      name: null,
      mac: '70A7411B2C3D',
      directConnectDomain: null,
      apps: ['protect'],
    })
  })

  it('takes a running console whose /api/system is a web page as a nameless console', async () => {
    const sim = await startConsole('uos-server', { apiSystem: 'html' })
    expect(await probeConsole(at(sim.port))).toMatchObject({
      kind: 'unifi-os',
      model: null,
      name: null,
      mac: null,
      apps: ['network'],
    })
  })

  it('still calls a console starting up "starting up" when nothing else answers', async () => {
    const sim = await startConsole('unvr', { booting: true })
    const error = await failureOf(probeConsole(at(sim.port)))
    expect(error.code).toBe('bad-reply')
    expect(error.message).toMatch(/starting up/)
  })

  it('recognises a console whose GET / carries no CSRF token (CSRF only in the JWT), and signs in', async () => {
    const sim = await startConsole('udm-pro', { auth: { rootCsrfHeader: false, csrfInJwtOnly: true } })
    expect(await probeConsole(at(sim.port))).toMatchObject({ kind: 'unifi-os', name: 'Dream Machine Pro' })
    const session = await ownerSession(sim)
    await mintKey(session, 'after-jwt-only-handshake')
    expect([...sim.state.apiKeys.values()].map((k) => k.name)).toEqual(['after-jwt-only-handshake'])
  })

  it('finds a UniFi OS Server on its own port when the first port is dropped by a firewall (§1 Ports)', async () => {
    const silent = await startSilentTcp()
    try {
      const uos = await startConsole('uos-server')
      const found = await probeAddresses([at(silent.port), at(uos.port)], { timeoutMs: 3000 })
      expect(found).toMatchObject({ kind: 'unifi-os', address: { port: uos.port }, apps: ['network'] })
      // With no console anywhere, the silence is what the user hears about.
      const error = await failureOf(probeAddresses([at(silent.port), at(silent.port)], { timeoutMs: 500 }))
      expect(error.code).toBe('timeout')
    } finally {
      await silent.close()
    }
  })

  it('recognises such a console by its apps when /api/system is not served either', async () => {
    const sim = await startConsole('uos-server', { auth: { rootCsrfHeader: false } })
    expect(await probeConsole(at(sim.port))).toMatchObject({ kind: 'unifi-os', apps: ['network'] })
  })
})

describe('signing in (unifi-os.md §2)', () => {
  it('says "wrong username or password" when the refusal comes as a web page', async () => {
    for (const status of [403, 401] as const) {
      const sim = await startConsole('udm-pro', { auth: { failureBodies: 'html', badCredentialsStatus: status } })
      const error = await failureOf(
        new ConsoleSession(targetOf(sim)).login({ username: OWNER_USERNAME, password: 'wrong' }),
      )
      expect(error.code).toBe('invalid-credentials')
      expect(error.message).not.toMatch(/starting up/)
    }
  })

  it('says "paused sign-ins" for a 429 written as a web page, with its Retry-After', async () => {
    const now = Date.parse('2026-11-22T12:00:00Z')
    const clock = () => now
    const sim = await startConsole(
      'udm-pro',
      { auth: { failureBodies: 'html', lockout: { maxFailures: 1, lockSeconds: 90 } } },
      clock,
    )
    const session = new ConsoleSession(targetOf(sim), { now: clock })
    await failureOf(session.login({ username: OWNER_USERNAME, password: 'nope' }))
    const attemptsBefore = sim.state.loginAttempts
    const locked = await failureOf(session.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD }))
    expect(locked.code).toBe('locked-out')
    expect(locked.message).toMatch(/in 90 s/)
    expect(session.lockedUntil).toBe(now + 90_000)
    expect(sim.state.loginAttempts).toBe(attemptsBefore + 1)
  })

  it.each<[string, ConsoleOverrides]>([
    ['clears the other cookie name first', { auth: { cookieLines: 'clear-first' } }],
    ['clears TOKEN while setting UOS_TOKEN', { auth: { cookieLines: 'clear-first', cookieName: 'UOS_TOKEN' } }],
    ['sets the session under both names', { auth: { cookieLines: 'both-names' } }],
    ['sets both names, UOS_TOKEN the one it reads', { auth: { cookieLines: 'both-names', cookieName: 'UOS_TOKEN' } }],
  ])('keeps a working session when the console %s', async (_label, overrides) => {
    const sim = await startConsole('udm-pro', overrides)
    const session = await ownerSession(sim)
    for (const name of ['a', 'b']) await mintKey(session, `key-${name}`)
    expect([...sim.state.apiKeys.values()].map((k) => k.name)).toEqual(['key-a', 'key-b'])
  })

  it('reads the profile of a login reply wrapped in the users-service envelope', async () => {
    const sim = await startConsole('unvr', { shapes: { loginEnvelope: true } })
    const outcome = await new ConsoleSession(targetOf(sim)).login({
      username: OWNER_USERNAME,
      password: OWNER_PASSWORD,
    })
    expect(outcome).toMatchObject({
      state: 'signed-in',
      user: { id: sim.config.accounts[0]!.id, username: OWNER_USERNAME, isOwner: true, isSuperAdmin: true },
    })
  })

  it('renews an ended session with a fresh handshake, not with the CSRF token of the session that ended', async () => {
    const sim = await startConsole('unvr', { auth: { loginCsrf: 'fresh' } })
    const session = await ownerSession(sim)
    sim.expireSessions()
    expect((await session.call('GET', '/api/users/self')).status).toBe(200)
    await mintKey(session, 'after-renewal')
    expect([...sim.state.apiKeys.values()].map((k) => k.name)).toEqual(['after-renewal'])
  })

  it.each(['header', 'body'] as const)(
    'completes 2FA when the challenge cookie comes only in the %s',
    async (where) => {
      const sim = await startConsole('udm-pro', { auth: { mfaCookieIn: where } })
      const session = new ConsoleSession(targetOf(sim))
      const credentials = { username: CLOUD_USERNAME, password: CLOUD_PASSWORD }
      expect(await session.login(credentials)).toMatchObject({ state: 'mfa-required' })
      expect(await session.login(credentials, CLOUD_MFA_CODE)).toMatchObject({
        state: 'signed-in',
        user: { username: CLOUD_USERNAME },
      })
    },
  )
})

describe('API keys (unifi-os.md §4.1)', () => {
  it('finds its user id in the session JWT when the login reply and "who am I" give none (§2, §4.1)', async () => {
    const sim = await startConsole('unvr', {
      shapes: { keyPaths: 'user-id', loginReplyHasId: false, whoAmI: 'none' },
    })
    const session = await ownerSession(sim)
    const minted = await mintKey(session, 'by-jwt-user-id')
    expect(sim.state.apiKeys.get(minted.id)?.userId).toBe(sim.config.accounts[0]!.id)
  })

  it('takes a minted key with +, / and = (keys are opaque), and it works', async () => {
    const sim = await startConsole('unvr', { shapes: { keyFormat: 'base64' } })
    const minted = await mintKey(await ownerSession(sim), 'opaque')
    expect(minted.key).toBe(sim.state.apiKeys.get(minted.id)?.key)
    expect(minted.key).toMatch(/=$/)
    const check = await verifyKey({ console: knownOf(sim), others: [], app: 'protect', key: minted.key })
    expect(check.status).toBe('ok')
  })
})

describe('local users (unifi-os.md §3, §9 open)', () => {
  const journalOf = () => {
    const records = new Map<string, ProvisionRecord>()
    return { get: (id: string) => records.get(id) ?? null, save: (r: ProvisionRecord) => void records.set(r.id, r) }
  }

  it('makes the dedicated user on a console that serves no admin list', async () => {
    const sim = await startConsole('unvr', { shapes: { adminList: 'absent' } })
    const deps: ProvisionDeps = {
      vault: new MemorySecretStore(),
      journal: journalOf(),
      verify: (key) => verifyKey({ console: knownOf(sim), others: [], app: 'protect', key }),
    }
    const start = newProvision({ consoleKey: knownOf(sim).key, app: 'protect', username: 'kw-p', keyName: 'ha' })
    const { record, check } = await runProvision(await ownerSession(sim), start, deps)
    expect(check.status).toBe('ok')
    expect(record.steps).toEqual({ user: 'done', key: 'done', verify: 'done' })
    const user = [...sim.state.users.values()].find((u) => u.username === 'kw-p')
    expect([...sim.state.apiKeys.values()].filter((k) => k.userId === user?.id)).toHaveLength(1)
  })

  it('says the name is taken (not "no local users") when the duplicate reply speaks of a local account', async () => {
    const sim = await startConsole('unvr', { shapes: { adminList: 'absent', duplicateUser: 'local-account' } })
    const admin = await ownerSession(sim)
    const [role] = (await listRoles(admin)).filter((r) => r.systemKey === 'super_administrator')
    await createLocalUser(admin, { username: 'taken', password: 'Sup3r!secret-pass', roleId: role!.id })
    const deps: ProvisionDeps = { vault: new MemorySecretStore(), journal: journalOf(), verify: () => never() }
    const start = newProvision({ consoleKey: knownOf(sim).key, app: 'protect', username: 'taken', keyName: 'ha' })
    const failure = await failureOf(runProvision(admin, start, deps))
    expect(failure).toMatchObject({ code: 'conflict', fallbackAvailable: false })
    expect(failure.message).toMatch(/already has a user with that name/)
    expect([...sim.state.users.values()].filter((u) => u.username === 'taken')).toHaveLength(1)
  })
})

const never = (): Promise<never> => Promise.reject(new Error('no key should be verified'))
