// The entry Keyward reconfigures is deleted in Home Assistant between Keyward reading the entry list
// and starting the reconfigure (home-assistant.md §1.1: `POST /flow {handler, entry_id}` names an entry;
// the fake HA answers 404 `Invalid entry specified`, HA's UnknownEntry [inferred]). That is not an
// expired flow: the user is told the entry is gone, and sending again sets up a new one.
import { describe, expect, it } from 'vitest'
import { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { pushProtectKey } from '../../electron/core/homeassistant/flows.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { ownerSession, startConsole } from '../support/consoles.ts'
import { failureOf, namedRefOf } from '../support/ha-refs.ts'

describe('the entry to reconfigure vanished from HA (home-assistant.md §1.1)', () => {
  it('says the entry is gone and what to do; sending again creates a new entry', async () => {
    const unvr = await startConsole('unvr')
    const session = await ownerSession(unvr)
    const ha = await startHomeAssistant({ version: '2026.9.x', resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` } })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const ref = namedRefOf(unvr, 'nvr.test')
    const first = await pushProtectKey(client, { console: ref, apiKey: (await mintKey(session, 'ha')).key })
    expect(first).toMatchObject({ outcome: 'created' })
    const original = ha.entries('unifiprotect')[0]!.entry_id

    // The user deletes the entry in HA's UI just as Keyward starts the reconfigure.
    const request = client.request.bind(client)
    client.request = async (method, path, body, options) => {
      if (body && typeof body === 'object' && 'entry_id' in body) {
        await fetch(`${ha.url}/api/config/config_entries/entry/${original}`, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      }
      return request(method, path, body, options)
    }
    const gone = await failureOf(pushProtectKey(client, { console: ref, apiKey: (await mintKey(session, 'ha-2')).key }))
    expect(gone).toMatchObject({ code: 'not-found', problem: 'entry_gone' })
    expect(gone.message).toMatch(/entry Keyward was updating is gone from Home Assistant/)
    expect(gone.message).toMatch(/Send the key again: Keyward will set up a new UniFi Protect entry/)
    expect(gone.message).not.toMatch(/expired|no longer has that .* setup open/)
    expect(ha.entries('unifiprotect')).toHaveLength(0)

    client.request = request
    const third = await mintKey(session, 'ha-3')
    expect(await pushProtectKey(client, { console: ref, apiKey: third.key })).toMatchObject({ outcome: 'created' })
    expect(ha.entries('unifiprotect')).toHaveLength(1)
    expect(ha.entries('unifiprotect')[0]!.data.api_key).toBe(third.key)
    client.close()
  })
})
