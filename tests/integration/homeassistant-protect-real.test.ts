// What a real Home Assistant does around a Protect push that a simple fake does not: the reload after a
// reconfigure or reauth is only scheduled (home-assistant.md §1.2, §1.4), and a console HA discovered on
// its own waits at `discovery_confirm`, so a `user` flow for it aborts `already_in_progress` (§2.6, §1.3).
// And a step answered with `progress` (§1.2), which only HA's own window can wait on, and a start
// answered with a result type Keyward cannot read (the flow HA opened must still be closed, §1.5).
import { describe, expect, it } from 'vitest'
import { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { pushProtectKey } from '../../electron/core/homeassistant/flows.ts'
import { mintKey, revokeKey } from '../../electron/core/unifi/keys.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { ownerSession, startConsole } from '../support/consoles.ts'
import { failureOf, namedRefOf } from '../support/ha-refs.ts'

/** A UNVR as HA sees it (nvr.test:443), an HA 2026.9 and an API-key-only entry made with a first key. */
async function withApiKeyEntry() {
  const unvr = await startConsole('unvr')
  const session = await ownerSession(unvr)
  const ha = await startHomeAssistant({ version: '2026.9.x', resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` } })
  const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
  const ref = namedRefOf(unvr, 'nvr.test')
  const first = await mintKey(session, 'ha')
  expect(await pushProtectKey(client, { console: ref, apiKey: first.key })).toMatchObject({ outcome: 'created' })
  return { session, ha, client, ref, first }
}

describe('HA reloads the entry after answering a reconfigure or reauth (home-assistant.md §1.2, §1.4)', () => {
  it('the push waits for the reload and reports the entry as it ends up, not the state it passed through', async () => {
    const { session, ha, client, ref, first } = await withApiKeyEntry()
    await revokeKey(session, first.id)
    await ha.refresh()
    expect(ha.entries('unifiprotect')[0]).toMatchObject({ state: 'setup_error' })

    // From here HA answers `reauth_successful` while the entry is still unloading, and reloads it later.
    ha.state.config.reloadAfterUpdate = 1500
    const second = await mintKey(session, 'ha-2')
    const healed = await pushProtectKey(client, { console: ref, apiKey: second.key })
    expect(healed).toMatchObject({ outcome: 'reauthenticated', entryState: 'loaded' })
    expect(healed.message).not.toMatch(/could not|still reloading|unload/)

    const third = await mintKey(session, 'ha-3')
    const again = await pushProtectKey(client, { console: ref, apiKey: third.key })
    expect(again).toMatchObject({ outcome: 'reconfigured', entryState: 'loaded' })
    expect(ha.entries('unifiprotect')[0]!.data.api_key).toBe(third.key)
    client.close()
  })
})

describe('HA discovered the console and waits for it to be confirmed (home-assistant.md §2.6)', () => {
  it('2026.9: the push finishes the discovery (discovery_api_key) instead of stopping at already_in_progress', async () => {
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.9.x', resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` } })
    // The discovery's unique_id is the MAC upper-case without colons; Keyward knows it with colons.
    await ha.manager.discover('unifiprotect', { host: 'nvr.test', mac: unvr.config.mac, name: 'UNVR' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const ref = { ...namedRefOf(unvr, 'nvr.test'), mac: unvr.config.mac.toLowerCase().replace(/(..)(?!$)/g, '$1:') }

    const created = await pushProtectKey(client, { console: ref, apiKey: key })
    expect(created).toMatchObject({ outcome: 'created', mode: 'api_key', entryState: 'loaded' })
    expect(ha.entries('unifiprotect')).toHaveLength(1)
    expect(ha.entries('unifiprotect')[0]!.data).toMatchObject({ host: 'nvr.test', api_key: key })
    expect(ha.entries('unifiprotect')[0]!.data.username).toBeUndefined()
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })

  it('when HA cannot use the discovered address, its discovery stays open for the user and the push says why', async () => {
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.9.x', resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` } })
    // HA found the console under an address it cannot reach now (e.g. another VLAN interface).
    await ha.manager.discover('unifiprotect', { host: 'gone.test', mac: unvr.config.mac, name: 'UNVR' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const refused = await failureOf(pushProtectKey(client, { console: namedRefOf(unvr, 'nvr.test'), apiKey: key }))
    expect(refused).toMatchObject({ problem: 'cannot_connect' })
    expect([...ha.state.flows.values()].map((f) => f.context.source)).toEqual(['integration_discovery'])
    expect(ha.entries('unifiprotect')).toHaveLength(0)
    client.close()
  })
})

describe('HA answers a step with `progress` (home-assistant.md §1.2 result types)', () => {
  it('Keyward closes the setup it started and does not send the user to finish a flow that is gone', async () => {
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ha = await startHomeAssistant({
      version: '2026.9.x',
      protectApiKeyStep: 'progress',
      resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` },
    })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const refused = await failureOf(pushProtectKey(client, { console: namedRefOf(unvr, 'nvr.test'), apiKey: key }))
    expect(refused).toMatchObject({ problem: 'needs_ui', detail: 'progress' })
    expect(refused.message).toMatch(/closed the setup it had started.*Add integration/)
    expect(refused.message).not.toMatch(/Finish it/)
    expect(ha.state.flows.size).toBe(0)
    expect(ha.entries('unifiprotect')).toHaveLength(0)
    client.close()
  })
})

describe('HA answers the start of a flow with a result type Keyward cannot read (§1.2, §1.5)', () => {
  it('the flow HA opened is deleted, so it cannot block HA’s own reauth of the entry', async () => {
    const { session, ha, client, ref } = await withApiKeyEntry()
    ha.state.config.startReplyType = 'unknown'
    const refused = await failureOf(
      pushProtectKey(client, { console: ref, apiKey: (await mintKey(session, 'ha-2')).key }),
    )
    expect(refused).toMatchObject({ code: 'bad-reply' })
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })
})
