// Console simulator: login, session cookie/JWT, CSRF, 2FA, lock-out, booting and the
// runtime controls (unifi-os.md §2, §7, §8).
import { afterEach, describe, expect, it } from 'vitest'
import { call, ConsoleSession, header, json, setCookies } from '../simulators/console/client.ts'
import { decodeJwtPayload, verifyJwt } from '../simulators/console/jwt.ts'
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  createConsoleConfig,
  OWNER_PASSWORD,
  OWNER_USERNAME,
  type ConsoleOverrides,
  type PresetName,
} from '../simulators/console/presets.ts'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'

const running: RunningConsole[] = []
let now = Date.UTC(2026, 0, 1)
const clock = (): number => now

async function start(preset: PresetName = 'udm-pro', overrides: ConsoleOverrides = {}): Promise<RunningConsole> {
  const sim = await startConsoleSimulator(createConsoleConfig(preset, overrides), { host: '127.0.0.1', port: 0, clock })
  running.push(sim)
  return sim
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

const INVALID = {
  code: 'AUTHENTICATION_FAILED_INVALID_CREDENTIALS',
  message: 'Invalid username or password',
  level: 'debug',
}
const LIMIT = { code: 'AUTHENTICATION_FAILED_LIMIT_REACHED', message: "You've reached the login attempt limit" }
const mintPath = '/proxy/users/api/v2/user/self/keys'

describe('POST /api/auth/login', () => {
  it('200: user profile, TOKEN cookie with an HS256 JWT, CSRF headers and X-Token-Expire-Time', async () => {
    const sim = await start('udm-pro')
    const s = new ConsoleSession(sim.url)
    const r = await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    expect(r.status).toBe(200)
    const body = json(r) as Record<string, unknown>
    expect(body).toMatchObject({
      unique_id: sim.config.accounts[0]!.id,
      id: sim.config.accounts[0]!.id,
      username: 'admin',
      status: 'ACTIVE',
      local_account_exist: true,
      isOwner: true,
      isSuperAdmin: true,
      roles: [{ name: 'Super Administrator', system_role: true, system_key: 'super_administrator', level: 2 }],
      permissions: {
        'protect.management': ['admin'],
        'network.management': ['admin'],
        'system.management.user': ['admin'],
      },
    })
    expect(body.scopes).toEqual(
      expect.arrayContaining(['manage:controller:protect', 'view:controller:network', 'edit:user']),
    )
    expect(r.headers['set-cookie']).toEqual([
      expect.stringMatching(/^TOKEN=[\w-]+\.[\w-]+\.[\w-]+; path=\/; samesite=none; secure; httponly$/),
    ])
    const jwt = setCookies(r).get('TOKEN')!
    expect(JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8'))).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    })
    const payload = decodeJwtPayload(jwt) as Record<string, unknown>
    expect(verifyJwt(jwt, sim.state.jwtSecret)).toEqual(payload) // a real HS256 signature
    expect(Object.keys(payload).sort()).toEqual(['csrfToken', 'exp', 'iat', 'userId'])
    expect(payload.userId).toBe(body.unique_id)
    expect(payload.iat).toBe(Math.floor(now / 1000))
    expect(payload.exp).toBe(Math.floor(now / 1000) + sim.config.auth.sessionTtlSeconds)
    expect(header(r, 'x-csrf-token')).toBe(payload.csrfToken)
    expect(header(r, 'x-updated-csrf-token')).toBe(payload.csrfToken)
    expect(header(r, 'x-token-expire-time')).toBe(new Date(now + 7200_000).toISOString().replace('.000Z', 'Z'))
  })

  it('bad credentials → 403 by default, 401 with the knob; unknown users look the same', async () => {
    const a = await start('udm-pro')
    for (const [u, p] of [
      [OWNER_USERNAME, 'wrong'],
      ['nobody', OWNER_PASSWORD],
    ] as const) {
      const r = await new ConsoleSession(a.url).login(u, p)
      expect(r.status).toBe(403)
      expect(json(r)).toEqual(INVALID)
      expect(r.headers['set-cookie']).toBeUndefined()
    }
    const b = await start('ckg2-plus', { auth: { badCredentialsStatus: 401 } })
    const r = await new ConsoleSession(b.url).login(OWNER_USERNAME, 'wrong')
    expect(r.status).toBe(401)
    expect(json(r)).toEqual(INVALID)
    expect(b.config.auth.lockout).toEqual({ maxFailures: 5, lockSeconds: 60 }) // siblings kept by the deep override
  })

  it('booting → every JSON endpoint answers an HTML page with 200; GET / unchanged; setBooting toggles', async () => {
    const sim = await start('udm-pro', { booting: true })
    for (const [path, method] of [
      ['/api/auth/login', 'POST'],
      ['/api/system', 'GET'],
      ['/proxy/protect/api', 'GET'],
      ['/proxy/protect/integration/v1/meta/info', 'GET'],
      ['/api/users/self', 'GET'],
    ] as const) {
      const r = await call(sim.url, path, {
        method,
        ...(method === 'POST' ? { body: { username: 'admin', password: OWNER_PASSWORD } } : {}),
      })
      expect(r.status, path).toBe(200)
      expect(r.headers['content-type'], path).toMatch(/^text\/html/)
      expect(r.body).toMatch(/starting up/i)
    }
    const root = await call(sim.url, '/')
    expect(root.headers['x-csrf-token']).toBeDefined()
    sim.setBooting(false)
    expect((await new ConsoleSession(sim.url).login(OWNER_USERNAME, OWNER_PASSWORD)).status).toBe(200)
    sim.setBooting(true)
    expect((await call(sim.url, '/api/system')).headers['content-type']).toMatch(/^text\/html/)
  })
})

describe('login lock-out (429)', () => {
  it('after maxFailures failures every attempt is 429 with Retry-After, and each attempt extends the lock', async () => {
    const sim = await start('udm-pro')
    const attempt = (password: string) => new ConsoleSession(sim.url).login(OWNER_USERNAME, password)
    for (let i = 0; i < 5; i++) expect((await attempt('wrong')).status).toBe(403)
    const locked = await attempt(OWNER_PASSWORD) // correct password, still refused
    expect(locked.status).toBe(429)
    expect(json(locked)).toEqual(LIMIT)
    expect(header(locked, 'retry-after')).toBe('60')
    // t+30 s: attempt → the lock restarts (full 60 s from now).
    now += 30_000
    expect(header(await attempt(OWNER_PASSWORD), 'retry-after')).toBe('60')
    // t+89 s: past the original 60 s, but the lock was extended at t+30 s.
    now += 59_000
    expect((await attempt(OWNER_PASSWORD)).status).toBe(429)
    // Quiet for a full lockSeconds: the lock ends and a fresh budget starts.
    now += 60_001
    expect((await attempt(OWNER_PASSWORD)).status).toBe(200)
    expect((await attempt('wrong')).status).toBe(403)
  })

  it('honours the lockout knobs; a success resets the failure count', async () => {
    const sim = await start('unvr', { auth: { lockout: { maxFailures: 2, lockSeconds: 7 } } })
    const attempt = (password: string) => new ConsoleSession(sim.url).login(OWNER_USERNAME, password)
    expect((await attempt('wrong')).status).toBe(403)
    expect((await attempt(OWNER_PASSWORD)).status).toBe(200)
    expect((await attempt('wrong')).status).toBe(403)
    expect((await attempt('wrong')).status).toBe(403)
    const r = await attempt(OWNER_PASSWORD)
    expect(r.status).toBe(429)
    expect(header(r, 'retry-after')).toBe('7')
  })
})

describe('2FA (499)', () => {
  it('SSO account: 499 challenge, then the same body with token + UBIC_2FA cookie → 200', async () => {
    const sim = await start('udm-pro')
    const s = new ConsoleSession(sim.url)
    const first = await s.login(CLOUD_USERNAME, CLOUD_PASSWORD)
    expect(first.status).toBe(499)
    const body = json(first) as {
      code: string
      message: string
      data: { required: string; mfaCookie: string; authenticators: unknown[] }
    }
    expect(body).toMatchObject({
      code: 'MFA_AUTH_REQUIRED',
      message: 'MFA token required to authenticate to SSO',
      data: { required: '2fa', authenticators: [{ id: expect.any(String), type: 'totp', status: 'ACTIVE' }] },
    })
    expect(body.data.mfaCookie).toMatch(/^UBIC_2FA=[0-9a-f]{32}$/)
    expect(s.cookie).toBeUndefined()

    // Wrong code → another 499; right code without the cookie → 499.
    expect(
      (await s.login(CLOUD_USERNAME, CLOUD_PASSWORD, { token: '000000', cookies: body.data.mfaCookie })).status,
    ).toBe(499)
    expect((await s.login(CLOUD_USERNAME, CLOUD_PASSWORD, { token: CLOUD_MFA_CODE })).status).toBe(499)
    // Wrong password is plain bad credentials, not a challenge.
    expect(
      (await s.login(CLOUD_USERNAME, 'nope', { token: CLOUD_MFA_CODE, cookies: body.data.mfaCookie })).status,
    ).toBe(403)

    const ok = await s.login(CLOUD_USERNAME, CLOUD_PASSWORD, { token: CLOUD_MFA_CODE, cookies: body.data.mfaCookie })
    expect(ok.status).toBe(200)
    expect(json(ok)).toMatchObject({
      username: CLOUD_USERNAME,
      isOwner: false,
      isSuperAdmin: true,
      local_account_exist: false,
    })
    expect((await s.request('GET', '/api/users/self')).status).toBe(200)
    // The challenge cookie is single-use.
    expect(
      (await s.login(CLOUD_USERNAME, CLOUD_PASSWORD, { token: CLOUD_MFA_CODE, cookies: body.data.mfaCookie })).status,
    ).toBe(499)
  })
})

describe('session and CSRF', () => {
  it('401 without/with a foreign cookie; 403 on non-GET /proxy/* without or with a wrong CSRF token', async () => {
    const sim = await start('udm-pro')
    expect((await call(sim.url, '/api/users/self')).status).toBe(401)
    const noCookie = await call(sim.url, mintPath, { method: 'POST', body: { name: 'x' } })
    expect(noCookie.status).toBe(401)
    expect(json(noCookie)).toEqual({ error: { code: 401, message: 'Unauthorized' } })
    expect((await call(sim.url, '/api/users/self', { headers: { cookie: 'TOKEN=a.b.c' } })).status).toBe(401)

    const s = new ConsoleSession(sim.url)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    const noCsrf = await call(sim.url, mintPath, {
      method: 'POST',
      headers: { cookie: `TOKEN=${s.cookie}` },
      body: { name: 'x' },
    })
    expect(noCsrf.status).toBe(403)
    expect(json(noCsrf)).toEqual({ error: { code: 403, message: 'Forbidden' } })
    expect((await s.request('POST', mintPath, { name: 'x' }, { 'x-csrf-token': 'bogus' })).status).toBe(403)
    expect(sim.state.apiKeys.size).toBe(0)
    // GET needs no CSRF; the profile comes back.
    const self = await call(sim.url, '/api/users/self', { headers: { cookie: `TOKEN=${s.cookie}` } })
    expect(self.status).toBe(200)
    expect(json(self)).toMatchObject({ username: 'admin', isOwner: true })
  })

  it('CSRF rotates on every authenticated response; the previous token stays valid (last two)', async () => {
    const sim = await start('udm-pro')
    const s = new ConsoleSession(sim.url, { track: false })
    const login = await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    const c0 = header(login, 'x-csrf-token')!
    const cookie = { cookie: `TOKEN=${s.cookie}` }
    const mint = (csrf: string) =>
      call(sim.url, mintPath, { method: 'POST', headers: { ...cookie, 'x-csrf-token': csrf }, body: { name: 'k' } })

    const r1 = await call(sim.url, '/api/users/self', { headers: cookie })
    const c1 = header(r1, 'x-csrf-token')!
    expect(c1).not.toBe(c0)
    expect(header(r1, 'x-updated-csrf-token')).toBe(c1)
    // The cookie is re-issued with the new csrfToken inside (AuthConfig.reissueCookieOnCsrfRotation).
    expect(decodeJwtPayload(setCookies(r1).get('TOKEN')!)).toMatchObject({ csrfToken: c1 })

    const r2 = await mint(c0) // grace: c0 is the previous token
    expect(r2.status).toBe(200)
    const c2 = header(r2, 'x-csrf-token')!
    expect((await mint(c0)).status).toBe(403) // now two rotations old
    const r3 = await mint(c1)
    expect(r3.status).toBe(200)
    expect((await mint(c2)).status).toBe(200)
    expect((await mint(c1)).status).toBe(403)
  })

  it('a tracking client keeps working across rotations (cookie and CSRF from responses)', async () => {
    const sim = await start('unvr')
    const s = new ConsoleSession(sim.url)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    for (let i = 0; i < 4; i++) expect((await s.request('POST', mintPath, { name: `k${i}` })).status).toBe(200)
    expect(sim.state.apiKeys.size).toBe(4)
  })

  it('csrfInJwtOnly: no CSRF headers, the JWT csrfToken is required and never rotates', async () => {
    const sim = await start('udm-pro', { auth: { csrfInJwtOnly: true } })
    const s = new ConsoleSession(sim.url, { csrfFromJwt: true })
    const login = await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    expect(login.status).toBe(200)
    expect(header(login, 'x-csrf-token')).toBeUndefined()
    expect(header(login, 'x-updated-csrf-token')).toBeUndefined()
    const csrf = s.csrf!
    expect(csrf).toMatch(/^[0-9a-f-]{36}$/)
    for (let i = 0; i < 3; i++) {
      const r = await s.request('POST', mintPath, { name: `k${i}` })
      expect(r.status).toBe(200)
      expect(header(r, 'x-csrf-token')).toBeUndefined()
      expect(r.headers['set-cookie']).toBeUndefined()
    }
    expect(s.csrf).toBe(csrf)
    expect((await s.request('POST', mintPath, { name: 'x' }, { 'x-csrf-token': 'bogus' })).status).toBe(403)
  })

  it('UOS_TOKEN: the cookie has the other name and TOKEN is not accepted', async () => {
    const sim = await start('unvr', { auth: { cookieName: 'UOS_TOKEN' } })
    const s = new ConsoleSession(sim.url, { cookieName: 'UOS_TOKEN' })
    const r = await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    expect(setCookies(r).has('UOS_TOKEN')).toBe(true)
    expect(setCookies(r).has('TOKEN')).toBe(false)
    expect((await s.request('GET', '/api/users/self')).status).toBe(200)
    expect((await call(sim.url, '/api/users/self', { headers: { cookie: `TOKEN=${s.cookie}` } })).status).toBe(401)
  })

  it('logout needs CSRF and invalidates the session', async () => {
    const sim = await start('udm-pro')
    const s = new ConsoleSession(sim.url)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    expect((await s.request('POST', '/api/auth/logout', undefined, { 'x-csrf-token': 'nope' })).status).toBe(403)
    const out = await s.request('POST', '/api/auth/logout')
    expect(out.status).toBe(200)
    expect(header(out, 'set-cookie')).toMatch(/^TOKEN=; path=\/; expires=Thu, 01 Jan 1970/)
    expect((await call(sim.url, '/api/users/self', { headers: { cookie: `TOKEN=${s.cookie}` } })).status).toBe(401)
    expect([...sim.state.sessions.values()][0]!.loggedOut).toBe(true)
  })

  it('expireSessions() → 401 on /proxy/* and /api/users/self until the client logs in again', async () => {
    const sim = await start('udm-pro')
    const s = new ConsoleSession(sim.url)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    expect((await s.request('GET', '/proxy/users/api/v2/roles')).status).toBe(200)
    sim.expireSessions()
    expect((await s.request('GET', '/proxy/users/api/v2/roles')).status).toBe(401)
    expect((await s.request('GET', '/api/users/self')).status).toBe(401)
    expect((await s.request('POST', mintPath, { name: 'k' })).status).toBe(401)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    expect((await s.request('GET', '/api/users/self')).status).toBe(200)
  })

  it('sessions expire after sessionTtlSeconds of simulated time', async () => {
    const sim = await start('udm-pro', { auth: { sessionTtlSeconds: 60 } })
    const s = new ConsoleSession(sim.url)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    now += 59_000
    expect((await s.request('GET', '/api/users/self')).status).toBe(200)
    now += 1_000
    expect((await s.request('GET', '/api/users/self')).status).toBe(401)
  })
})

describe('runtime controls', () => {
  it('replaceCertificate() serves a new certificate to new connections and updates sha256', async () => {
    const sim = await start('udm-pro')
    const before = sim.sha256
    expect((await call(sim.url, '/')).fingerprint256).toBe(before)
    const next = await sim.replaceCertificate()
    expect(next).not.toBe(before)
    expect(sim.sha256).toBe(next)
    expect((await call(sim.url, '/')).fingerprint256).toBe(next)
  })

  it("failNext 'before': the connection dies and nothing changes; the next request is served", async () => {
    const sim = await start('udm-pro')
    const s = new ConsoleSession(sim.url)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    const fired = sim.failNext({ method: 'POST', path: mintPath, when: 'before' })
    await expect(s.request('POST', mintPath, { name: 'k' })).rejects.toThrow(/socket hang up|ECONNRESET/)
    await fired
    expect(sim.state.apiKeys.size).toBe(0)
    expect(sim.state.faults).toHaveLength(0)
    expect((await s.request('POST', mintPath, { name: 'k' })).status).toBe(200)
  })

  it("failNext 'after': the handler's change is kept but the reply never arrives", async () => {
    const sim = await start('udm-pro')
    const s = new ConsoleSession(sim.url)
    await s.login(OWNER_USERNAME, OWNER_PASSWORD)
    const roles = json(await s.request('GET', '/proxy/users/api/v2/roles')) as {
      data: { unique_id: string; system_key: string }[]
    }
    const superAdmin = roles.data.find((r) => r.system_key === 'super_administrator')!.unique_id
    void sim.failNext({ method: 'POST', path: /^\/proxy\/users\/api\/v2\/user$/, when: 'after' })
    const create = s.request('POST', '/proxy/users/api/v2/user', {
      role_id: superAdmin,
      username: 'keyward',
      password: 'Keyward-123',
      only_local_account: true,
    })
    await expect(create).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect([...sim.state.users.values()].map((u) => u.username)).toContain('keyward')
    // Unrelated requests are unaffected.
    expect((await s.request('GET', '/api/users/self')).status).toBe(200)
  })
})
