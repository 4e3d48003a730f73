// One click into Home Assistant: pushing UniFi Protect keys into a fake HA that
// validates them against simulated consoles, in both flow shapes (≤2026.8 form,
// 2026.9 menu), reconfigure instead of duplicate, the wrong-console key, and
// the revoked key → setup_error → reauth round trip.
import { describe, expect, it } from 'vitest'
import { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { pushProtectKey } from '../../electron/core/homeassistant/flows.ts'
import { readHealth } from '../../electron/core/homeassistant/health.ts'
import { mintKey, revokeKey } from '../../electron/core/unifi/keys.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { ownerSession, startConsole } from '../support/consoles.ts'
import { failureOf, namedRefOf, refOf } from '../support/ha-refs.ts'

const owner = { username: OWNER_USERNAME, password: OWNER_PASSWORD }
/** The user's recorded consent to send that password (homeassistant/consent.ts); the flows refuse credentials without it. */
const consent = { grantedAt: '2026-12-01T00:00:00.000Z' }

describe('push a Protect key (HA ≤ 2026.8: the user step is a form)', () => {
  it('creates a loaded entry, then reconfigures it with the next key instead of duplicating', async () => {
    const unvr = await startConsole('unvr')
    const session = await ownerSession(unvr)
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    expect(client.info).toMatchObject({ version: '2026.8.3', isAdmin: true })

    const first = await mintKey(session, 'home-assistant')
    const created = await pushProtectKey(client, {
      console: refOf(unvr),
      apiKey: first.key,
      credentials: owner,
      consent,
    })
    expect(created).toMatchObject({
      outcome: 'created',
      domain: 'unifiprotect',
      entryState: 'loaded',
      mode: 'full',
      title: 'NVR',
      haVersion: '2026.8.3',
    })
    const [entry] = ha.entries('unifiprotect')
    expect(entry).toMatchObject({
      state: 'loaded',
      unique_id: unvr.config.mac,
      data: { host: '127.0.0.1', port: unvr.port, verify_ssl: false, api_key: first.key },
    })

    const second = await mintKey(session, 'home-assistant-2')
    const again = await pushProtectKey(client, {
      console: refOf(unvr),
      apiKey: second.key,
      credentials: owner,
      consent,
    })
    expect(again).toMatchObject({ outcome: 'reconfigured', entryId: entry!.entry_id, entryState: 'loaded' })
    expect(ha.entries('unifiprotect')).toHaveLength(1)
    expect(ha.entries('unifiprotect')[0]!.data.api_key).toBe(second.key)
    // Keyward's flows are closed: nothing left to block HA's own reauth (§1.5).
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })

  it('explains that this HA needs a username and password besides the key', async () => {
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const error = await failureOf(pushProtectKey(client, { console: refOf(unvr), apiKey: key }))
    expect(error).toMatchObject({ code: 'invalid-input', problem: 'needs_credentials' })
    expect(error.message).toMatch(/username and password.*2026\.9/)
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })

  it('credentials without a recorded consent are refused before any flow request', async () => {
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const error = await failureOf(pushProtectKey(client, { console: refOf(unvr), apiKey: key, credentials: owner }))
    expect(error).toMatchObject({ code: 'refused', problem: 'consent_required' })
    expect(error.message).toMatch(/Nothing was sent/)
    expect(ha.state.flowBodies).toEqual([])
    // A dedicated user exists but no consent came with the push: named as missing consent, not missing credentials.
    const named = await failureOf(
      pushProtectKey(client, { console: refOf(unvr), apiKey: key, credentialsAvailable: true }),
    )
    expect(named).toMatchObject({ code: 'refused', problem: 'consent_required' })
    expect(ha.state.flowBodies.join('\n')).not.toContain(OWNER_PASSWORD)
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })

  it('a key made on the UDM Pro (empty Protect) fails in HA for the UNVR as invalid_auth on api_key, with a clear message', async () => {
    const udm = await startConsole('udm-pro')
    const unvr = await startConsole('unvr')
    const udmKey = (await mintKey(await ownerSession(udm), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const error = await failureOf(
      pushProtectKey(client, { console: refOf(unvr), apiKey: udmKey, credentials: owner, consent }),
    )
    expect(error).toMatchObject({ code: 'invalid-credentials', problem: 'key_rejected', field: 'api_key' })
    expect(error.message).toMatch(
      /signed in to NVR \(127\.0\.0\.1\).*refused the API key.*only on the console that made it/,
    )
    expect(error.detail).toBe('unifiprotect form error api_key=invalid_auth')
    expect(ha.entries()).toHaveLength(0)
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })

  it('maps protect_version and a wrong password', async () => {
    const old = await startConsole('ckg2-plus')
    const key = (await mintKey(await ownerSession(old), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const tooOld = await failureOf(
      pushProtectKey(client, { console: refOf(old), apiKey: key, credentials: owner, consent }),
    )
    expect(tooOld).toMatchObject({ problem: 'protect_too_old' })
    expect(tooOld.message).toMatch(/too old for Home Assistant 2026\.8\.3, which needs 7\.1\.0/)
    const badPassword = await failureOf(
      pushProtectKey(client, {
        console: refOf(old),
        apiKey: key,
        credentials: { username: OWNER_USERNAME, password: 'wrong-password' },
        consent,
      }),
    )
    expect(badPassword).toMatchObject({
      code: 'invalid-credentials',
      problem: 'credentials_rejected',
      field: 'password',
    })
    client.close()
  })

  it('verify_ssl on a self-signed console fails in HA as cannot_connect', async () => {
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const error = await failureOf(
      pushProtectKey(client, { console: refOf(unvr), apiKey: key, credentials: owner, consent, verifySsl: true }),
    )
    expect(error).toMatchObject({ code: 'unreachable', problem: 'cannot_connect', field: 'base' })
    expect(error.message).toMatch(/could not connect to UniFi Protect at 127\.0\.0\.1:\d+/)
    client.close()
  })

  it('a revoked key (HA noticing it) → setup_error → health → the new key finishes the pending reauth_confirm', async () => {
    const unvr = await startConsole('unvr')
    const session = await ownerSession(unvr)
    const ha = await startHomeAssistant({ version: '2026.8.x', revokedKeyInFullMode: 'auth-failed' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const first = await mintKey(session, 'ha')
    const created = await pushProtectKey(client, {
      console: refOf(unvr),
      apiKey: first.key,
      credentials: owner,
      consent,
    })

    await revokeKey(session, first.id)
    await ha.refresh()
    const health = await readHealth(client, 'unifiprotect', [refOf(unvr)])
    expect(health.consoles[0]).toMatchObject({
      entryId: created.entryId,
      state: 'setup_error',
      translationKey: 'entry_auth_failed',
      signal: 'key_rejected',
      keyProblem: true,
      repairIssueId: `homeassistant/config_entry_reauth_unifiprotect_${created.entryId}`,
    })
    expect(health.consoles[0]!.reauthFlowId).toBeTruthy()

    const second = await mintKey(session, 'ha-2')
    const healed = await pushProtectKey(client, {
      console: refOf(unvr),
      apiKey: second.key,
      credentials: owner,
      consent,
    })
    expect(healed).toMatchObject({ outcome: 'reauthenticated', entryId: created.entryId, entryState: 'loaded' })
    expect(ha.state.issues.size).toBe(0)
    expect(ha.state.flows.size).toBe(0)
    expect((await readHealth(client, 'unifiprotect', [refOf(unvr)])).consoles[0]).toMatchObject({
      signal: 'ok',
      keyProblem: false,
    })
    client.close()
  })

  it('full mode as HA really behaves: a revoked key leaves the entry loaded (§2.5), so health cannot see it', async () => {
    const unvr = await startConsole('unvr')
    const session = await ownerSession(unvr)
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const key = await mintKey(session, 'ha')
    await pushProtectKey(client, { console: refOf(unvr), apiKey: key.key, credentials: owner, consent })
    await revokeKey(session, key.id)
    await ha.refresh()
    expect((await readHealth(client, 'unifiprotect', [refOf(unvr)])).consoles[0]).toMatchObject({
      state: 'loaded',
      signal: 'ok',
    })
    expect(ha.state.log.join('\n')).toMatch(/Public API bootstrap update failed/)
    client.close()
  })
})

describe('push a Protect key (HA 2026.9: the user step is a menu)', () => {
  it('API-key-only: creates a loaded entry, reconfigures on the second push, and heals a revoked key through reauth_api_key', async () => {
    const unvr = await startConsole('unvr')
    const session = await ownerSession(unvr)
    const ha = await startHomeAssistant({ version: '2026.9.x', resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` } })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const ref = namedRefOf(unvr, 'nvr.test')

    const first = await mintKey(session, 'ha')
    const created = await pushProtectKey(client, { console: ref, apiKey: first.key })
    expect(created).toMatchObject({ outcome: 'created', mode: 'api_key', entryState: 'loaded', haVersion: '2026.9.1' })
    expect(ha.entries('unifiprotect')[0]!.data).toEqual({
      host: 'nvr.test',
      port: 443,
      verify_ssl: false,
      api_key: first.key,
      id: 'nvr.test',
      connection_mode: 'api_key_only',
    })

    const second = await mintKey(session, 'ha-2')
    const again = await pushProtectKey(client, { console: ref, apiKey: second.key })
    expect(again).toMatchObject({
      outcome: 'reconfigured',
      entryId: created.entryId,
      mode: 'api_key',
      entryState: 'loaded',
    })
    expect(ha.entries('unifiprotect')).toHaveLength(1)
    // API-key-only by default: no flow is left open.
    expect(ha.state.flows.size).toBe(0)

    await revokeKey(session, second.id)
    await ha.refresh()
    expect(ha.entries('unifiprotect')[0]).toMatchObject({
      state: 'setup_error',
      reason: 'could not authenticate',
      error_reason_translation_key: 'entry_auth_failed',
    })
    const health = await readHealth(client, 'unifiprotect', [ref])
    expect(health.consoles[0]).toMatchObject({ signal: 'key_rejected', keyProblem: true })
    expect(health.consoles[0]!.message).toMatch(/cannot use the key/)

    const third = await mintKey(session, 'ha-3')
    const healed = await pushProtectKey(client, { console: ref, apiKey: third.key })
    expect(healed).toMatchObject({ outcome: 'reauthenticated', entryState: 'loaded' })
    expect(ha.entries('unifiprotect')[0]!.data.api_key).toBe(third.key)
    expect(ha.state.issues.size).toBe(0)
    client.close()
  })

  it('full mode through the menu with credentials; the menu may come as a dict', async () => {
    const unvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(unvr), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.9.x', menuOptionsShape: 'dict' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const created = await pushProtectKey(client, {
      console: refOf(unvr),
      apiKey: key,
      credentials: owner,
      consent,
      mode: 'full',
    })
    expect(created).toMatchObject({ outcome: 'created', mode: 'full', entryState: 'loaded', title: 'NVR' })
    expect(ha.entries('unifiprotect')[0]!.data).toMatchObject({ username: OWNER_USERNAME, api_key: key })

    // A later full-mode push without credentials keeps the entry in full mode (stored password kept, none sent).
    const next = (await mintKey(await ownerSession(unvr), 'ha-next')).key
    const again = await pushProtectKey(client, { console: refOf(unvr), apiKey: next, mode: 'full' })
    expect(again).toMatchObject({ outcome: 'reconfigured', mode: 'full', entryState: 'loaded' })
    expect(ha.entries('unifiprotect')[0]!.data).toMatchObject({
      username: OWNER_USERNAME,
      password: OWNER_PASSWORD,
      api_key: next,
    })
    expect(ha.entries('unifiprotect')[0]!.data.connection_mode).toBeUndefined()
    client.close()
  })

  it('wrong-console key in API-key-only mode: invalid_auth on api_key, mapped', async () => {
    const udm = await startConsole('udm-pro')
    const unvr = await startConsole('unvr')
    const udmKey = (await mintKey(await ownerSession(udm), 'ha')).key
    const ha = await startHomeAssistant({ version: '2026.9.x', resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` } })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const error = await failureOf(pushProtectKey(client, { console: namedRefOf(unvr, 'nvr.test'), apiKey: udmKey }))
    expect(error).toMatchObject({ problem: 'key_rejected', field: 'api_key' })
    expect(error.message).toMatch(/reached NVR \(nvr\.test\), but UniFi Protect there refused the API key/)
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })

  it('HA already has the console but shows nothing Keyward can link: already_configured → reconfigures the only entry', async () => {
    const unvr = await startConsole('unvr')
    const session = await ownerSession(unvr)
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    await pushProtectKey(client, {
      console: refOf(unvr),
      apiKey: (await mintKey(session, 'a')).key,
      credentials: owner,
      consent,
      mode: 'full',
    })
    // Forget the device and rename the entry: no device, reauth or title match is left.
    ha.state.devices.clear()
    ha.entries('unifiprotect')[0]!.title = 'Garage cameras'
    const next = await mintKey(session, 'b')
    const result = await pushProtectKey(client, {
      console: refOf(unvr),
      apiKey: next.key,
      credentials: owner,
      consent,
      mode: 'full',
    })
    expect(result).toMatchObject({ outcome: 'reconfigured', entryState: 'loaded', title: 'Garage cameras' })
    expect(ha.entries('unifiprotect')).toHaveLength(1)
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })
})
