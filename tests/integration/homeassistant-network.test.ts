// UniFi Network keys into Home Assistant's `unifi` integration (home-assistant.md §3.1, §3.2), through the
// contract as the renderer calls it: HA 2026.10.x (API-key mode, a menu) takes the key — one site, or the
// user's choice among several; a revoked key's pending reauth and a moved console are updated in place
// (same entry); the key of a site HA's entry cannot see and an entry in username/password mode for the same
// site are refused in plain words; HA 2026.9.x (old form-only shape) is told "needs upgrade" before a key
// is minted, and never receives one.
import { afterAll, describe, expect, it } from 'vitest'
import { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { pushNetworkKey } from '../../electron/core/homeassistant/network.ts'
import { HomeAssistantFailure } from '../../electron/core/homeassistant/types.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import type { HaFit } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME, type NetworkSite } from '../simulators/console/presets.ts'
import { haControl, startControl } from '../simulators/home-assistant/control.ts'
import {
  addLocalUnifiEntry,
  ADMIN_TOKEN,
  flowRequests,
  startHomeAssistant,
} from '../simulators/home-assistant/testing.ts'
import { ownerSession, startConsole } from '../support/consoles.ts'
import { closeCores, networkPushKit } from '../support/ha-network.ts'

const HOME: NetworkSite = { id: '0c6f1d52-8a3e-4c1e-9f4b-2d7a5e9b1c01', internalReference: 'default', name: 'Home' }
const SHED: NetworkSite = {
  id: '5b2e9c47-1f0d-4a6b-8e3c-7d9f0a1b2c02',
  internalReference: 'x7k2m9pq',
  name: 'Garden shed',
}

const { cores, setUp, push } = networkPushKit()
afterAll(() => closeCores(cores))

describe('a Network key into HA 2026.10 (API-key mode)', () => {
  it('one site: the fit is ready before minting; the push creates a loaded entry for the site’s UUID', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    const ha = await startHomeAssistant({ version: '2026.10.x' })
    const { core, haId, mint: make } = await setUp(udm, ha)

    expect(await core.invoke('ha.fit', { haId, app: 'network' })).toEqual({
      ok: true,
      value: { app: 'network', fit: 'ready', haVersion: '2026.10.2', message: '' },
    })
    expect(ha.state.flows.size).toBe(0) // the probe flow was deleted

    const { key, secret } = await make()
    const pushed = await push(core, { keyId: key.id, haId })
    expect(pushed).toMatchObject({
      ok: true,
      value: { outcome: 'created', title: 'Home', entryState: 'loaded', haVersion: '2026.10.2' },
    })
    const [entry] = ha.entries('unifi')
    expect(entry).toMatchObject({
      unique_id: HOME.id,
      title: 'Home',
      state: 'loaded',
      data: {
        host: '127.0.0.1',
        port: udm.port,
        verify_ssl: false,
        api_key: secret,
        connection_mode: 'api_key',
        site: 'default',
      },
    })
    expect(ha.state.flows.size).toBe(0)
    expect(core.keys.list().find((k) => k.id === key.id)!.pushedTo).toEqual([haId])
  })

  it('several sites: Keyward asks which one, then pushes into the chosen site only', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME, SHED] })
    const ha = await startHomeAssistant({ version: '2026.10.x' })
    const { core, haId, mint: make } = await setUp(udm, ha)
    const { key, secret } = await make()

    const asked = await push(core, { keyId: key.id, haId })
    expect(asked).toMatchObject({
      ok: true,
      value: {
        outcome: 'choose-site',
        entryId: null,
        sites: [
          { id: HOME.id, name: 'Home' },
          { id: SHED.id, name: 'Garden shed' },
        ],
      },
    })
    expect(ha.entries('unifi')).toHaveLength(0)
    // Nothing was submitted to HA: only the probe flow, opened and deleted.
    expect(flowRequests(ha).map((r) => r.method)).toEqual(['POST', 'DELETE'])
    expect(core.keys.list().find((k) => k.id === key.id)!.pushedTo).toEqual([])

    const chosen = await push(core, { keyId: key.id, haId, siteId: SHED.id })
    expect(chosen).toMatchObject({
      ok: true,
      value: { outcome: 'created', title: 'Garden shed', entryState: 'loaded' },
    })
    expect(ha.entries('unifi').map((e) => [e.unique_id, e.data.site, e.data.api_key])).toEqual([
      [SHED.id, 'x7k2m9pq', secret],
    ])

    // A rotation hands the new key to the site HA already has (it does not ask again, and adds no entry).
    const entryId = ha.entries('unifi')[0]!.entry_id
    expect(await core.invoke('keys.rotate', { id: key.id })).toMatchObject({ ok: true })
    const rotated = (await core.vault.get(core.keys.list().find((k) => k.id === key.id)!.keyRef))!
    expect(rotated).not.toBe(secret)
    expect(ha.entries('unifi').map((e) => [e.entry_id, e.unique_id, e.data.api_key])).toEqual([
      [entryId, SHED.id, rotated],
    ])

    const unknown = await push(core, { keyId: key.id, haId, siteId: '99999999-0000-4000-8000-000000000000' })
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/does not see that UniFi Network site/) },
    })
  })

  it('a revoked key: HA’s pending reauth gets the rotated key; a moved console: the entry is reconfigured; same entry each time', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    const ha = await startHomeAssistant({ version: '2026.10.x' })
    const { core, haId, mint: make } = await setUp(udm, ha)
    const { key } = await make()
    expect(await push(core, { keyId: key.id, haId })).toMatchObject({ ok: true, value: { outcome: 'created' } })
    const entryId = ha.entries('unifi')[0]!.entry_id
    // The key list's view of HA: the entry of the key's site is found (by its UUID) and loaded.
    const healthOf = async () => (await core.keys.checkNow()).find((k) => k.id === key.id)!
    expect(await healthOf()).toMatchObject({ status: 'ok', haHealth: { signal: 'ok', keyProblem: false } })

    // Someone revokes the key on the console: HA's entry fails and opens `reauth_api_key` (§3.2).
    const onConsole = [...udm.state.apiKeys.values()].find((k) => k.name === 'ha-network')!
    udm.state.apiKeys.delete(onConsole.id)
    await ha.refresh()
    expect(ha.entries('unifi')[0]).toMatchObject({ state: 'setup_error' })
    expect([...ha.state.flows.values()].map((f) => [f.step_id, f.context.source])).toEqual([
      ['reauth_api_key', 'reauth'],
    ])
    expect(await healthOf()).toMatchObject({
      status: 'failing',
      haHealth: { signal: 'key_rejected', keyProblem: true },
    })

    // Rotation hands the new key to HA's pending reauth before anything else.
    expect(await core.invoke('keys.rotate', { id: key.id })).toMatchObject({ ok: true })
    const rotated = (await core.vault.get(core.keys.list().find((k) => k.id === key.id)!.keyRef))!
    expect(ha.entries('unifi')).toHaveLength(1)
    expect(ha.entries('unifi')[0]).toMatchObject({ entry_id: entryId, state: 'loaded', data: { api_key: rotated } })
    expect(ha.state.flows.size).toBe(0)
    expect(ha.state.issues.size).toBe(0)
    expect(await healthOf()).toMatchObject({ status: 'ok', haHealth: { signal: 'ok', keyProblem: false } })

    // HA still has the console's old address (it moved): the push reconfigures the same entry.
    ha.entries('unifi')[0]!.data.host = '192.0.2.77'
    const moved = await push(core, { keyId: key.id, haId })
    expect(moved).toMatchObject({ ok: true, value: { outcome: 'reconfigured', entryId, entryState: 'loaded' } })
    expect(ha.entries('unifi')).toHaveLength(1)
    expect(ha.entries('unifi')[0]!.data).toMatchObject({ host: '127.0.0.1', port: udm.port, api_key: rotated })
  })

  it('an entry for the same site in username/password mode: refused, naming the entry to remove', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    // HA's local-user entry for the classic site "default" of the same console (§3.1).
    const ha = await startHomeAssistant({
      version: '2026.10.x',
      unifiClassicSites: [{ _id: '6566b3ec0c1b5c2f8e5a0001', name: 'default', desc: 'Home' }],
    })
    expect(
      await addLocalUnifiEntry(ha, {
        host: '127.0.0.1',
        username: OWNER_USERNAME,
        password: OWNER_PASSWORD,
        port: udm.port,
      }),
    ).toMatchObject({ type: 'create_entry' })
    const [local] = ha.entries('unifi')
    expect(local).toMatchObject({ state: 'loaded', data: { connection_mode: 'local_user', site: 'default' } })
    local!.title = 'Upstairs network'

    const { core, haId, mint: make } = await setUp(udm, ha)
    const { key } = await make()
    const refused = await push(core, { keyId: key.id, haId })
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } })
    if (refused.ok) return
    expect(refused.error.message).toMatch(
      /already has a UniFi Network entry for site "Home" on 127\.0\.0\.1 that signs in with a username and password \("Upstairs network"\).*remove that entry first/,
    )
    expect(ha.entries('unifi')).toHaveLength(1)
    expect(ha.entries('unifi')[0]!.data.api_key).toBeUndefined()
    expect(ha.state.flows.size).toBe(0)
    expect(core.keys.list().find((k) => k.id === key.id)!.pushedTo).toEqual([])
  })

  it('unknown_site_id: the new key does not see the site of HA’s entry (it was removed after Keyward read the sites)', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME, SHED] })
    const ha = await startHomeAssistant({ version: '2026.10.x' })
    const session = await ownerSession(udm)
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const ref = { key: `127.0.0.1:${udm.port}`, host: '127.0.0.1', port: udm.port, name: udm.config.name }
    const first = (await mintKey(session, 'ha-1')).key
    expect(
      await pushNetworkKey(client, { console: ref, apiKey: first, sites: [HOME, SHED], siteId: SHED.id }),
    ).toMatchObject({ outcome: 'created' })

    // The shed site goes away between Keyward's read of the sites and HA's check of the new key.
    udm.config.networkSites = [HOME]
    const second = (await mintKey(session, 'ha-2')).key
    const error = await pushNetworkKey(client, {
      console: ref,
      apiKey: second,
      sites: [HOME, SHED],
      siteId: SHED.id,
    }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(HomeAssistantFailure)
    expect(error).toMatchObject({
      code: 'conflict',
      problem: 'unknown_site',
      message: expect.stringMatching(/new key does not see the UniFi Network site "Garden shed".*kept its old key/),
    })
    expect(ha.entries('unifi')[0]!.data.api_key).toBe(first)
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })
})

describe('a Network key and HA 2026.9 (old shape: username and password only)', () => {
  it('says "needs upgrade" before minting, and the key never reaches HA', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const { core, haId, mint: make } = await setUp(udm, ha)

    const fit = (await core.invoke('ha.fit', { haId, app: 'network' })) as Outcome<HaFit>
    expect(fit).toMatchObject({ ok: true, value: { fit: 'needs-upgrade', haVersion: '2026.9.1' } })
    expect(fit.ok && fit.value.message).toMatch(
      /cannot take a UniFi Network key yet.*Update Home Assistant to 2026\.10 or later/,
    )
    expect(ha.state.flows.size).toBe(0)

    const { key } = await make()
    const pushed = await push(core, { keyId: key.id, haId })
    expect(pushed).toMatchObject({ ok: true, value: { outcome: 'not-applicable', entryId: null } })
    expect(ha.entries('unifi')).toHaveLength(0)
    // Probes only (fit, then push): every flow opened was deleted unanswered.
    expect(flowRequests(ha).map((r) => `${r.method} ${r.path.endsWith('/flow') ? 'flow' : 'flow/id'}`)).toEqual([
      'POST flow',
      'DELETE flow/id',
      'POST flow',
      'DELETE flow/id',
    ])
    expect(core.keys.list().find((k) => k.id === key.id)!.pushedTo).toEqual([])
  })
})

describe('the fake HA’s old `unifi` shape and its knobs (home-assistant.md §3.1, §6)', () => {
  it('user form → site select when the console has several sites; errors in the base field; the control hook sets the sites', async () => {
    const udm = await startConsole('udm-pro')
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const control = await startControl(ha, { host: '127.0.0.1', port: 0 })
    try {
      await haControl(control.url).configure({
        unifiClassicSites: [
          { _id: 'a1', name: 'default', desc: 'Home' },
          { _id: 'b2', name: 'shed', desc: 'Shed' },
        ],
      })
      const form = await ha.manager.start('unifi', { source: 'user' })
      expect(form).toMatchObject({ type: 'form', step_id: 'user' })
      expect((form.data_schema as { name: string }[]).map((f) => f.name)).toEqual([
        'host',
        'username',
        'password',
        'port',
        'verify_ssl',
      ])
      const id = String(form.flow_id)
      const wrong = await ha.manager.configure(id, {
        host: '127.0.0.1',
        username: OWNER_USERNAME,
        password: 'wrong-password',
        port: udm.port,
      })
      expect(wrong).toMatchObject({ type: 'form', step_id: 'user', errors: { base: 'faulty_credentials' } })
      const site = await ha.manager.configure(id, {
        host: '127.0.0.1',
        username: OWNER_USERNAME,
        password: OWNER_PASSWORD,
        port: udm.port,
      })
      expect(site).toMatchObject({
        type: 'form',
        step_id: 'site',
        data_schema: [
          {
            name: 'site',
            type: 'select',
            options: [
              ['a1', 'Home'],
              ['b2', 'Shed'],
            ],
          },
        ],
      })
      expect(await ha.manager.configure(id, { site: 'b2' })).toMatchObject({ type: 'create_entry', title: 'Shed' })
      expect(ha.entries('unifi')[0]).toMatchObject({ unique_id: 'b2', state: 'loaded', data: { site: 'shed' } })
      const down = await ha.manager.start('unifi', { source: 'user' })
      expect(
        await ha.manager.configure(String(down.flow_id), {
          host: '127.0.0.1',
          username: OWNER_USERNAME,
          password: OWNER_PASSWORD,
          port: 1,
        }),
      ).toMatchObject({ errors: { base: 'service_unavailable' } })
      await expect(haControl(control.url).configure({ version: '2026.10.x' } as never)).rejects.toThrow(
        /not a run-time knob: version/,
      )
    } finally {
      await control.close()
    }
  })
})
