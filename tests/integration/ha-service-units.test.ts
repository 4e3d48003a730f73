// The units the Home Assistant service wires (issue 16), each against the HA simulator on loopback: the
// connection registry (connect, reconnect, forget, a token gone from the keychain), the push coordinator
// (consent refusals send nothing, fit probes, keys HA cannot take), the key desk (copy fields carry no
// secret, consent only to the words shown), the site reader (a revoked key keeps its last sites for
// health), and where a push lands (flow-push.ts: an expired reauth falls back to reconfigure).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConsoleRecord } from '../../shared/domain.ts'
import { failureOf } from '../support/consoles.ts'
import { HA_TEST_CONSOLE_KEY, haEntry, haKeyRecord as keyRecord } from '../support/ha-records.ts'
import { createBinding } from '../../electron/core/homeassistant/binding.ts'
import type { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import type { DomainSnapshot } from '../../electron/core/homeassistant/entries.ts'
import { ConsolePush } from '../../electron/core/homeassistant/flow-push.ts'
import { createHaKeys, createKeyDesk } from '../../electron/core/homeassistant/ha-keys.ts'
import { PushCoordinator } from '../../electron/core/homeassistant/push-coordinator.ts'
import { HaRegistry } from '../../electron/core/homeassistant/registry.ts'
import { createSiteReader } from '../../electron/core/homeassistant/site-reader.ts'
import { openSettings, type Settings } from '../../electron/core/settings/settings.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { ADMIN_TOKEN, flowRequests, startHomeAssistant, USER_TOKEN } from '../simulators/home-assistant/testing.ts'

const CONSOLE: ConsoleRecord = {
  key: HA_TEST_CONSOLE_KEY,
  host: '10.0.0.2',
  port: 443,
  kind: 'unifi-os',
  model: 'UNVR',
  name: 'NVR',
  mac: '70A7411B0001',
  certificateSha256: Array(32).fill('AB').join(':'),
  confirmed: true,
  lastSeen: '2026-12-01T00:00:00.000Z',
}

let dir: string
let settings: Settings
let vault: MemorySecretStore
let registry: HaRegistry
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-ha-units-'))
  settings = openSettings({ cwd: dir, projectVersion: '1.0.0' })
  settings.upsertConsole(CONSOLE)
  vault = new MemorySecretStore()
  await vault.set('key:k1', 'K'.repeat(40))
  await vault.set('pw:k1', 'dedicated-password')
  const network = () => 'lan-1'
  const announced = () => null
  registry = new HaRegistry({
    settings,
    vault,
    binding: createBinding({ settings, network, announced }),
    network,
    announced,
  })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('the connection registry (registry.ts)', () => {
  it('connects once per address, keeps the token in the keychain, and forget drops everything about the HA', async () => {
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const first = await registry.connect({ url: ha.url, token: ADMIN_TOKEN })
    const again = await registry.connect({ url: `${ha.url}/`, token: ADMIN_TOKEN })
    expect(again.id).toBe(first.id)
    expect(registry.list()).toHaveLength(1)
    expect(first).toMatchObject({ unencrypted: true, status: { state: 'ok' } })
    const stored = settings.listHomeAssistants()[0]!
    expect(await vault.get(stored.tokenRef)).toBe(ADMIN_TOKEN)

    settings.saveKeys([keyRecord({ pushedTo: [first.id] })])
    expect(await registry.forget(first.id)).toEqual([])
    expect(await vault.get(stored.tokenRef)).toBeNull()
    expect(settings.listKeys()[0]!.pushedTo).toEqual([])
  })

  it('a non-admin token is refused with the reason and nothing is saved', async () => {
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const failure = await failureOf(registry.connect({ url: ha.url, token: USER_TOKEN }))
    expect(failure).toMatchObject({ code: 'forbidden' })
    expect(failure.message).toMatch(/not an administrator/)
    expect(registry.list()).toEqual([])
  })

  it('a token gone from the keychain is said plainly, and nothing reaches HA', async () => {
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const { id } = await registry.connect({ url: ha.url, token: ADMIN_TOKEN })
    const record = registry.find(id)
    await vault.delete(record.tokenRef)
    const before = ha.state.requests.length
    const failure = await failureOf(registry.open(record))
    expect(failure).toMatchObject({ code: 'keychain-unavailable' })
    expect(failure.message).toBe(
      'The Home Assistant token is missing from the keychain; connect to Home Assistant again.',
    )
    expect(ha.state.requests.length).toBe(before)
  })
})

describe('the push coordinator (push-coordinator.ts)', () => {
  const coordinator = () => {
    const keys = createHaKeys(settings, vault)
    return new PushCoordinator({ registry, keys, sites: createSiteReader({ settings, vault }), vault })
  }

  it('an HA ≤ 2026.8 without consent: refused before any flow request, and the key is not marked as pushed', async () => {
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const { id } = await registry.connect({ url: ha.url, token: ADMIN_TOKEN })
    settings.saveKeys([keyRecord()])
    const failure = await failureOf(coordinator().push('k1', id))
    expect(failure).toMatchObject({ code: 'refused', problem: 'consent_required' })
    expect(failure.message).toContain('Nothing was sent.')
    expect(flowRequests(ha)).toEqual([])
    expect(settings.listKeys()[0]!.pushedTo).toEqual([])
  })

  it('keys HA cannot take are refused in plain words: a UISP token, a key gone from the keychain', async () => {
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const { id } = await registry.connect({ url: ha.url, token: ADMIN_TOKEN })
    settings.saveKeys([keyRecord({ id: 'u1', app: 'uisp' }), keyRecord({ id: 'k2', keyRef: 'key:gone' })])
    expect(await failureOf(coordinator().push('u1', id))).toMatchObject({
      code: 'refused',
      message: 'Keyward sends only UniFi keys to Home Assistant; copy the UISP token to where you use it.',
    })
    expect(await failureOf(coordinator().push('k2', id))).toMatchObject({
      code: 'not-found',
      message: 'The keychain no longer holds “ha”.',
    })
    expect(flowRequests(ha)).toEqual([])
  })

  it('fit: Protect fits without asking HA; Network on an HA without the API-key mode needs an upgrade, no flow left open', async () => {
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const { id } = await registry.connect({ url: ha.url, token: ADMIN_TOKEN })
    const before = ha.state.requests.length
    expect(await coordinator().fit(id, 'protect')).toMatchObject({ fit: 'ready' })
    expect(ha.state.requests.length).toBe(before)
    const network = await coordinator().fit(id, 'network')
    expect(network.fit).toBe('needs-upgrade')
    expect(network.message).toMatch(/Update Home Assistant to 2026\.10 or later/)
    expect(ha.state.flows.size).toBe(0)
  })
})

describe('the key desk (ha-keys.ts)', () => {
  it('copy fields never carry a secret; consent is recorded only for the exact words Keyward shows', async () => {
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const { id } = await registry.connect({ url: ha.url, token: ADMIN_TOKEN })
    settings.saveKeys([keyRecord()])
    const desk = createKeyDesk(createHaKeys(settings, vault), registry, settings)
    const plan = desk.copyFields('k1', id)
    expect(plan.fields.filter((f) => f.secret).length).toBeGreaterThan(0)
    for (const field of plan.fields.filter((f) => f.secret)) expect(field.value).toBe('')
    expect(JSON.stringify(plan)).not.toContain('K'.repeat(40))
    expect(JSON.stringify(plan)).not.toContain('dedicated-password')

    const options = desk.pushOptions('k1', id)
    expect(options.consentSentence).toContain(`to Home Assistant at ${ha.url} over plain http`)
    expect(() => desk.consent('k1', id, `${options.consentSentence!} `)).toThrow(/not what Keyward would send now/)
    expect(desk.consent('k1', id, options.consentSentence!)).toMatchObject({ haId: id, username: 'keyward-ha' })
  })
})

describe('the site reader (site-reader.ts)', () => {
  it('a key the console now refuses is refused with "nothing was sent", and health keeps its last sites', async () => {
    let answer: 'sites' | 'revoked' = 'sites'
    const reader = createSiteReader({
      settings,
      vault,
      fetchSites: async () =>
        answer === 'sites'
          ? { sites: [{ id: 'site-uuid-1', internalReference: 'default', name: 'Default' }] }
          : { status: 401, message: 'Unauthorized' },
    } as Parameters<typeof createSiteReader>[0])
    const key = keyRecord({ app: 'network' })
    expect(await reader.siteIdsOf([key])).toEqual(['site-uuid-1'])
    answer = 'revoked'
    const failure = await failureOf(reader.sitesOf(key, 'K'.repeat(40)))
    expect(failure).toMatchObject({ code: 'invalid-credentials' })
    expect(failure.message).toMatch(/Nothing was sent to Home Assistant\.$/)
    expect(await reader.siteIdsOf([key])).toEqual(['site-uuid-1'])
  })
})

describe('where a push lands (flow-push.ts)', () => {
  it('a pending reauth HA has already closed falls back to reconfiguring the console’s entry', async () => {
    const seen: string[] = []
    const ha = {
      haVersion: '2026.9.1',
      flowTimeoutMs: 30_000,
      request: async (method: string, path: string, body?: unknown) => {
        seen.push(`${method} ${path}${body && typeof body === 'object' && 'entry_id' in body ? ' (reconfigure)' : ''}`)
        if (method === 'GET' && path.endsWith('/R1'))
          return { status: 404, body: { message: 'Flow not found' }, text: '' }
        if (method === 'POST' && path.endsWith('/flow'))
          return { status: 200, body: { type: 'abort', flow_id: 'F2', reason: 'reconfigure_successful' }, text: '' }
        return { status: 200, body: [], text: '[]' }
      },
    } as unknown as HomeAssistantClient
    const entry = haEntry({ entry_id: 'E1', domain: 'unifiprotect', title: 'NVR', state: 'setup_error' })
    const reauth = { flowId: 'R1', entryId: 'E1', stepId: null, uniqueId: null, host: null, title: null, issueId: null }
    const snapshot: DomainSnapshot = {
      domain: 'unifiprotect',
      entries: [entry],
      reauths: [reauth],
      devices: [],
      websocket: true,
    }
    const ctx = { domain: 'unifiprotect', consoleLabel: 'NVR', host: '10.0.0.2', port: 443, haVersion: '2026.9.1' }
    const result = await new ConsolePush({
      ha,
      domain: 'unifiprotect',
      console: { key: CONSOLE.key, host: CONSOLE.host, port: 443, mac: CONSOLE.mac, name: 'NVR' },
      snapshot,
      match: { entry, reauth, how: 'device' },
      opts: (own) => ({ ctx, own, want: 'api_key', valuesFor: () => ({}) }),
      ctx,
    }).run()
    expect(result).toMatchObject({ outcome: 'reconfigured', entryId: 'E1' })
    expect(result.message).toBe("Home Assistant's UniFi Protect entry for NVR (10.0.0.2) now uses the new key.")
    expect(seen.slice(0, 2)).toEqual([
      'GET /api/config/config_entries/flow/R1',
      'POST /api/config/config_entries/flow (reconfigure)',
    ])
  })
})
