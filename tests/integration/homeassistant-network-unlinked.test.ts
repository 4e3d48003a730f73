// A `unifi` entry Keyward cannot link to its site (home-assistant.md §1.6, §3.2): HA answers the device
// registry command (§1.3 [inferred], §9 open) with `unknown_command`, so the site UUID → entry link is
// missing, and HA's `already_configured` is either the same site's API-key entry or the cross-mode guard.
// Keyward must not tell the user to delete a working entry: with one entry, its reconfigure tells.
import { afterAll, describe, expect, it } from 'vitest'
import { OWNER_PASSWORD, OWNER_USERNAME, type NetworkSite } from '../simulators/console/presets.ts'
import { addLocalUnifiEntry, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { startConsole } from '../support/consoles.ts'
import { closeCores, networkPushKit } from '../support/ha-network.ts'

const HOME: NetworkSite = { id: '0c6f1d52-8a3e-4c1e-9f4b-2d7a5e9b1c01', internalReference: 'default', name: 'Home' }
const { cores, setUp, push } = networkPushKit()
afterAll(() => closeCores(cores))

describe('HA without a readable device registry', () => {
  it('the site’s API-key entry is reconfigured with the next key, not named as one to delete', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    const ha = await startHomeAssistant({ version: '2026.10.x', deviceRegistry: 'absent' })
    const { core, haId, mint } = await setUp(udm, ha)
    const { key } = await mint()
    expect(await push(core, { keyId: key.id, haId })).toMatchObject({ ok: true, value: { outcome: 'created' } })
    const entryId = ha.entries('unifi')[0]!.entry_id

    // The rotation's push finds no device link; HA says already_configured for the site's UUID.
    expect(await core.invoke('keys.rotate', { id: key.id })).toMatchObject({ ok: true })
    const rotated = (await core.vault.get(core.keys.list().find((k) => k.id === key.id)!.keyRef))!
    expect(ha.entries('unifi')).toHaveLength(1)
    // (Its state is not asserted: HA's reload may meet the console's rate limit and retry, §2.5.)
    expect(ha.entries('unifi')[0]).toMatchObject({ entry_id: entryId, data: { api_key: rotated } })
    expect(ha.state.flows.size).toBe(0)
  })

  it('a username/password entry for the site is still named as the one blocking, and left as it was', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    const ha = await startHomeAssistant({
      version: '2026.10.x',
      deviceRegistry: 'absent',
      unifiClassicSites: [{ _id: '6566b3ec0c1b5c2f8e5a0001', name: 'default', desc: 'Home' }],
    })
    const local = { host: '127.0.0.1', username: OWNER_USERNAME, password: OWNER_PASSWORD, port: udm.port }
    expect(await addLocalUnifiEntry(ha, local)).toMatchObject({ type: 'create_entry' })
    ha.entries('unifi')[0]!.title = 'Upstairs network'
    const before = structuredClone(ha.entries('unifi')[0]!.data)

    const { core, haId, mint } = await setUp(udm, ha)
    const { key } = await mint()
    const refused = await push(core, { keyId: key.id, haId })
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } })
    if (refused.ok) return
    expect(refused.error.message).toMatch(/signs in with a username and password \("Upstairs network"\)/)
    expect(ha.entries('unifi')[0]!.data).toEqual(before)
    expect(ha.state.flows.size).toBe(0)
  })

  it('with several entries it cannot tell which one, and says so without advising a deletion', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    const ha = await startHomeAssistant({ version: '2026.10.x', deviceRegistry: 'absent' })
    const { core, haId, mint } = await setUp(udm, ha)
    const { key } = await mint()
    expect(await push(core, { keyId: key.id, haId })).toMatchObject({ ok: true })
    // A second, unrelated entry (another console's site) in the same HA.
    const barn = { id: '7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b', internalReference: 'b4rn0001', name: 'Barn' }
    const other = await startConsole('udm-pro', { networkSites: [barn], mac: '245A4CDD0002', name: 'Barn UDM' })
    const second = await setUp(other, ha, 'ha-network-2')
    const made = await second.mint()
    expect(await push(second.core, { keyId: made.key.id, haId: second.haId })).toMatchObject({ ok: true })
    expect(ha.entries('unifi')).toHaveLength(2)

    const third = await setUp(udm, ha, 'ha-network-3')
    const { key: next } = await third.mint()
    const refused = await push(third.core, { keyId: next.id, haId: third.haId })
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } })
    if (refused.ok) return
    expect(refused.error.message).toMatch(/could not tell which one it is.*choose Reconfigure/)
    expect(refused.error.message).not.toMatch(/remove that entry first/)
    expect(ha.state.flows.size).toBe(0)
  })
})
