// Facts the references give in two shapes (issue 14 §1; docs/architecture.md "Facts with two
// shapes"): the real client against a simulator answering each shape. The §1 failure itself: a
// console that answers only `/user/{userId}/keys` (unifi-os.md §4.1), through the wizard's provision.
import { afterAll, describe, expect, it, vi } from 'vitest'
import { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { matchConsole, snapshotDomain } from '../../electron/core/homeassistant/entries.ts'
import { pushProtectKey } from '../../electron/core/homeassistant/flows.ts'
import { listKeys, mintKey, rememberedKeyPath, revokeKey } from '../../electron/core/unifi/keys.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import { createLocalUser, deleteUser, listAdmins, listRoles } from '../../electron/core/unifi/users.ts'
import { OWNER_PASSWORD, OWNER_USERNAME, type ShapeKnobs } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { failureOf, ownerSession, startConsole, targetOf } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

const owner = { username: OWNER_USERNAME, password: OWNER_PASSWORD }
const PASSWORD = 'Str0ng-and-long!'
const keysOf = (sim: RunningConsole) => [...sim.state.apiKeys.values()]
const shapes = (knobs: Partial<ShapeKnobs>) => ({ shapes: knobs })

/** The paths a session asked for, in order. */
function recordPaths(session: ConsoleSession): string[] {
  const paths: string[] = []
  const call = session.call.bind(session)
  vi.spyOn(session, 'call').mockImplementation((method, path, body) => {
    paths.push(`${method} ${path}`)
    return call(method, path, body)
  })
  return paths
}

describe('API key paths: /user/self/keys and /user/{userId}/keys (unifi-os.md §4.1)', () => {
  const answering = ['both', 'self', 'user-id'] as const
  it.each(answering)('mints, lists and revokes when the console answers %s', async (keyPaths) => {
    const sim = await startConsole('unvr', shapes({ keyPaths }))
    const session = await ownerSession(sim)
    const minted = await mintKey(session, 'home-assistant', 'Created by Keyward')
    expect(keysOf(sim)).toMatchObject([{ id: minted.id, key: minted.key, userId: session.user!.id }])
    expect((await listKeys(session)).map((k) => k.id)).toEqual([minted.id])
    await revokeKey(session, minted.id)
    expect(keysOf(sim)).toEqual([])
    expect(rememberedKeyPath(session)).toBe(keyPaths === 'user-id' ? 'user-id' : 'self')
  })

  it.each([400, 405, 501] as const)(
    'falls back to {userId} when self answers %s ("not supported here")',
    async (missingKeyPath) => {
      const sim = await startConsole('unvr', shapes({ keyPaths: 'user-id', missingKeyPath }))
      const session = await ownerSession(sim)
      const minted = await mintKey(session, 'home-assistant')
      expect(keysOf(sim)).toMatchObject([{ id: minted.id, userId: session.user!.id }])
      expect((await listKeys(session)).map((k) => k.id)).toEqual([minted.id])
      expect(rememberedKeyPath(session)).toBe('user-id')
    },
  )

  it.each([429, 503] as const)('reports a %s on self as it is, without asking {userId}', async (missingKeyPath) => {
    const sim = await startConsole('unvr', shapes({ keyPaths: 'user-id', missingKeyPath }))
    const session = await ownerSession(sim)
    const paths = recordPaths(session)
    const failure = await failureOf(mintKey(session, 'home-assistant'))
    expect(failure.code).not.toBe('bad-reply')
    expect(paths).toEqual(['POST /proxy/users/api/v2/user/self/keys'])
    expect(keysOf(sim)).toEqual([])
  })

  it('remembers the shape that worked per console, and asks the other one again when firmware changes', async () => {
    const sim = await startConsole('unvr', shapes({ keyPaths: 'user-id' }))
    const session = await ownerSession(sim)
    const paths = recordPaths(session)
    await mintKey(session, 'first')
    const id = session.user!.id
    expect(paths).toEqual([
      'POST /proxy/users/api/v2/user/self/keys', // 404 on this firmware
      `POST /proxy/users/api/v2/user/${id}/keys`,
    ])
    // A second session on the same console goes straight to the shape that worked.
    const again = await ownerSession(sim)
    const againPaths = recordPaths(again)
    await listKeys(again)
    expect(againPaths).toEqual([`GET /proxy/users/api/v2/user/${id}/keys`])

    sim.config.shapes.keyPaths = 'self' // an update that drops the {userId} shape
    expect(await listKeys(again)).toHaveLength(1)
    expect(rememberedKeyPath(again)).toBe('self')
  })

  it.each(['api', 'v2'] as const)('takes the user id from "who am I" (%s) if login sent none', async (whoAmI) => {
    const sim = await startConsole('unvr', shapes({ keyPaths: 'user-id', loginReplyHasId: false, whoAmI }))
    const session = await ownerSession(sim)
    expect(session.user!.id).toBe('')
    const minted = await mintKey(session, 'ha')
    expect(keysOf(sim)).toMatchObject([{ id: minted.id, userId: sim.config.accounts[0]!.id }])
  })

  it('a console answering neither shape: a refusal after both, no third guess', async () => {
    const sim = await startConsole('unvr')
    const session = await ownerSession(sim)
    const paths: string[] = []
    vi.spyOn(session, 'call').mockImplementation((method, path) => {
      paths.push(`${method} ${path}`)
      return Promise.resolve({ status: 404, headers: {}, body: { error: { code: 404, message: 'Not Found' } } })
    })
    const error = await failureOf(mintKey(session, 'ha'))
    expect(error).toMatchObject({ code: 'refused', message: expect.stringMatching(/refused to create an API key/) })
    const user = '/proxy/users/api/v2/user'
    expect(paths).toEqual([`POST ${user}/self/keys`, `POST ${user}/${session.user!.id}/keys`])
    expect(rememberedKeyPath(session)).toBeNull()
  })
})

describe('issue 14 §1: the wizard on a console that answers only one key path', () => {
  const core = makeCore()
  afterAll(async () => {
    await core.close()
    core.dispose()
  })

  const onlyOne = ['user-id', 'self'] as const
  it.each(onlyOne)('provisions on a %s-only console: one user, one key, verified', async (keyPaths) => {
    const sim = await startConsole('unvr', shapes({ keyPaths }))
    // Trust, owner sign-in (throws unless both succeed), then the dedicated user's key.
    const run = await provisionedKey(core, sim)
    expect(run.outcome).toMatchObject({ failure: null, check: { status: 'ok', cameras: 6 } })
    expect(run.outcome.record.steps).toEqual({ user: 'done', key: 'done', verify: 'done' })

    const dedicated = [...sim.state.users.values()].filter((u) => u.username === 'keyward-ha')
    expect(dedicated).toHaveLength(1)
    expect(keysOf(sim)).toHaveLength(1)
    expect(keysOf(sim)[0]).toMatchObject({ userId: dedicated[0]!.id, creatorUserId: dedicated[0]!.id })
    expect(run.secret).toBe(keysOf(sim)[0]!.key)
  })
})

describe('sign-in and session shapes (unifi-os.md §2)', () => {
  it.each(['both', 'x-csrf-token', 'x-updated-csrf-token'] as const)(
    'follows CSRF rotation when the console sends %s',
    async (csrfHeaders) => {
      const sim = await startConsole('unvr', { auth: { csrfHeaders, reissueCookieOnCsrfRotation: false } })
      const session = await ownerSession(sim)
      // Every write needs the current token; each reply rotates it.
      const minted = [await mintKey(session, 'a'), await mintKey(session, 'b'), await mintKey(session, 'c')]
      for (const k of minted) await revokeKey(session, k.id)
      expect(keysOf(sim)).toEqual([])
    },
  )

  it.each(['unique_id', 'id'] as const)('reads user ids from profiles that carry only %s', async (profileIds) => {
    const sim = await startConsole('unvr', shapes({ profileIds, keyPaths: 'user-id' }))
    const session = await ownerSession(sim)
    expect(session.user!.id).toBe(sim.config.accounts[0]!.id)
    const role = (await listRoles(session)).find((r) => r.systemKey === 'super_administrator')!
    const user = await createLocalUser(session, { username: 'keyward-x', password: PASSWORD, roleId: role.id })
    expect(sim.state.users.get(user.id)).toMatchObject({ username: 'keyward-x' })
    expect(await listAdmins(session)).toContainEqual({ id: user.id, username: 'keyward-x' })
    await mintKey(session, 'ha')
    expect(keysOf(sim)).toHaveLength(1)
  })
})

describe('users-service reply shapes (unifi-os.md §3, §4.1)', () => {
  const envelopes = ['code-1', 'code-0', 'code-ok'] as const
  it.each(envelopes)('every users-service call accepts the %s envelope', async (envelope) => {
    const sim = await startConsole('unvr', shapes({ envelope }))
    const session = await ownerSession(sim)
    const role = (await listRoles(session)).find((r) => r.systemKey === 'super_administrator')!
    const user = await createLocalUser(session, { username: 'keyward-y', password: PASSWORD, roleId: role.id })
    expect((await listAdmins(session)).map((u) => u.username)).toContain('keyward-y')
    const minted = await mintKey(session, 'ha')
    expect((await listKeys(session)).map((k) => k.id)).toEqual([minted.id])
    await revokeKey(session, minted.id)
    await deleteUser(session, user.id)
    expect(sim.state.users.has(user.id)).toBe(false)
  })

  it.each(['array', 'paged'] as const)('lists admins whose data is %s', async (adminList) => {
    const sim = await startConsole('unvr', shapes({ adminList }))
    const session = new ConsoleSession(targetOf(sim))
    await session.login(owner)
    expect((await listAdmins(session)).map((u) => u.username).sort()).toEqual(['admin', 'cloud@example.com'])
  })
})

describe('Home Assistant device registry (home-assistant.md §1.3)', () => {
  const shapesOfDevices = ['config_entry_id', 'config_entries'] as const
  it.each(shapesOfDevices)('links the console to its entry through %s', async (deviceEntryShape) => {
    const unvr = await startConsole('unvr')
    const ha = await startHomeAssistant({ version: '2026.8.x', deviceEntryShape })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    try {
      const { port, config } = unvr
      const ref = { key: `127.0.0.1:${port}`, host: '127.0.0.1', port, mac: config.mac, name: config.name }
      const key = (await mintKey(await ownerSession(unvr), 'ha')).key
      await pushProtectKey(client, {
        console: ref,
        apiKey: key,
        credentials: owner,
        consent: { grantedAt: '2026-12-01T00:00:00.000Z' },
      })
      ha.entries('unifiprotect')[0]!.title = 'Renamed by the user' // no title match left
      const match = matchConsole(ref, await snapshotDomain(client, 'unifiprotect'))
      expect(match).toMatchObject({ how: 'device', entry: { entry_id: ha.entries('unifiprotect')[0]!.entry_id } })
    } finally {
      client.close()
    }
  })

  it('a device sending both keys, config_entry_id naming another entry: the list still finds the Protect entry', async () => {
    const unvr = await startConsole('unvr')
    const ha = await startHomeAssistant({ version: '2026.8.x', deviceEntryShape: 'both' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    try {
      const { port, config } = unvr
      const ref = { key: `127.0.0.1:${port}`, host: '127.0.0.1', port, mac: config.mac, name: config.name }
      const key = (await mintKey(await ownerSession(unvr), 'ha')).key
      const consent = { grantedAt: '2026-12-01T00:00:00.000Z' }
      await pushProtectKey(client, { console: ref, apiKey: key, credentials: owner, consent })
      const protectEntry = ha.entries('unifiprotect')[0]!
      protectEntry.title = 'Renamed by the user'
      // The console's device also belongs to another integration's entry, which HA names first.
      for (const device of ha.state.devices.values()) device.config_entries.unshift('01JOTHERDOMAINENTRY000000')
      const match = matchConsole(ref, await snapshotDomain(client, 'unifiprotect'))
      expect(match).toMatchObject({ how: 'device', entry: { entry_id: protectEntry.entry_id } })
    } finally {
      client.close()
    }
  })
})
