// The key list's view of Home Assistant must find the entry Keyward itself pushed the key into, even when
// HA shows no device that links it (home-assistant.md §1.6): `unifi_access` registers none Keyward reads,
// and the device registry command is [inferred] (§1.3, §9). The entry id HA answered the push with is
// HA's own id for that entry; the health check falls back on it, never on the title.
import { afterAll, describe, expect, it } from 'vitest'
import type { HaSummary } from '../../shared/domain.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { agreeToSendPassword } from '../support/ha-consent.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

const cores: ReturnType<typeof makeCore>[] = []
afterAll(async () => {
  for (const core of cores.splice(0)) {
    await core.close()
    core.dispose()
  }
})

async function connected(url: string) {
  const core = makeCore()
  cores.push(core)
  const reply = (await core.invoke('ha.connect', { url, token: ADMIN_TOKEN })) as { ok: true; value: HaSummary }
  return { core, haId: reply.value.id }
}

describe('HA’s view of a pushed key without a device link', () => {
  it('UniFi Access: the entry Keyward created is reported loaded, not "no entry"', async () => {
    const sim = await startConsole('udm-pro', { apps: ['network', 'protect', 'access'], accessPort: 0 })
    // HA reaches Access on :12445 of the console (§3.3).
    const ha = await startHomeAssistant({
      access: 'core',
      resolve: { '127.0.0.1:12445': `127.0.0.1:${sim.accessPort}` },
    })
    const { core, haId } = await connected(ha.url)
    const { key } = await provisionedKey(core, sim, { app: 'access', username: 'kw-access', keyName: 'ha-access' })
    expect(await core.invoke('ha.push', { keyId: key.id, haId })).toMatchObject({
      ok: true,
      value: { outcome: 'created', entryState: 'loaded' },
    })
    const seen = (await core.keys.checkNow()).find((k) => k.id === key.id)!
    expect(seen.haHealth).toMatchObject({ signal: 'ok', keyProblem: false })
    expect(seen.haHealth!.message).not.toMatch(/has no/)
  })

  it('UniFi Protect on an HA whose device registry cannot be read: loaded; forgetting that HA drops the link', async () => {
    const nvr = await startConsole('unvr')
    const ha = await startHomeAssistant({
      version: '2026.9.x',
      deviceRegistry: 'absent',
      revokedKeyInFullMode: 'auth-failed',
    })
    const { core, haId } = await connected(ha.url)
    const { key } = await provisionedKey(core, nvr, { username: 'kw-ha', keyName: 'ha' })
    // Full mode: the console listens on an ephemeral port, and API-key-only mode has no port field (§2.2).
    await agreeToSendPassword(core, key.id, haId)
    expect(await core.invoke('ha.push', { keyId: key.id, haId, mode: 'full' })).toMatchObject({ ok: true })
    expect((await core.keys.checkNow()).find((k) => k.id === key.id)!.haHealth).toMatchObject({ signal: 'ok' })

    // Forgetting that HA drops what the key recorded about it.
    expect(await core.invoke('ha.forget', { id: haId })).toMatchObject({ ok: true })
    expect(core.keys.list().find((k) => k.id === key.id)).toMatchObject({ pushedTo: [], haEntries: {} })
  })
})
