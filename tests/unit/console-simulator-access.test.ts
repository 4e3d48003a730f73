// Console simulator: UniFi Access developer tokens and the Access API listener
// (unifi-os.md §5.3); console keys are a different token system (§4.2).
import { afterEach, describe, expect, it } from 'vitest'
import { call, ConsoleSession, json } from '../simulators/console/client.ts'
import {
  createConsoleConfig,
  LIMITED_PASSWORD,
  LIMITED_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
  type ConsoleOverrides,
  type PresetName,
} from '../simulators/console/presets.ts'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'

const running: RunningConsole[] = []
let now = Date.UTC(2026, 0, 1)
const clock = (): number => now
/** Presets with Access installed on an ephemeral Access port. */
async function start(preset: PresetName = 'unvr', overrides: ConsoleOverrides = {}): Promise<RunningConsole> {
  const base = createConsoleConfig(preset)
  const config = createConsoleConfig(preset, { apps: [...base.apps, 'access'], accessPort: 0, ...overrides })
  const sim = await startConsoleSimulator(config, { host: '127.0.0.1', port: 0, clock })
  running.push(sim)
  return sim
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

const TOKENS = '/proxy/access/api/v1/developer/tokens'
const ALL_SCOPES = [
  'edit:user',
  'edit:space',
  'edit:visitor',
  'edit:credential',
  'view:system_log',
  'edit:policy',
  'view:device',
]
const INVALID = { code: 'CODE_ACCESS_TOKEN_INVALID', msg: 'invalid or expired token' }

async function owner(sim: RunningConsole): Promise<ConsoleSession> {
  const s = new ConsoleSession(sim.url)
  expect((await s.login(OWNER_USERNAME, OWNER_PASSWORD)).status).toBe(200)
  return s
}

interface Token {
  id: string
  name: string
  api_key: string
  scopes: string[]
  expires_at: string | null
}
async function mintToken(s: ConsoleSession, validity = 0, scopes = ALL_SCOPES): Promise<Token> {
  const r = await s.request('POST', TOKENS, { name: 'keyward', validity_period: validity, scopes })
  expect(r.status).toBe(200)
  return (json(r) as { data: Token }).data
}

const doors = (sim: RunningConsole, headers: Record<string, string> = {}) =>
  call(sim.accessUrl!, '/api/v1/developer/doors', { headers })

describe('Access', () => {
  it('not installed: no Access listener and the proxy answers 404', async () => {
    const sim = await startConsoleSimulator(createConsoleConfig('udm-pro'), { host: '127.0.0.1', port: 0 })
    running.push(sim)
    expect(sim.accessUrl).toBeUndefined()
    expect(sim.accessPort).toBeUndefined()
    const s = await owner(sim)
    expect((await s.request('POST', TOKENS, { name: 'x', validity_period: 0, scopes: ALL_SCOPES })).status).toBe(404)
  })

  it('accessPort 0 → ephemeral port reported back; the same certificate as the console', async () => {
    const sim = await start()
    expect(sim.accessPort).toBeGreaterThan(0)
    expect(sim.accessPort).not.toBe(sim.port)
    expect(sim.accessUrl).toBe(`https://127.0.0.1:${sim.accessPort}`)
    expect((await doors(sim)).fingerprint256).toBe(sim.sha256)
    const next = await sim.replaceCertificate()
    expect((await doors(sim)).fingerprint256).toBe(next)
  })

  it('mint (never expires) → Bearer works on :accessPort; list is masked; delete revokes', async () => {
    const sim = await start()
    const s = await owner(sim)
    const r = await s.request('POST', TOKENS, { name: 'keyward', validity_period: 0, scopes: ALL_SCOPES })
    expect(json(r)).toEqual({
      code: 'SUCCESS',
      msg: 'success',
      data: {
        id: expect.any(String),
        name: 'keyward',
        api_key: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        scopes: ALL_SCOPES,
        created_at: new Date(now).toISOString(),
        expires_at: null,
      },
    })
    const token = (json(r) as { data: Token }).data

    const ok = await doors(sim, { authorization: `Bearer ${token.api_key}` })
    expect(ok.status).toBe(200)
    const body = json(ok) as { code: string; msg: string; data: { id: string; name: string; type: string }[] }
    expect(body).toMatchObject({ code: 'SUCCESS', msg: 'success' })
    expect(body.data).toHaveLength(2)
    expect(body.data[0]).toMatchObject({ name: 'Front Door', type: 'door' })

    const list = await s.request('GET', TOKENS)
    expect(list.body).not.toContain(token.api_key)
    expect(json(list)).toMatchObject({
      code: 'SUCCESS',
      data: [{ id: token.id, name: 'keyward', masked_api_key: expect.stringMatching(/^.{4}\*\*\*.{4}$/) }],
    })

    expect(json(await s.request('DELETE', `${TOKENS}/${token.id}`))).toEqual({
      code: 'SUCCESS',
      msg: 'success',
      data: null,
    })
    const gone = await doors(sim, { authorization: `Bearer ${token.api_key}` })
    expect(gone.status).toBe(401)
    expect(json(gone)).toEqual(INVALID)
    expect(json(await s.request('DELETE', `${TOKENS}/${token.id}`))).toMatchObject({ code: 'CODE_NOT_FOUND' })
  })

  it('expiry follows the injected clock: validity_period in days by default, seconds with the knob', async () => {
    const sim = await start()
    const token = await mintToken(await owner(sim), 1)
    expect(token.expires_at).toBe(new Date(now + 86_400_000).toISOString())
    const auth = { authorization: `Bearer ${token.api_key}` }
    now += 86_399_000
    expect((await doors(sim, auth)).status).toBe(200)
    now += 1_000
    const expired = await doors(sim, auth)
    expect(expired.status).toBe(401)
    expect(json(expired)).toEqual(INVALID)

    const secs = await start('unvr', { access: { validityPeriodUnit: 'seconds' } })
    const t2 = await mintToken(await owner(secs), 30)
    expect(t2.expires_at).toBe(new Date(now + 30_000).toISOString())
    now += 30_000
    expect((await doors(secs, { authorization: `Bearer ${t2.api_key}` })).status).toBe(401)
  })

  it('missing scope → 403 CODE_UNAUTHORIZED', async () => {
    const sim = await start()
    const token = await mintToken(await owner(sim), 0, ['view:device'])
    const r = await doors(sim, { authorization: `Bearer ${token.api_key}` })
    expect(r.status).toBe(403)
    expect(json(r)).toMatchObject({ code: 'CODE_UNAUTHORIZED' })
    const viewSpace = await mintToken(await owner(sim), 0, ['view:space'])
    expect((await doors(sim, { authorization: `Bearer ${viewSpace.api_key}` })).status).toBe(200)
  })

  it('a console API key is refused on the Access port (Bearer or X-API-KEY); an Access token is not a console key', async () => {
    const sim = await start('udm-pro')
    const s = await owner(sim)
    const consoleKey = (
      json(await s.request('POST', '/proxy/users/api/v2/user/self/keys', { name: 'k' })) as {
        data: { full_api_key: string }
      }
    ).data.full_api_key
    for (const headers of [{ authorization: `Bearer ${consoleKey}` }, { 'x-api-key': consoleKey }, {}] as Record<
      string,
      string
    >[]) {
      const r = await doors(sim, headers)
      expect(r.status).toBe(401)
      expect(json(r)).toEqual(INVALID)
    }
    const token = await mintToken(s)
    expect(
      (await call(sim.url, '/proxy/protect/integration/v1/meta/info', { headers: { 'x-api-key': token.api_key } }))
        .status,
    ).toBe(401)
    // Through the console proxy, Access paths refuse keys with the gateway body (§5.1).
    const proxied = await call(sim.url, '/proxy/access/api/v1/doors', { headers: { 'x-api-key': consoleKey } })
    expect(proxied.status).toBe(401)
    expect(json(proxied)).toEqual({ error: { code: 401, message: 'Unauthorized' } })
  })

  it('minting needs a Super Admin session with CSRF and valid parameters', async () => {
    const sim = await start('ckg2-plus')
    const limited = new ConsoleSession(sim.url)
    await limited.login(LIMITED_USERNAME, LIMITED_PASSWORD)
    const refused = await limited.request('POST', TOKENS, { name: 'x', validity_period: 0, scopes: ALL_SCOPES })
    expect(refused.status).toBe(403)
    expect(json(refused)).toMatchObject({ code: 'CODE_UNAUTHORIZED' })
    const s = await owner(sim)
    expect(
      (await s.request('POST', TOKENS, { name: 'x', validity_period: 0, scopes: ALL_SCOPES }, { 'x-csrf-token': 'no' }))
        .status,
    ).toBe(403)
    expect(
      (await call(sim.url, TOKENS, { method: 'POST', body: { name: 'x', validity_period: 0, scopes: ALL_SCOPES } }))
        .status,
    ).toBe(401)
    for (const bad of [
      { name: '', validity_period: 0, scopes: ALL_SCOPES },
      { name: 'x', validity_period: -1, scopes: ALL_SCOPES },
      { name: 'x', scopes: ALL_SCOPES },
      { name: 'x', validity_period: 0, scopes: [] },
      { name: 'x', validity_period: 0, scopes: ['root'] },
    ]) {
      const r = await s.request('POST', TOKENS, bad)
      expect(r.status, JSON.stringify(bad)).toBe(400)
      expect(json(r)).toMatchObject({ code: 'CODE_PARAMS_INVALID' })
    }
    expect(sim.state.accessTokens.size).toBe(0)
  })

  it('booting and failNext apply to the Access listener too', async () => {
    const sim = await start()
    const token = await mintToken(await owner(sim))
    const auth = { authorization: `Bearer ${token.api_key}` }
    void sim.failNext({ method: 'GET', path: '/api/v1/developer/doors', when: 'before', server: 'access' })
    await expect(doors(sim, auth)).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect((await doors(sim, auth)).status).toBe(200)
    sim.setBooting(true)
    expect((await doors(sim, auth)).headers['content-type']).toMatch(/^text\/html/)
  })
})
