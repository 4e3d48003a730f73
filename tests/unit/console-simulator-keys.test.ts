// Console simulator: API keys (unifi-os.md §4.1) and the integration APIs that accept them
// (§4.2, §5.1, §5.2), including per-console key stores and the integration rate limit per user principal.
import { afterEach, describe, expect, it } from 'vitest'
import { parseRateLimit } from '../../electron/core/net/ratelimit.ts'
import { call, ConsoleSession, header, json, type Reply } from '../simulators/console/client.ts'
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  createConsoleConfig,
  LIMITED_PASSWORD,
  LIMITED_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
  seedUuid,
  type ConsoleOverrides,
  type PresetName,
} from '../simulators/console/presets.ts'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'

const running: RunningConsole[] = []
let now = Date.UTC(2026, 0, 1)
const clock = (): number => now
async function start(preset: PresetName, overrides: ConsoleOverrides = {}): Promise<RunningConsole> {
  const sim = await startConsoleSimulator(createConsoleConfig(preset, overrides), { host: '127.0.0.1', port: 0, clock })
  running.push(sim)
  return sim
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

async function login(
  sim: RunningConsole,
  username = OWNER_USERNAME,
  password = OWNER_PASSWORD,
): Promise<ConsoleSession> {
  const s = new ConsoleSession(sim.url)
  expect((await s.login(username, password)).status).toBe(200)
  return s
}

interface Minted {
  id: string
  name: string
  full_api_key: string
  permissions: object
  scopes: unknown[]
}
async function mint(s: ConsoleSession, name = 'keyward', path = '/proxy/users/api/v2/user/self/keys'): Promise<Minted> {
  const r = await s.request('POST', path, { name, description: 'made by a test' })
  expect(r.status).toBe(200)
  return (json(r) as { data: Minted }).data
}

const withKey = (key: string): { headers: Record<string, string> } => ({ headers: { 'x-api-key': key } })
const GATEWAY_401 = { error: { code: 401, message: 'Unauthorized' } }
/** §5.1: `"10-in-1sec";q=10;w=1;pk=:<partition key>:`. */
const POLICY_10 = /^"10-in-1sec";q=10;w=1;pk=:[A-Za-z0-9+/]+=*:$/

describe('API keys', () => {
  it('mint on /user/self/keys: envelope, 32-char key shown once; masked list; delete', async () => {
    const sim = await start('udm-pro')
    const s = await login(sim)
    const r = await s.request('POST', '/proxy/users/api/v2/user/self/keys', { name: 'keyward', description: 'tray' })
    const body = json(r) as { code: number; codeS: string; data: Minted }
    expect(body).toEqual({
      code: 1,
      codeS: 'SUCCESS',
      data: { id: expect.any(String), name: 'keyward', full_api_key: expect.any(String), permissions: {}, scopes: [] },
    })
    expect(body.data.full_api_key).toMatch(/^[A-Za-z0-9_-]{32}$/)

    const listReply = await s.request('GET', '/proxy/users/api/v2/user/self/keys')
    expect(listReply.body).not.toContain(body.data.full_api_key)
    const list = json(listReply) as { code: number; data: Record<string, unknown>[] }
    const k = body.data.full_api_key
    expect(list).toMatchObject({ code: 1, codeS: 'SUCCESS' })
    expect(list.data).toEqual([
      {
        id: body.data.id,
        name: 'keyward',
        masked_api_key: `${k.slice(0, 4)}***${k.slice(-4)}`,
        description: 'tray',
        created_at: new Date(now).toISOString(),
        updated_at: new Date(now).toISOString(),
        last_used_at: null,
        creator_user_id: sim.config.accounts[0]!.id,
        permissions: expect.objectContaining({ 'protect.management': ['admin'] }),
        key_permissions: [],
        scopes: [],
      },
    ])
    // The {id} form lists the same keys.
    expect(json(await s.request('GET', `/proxy/users/api/v2/user/${sim.config.accounts[0]!.id}/keys`))).toEqual(list)

    // Using the key sets last_used_at.
    now += 5_000
    expect((await call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(k))).status).toBe(200)
    const used = json(await s.request('GET', '/proxy/users/api/v2/user/self/keys')) as {
      data: { last_used_at: string }[]
    }
    expect(used.data[0]!.last_used_at).toBe(new Date(now).toISOString())

    const del = await s.request('DELETE', `/proxy/users/api/v2/keys/${body.data.id}`)
    expect(json(del)).toEqual({ code: 1, codeS: 'SUCCESS', data: 'success' })
    expect((await call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(k))).status).toBe(401)
    expect(json(await s.request('DELETE', `/proxy/users/api/v2/keys/${body.data.id}`))).toMatchObject({ code: 404 })
  })

  it('/user/{id}/keys works for self; another user needs the owner', async () => {
    const sim = await start('udm-pro')
    const ownerId = sim.config.accounts[0]!.id
    const cloud = new ConsoleSession(sim.url)
    const challenge = json(await cloud.login(CLOUD_USERNAME, CLOUD_PASSWORD)) as { data: { mfaCookie: string } }
    await cloud.login(CLOUD_USERNAME, CLOUD_PASSWORD, { token: CLOUD_MFA_CODE, cookies: challenge.data.mfaCookie })
    const cloudId = sim.config.accounts[1]!.id
    await mint(cloud, 'mine', `/proxy/users/api/v2/user/${cloudId}/keys`)
    // A Super Admin who is not the owner cannot mint or list for someone else.
    const refused = await cloud.request('POST', `/proxy/users/api/v2/user/${ownerId}/keys`, { name: 'theirs' })
    expect(refused.status).toBe(403)
    expect(json(refused)).toMatchObject({ code: 403, codeS: 'PERMISSION_DENIED' })
    expect((await cloud.request('GET', `/proxy/users/api/v2/user/${ownerId}/keys`)).status).toBe(403)
    // The owner can, and the key belongs to (and is listed under) the target user.
    const o = await login(sim)
    const forCloud = await mint(o, 'for-cloud', `/proxy/users/api/v2/user/${cloudId}/keys`)
    const listed = json(await cloud.request('GET', '/proxy/users/api/v2/user/self/keys')) as {
      data: { id: string; creator_user_id: string }[]
    }
    expect(listed.data.map((k) => k.id)).toContain(forCloud.id)
    expect(listed.data.find((k) => k.id === forCloud.id)!.creator_user_id).toBe(ownerId)
    expect(json(await o.request('POST', '/proxy/users/api/v2/user/nope/keys', { name: 'x' }))).toMatchObject({
      code: 404,
    })
    expect(json(await o.request('POST', '/proxy/users/api/v2/user/self/keys', {}))).toMatchObject({ code: 400 })
  })

  it('ckg2-plus: the limited (non-super-admin) account is refused; the owner mints', async () => {
    const sim = await start('ckg2-plus')
    const s = await login(sim, LIMITED_USERNAME, LIMITED_PASSWORD)
    for (const path of [
      '/proxy/users/api/v2/user/self/keys',
      `/proxy/users/api/v2/user/${sim.config.accounts[1]!.id}/keys`,
    ]) {
      const r = await s.request('POST', path, { name: 'k' })
      expect(r.status).toBe(403)
      expect(json(r)).toEqual({ code: 403, codeS: 'PERMISSION_DENIED', msg: expect.any(String) })
    }
    expect(json(await s.request('GET', '/proxy/users/api/v2/user/self/keys'))).toEqual({
      code: 1,
      codeS: 'SUCCESS',
      data: [],
    })
    const key = await mint(await login(sim))
    const info = await call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(key.full_api_key))
    expect(json(info)).toEqual({ applicationVersion: '6.0.53' })
  })

  it('keys are per console: a key from console A is 401 on console B', async () => {
    const [a, b] = await Promise.all([start('udm-pro'), start('unvr')])
    const key = await mint(await login(a!))
    expect((await call(a!.url, '/proxy/protect/integration/v1/meta/info', withKey(key.full_api_key))).status).toBe(200)
    const onB = await call(b!.url, '/proxy/protect/integration/v1/meta/info', withKey(key.full_api_key))
    expect(onB.status).toBe(401)
    expect(json(onB)).toEqual(GATEWAY_401)
  })
})

describe('integration APIs', () => {
  it('Protect meta/info and cameras; RateLimit and RateLimit-Policy on every response', async () => {
    const [udm, nvr] = await Promise.all([start('udm-pro'), start('unvr')])
    const k1 = (await mint(await login(udm!))).full_api_key
    const k2 = (await mint(await login(nvr!))).full_api_key
    const info = await call(udm!.url, '/proxy/protect/integration/v1/meta/info', withKey(k1))
    expect(info.status).toBe(200)
    expect(json(info)).toEqual({ applicationVersion: '7.3.12' })
    expect(header(info, 'ratelimit')).toBe('"10-in-1sec";r=9;t=1')
    expect(header(info, 'ratelimit-policy')).toMatch(POLICY_10)
    // UDM: Protect installed but empty; UNVR: 6 cameras.
    expect(json(await call(udm!.url, '/proxy/protect/integration/v1/cameras', withKey(k1)))).toEqual([])
    const cams = json(await call(nvr!.url, '/proxy/protect/integration/v1/cameras', withKey(k2))) as {
      id: string
      modelKey: string
    }[]
    expect(cams).toHaveLength(6)
    expect(cams[0]).toMatchObject({
      modelKey: 'camera',
      state: 'CONNECTED',
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
    })
    const bad = await call(udm!.url, '/proxy/protect/integration/v1/meta/info', withKey('nope'))
    expect(bad.status).toBe(401)
    expect(json(bad)).toEqual(GATEWAY_401)
    expect(header(bad, 'ratelimit-policy')).toMatch(POLICY_10)
    expect((await call(udm!.url, '/proxy/protect/integration/v1/meta/info')).status).toBe(401)
    expect((await call(udm!.url, '/proxy/protect/integration/v1/nope', withKey(k1))).status).toBe(404)
  })

  it('Network info and sites (§5.2 shape), paging and errors in the Network schema', async () => {
    const sim = await start('udm-pro')
    const key = (await mint(await login(sim))).full_api_key
    expect(json(await call(sim.url, '/proxy/network/integration/v1/info', withKey(key)))).toEqual({
      applicationVersion: '10.2.105',
    })
    const sites = json(await call(sim.url, '/proxy/network/integration/v1/sites?offset=0&limit=25', withKey(key)))
    expect(sites).toEqual({
      offset: 0,
      limit: 25,
      count: 1,
      totalCount: 1,
      data: [{ id: sim.state.defaultSiteId, internalReference: 'default', name: 'Default' }],
    })
    expect(sim.state.defaultSiteId).toMatch(/^[0-9a-f-]{36}$/)
    expect(json(await call(sim.url, '/proxy/network/integration/v1/sites?offset=1', withKey(key)))).toMatchObject({
      offset: 1,
      count: 0,
      totalCount: 1,
      data: [],
    })
    const badLimit = await call(sim.url, '/proxy/network/integration/v1/sites?limit=500', withKey(key))
    expect(badLimit.status).toBe(400)

    const unknown = await call(sim.url, '/proxy/network/integration/v1/sites', withKey('not-a-key'))
    expect(unknown.status).toBe(401)
    expect(json(unknown)).toEqual({
      statusCode: 401,
      statusName: 'UNAUTHORIZED',
      code: 'api.authentication.invalid-credentials',
      message: 'Unauthorized',
      timestamp: new Date(now).toISOString(),
      requestPath: '/integration/v1/sites',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    expect(json(await call(sim.url, '/proxy/network/integration/v1/info'))).toMatchObject({
      code: 'api.authentication.missing-credentials',
    })
  })

  it("networkErrorBody 'gateway' knob; app not installed → 404", async () => {
    const sim = await start('udm-pro', { integration: { networkErrorBody: 'gateway' } })
    expect(json(await call(sim.url, '/proxy/network/integration/v1/info', withKey('x')))).toEqual(GATEWAY_401)
    const nvr = await start('unvr')
    const key = (await mint(await login(nvr))).full_api_key
    expect((await call(nvr.url, '/proxy/network/integration/v1/info', withKey(key))).status).toBe(404)
  })

  it("a key whose holder lacks the app permission (viewer) → 403; an account's permission override applies", async () => {
    const viewerId = seedUuid('test', 'viewer')
    const readerId = seedUuid('test', 'reader')
    const sim = await start('udm-pro', {
      accounts: [
        ...createConsoleConfig('udm-pro').accounts,
        {
          id: viewerId,
          username: 'viewer',
          password: 'Viewer-123',
          role: 'viewer',
          isOwner: false,
          localAccount: true,
        },
        {
          id: readerId,
          username: 'reader',
          password: 'Reader-123',
          role: 'viewer',
          isOwner: false,
          localAccount: true,
          permissions: { 'protect.management': ['readonly'] },
        },
      ],
    })
    const o = await login(sim)
    const viewerKey = (await mint(o, 'v', `/proxy/users/api/v2/user/${viewerId}/keys`)).full_api_key
    const readerKey = (await mint(o, 'r', `/proxy/users/api/v2/user/${readerId}/keys`)).full_api_key
    const p = await call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(viewerKey))
    expect(p.status).toBe(403)
    expect(json(p)).toEqual({ error: { code: 403, message: 'Forbidden' } })
    const n = await call(sim.url, '/proxy/network/integration/v1/info', withKey(viewerKey))
    expect(n.status).toBe(403)
    expect(json(n)).toMatchObject({ statusCode: 403, statusName: 'FORBIDDEN' })
    expect((await call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(readerKey))).status).toBe(200)
    expect((await call(sim.url, '/proxy/network/integration/v1/info', withKey(readerKey))).status).toBe(403)
    // The viewer itself cannot mint.
    const v = await login(sim, 'viewer', 'Viewer-123')
    expect((await v.request('POST', '/proxy/users/api/v2/user/self/keys', { name: 'x' })).status).toBe(403)
  })

  it('/proxy/protect/api/* refuses a key (401) but serves the bootstrap to a cookie session', async () => {
    const sim = await start('udm-pro')
    const s = await login(sim)
    const key = (await mint(s)).full_api_key
    const r = await call(sim.url, '/proxy/protect/api/bootstrap', withKey(key))
    expect(r.status).toBe(401)
    expect(json(r)).toEqual(GATEWAY_401)
    const boot = json(await s.request('GET', '/proxy/protect/api/bootstrap')) as {
      nvr: Record<string, unknown>
      cameras: unknown[]
      authUserId: string
    }
    expect(boot.nvr).toMatchObject({
      mac: sim.config.mac,
      hostShortname: 'UDMPRO',
      version: '7.3.12',
      firmwareVersion: '4.4.6',
      isSetup: true,
    })
    expect(boot.cameras).toEqual([])
    expect(boot.authUserId).toBe(sim.config.accounts[0]!.id)
    expect((await call(sim.url, '/proxy/protect/api')).status).toBe(401) // the probe is unchanged
  })

  it('rate limit per user principal: keys of one user share a budget; 429 with Retry-After and r=0', async () => {
    const sim = await start('unvr', { rateLimit: { quota: 3 } })
    const o = await login(sim)
    const [ownerId, otherId] = sim.config.accounts.map((a) => a.id)
    const a1 = (await mint(o, 'a1')).full_api_key
    const a2 = (await mint(o, 'a2')).full_api_key
    const b = (await mint(o, 'b', `/proxy/users/api/v2/user/${otherId}/keys`)).full_api_key
    const hit = (key: string) => call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(key))
    expect((await hit(a1)).status).toBe(200)
    expect((await hit(a2)).status).toBe(200)
    const last = await hit(a1)
    expect(header(last, 'ratelimit')).toBe('"3-in-1sec";r=0;t=1')
    const limited = await hit(a2)
    expect(limited.status).toBe(429)
    expect(header(limited, 'retry-after')).toBe('1')
    expect(header(limited, 'ratelimit')).toBe('"3-in-1sec";r=0;t=1')
    expect(json(limited)).toEqual({ error: { code: 429, message: 'Too Many Requests' } })
    // Another user's key, and a request without a known key, have budgets of their own.
    const other = await hit(b)
    expect(other.status).toBe(200)
    expect((await hit('x')).status).toBe(401)
    // The partition key names the principal: the same for both keys of one user, another for the other user.
    const pk = (r: Awaited<ReturnType<typeof hit>>) => /pk=:([^:]*):/.exec(header(r, 'ratelimit-policy') ?? '')?.[1]
    expect(pk(limited)).toBe(pk(last))
    expect(pk(other)).not.toBe(pk(last))
    now += 1_000
    expect((await hit(a2)).status).toBe(200)
    const who = (p: string) => (p === ownerId ? 'owner' : p === otherId ? 'other' : p.startsWith('anon:') ? 'anon' : p)
    expect(sim.state.integrationLog.map((e) => [who(e.principal), e.status, e.remaining])).toEqual([
      ['owner', 200, 2],
      ['owner', 200, 1],
      ['owner', 200, 0],
      ['owner', 429, 0],
      ['other', 200, 2],
      ['anon', 401, 2],
      ['owner', 200, 2],
    ])
  })

  it('sliding window (default): never more than the quota in any window; the fixed knob forgives more', async () => {
    const statuses: Record<string, number[]> = {}
    for (const window of ['sliding', 'fixed'] as const) {
      const sim = await start('unvr', { rateLimit: { quota: 2, window } })
      const key = (await mint(await login(sim))).full_api_key
      const t0 = now
      statuses[window] = []
      // Two at 0 and 900 ms; at 1100 ms the first has left either window; at 1200 ms a sliding
      // window still holds 900 and 1100, while a fixed one started afresh at 1100.
      for (const at of [0, 900, 1100, 1200]) {
        now = t0 + at
        const r = await call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(key))
        statuses[window].push(r.status)
        if (r.status === 429) expect(header(r, 'retry-after')).toBe('1') // 900 leaves the window at 1900
      }
      now = t0
    }
    expect(statuses).toEqual({ sliding: [200, 200, 200, 429], fixed: [200, 200, 200, 200] })
  })

  it('headers knob: one line each, a second policy on lines of its own, draft-7, none; the client reads each', async () => {
    const second = { quota: 600, windowSeconds: 60 }
    const replies: Record<string, Reply> = {}
    for (const headers of ['single', 'lines', 'draft-7', 'none'] as const) {
      const sim = await start('unvr', { rateLimit: { headers, second } })
      const key = (await mint(await login(sim))).full_api_key
      replies[headers] = await call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(key))
    }
    const lines = (r: Reply, name: string) =>
      (r.rawHeaders ?? []).filter((v, i) => i % 2 === 0 && v.toLowerCase() === name).length
    const both = '"10-in-1sec";r=9;t=1, "600-in-1min";r=599;t=60'
    expect(header(replies.single!, 'ratelimit')).toBe(both)
    expect([lines(replies.single!, 'ratelimit'), lines(replies.single!, 'ratelimit-policy')]).toEqual([1, 1])
    expect(header(replies.lines!, 'ratelimit')).toBe(both) // Node joins repeated lines with ", "
    expect([lines(replies.lines!, 'ratelimit'), lines(replies.lines!, 'ratelimit-policy')]).toEqual([2, 2])
    expect(header(replies['draft-7']!, 'ratelimit')).toBe('limit=10, remaining=9, reset=1')
    expect(header(replies['draft-7']!, 'ratelimit-policy')).toBe('10;w=1, 600;w=60')
    expect(replies.none!.headers.ratelimit).toBeUndefined()
    expect(replies.none!.headers['ratelimit-policy']).toBeUndefined()

    const read = (r: Reply) =>
      parseRateLimit(r.headers).map((p) => [p.name, p.quota, p.windowSeconds, p.remaining, p.resetSeconds])
    const draft8 = [
      ['10-in-1sec', 10, 1, 9, 1],
      ['600-in-1min', 600, 60, 599, 60],
    ]
    expect(read(replies.single!)).toEqual(draft8)
    expect(read(replies.lines!)).toEqual(draft8)
    expect(read(replies['draft-7']!)).toEqual([
      ['', 10, 1, 9, 1],
      ['', 600, 60, null, null],
    ])
    expect(read(replies.none!)).toEqual([])
  })

  it('a second policy is enforced too, and a refusal names the one that is spent', async () => {
    const sim = await start('unvr', { rateLimit: { quota: 10, second: { quota: 2, windowSeconds: 60 } } })
    const key = (await mint(await login(sim))).full_api_key
    const hit = () => call(sim.url, '/proxy/protect/integration/v1/meta/info', withKey(key))
    expect((await hit()).status).toBe(200)
    expect((await hit()).status).toBe(200)
    now += 5_000
    const limited = await hit()
    expect(limited.status).toBe(429)
    expect(header(limited, 'ratelimit')).toBe('"10-in-1sec";r=10;t=0, "2-in-1min";r=0;t=55')
    expect(header(limited, 'retry-after')).toBe('55')
  })

  it('default budget is 10/s; Network answers api.rate-limit.exceeded', async () => {
    const sim = await start('udm-pro')
    const key = (await mint(await login(sim))).full_api_key
    const results = await Promise.all(
      Array.from({ length: 11 }, () => call(sim.url, '/proxy/network/integration/v1/info', withKey(key))),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(10)
    const limited = results.find((r) => r.status === 429)!
    expect(json(limited)).toMatchObject({ statusCode: 429, code: 'api.rate-limit.exceeded' })
    expect(header(limited, 'retry-after')).toBe('1')
  })
})
