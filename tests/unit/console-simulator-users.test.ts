// Console simulator: roles and local admins in the users service (unifi-os.md §3).
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
import { isStrongPassword } from '../simulators/console/users.ts'

const running: RunningConsole[] = []
async function start(preset: PresetName, overrides: ConsoleOverrides = {}): Promise<RunningConsole> {
  const sim = await startConsoleSimulator(createConsoleConfig(preset, overrides), { host: '127.0.0.1', port: 0 })
  running.push(sim)
  return sim
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

interface Role {
  unique_id: string
  name: string
  system_key: string
  level: number
  system_role: boolean
}

async function owner(sim: RunningConsole): Promise<ConsoleSession> {
  const s = new ConsoleSession(sim.url)
  expect((await s.login(OWNER_USERNAME, OWNER_PASSWORD)).status).toBe(200)
  return s
}

async function roleId(s: ConsoleSession, key: string): Promise<string> {
  const roles = json(await s.request('GET', '/proxy/users/api/v2/roles')) as { data: Role[] }
  return roles.data.find((r) => r.system_key === key)!.unique_id
}

/** The browser-capture body (§3). */
const userBody = (role: string, username: string, password: string): Record<string, unknown> => ({
  first_name: 'Key',
  last_name: 'Ward',
  user_email: `${username}@local.internal`,
  force_add_nfc: true,
  nfc_token: '',
  group_ids: [],
  pin_code: '',
  role_id: role,
  username,
  password,
  only_local_account: true,
})

describe('roles', () => {
  it('GET /proxy/users/api/v2/roles lists super_administrator, admin and viewer with per-console ids', async () => {
    const [a, b] = await Promise.all([start('udm-pro'), start('unvr')])
    const ra = json(await (await owner(a!)).request('GET', '/proxy/users/api/v2/roles')) as {
      code: number
      codeS: string
      data: Role[]
    }
    expect(ra).toMatchObject({ code: 1, codeS: 'SUCCESS' })
    expect(ra.data.map((r) => r.system_key)).toEqual(['super_administrator', 'admin', 'viewer'])
    expect(ra.data[0]).toMatchObject({ name: 'Super Administrator', level: 2, system_role: true })
    const rb = json(await (await owner(b!)).request('GET', '/proxy/users/api/v2/roles')) as { data: Role[] }
    expect(rb.data[0]!.unique_id).not.toBe(ra.data[0]!.unique_id)
    expect((await call(a!.url, '/proxy/users/api/v2/roles')).status).toBe(401)
  })
})

describe('POST /proxy/users/api/v2/user', () => {
  it('creates a local admin who can log in, appears in the admin list and mints its own key', async () => {
    const sim = await start('udm-pro')
    const s = await owner(sim)
    const superAdmin = await roleId(s, 'super_administrator')
    const r = await s.request('POST', '/proxy/users/api/v2/user', userBody(superAdmin, 'keyward', 'Keyward-123'))
    expect(r.status).toBe(200)
    const created = json(r) as { code: number; codeS: string; data: Record<string, unknown> }
    expect(created).toMatchObject({
      code: 1,
      codeS: 'SUCCESS',
      data: { username: 'keyward', email: 'keyward@local.internal', isOwner: false, isSuperAdmin: true },
    })
    expect(created.data.unique_id).toMatch(/^[0-9a-f-]{36}$/)

    const list = json(await s.request('GET', '/proxy/users/api/v2/users/admin/uos?page_num=1&page_size=999')) as {
      data: { username: string }[]
    }
    expect(list.data.map((u) => u.username)).toEqual(['admin', 'cloud@example.com', 'keyward'])

    const k = new ConsoleSession(sim.url)
    expect(json(await k.login('keyward', 'Keyward-123'))).toMatchObject({
      unique_id: created.data.unique_id,
      local_account_exist: true,
    })
    const key = json(await k.request('POST', '/proxy/users/api/v2/user/self/keys', { name: 'keyward' })) as {
      data: { full_api_key: string }
    }
    const info = await call(sim.url, '/proxy/protect/integration/v1/meta/info', {
      headers: { 'x-api-key': key.data.full_api_key },
    })
    expect(info.status).toBe(200)
  })

  it('validation envelopes: duplicate username, weak password, roles[] instead of role_id, unknown role', async () => {
    const sim = await start('udm-pro')
    const s = await owner(sim)
    const admin = await roleId(s, 'admin')
    const post = (body: Record<string, unknown>) => s.request('POST', '/proxy/users/api/v2/user', body)

    for (const name of ['admin', 'ADMIN']) {
      const dup = await post(userBody(admin, name, 'Another-123'))
      expect(dup.status).toBe(400)
      expect(json(dup)).toEqual({ code: 400, codeS: 'USERNAME_ALREADY_EXISTS', msg: expect.stringContaining(name) })
    }
    for (const weak of ['short1', 'nodigitshere', '1234567890']) {
      const r = await post(userBody(admin, 'newbie', weak))
      expect(r.status, weak).toBe(400)
      expect(json(r)).toMatchObject({ code: 400, codeS: 'PASSWORD_TOO_WEAK' })
    }
    const { role_id: _ignored, ...withoutRoleId } = userBody(admin, 'newbie', 'Fine-pass-1')
    expect(json(await post({ ...withoutRoleId, roles: [admin] }))).toMatchObject({
      code: 400,
      codeS: 'INVALID_PARAMETERS',
      msg: 'role_id is required',
    })
    expect(json(await post(userBody('00000000-0000-4000-a000-000000000000', 'newbie', 'Fine-pass-1')))).toMatchObject({
      codeS: 'ROLE_NOT_FOUND',
    })
    expect([...sim.state.users.values()].map((u) => u.username)).not.toContain('newbie')
  })

  it('udm-se (UniFi OS 5.x Fabric) refuses local-user creation; the knob turns it back on', async () => {
    const se = await start('udm-se')
    expect(se.config).toMatchObject({ localUserCreation: 'refused', firmware: '5.0.16' })
    const s = await owner(se)
    const r = await s.request(
      'POST',
      '/proxy/users/api/v2/user',
      userBody(await roleId(s, 'super_administrator'), 'keyward', 'Keyward-123'),
    )
    expect(r.status).toBe(403)
    expect(json(r)).toEqual({ code: 403, codeS: 'LOCAL_USER_CREATION_NOT_ALLOWED', msg: expect.any(String) })
    expect(se.state.users.size).toBe(1)

    const allowed = await start('udm-se', { localUserCreation: 'allowed' })
    const o = await owner(allowed)
    expect(
      (
        await o.request(
          'POST',
          '/proxy/users/api/v2/user',
          userBody(await roleId(o, 'admin'), 'keyward', 'Keyward-123'),
        )
      ).status,
    ).toBe(200)
  })

  it('403 unless the session is Super Admin or owner (limited admin on ckg2-plus)', async () => {
    const sim = await start('ckg2-plus')
    const s = new ConsoleSession(sim.url)
    expect(json(await s.login(LIMITED_USERNAME, LIMITED_PASSWORD))).toMatchObject({
      isSuperAdmin: false,
      isOwner: false,
    })
    const r = await s.request(
      'POST',
      '/proxy/users/api/v2/user',
      userBody(await roleId(s, 'admin'), 'x1', 'Keyward-123'),
    )
    expect(r.status).toBe(403)
    expect(json(r)).toMatchObject({ code: 403, codeS: 'PERMISSION_DENIED' })
  })

  it('needs the session cookie and the CSRF token; an API key is not a session', async () => {
    const sim = await start('udm-pro')
    const s = await owner(sim)
    const body = userBody(await roleId(s, 'admin'), 'x1', 'Keyward-123')
    expect((await s.request('POST', '/proxy/users/api/v2/user', body, { 'x-csrf-token': 'stale' })).status).toBe(403)
    const key = json(await s.request('POST', '/proxy/users/api/v2/user/self/keys', { name: 'k' })) as {
      data: { full_api_key: string }
    }
    const withKey = await call(sim.url, '/proxy/users/api/v2/user', {
      method: 'POST',
      headers: { 'x-api-key': key.data.full_api_key },
      body,
    })
    expect(withKey.status).toBe(401)
  })
})

describe('DELETE /proxy/users/api/v2/user/{id}', () => {
  it("removes the user, its keys and sessions; the owner can't be removed", async () => {
    const sim = await start('unvr')
    const s = await owner(sim)
    const created = json(
      await s.request(
        'POST',
        '/proxy/users/api/v2/user',
        userBody(await roleId(s, 'super_administrator'), 'keyward', 'Keyward-123'),
      ),
    ) as { data: { unique_id: string } }
    const k = new ConsoleSession(sim.url)
    await k.login('keyward', 'Keyward-123')
    const key = json(await k.request('POST', '/proxy/users/api/v2/user/self/keys', { name: 'k' })) as {
      data: { full_api_key: string }
    }

    const del = await s.request('DELETE', `/proxy/users/api/v2/user/${created.data.unique_id}`)
    expect(del.status).toBe(200)
    expect(json(del)).toEqual({ code: 1, codeS: 'SUCCESS', data: 'success' })
    expect(sim.state.apiKeys.size).toBe(0)
    expect(
      (
        await call(sim.url, '/proxy/protect/integration/v1/meta/info', {
          headers: { 'x-api-key': key.data.full_api_key },
        })
      ).status,
    ).toBe(401)
    expect((await k.request('GET', '/api/users/self')).status).toBe(401)
    expect((await k.login('keyward', 'Keyward-123')).status).toBe(403)

    expect(json(await s.request('DELETE', `/proxy/users/api/v2/user/${created.data.unique_id}`))).toMatchObject({
      code: 404,
      codeS: 'USER_NOT_FOUND',
    })
    expect(json(await s.request('DELETE', `/proxy/users/api/v2/user/${sim.config.accounts[0]!.id}`))).toMatchObject({
      code: 403,
    })
  })
})

describe('password rule', () => {
  it('≥ 8 characters with a letter and a digit', () => {
    expect(isStrongPassword('abcdefg1')).toBe(true)
    expect(isStrongPassword('abcdef1')).toBe(false)
    expect(isStrongPassword('abcdefgh')).toBe(false)
    expect(isStrongPassword('12345678')).toBe(false)
  })
})
