// The UISP client against the simulator on loopback: fingerprint, sign-in with
// and without 2FA, API tokens (create with the least scope, verify, list,
// revoke), scope and expiry problems, pinning, and the journaled token flow
// (uisp.md §1–§3).
import { describe, expect, it } from 'vitest'
import {
  createUispToken,
  fetchUispVersion,
  listUispTokens,
  newUispTokenProvision,
  revokeUispToken,
  runUispTokenProvision,
  UispSession,
  UispTokenCaller,
  verifyUispToken,
  type UispTokenRecord,
} from '../../electron/core/uisp/index.ts'
import {
  failureOf,
  startUisp,
  uispSession,
  uispTarget,
  UISP_ADMIN,
  UISP_OPERATOR,
  UISP_TOTP_SECRET,
  UISP_VIEWER,
} from '../simulators/uisp/testing.ts'
import { totp } from '../simulators/uisp/totp.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const DAY = 86_400_000

describe('fingerprint', () => {
  it('reads the version without credentials, and tells a non-UISP host apart', async () => {
    const sim = await startUisp()
    expect(await fetchUispVersion(uispTarget(sim))).toMatchObject({
      version: '2.4.155',
      deployment: 'docker',
      build: '12345',
      time: '2026-01-15T10:00:00.000Z',
    })
    const device = await startUisp({ mode: 'device' })
    expect(await failureOf(fetchUispVersion(uispTarget(device)))).toMatchObject({
      code: 'bad-reply',
      detail: 'not-uisp',
    })
  })

  it('treats a hapi 401 on /nms/version as UISP with a hidden version (uisp.md §8)', async () => {
    const sim = await startUisp({ versionNeedsAuth: true })
    expect(await fetchUispVersion(uispTarget(sim))).toMatchObject({ version: null, deployment: null })
    const token = await createUispToken(await uispSession(sim), { name: 'hidden-version', scope: 'guest' })
    expect(
      await verifyUispToken({ target: uispTarget(sim), token: token.token, purpose: 'monitor', expiresAt: null }),
    ).toMatchObject({ status: 'ok', appVersion: null })
  })
})

describe('signing in', () => {
  it('signs in without 2FA and calls the API with x-auth-token', async () => {
    const sim = await startUisp()
    const session = new UispSession(uispTarget(sim))
    const outcome = await session.login(UISP_OPERATOR)
    expect(outcome).toMatchObject({
      state: 'signed-in',
      user: { username: 'operator', role: 'admin', totpAuthEnabled: false },
    })
    expect((await session.call('GET', '/user')).body).toMatchObject({ username: 'operator' })
    await session.logout()
    expect(sim.state.sessions.size).toBe(0)
    expect(session.signedIn).toBe(false)
  })

  it('says plainly that the username or password is wrong', async () => {
    const sim = await startUisp()
    const error = await failureOf(
      new UispSession(uispTarget(sim)).login({ username: UISP_OPERATOR.username, password: 'wrong' }),
    )
    expect(error).toMatchObject({ code: 'invalid-credentials', detail: 'Invalid credentials' })
    expect(error.message).toMatch(/did not accept that username and password/)
    const empty = await failureOf(new UispSession(uispTarget(sim)).login({ username: 'x', password: '' }))
    expect(empty.code).toBe('invalid-credentials')
  })

  it('asks for a 2FA code, refuses a wrong one, then signs in with the current one', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z')
    const clock = () => now
    const sim = await startUisp({ twoFactor: true, clock })
    const session = new UispSession(uispTarget(sim), { now: clock })
    expect(await session.login(UISP_ADMIN)).toEqual({ state: 'mfa-required', methods: ['totp'] })
    const near = [-1, 0, 1].map((step) => totp(UISP_TOTP_SECRET, now, step))
    const wrongCode = ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c))!
    const wrong = await failureOf(session.login(UISP_ADMIN, wrongCode))
    expect(wrong).toMatchObject({
      code: 'invalid-credentials',
      message: expect.stringMatching(/two-factor code was not accepted/),
    })
    expect(await failureOf(session.login(UISP_ADMIN, '12ab'))).toMatchObject({ code: 'invalid-input' })
    now += 30_000
    expect(await session.login(UISP_ADMIN, sim.totp())).toMatchObject({
      state: 'signed-in',
      user: { username: UISP_ADMIN.username, role: 'superadmin', totpAuthEnabled: true },
    })
    expect(sim.requests.filter((r) => r.endsWith('/user/login/totpauth'))).toHaveLength(2) // swagger shape: one request per code
  })

  it('starts over when the two-factor sign-in token has expired', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z')
    const clock = () => now
    const sim = await startUisp({ twoFactor: true, clock })
    const session = new UispSession(uispTarget(sim), { now: clock })
    expect((await session.login(UISP_ADMIN)).state).toBe('mfa-required')
    now += 6 * 60_000 // the TwoFactorToken lasts 5 minutes here
    expect(await session.login(UISP_ADMIN, sim.totp())).toMatchObject({ state: 'signed-in' })
    expect(sim.requests.filter((r) => r.endsWith('/user/login'))).toHaveLength(2)
  })

  it('sends the password with the code when the server wants it (UNMS 0.11.3 shape)', async () => {
    const sim = await startUisp({ twoFactor: true, totpNeedsPassword: true })
    const session = new UispSession(uispTarget(sim))
    expect((await session.login(UISP_ADMIN)).state).toBe('mfa-required')
    expect(await session.login(UISP_ADMIN, sim.totp())).toMatchObject({ state: 'signed-in' })
    expect(sim.requests.filter((r) => r.endsWith('/user/login/totpauth'))).toHaveLength(2)
  })

  it('renews an ended session once without 2FA, and asks to sign in again with 2FA', async () => {
    const plain = await startUisp()
    const session = await uispSession(plain)
    plain.expireSessions()
    expect((await session.call('GET', '/user')).status).toBe(200)

    const guarded = await startUisp({ twoFactor: true })
    const mfa = new UispSession(uispTarget(guarded))
    await mfa.login(UISP_ADMIN)
    await mfa.login(UISP_ADMIN, guarded.totp())
    guarded.expireSessions()
    expect(await failureOf(mfa.call('GET', '/user'))).toMatchObject({
      code: 'session-expired',
      message: expect.stringMatching(/Sign in again/),
    })
  })

  it('refuses to talk to a server whose certificate changed', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    await sim.replaceCertificate()
    expect(await failureOf(session.call('GET', '/user'))).toMatchObject({ code: 'certificate-changed' })
  })
})

describe('API tokens', () => {
  it('creates a least-scope token, verifies it with one real call, lists it and revokes it', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const token = await createUispToken(session, { name: 'keyward-monitor', scope: 'guest', meta: 'Keyward test' })
    expect(token).toMatchObject({
      name: 'keyward-monitor',
      scope: 'guest',
      expiresAt: null,
      maxExpiresAt: null,
      meta: 'Keyward test',
      transient: false,
    })
    expect(token.token).toMatch(UUID_V4)
    expect(token.id).toMatch(UUID_V4)

    const check = await verifyUispToken({
      target: uispTarget(sim),
      token: token.token,
      purpose: 'monitor',
      expiresAt: token.expiresAt,
    })
    expect(check).toMatchObject({
      status: 'ok',
      app: 'uisp',
      host: `127.0.0.1:${sim.port}`,
      appVersion: '2.4.155',
      purpose: 'monitor',
      scope: 'guest',
      expiry: 'never',
      username: 'operator',
    })
    expect(check.status === 'ok' && check.latencyMs).toBeGreaterThanOrEqual(0)

    const listed = await listUispTokens(session)
    expect(listed.map((t) => t.id)).toEqual([token.id])
    expect(JSON.stringify(listed)).not.toContain(token.token)
    const withSessions = await listUispTokens(session, { includeSessions: true })
    expect(withSessions.find((t) => t.transient)).toMatchObject({ currentSession: true })

    expect(await revokeUispToken(session, token.id)).toBe(true)
    expect(await revokeUispToken(session, token.id)).toBe(false)
    const after = await verifyUispToken({
      target: uispTarget(sim),
      token: token.token,
      purpose: 'monitor',
      expiresAt: null,
    })
    expect(after).toMatchObject({
      status: 'failed',
      problem: 'invalid_key',
      message: expect.stringMatching(/revoked, mistyped/),
      nextStep: expect.any(String),
    })
  })

  it('keeps names within 20 characters, as UISP does (400 hapi body)', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const before = sim.requests.length
    expect(await failureOf(createUispToken(session, { name: 'x'.repeat(21), scope: 'guest' }))).toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/at most 20/),
    })
    expect(sim.requests.length).toBe(before) // refused before anything was sent
    const raw = await session.call('POST', '/token', { name: 'x'.repeat(21), scope: 'guest' })
    expect(raw).toMatchObject({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: '"name" length must be less than or equal to 20 characters long',
      },
    })
  })

  it('cannot create a token above its own scope', async () => {
    const sim = await startUisp()
    const viewer = await uispSession(sim, UISP_VIEWER)
    expect(await failureOf(createUispToken(viewer, { name: 'too-much', scope: 'admin' }))).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/own scope or lower/),
    })
    expect(sim.state.tokens.size).toBe(0)
  })

  it('says when a token lacks the scope its purpose needs', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const guest = await createUispToken(session, { name: 'guest-only', scope: 'guest' })
    const check = await verifyUispToken({
      target: uispTarget(sim),
      token: guest.token,
      purpose: 'register-devices',
      expiresAt: null,
    })
    expect(check).toMatchObject({
      status: 'failed',
      problem: 'insufficient_scope',
      message: expect.stringMatching(/scope is too low to read the UISP key/),
      nextStep: expect.stringMatching(/Admin scope/),
    })
    const admin = await createUispToken(session, { name: 'admin-token', scope: 'admin' })
    expect(
      await verifyUispToken({
        target: uispTarget(sim),
        token: admin.token,
        purpose: 'register-devices',
        expiresAt: null,
      }),
    ).toMatchObject({ status: 'ok', scope: 'admin' })
  })

  it('records expiresAt, reports an expiring token by the clock, and an expired one', async () => {
    let now = Date.parse('2026-11-22T12:00:00Z')
    const clock = () => now
    const sim = await startUisp({ tokenLifetimeMs: 10 * DAY, clock })
    const session = await uispSession(sim, UISP_OPERATOR, { now: clock })
    const token = await createUispToken(session, { name: 'short-lived', scope: 'guest' })
    expect(token.expiresAt).toBe('2026-12-02T12:00:00.000Z')
    const verify = () =>
      verifyUispToken({
        target: uispTarget(sim),
        token: token.token,
        purpose: 'monitor',
        expiresAt: token.expiresAt,
        now: clock,
      })
    expect(await verify()).toMatchObject({ status: 'ok', expiry: 'valid', expiresAt: '2026-12-02T12:00:00.000Z' })
    now += 5 * DAY
    expect(await verify()).toMatchObject({ status: 'ok', expiry: 'expiring' })
    now += 5 * DAY
    expect(await verify()).toMatchObject({
      status: 'failed',
      problem: 'expired',
      message: expect.stringMatching(/expired on 2026-12-02 12:00 UTC/),
    })
  })

  it('reports a changed certificate, an unreachable server and a host that is not UISP, without sending the token', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const token = await createUispToken(session, { name: 'pin-test', scope: 'guest' })
    const target = uispTarget(sim)
    await sim.replaceCertificate()
    expect(await verifyUispToken({ target, token: token.token, purpose: 'monitor' })).toMatchObject({
      status: 'failed',
      problem: 'tls_pin_mismatch',
    })

    const device = await startUisp({ mode: 'device' })
    expect(await verifyUispToken({ target: uispTarget(device), token: token.token, purpose: 'monitor' })).toMatchObject(
      { status: 'failed', problem: 'not_uisp' },
    )
    expect(device.requests).toEqual(['GET /nms/api/v2.1/nms/version'])

    const gone = await startUisp()
    const goneTarget = uispTarget(gone)
    await gone.close()
    expect(
      await verifyUispToken({ target: goneTarget, token: token.token, purpose: 'monitor', timeoutMs: 2000 }),
    ).toMatchObject({ status: 'failed', problem: 'unreachable' })
  })

  it('works with an API token instead of a session, and says when that token is refused', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const admin = await createUispToken(session, { name: 'admin-token', scope: 'admin' })
    const caller = new UispTokenCaller(uispTarget(sim), admin.token)
    const child = await createUispToken(caller, { name: 'made-by-token', scope: 'guest' })
    expect((await listUispTokens(caller)).map((t) => t.name).sort()).toEqual(['admin-token', 'made-by-token'])
    await revokeUispToken(session, admin.id)
    expect(await failureOf(listUispTokens(caller))).toMatchObject({
      code: 'invalid-credentials',
      message: expect.stringMatching(/refused the API token/),
    })
    expect(child.scope).toBe('guest')
  })
})

describe('the journaled token flow', () => {
  const memory = () => {
    const secrets = new Map<string, string>()
    const records = new Map<string, UispTokenRecord>()
    return {
      secrets,
      records,
      vault: {
        get: async (ref: string) => secrets.get(ref) ?? null,
        set: async (ref: string, value: string) => void secrets.set(ref, value),
      },
      journal: {
        get: (id: string) => records.get(id) ?? null,
        save: (r: UispTokenRecord) => void records.set(r.id, r),
      },
    }
  }

  it('mints with the least scope, stores, verifies and records the expiry', async () => {
    const sim = await startUisp({ tokenLifetimeMs: 30 * DAY })
    const session = await uispSession(sim)
    const m = memory()
    const start = newUispTokenProvision({
      serverKey: `127.0.0.1:${sim.port}`,
      purpose: 'register-devices',
      name: 'keyward-register',
    })
    expect(start.scope).toBe('admin')
    const { record, check } = await runUispTokenProvision(session, start, {
      ...m,
      verify: (token, r) =>
        verifyUispToken({ target: uispTarget(sim), token, purpose: r.purpose, expiresAt: r.expiresAt }),
    })
    expect(check).toMatchObject({ status: 'ok', scope: 'admin', expiry: 'valid' })
    expect(record).toMatchObject({
      steps: { token: 'done', verify: 'done' },
      lastError: null,
      expiresAt: expect.any(String),
    })
    expect(m.secrets.get(record.keyRef)).toBe([...sim.state.tokens.values()][0]!.token)
    expect(JSON.stringify(m.records.get(record.id))).not.toContain(m.secrets.get(record.keyRef)!)
  })

  it('resumes after a lost reply without leaving a stray token', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const m = memory()
    const deps = {
      ...m,
      verify: (token: string, r: UispTokenRecord) =>
        verifyUispToken({ target: uispTarget(sim), token, purpose: r.purpose, expiresAt: r.expiresAt }),
    }
    const start = newUispTokenProvision({
      serverKey: `127.0.0.1:${sim.port}`,
      purpose: 'monitor',
      name: 'keyward-monitor',
    })
    const dropped = sim.dropNextReply('POST', '/token')
    const first = await failureOf(runUispTokenProvision(session, start, deps))
    await dropped
    expect(first).toMatchObject({ step: 'token' })
    expect(m.records.get(start.id)).toMatchObject({ steps: { token: 'failed' }, tokenId: null })
    expect(sim.state.tokens.size).toBe(1) // created on the server, reply lost

    const { record, check } = await runUispTokenProvision(session, start, deps)
    expect(check.status).toBe('ok')
    expect([...sim.state.tokens.values()].map((t) => t.id)).toEqual([record.tokenId])
  })

  it('revokes a token it cannot keep in the keychain', async () => {
    const sim = await startUisp()
    const session = await uispSession(sim)
    const m = memory()
    const start = newUispTokenProvision({
      serverKey: `127.0.0.1:${sim.port}`,
      purpose: 'monitor',
      name: 'keyward-monitor',
    })
    const vault = {
      get: m.vault.get,
      set: async () => {
        throw Object.assign(new Error('locked'), { code: 'keychain-unavailable' })
      },
    }
    const error = await failureOf(
      runUispTokenProvision(session, start, {
        ...m,
        vault,
        verify: async () => {
          throw new Error('not reached')
        },
      }),
    )
    expect(error).toMatchObject({ step: 'token', code: 'internal' })
    expect(sim.state.tokens.size).toBe(0)
  })
})
