// The Home Assistant units split out of the service, flows and network modules (issue 16), each by what a
// user would notice: how HA's replies are read (both shapes, plain bad-reply messages), the WebSocket
// handshake's steps, the Protect consent plan, the flow driver, a Network site's entry and errors, the
// sites a key sees, and the health view when HA holds, refuses or is away.
import { describe, expect, it } from 'vitest'
import type { HomeAssistantRecord, KeyRecord } from '../../shared/domain.ts'
import { failureOf } from '../support/consoles.ts'
import { haEntry, haKeyRecord } from '../support/ha-records.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { HaHeldFailure } from '../../electron/core/homeassistant/binding.ts'
import type { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { planProtectPush } from '../../electron/core/homeassistant/consent.ts'
import { listEntries, type DomainSnapshot } from '../../electron/core/homeassistant/entries.ts'
import { drive } from '../../electron/core/homeassistant/flow-driver.ts'
import { flowCall } from '../../electron/core/homeassistant/flow-rest.ts'
import { createHealthReader } from '../../electron/core/homeassistant/health-reader.ts'
import { abortFailure, formFailure } from '../../electron/core/homeassistant/network-failures.ts'
import { chooseSite, entryForSite } from '../../electron/core/homeassistant/network-sites.ts'
import type { HaRegistry } from '../../electron/core/homeassistant/registry.ts'
import { parseDeviceList, parseFlowResult } from '../../electron/core/homeassistant/replies.ts'
import { HomeAssistantFailure, type HaConsoleRef } from '../../electron/core/homeassistant/types.ts'
import { pinMismatch, readHandshake, refusedUpgrade } from '../../electron/core/homeassistant/ws-handshake.ts'

/** A stand-in HA client answering REST requests from a script, recording each one. */
function scriptedHa(answer: (method: string, path: string, body: unknown) => { status: number; body: unknown }) {
  const seen: { method: string; path: string; body: unknown }[] = []
  const ha = {
    haVersion: '2026.9.1',
    flowTimeoutMs: 30_000,
    requireAdmin: () => {},
    request: async (method: string, path: string, body?: unknown) => {
      seen.push({ method, path, body })
      const reply = answer(method, path, body)
      return { ...reply, text: typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body) }
    },
  } as unknown as HomeAssistantClient
  return { ha, seen }
}

const nvr: HaConsoleRef = { key: '10.0.0.2:443', host: '10.0.0.2', port: 443, mac: '70A7411B0001', name: 'NVR' }
const ctx = {
  domain: 'unifiprotect',
  consoleLabel: 'NVR (10.0.0.2)',
  host: '10.0.0.2',
  port: 443,
  haVersion: '2026.9.1',
}

describe('HA replies (replies.ts, home-assistant.md §1.2, §1.3)', () => {
  it('links a device to its entry by `config_entry_id` (2026.8+) or the older `config_entries` list, dropping junk', () => {
    const devices = parseDeviceList([
      { id: 'a', config_entry_id: 'E1', connections: [['mac', '70:a7:41:1b:00:01']], identifiers: [] },
      { id: 'b', config_entries: ['E2', 7], connections: 'not a list', identifiers: [['unifiprotect', 'X', 'extra']] },
      'junk',
      { id: '' },
    ])
    expect(devices.map((d) => [d.id, d.config_entries])).toEqual([
      ['a', ['E1']],
      ['b', ['E2']],
    ])
    expect(devices[1]!.identifiers).toEqual([['unifiprotect', 'X']])
  })

  it('a step answer that is not a config-flow result is a plain bad-reply, not a crash', async () => {
    for (const body of [null, [1, 2], { type: 'wizard' }, 'API running.']) {
      const { ha } = scriptedHa(() => ({ status: 200, body }))
      const failure = await failureOf(flowCall(ha, 'POST', '/api/config/config_entries/flow', {}, 'start setup', ctx))
      expect(failure.code).toBe('bad-reply')
      expect(failure.message).toBe("Home Assistant's answer to start setup is not a config-flow result.")
    }
  })

  it('a refused step is named from HA’s JSON body: a missing integration, or the fields its schema check refused', async () => {
    const { ha: missing } = scriptedHa(() => ({ status: 404, body: { message: 'Invalid handler specified' } }))
    expect(
      await failureOf(flowCall(missing, 'POST', '/api/config/config_entries/flow', {}, 'start setup', ctx)),
    ).toMatchObject({
      code: 'not-found',
      problem: 'integration_missing',
      message: 'This Home Assistant has no UniFi Protect integration to set up.',
    })
    const { ha: schema } = scriptedHa(() => ({ status: 400, body: { errors: { port: 'expected int' } } }))
    const failure = await failureOf(
      flowCall(schema, 'POST', '/api/config/config_entries/flow/F1', {}, 'step user', ctx),
    )
    expect(failure).toMatchObject({ code: 'invalid-input', problem: 'schema_mismatch' })
    expect(failure.message).toContain('(port: expected int)')
  })

  it('an entry list keeps the readable entries of the domain; a reply that is no list is a bad-reply', async () => {
    const good = { entry_id: 'E1', domain: 'unifiprotect', title: 'NVR', state: 'loaded' }
    const { ha } = scriptedHa(() => ({
      status: 200,
      body: [good, { domain: 'unifiprotect' }, 5, { ...good, entry_id: 'E2', domain: 'unifi' }],
    }))
    expect((await listEntries(ha, 'unifiprotect')).map((e) => [e.entry_id, e.title, e.state])).toEqual([
      ['E1', 'NVR', 'loaded'],
    ])
    const { ha: odd } = scriptedHa(() => ({ status: 200, body: { entries: [good] } }))
    const failure = await failureOf(listEntries(odd, 'unifiprotect'))
    expect(failure.code).toBe('bad-reply')
    expect(failure.message).toBe('Home Assistant did not list its unifiprotect entries (status 200).')
  })
})

describe('the WebSocket handshake steps (ws-handshake.ts, §1.3)', () => {
  it('sends the token only when asked, reads the version, and names a refused token', () => {
    expect(readHandshake('{"type":"auth_required","ha_version":"2026.9.1"}', 'http://ha:8123')).toEqual({
      kind: 'send-auth',
    })
    expect(readHandshake('{"type":"auth_ok","ha_version":"2026.9.1"}', 'http://ha:8123')).toEqual({
      kind: 'authenticated',
      haVersion: '2026.9.1',
    })
    const refused = readHandshake(
      '{"type":"auth_invalid","message":"Invalid access token or password"}',
      'http://ha:8123',
    )
    expect(refused.kind === 'failed' && refused.error).toMatchObject({
      code: 'invalid-credentials',
      problem: 'token_rejected',
      detail: 'Invalid access token or password',
    })
  })

  it('anything else is a bad reply in plain words, JSON null and non-JSON included', () => {
    for (const [data, message] of [
      ['<html>', 'Home Assistant at http://ha:8123 sent a WebSocket message that is not JSON.'],
      ['null', 'Home Assistant at http://ha:8123 answered the WebSocket handshake with an unexpected message.'],
      [
        '{"type":"event"}',
        'Home Assistant at http://ha:8123 answered the WebSocket handshake with an unexpected message.',
      ],
    ] as const) {
      const step = readHandshake(data, 'http://ha:8123')
      expect(step.kind === 'failed' && step.error).toMatchObject({ code: 'bad-reply', message })
    }
  })

  it('refuses redirects and bans, and a certificate other than the pinned one', () => {
    expect(refusedUpgrade(302, 'https://ha').code).toBe('redirect-refused')
    expect(refusedUpgrade(403, 'https://ha')).toMatchObject({ code: 'forbidden', problem: 'banned' })
    expect(refusedUpgrade(500, 'https://ha').code).toBe('bad-reply')
    expect(pinMismatch('ab:cd', 'AB:CD', 'https://ha')).toBeNull()
    expect(pinMismatch('EF:01', 'AB:CD', 'https://ha')).toMatchObject({
      code: 'certificate-changed',
      message: 'The certificate of https://ha is not the one you trusted. Nothing was sent.',
    })
  })
})

const key = (over: Partial<KeyRecord> = {}): KeyRecord => haKeyRecord({ pushedTo: ['h1'], ...over })
const haRecord: HomeAssistantRecord = {
  id: 'h1',
  url: 'http://ha.local:8123',
  version: '2026.8.3',
  locationName: 'Home',
  tokenRef: 'ha-token:h1',
  addedAt: '2026-12-01T00:00:00.000Z',
  certificateSha256: null,
  hold: null,
}
const consentFor = (fullModeInUse: boolean) => ({
  haId: 'h1',
  haUrl: haRecord.url,
  haVersion: '2026.9.1',
  username: 'keyward-ha',
  sentence: 's',
  grantedAt: '2026-12-01T00:00:00.000Z',
  by: 'user' as const,
  fullModeInUse,
})

describe('the Protect consent plan (consent.ts planProtectPush)', () => {
  it('sends the key alone where HA offers API-key-only mode', () => {
    expect(planProtectPush(key(), haRecord, '2026.9.1', 'api_key', 'NVR')).toEqual({ mode: 'api_key', consent: null })
  })

  it('refuses an HA ≤ 2026.8 without consent before anything is sent, naming the user and the HA', () => {
    let thrown: unknown
    try {
      planProtectPush(key(), haRecord, '2026.8.3', 'api_key', 'NVR (10.0.0.2)')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(HomeAssistantFailure)
    expect(thrown).toMatchObject({ code: 'refused', problem: 'consent_required' })
    expect((thrown as Error).message).toContain('“keyward-ha”, the dedicated local user of NVR (10.0.0.2)')
    expect((thrown as Error).message).toContain('to http://ha.local:8123. Nothing was sent.')
  })

  it('a rotation keeps full mode where the consent says it is in use; an admin-made key cannot do full mode', () => {
    const withConsent = key({ haConsents: [consentFor(true)] })
    expect(planProtectPush(withConsent, haRecord, '2026.9.1', undefined, 'NVR')).toMatchObject({ mode: 'full' })
    expect(() => planProtectPush(key({ passwordRef: null }), haRecord, '2026.9.1', 'full', 'NVR')).toThrow(
      /Full mode needs a local user’s password/,
    )
  })
})

describe('the flow driver (flow-driver.ts)', () => {
  const form = (errors: Record<string, string> | null) => ({
    type: 'form',
    flow_id: 'F1',
    handler: 'unifiprotect',
    step_id: 'api_key',
    data_schema: [
      { name: 'host', required: true },
      { name: 'api_key', required: true },
    ],
    errors,
  })

  it('fills a form by field name and returns HA’s final answer', async () => {
    const { ha, seen } = scriptedHa((method) =>
      method === 'POST'
        ? { status: 200, body: { type: 'abort', flow_id: 'F1', reason: 'reconfigure_successful' } }
        : { status: 404, body: null },
    )
    const first = parseFlowResult(form(null))!
    const done = await drive(ha, first, {
      ctx,
      own: true,
      want: 'api_key',
      valuesFor: () => ({ host: '10.0.0.2', api_key: 'k'.repeat(20), port: 443 }),
    })
    expect(done).toMatchObject({ result: { type: 'abort', reason: 'reconfigure_successful' }, mode: 'api_key' })
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/api/config/config_entries/flow/F1',
        body: { host: '10.0.0.2', api_key: 'k'.repeat(20) },
      },
    ])
  })

  it('a form shown again with HA’s error is that error in plain words, and the flow Keyward opened is deleted', async () => {
    const { ha, seen } = scriptedHa((method) =>
      method === 'POST' ? { status: 200, body: form({ base: 'invalid_auth' }) } : { status: 200, body: null },
    )
    const failure = await failureOf(
      drive(ha, parseFlowResult(form(null))!, {
        ctx,
        own: true,
        want: 'api_key',
        valuesFor: () => ({ host: 'h', api_key: 'k'.repeat(20) }),
      }),
    )
    // An API-key-only form (no username field): the key was refused, not a password (errors.ts).
    expect(failure).toMatchObject({ code: 'invalid-credentials', problem: 'key_rejected' })
    expect(failure.message).toContain('but UniFi Protect there refused the API key')
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/config/config_entries/flow/F1' })
  })

  it('a menu without the wanted setup names what HA offers and leaves HA’s own flow alone', async () => {
    const { ha, seen } = scriptedHa(() => ({ status: 200, body: null }))
    const menu = parseFlowResult({
      type: 'menu',
      flow_id: 'R1',
      handler: 'unifiprotect',
      step_id: 'user',
      menu_options: ['full'],
    })!
    const failure = await failureOf(drive(ha, menu, { ctx, own: false, want: 'api_key', valuesFor: () => ({}) }))
    expect(failure.message).toBe(
      'Home Assistant offers full for UniFi Protect, not the API-key-only setup Keyward needs.',
    )
    expect(seen).toEqual([])
  })
})

const SITE_A = '0b6e1c3a-1111-4aaa-8bbb-000000000001'
const SITE_B = '0b6e1c3a-1111-4aaa-8bbb-000000000002'
const entry = (id: string, title: string) => haEntry({ entry_id: id, domain: 'unifi', title })
const snapshot: DomainSnapshot = {
  domain: 'unifi',
  entries: [entry('E-A', 'Default'), entry('E-local', 'Default')],
  reauths: [],
  devices: [
    { id: 'd', config_entries: ['E-A'], connections: [], identifiers: [['unifi', SITE_A]], name: 'UniFi Network' },
  ],
  websocket: true,
}

describe('UniFi Network sites and failures (network-sites.ts, network-failures.ts, §3.2)', () => {
  it('finds a site’s entry by its service device, never by a title two entries share', () => {
    expect(entryForSite(snapshot, SITE_A).entry?.entry_id).toBe('E-A')
    expect(entryForSite(snapshot, SITE_B).entry).toBeNull()
  })

  it('asks the user to choose among several sites, except on a rotation where HA has one of them', () => {
    const sites = [
      { id: SITE_A, internalReference: 'default', name: 'Default' },
      { id: SITE_B, internalReference: 'b', name: 'Branch' },
    ]
    expect(chooseSite({ sites }, snapshot)).toBeNull()
    expect(chooseSite({ sites, preferConfigured: true }, snapshot)?.id).toBe(SITE_A)
    expect(() => chooseSite({ sites, siteId: 'gone' }, snapshot)).toThrow(/does not see that UniFi Network site/)
  })

  it('tells a refused key from an unreachable console, and names the username/password entry in the way', () => {
    const site = { id: SITE_B, internalReference: 'default', name: 'Default' }
    const c = { console: nvr, site, snapshot }
    expect(formFailure({ api_key: 'faulty_credentials' }, c)).toMatchObject({
      code: 'invalid-credentials',
      problem: 'key_rejected',
    })
    expect(formFailure({ base: 'service_unavailable' }, c)).toMatchObject({
      code: 'unreachable',
      problem: 'cannot_connect',
    })
    // HA's devices show the username/password entry (a device whose identifier is not a site UUID):
    // it is named as the one in the way.
    const localDevice = {
      id: 'd-local',
      config_entries: ['E-local'],
      connections: [],
      identifiers: [['unifi', 'default'] as [string, string]],
      name: 'UDM',
    }
    const withLocal = { ...c, snapshot: { ...snapshot, devices: [...snapshot.devices, localDevice] } }
    const crossMode = abortFailure('already_configured', withLocal)
    expect(crossMode).toMatchObject({ code: 'conflict', problem: 'other_mode_entry' })
    expect(crossMode.message).toContain('("Default")')
    // Nothing shows which entry it is: no advice to delete an entry that may be the site's own.
    const unknown = abortFailure('already_configured', c)
    expect(unknown).toMatchObject({ code: 'conflict', problem: 'already_configured' })
    expect(unknown.message).not.toMatch(/remove that entry first/)
    expect(abortFailure('unknown_site_id', c)).toMatchObject({ code: 'conflict', problem: 'unknown_site' })
  })
})

describe('the health reader (health-reader.ts)', () => {
  const fakeRegistry = (fail: () => never) => {
    const calls = { open: 0, refused: new Set<string>() }
    const registry = {
      open: async () => {
        calls.open++
        fail()
      },
      noteVersion: () => {},
      tokenRefused: (id: string) => calls.refused.has(id),
      markTokenRefused: (id: string) => void calls.refused.add(id),
    } as unknown as HaRegistry
    return { registry, calls }
  }
  const reader = (registry: HaRegistry) =>
    createHealthReader({
      registry,
      keys: { consoleRef: () => nvr },
      sites: { siteIdsOf: async () => [] },
      list: () => [haRecord],
    })

  it('a refused token is asked once: later sweeps say so on each key without contacting HA', async () => {
    const { registry, calls } = fakeRegistry(() => {
      throw new KeywardFailure('invalid-credentials', 'refused')
    })
    const keys = [key(), key({ id: 'k2' }), key({ id: 'u', app: 'uisp' })]
    for (let sweep = 0; sweep < 3; sweep++) {
      const views = await reader(registry).health(keys)
      expect([...views.keys()]).toEqual(['k1', 'k2'])
      expect(views.get('k2')!.message).toContain('refused Keyward’s access token')
    }
    expect(calls.open).toBe(1)
  })

  it('a held HA is said on its keys; an unreachable one leaves the previous view alone', async () => {
    const held = fakeRegistry(() => {
      throw new HaHeldFailure({ reason: 'unverifiable', message: 'Nothing to recognise it by.', since: 'now' })
    })
    const views = await reader(held.registry).health([key()])
    expect(views.get('k1')).toMatchObject({
      signal: 'error',
      keyProblem: false,
      message: 'Keyward paused its checks of Home Assistant at http://ha.local:8123: Nothing to recognise it by.',
    })
    const away = fakeRegistry(() => {
      throw new KeywardFailure('unreachable', 'no answer')
    })
    expect((await reader(away.registry).health([key()])).size).toBe(0)
  })
})
