// Home Assistant through the contract: connect (a bad token costs one request),
// push a freshly made key (new entry, then reconfigure), HA-side health in the
// background checks, and a rotation that hands the new key to HA's pending
// reauth before the old one is revoked.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import type { CopyFieldsPlan, HaSummary, KeyView } from '../../shared/domain.ts'
import type { WatchedKey } from '../../electron/core/views.ts'
import type { Outcome } from '../../shared/result.ts'
import { ADMIN_TOKEN, startHomeAssistant, USER_TOKEN } from '../simulators/home-assistant/testing.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'
import { agreeToSendPassword } from '../support/ha-consent.ts'

describe('Home Assistant from the core', () => {
  const core = makeCore()
  afterAll(async () => {
    await core.close()
    core.dispose()
  })

  it('two consoles with the same name get an entry each (matched by MAC, never by title); a new key updates its own', async () => {
    // Two UNVRs both called "NVR" (home-assistant.md §1.6: unique_id = the console's MAC; titles collide).
    const core = makeCore()
    onTestFinished(async () => {
      await core.close()
      core.dispose()
    })
    const consoles = [
      await startConsole('unvr', { name: 'NVR', mac: '70A7411B0001' }),
      await startConsole('unvr', { name: 'NVR', mac: '70A7411B0002' }),
    ]
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const haId = (
      (await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })) as { ok: true; value: HaSummary }
    ).value.id
    const keys: WatchedKey[] = []
    for (const [i, sim] of consoles.entries()) {
      const made = await provisionedKey(core, sim, { username: `keyward-ha-${i}`, keyName: `ha-${i}` })
      expect(made.outcome.check?.status).toBe('ok')
      const key = made.key
      keys.push(key)
      // Ephemeral console ports: full mode, after the user's consent (API-key-only mode is port 443 only, §2.2).
      await agreeToSendPassword(core, key.id, haId)
      expect(await core.invoke('ha.push', { keyId: key.id, haId, mode: 'full' })).toMatchObject({
        ok: true,
        value: { outcome: 'created', title: 'NVR' },
      })
    }
    const byMac = () =>
      new Map(ha.entries('unifiprotect').map((e) => [e.unique_id?.replace(/:/g, '').toUpperCase(), e]))
    expect([...byMac().keys()].sort()).toEqual(['70A7411B0001', '70A7411B0002'])

    // The second console's next key lands in the second console's entry; the first entry keeps its key.
    const firstKey = byMac().get('70A7411B0001')!.data.api_key
    expect(await core.invoke('keys.rotate', { id: keys[1]!.id })).toMatchObject({ ok: true })
    const rotated = core.keys.list().find((k) => k.id === keys[1]!.id)!
    expect(ha.entries('unifiprotect')).toHaveLength(2)
    expect(byMac().get('70A7411B0002')!.data.api_key).toBe(await core.vault.get(rotated.keyRef))
    expect(byMac().get('70A7411B0001')!.data.api_key).toBe(firstKey)
  })

  it('connects, pushes, watches HA’s view of the key, and hands a rotated key to HA', async () => {
    const nvr = await startConsole('unvr')
    const ha = await startHomeAssistant({ version: '2026.9.x', revokedKeyInFullMode: 'auth-failed' })

    // A wrong token: one request, a clear message, nothing saved.
    const wrong = await core.invoke('ha.connect', { url: ha.url, token: 'x'.repeat(40) })
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'invalid-credentials', message: expect.stringMatching(/token/i) },
    })
    expect(ha.failedLogins).toBe(1)
    expect(await core.invoke('ha.list', {})).toEqual({ ok: true, value: [] })
    // A non-admin token is explained.
    expect(await core.invoke('ha.connect', { url: ha.url, token: USER_TOKEN })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/not an administrator/) },
    })

    const connected = (await core.invoke('ha.connect', {
      url: ha.url.replace('http://', '') + '/lovelace/0',
      token: ADMIN_TOKEN,
    })) as { ok: true; value: HaSummary }
    expect(connected).toMatchObject({ ok: true, value: { url: ha.url, version: '2026.9.1' } })
    const haId = connected.value.id

    const made = await provisionedKey(core, nvr)
    expect(made.outcome.check?.status).toBe('ok')
    const key = made.key
    // The console listens on an ephemeral port, and API-key-only mode has no port field (§2.2):
    // this test uses full mode, after the user's consent to send the dedicated user's password.
    await agreeToSendPassword(core, key.id, haId)

    const first = await core.invoke('ha.push', { keyId: key.id, haId, mode: 'full' })
    expect(first).toMatchObject({ ok: true, value: { outcome: 'created', entryState: 'loaded', mode: 'full' } })
    const second = await core.invoke('ha.push', { keyId: key.id, haId, mode: 'full' })
    expect(second).toMatchObject({ ok: true, value: { outcome: 'reconfigured' } })
    expect(ha.entries('unifiprotect')).toHaveLength(1)
    expect(ha.entries('unifiprotect')[0]!.state).toBe('loaded')

    // The token and the key live in the keychain only.
    const file = readFileSync(join(core.dataDir, 'config.json'), 'utf8')
    expect(file).not.toContain(ADMIN_TOKEN)
    expect(file).not.toContain((await core.vault.get(key.keyRef))!)

    let list = await core.keys.checkNow()
    expect(list[0]).toMatchObject({ status: 'ok', haHealth: { signal: 'ok', keyProblem: false } })

    // Someone revokes the key on the console: HA's entry fails and asks to re-authenticate.
    const onConsole = [...nvr.state.apiKeys.values()].find((k) => k.name === 'home-assistant')!
    nvr.state.apiKeys.delete(onConsole.id)
    await ha.refresh()
    list = await core.keys.checkNow()
    expect(list[0]).toMatchObject({ status: 'failing', haHealth: { keyProblem: true } })
    expect(core.keys.tray().icon).toBe('error')

    // Rotation: new key, verified, into HA's pending reauth, then the old one revoked.
    const rotated = (await core.invoke('keys.rotate', { id: key.id })) as { ok: true; value: { keys: KeyView[] } }
    expect(rotated).toMatchObject({ ok: true })
    const entry = ha.entries('unifiprotect')[0]!
    expect(entry.state).toBe('loaded')
    expect(ha.entries('unifiprotect')).toHaveLength(1)
    list = await core.keys.checkNow()
    expect(list[0]).toMatchObject({ status: 'ok', haHealth: { signal: 'ok', keyProblem: false } })
    expect(JSON.stringify(entry)).toContain((await core.vault.get(list[0]!.keyRef))!)
  })

  it('gives the fields to type by hand, without the secret', async () => {
    const list = core.keys.list()
    const plan = (await core.invoke('ha.copyFields', { keyId: list[0]!.id })) as Outcome<CopyFieldsPlan>
    expect(plan.ok).toBe(true)
    if (!plan.ok) return
    const fields = Object.fromEntries(plan.value.fields.map((f) => [f.field, f]))
    expect(fields.host!.value).toBe('127.0.0.1')
    expect(fields.api_key).toMatchObject({ secret: true, value: '' })
    expect(JSON.stringify(plan.value)).not.toContain((await core.vault.get(list[0]!.keyRef))!)
  })
})
