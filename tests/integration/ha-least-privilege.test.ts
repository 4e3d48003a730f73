// Least privilege toward Home Assistant, through the core's request API (issue 15):
//   * HA 2026.9+: a Protect push is API-key-only — HA's entry holds the key and no username or
//     password (home-assistant.md §2.2), and no flow request carries the password;
//   * full mode, and HA ≤ 2026.8 (whose form requires the password), are refused without the user's
//     recorded consent, before any flow request; with it they work and the consent is on the key.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { HaConsent, HaPushOptions, HaSummary, KeyRecord } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'
import { createConsoleConfig } from '../simulators/console/presets.ts'
import type { RunningHomeAssistant } from '../simulators/home-assistant/server.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { agreeToSendPassword } from '../support/ha-consent.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

type TestCore = ReturnType<typeof makeCore>
const cores: TestCore[] = []
const consoles: RunningConsole[] = []
afterAll(async () => {
  for (const core of cores.splice(0)) {
    await core.close()
    core.dispose()
  }
  await Promise.all(consoles.splice(0).map((c) => c.close()))
})

const fresh = (): TestCore => {
  const core = makeCore()
  cores.push(core)
  return core
}

/**
 * An NVR on port 443 of its own loopback address: HA's API-key-only mode has no port field and
 * always uses 443 (§2.2), so HA must find the console there. Root may bind 443 (tests run as root).
 */
async function nvrOn443(): Promise<{ sim: RunningConsole; address: string }> {
  for (let attempt = 0; ; attempt++) {
    const host = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`
    try {
      const sim = await startConsoleSimulator(createConsoleConfig('unvr'), { host, port: 443 })
      consoles.push(sim)
      return { sim, address: host }
    } catch (error) {
      if (attempt >= 5) throw error
    }
  }
}

async function protectKey(core: TestCore, address: string): Promise<KeyRecord> {
  const made = await provisionedKey(core, address)
  if (made.outcome.check?.status !== 'ok') throw new Error('the key was not made and verified')
  return made.key
}

async function connect(core: TestCore, ha: RunningHomeAssistant): Promise<HaSummary> {
  const connected = (await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })) as Outcome<HaSummary>
  if (!connected.ok) throw new Error(connected.error.message)
  return connected.value
}

const flowRequests = (ha: RunningHomeAssistant) =>
  ha.state.requests.filter((r) => r.path.includes('/config_entries/flow'))

describe('Protect into Home Assistant 2026.9: API-key-only by default', () => {
  it('HA’s entry holds the key and no username or password, and no request carried the password', async () => {
    const core = fresh()
    const nvr = await nvrOn443()
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const key = await protectKey(core, nvr.address)
    const password = (await core.vault.get(key.passwordRef!))!
    const haSummary = await connect(core, ha)

    const options = (await core.invoke('ha.pushOptions', {
      keyId: key.id,
      haId: haSummary.id,
    })) as Outcome<HaPushOptions>
    expect(options).toMatchObject({
      ok: true,
      value: {
        apiKeyOnlyAvailable: true,
        defaultMode: 'api_key',
        needsConsent: { api_key: false, full: true },
        consent: null,
      },
    })
    // The sentence names what goes where: the user, HA's address, the scheme, and how HA keeps it.
    const sentence = (options as { ok: true; value: HaPushOptions }).value.consentSentence!
    expect(sentence).toContain('“keyward-ha”')
    expect(sentence).toContain(ha.url)
    expect(sentence).toMatch(/plain http/)
    expect(sentence).toMatch(/plain text/)

    const pushed = await core.invoke('ha.push', { keyId: key.id, haId: haSummary.id })
    expect(pushed).toMatchObject({ ok: true, value: { outcome: 'created', mode: 'api_key', entryState: 'loaded' } })
    const [entry] = ha.entries('unifiprotect')
    expect(entry!.data.api_key).toBe(await core.vault.get(key.keyRef))
    expect(entry!.data).not.toHaveProperty('username')
    expect(entry!.data).not.toHaveProperty('password')
    expect(ha.state.flowBodies.length).toBeGreaterThan(0)
    expect(ha.state.flowBodies.join('\n')).not.toContain(password)
    expect(ha.state.flowBodies.join('\n')).not.toContain('keyward-ha')
  })
})

describe('a password reaches Home Assistant only with recorded consent', () => {
  it('full mode without consent is refused before any flow request; with consent it works and is recorded', async () => {
    const core = fresh()
    const nvr = await startConsole('unvr')
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const key = await protectKey(core, `127.0.0.1:${nvr.port}`)
    const password = (await core.vault.get(key.passwordRef!))!
    const haSummary = await connect(core, ha)

    const refused = await core.invoke('ha.push', { keyId: key.id, haId: haSummary.id, mode: 'full' })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringMatching(/not agreed to send it.*Nothing was sent/) },
    })
    expect(flowRequests(ha)).toEqual([])
    expect(ha.state.flowBodies).toEqual([])
    expect(ha.entries('unifiprotect')).toEqual([])

    // A sentence other than the one Keyward shows is not consent.
    const wrong = await core.invoke('ha.consent', { keyId: key.id, haId: haSummary.id, sentence: 'Yes, whatever.' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(core.keys.list()[0]!.haConsents ?? []).toEqual([])

    const before = Date.now()
    const consent: HaConsent = await agreeToSendPassword(core, key.id, haSummary.id)
    expect(consent).toMatchObject({
      haId: haSummary.id,
      haUrl: ha.url,
      haVersion: '2026.9.1',
      username: 'keyward-ha',
      by: 'user',
    })
    expect(Date.parse(consent.grantedAt)).toBeGreaterThanOrEqual(before - 1000)
    // Recorded on the key in the settings file (metadata only: the sentence, never the password).
    const file = readFileSync(join(core.dataDir, 'config.json'), 'utf8')
    expect(file).toContain(consent.sentence.slice(0, 40))
    expect(file).not.toContain(password)

    const pushed = await core.invoke('ha.push', { keyId: key.id, haId: haSummary.id, mode: 'full' })
    expect(pushed).toMatchObject({ ok: true, value: { outcome: 'created', mode: 'full', entryState: 'loaded' } })
    expect(ha.entries('unifiprotect')[0]!.data).toMatchObject({ username: 'keyward-ha', password })
    expect(core.keys.list()[0]!.haConsents).toEqual([
      expect.objectContaining({ haId: haSummary.id, fullModeInUse: true }),
    ])

    // Forgetting that HA drops its consent: a later connection must ask again.
    await core.invoke('ha.forget', { id: haSummary.id })
    expect(core.keys.list()[0]!.haConsents).toEqual([])
  })

  it('HA 2026.8 (its form requires the password) needs consent; without it nothing is sent', async () => {
    const core = fresh()
    const nvr = await startConsole('unvr')
    const ha = await startHomeAssistant({ version: '2026.8.x' })
    const key = await protectKey(core, `127.0.0.1:${nvr.port}`)
    const password = (await core.vault.get(key.passwordRef!))!
    const haSummary = await connect(core, ha)

    const options = (await core.invoke('ha.pushOptions', { keyId: key.id, haId: haSummary.id })) as {
      ok: true
      value: HaPushOptions
    }
    expect(options.value).toMatchObject({
      apiKeyOnlyAvailable: false,
      defaultMode: 'full',
      needsConsent: { api_key: null, full: true },
    })

    const refused = await core.invoke('ha.push', { keyId: key.id, haId: haSummary.id })
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'refused',
        message: expect.stringMatching(
          /Home Assistant 2026\.8\.3 needs the password of “keyward-ha”.*Nothing was sent/,
        ),
      },
    })
    expect(flowRequests(ha)).toEqual([])
    expect(ha.state.flowBodies).toEqual([])

    await agreeToSendPassword(core, key.id, haSummary.id)
    const pushed = await core.invoke('ha.push', { keyId: key.id, haId: haSummary.id })
    expect(pushed).toMatchObject({ ok: true, value: { outcome: 'created', entryState: 'loaded' } })
    expect(ha.entries('unifiprotect')[0]!.data).toMatchObject({ username: 'keyward-ha', password })
  })
})
