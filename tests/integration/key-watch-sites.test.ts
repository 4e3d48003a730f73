// One sweep reads a Network key's sites once (issue 16): the key check reads `integration/v1/sites`
// (home-assistant.md §3.2, unifi-os.md §5.2) and HA's health step finds the key's `unifi` entry by those
// same site ids rather than reading the sites again outside the sweep's pace.
import { afterAll, describe, expect, it } from 'vitest'
import type { HaPushSummary, HaSummary, ProvisionOutcome } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME, type NetworkSite } from '../simulators/console/presets.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrust } from '../support/trust.ts'

const HOME: NetworkSite = { id: '0c6f1d52-8a3e-4c1e-9f4b-2d7a5e9b1c01', internalReference: 'default', name: 'Home' }

const cores: ReturnType<typeof makeCore>[] = []
afterAll(async () => {
  for (const core of cores.splice(0)) {
    await core.close()
    core.dispose()
  }
})

describe('a sweep of a Network key pushed into Home Assistant', () => {
  it('reads the key’s sites from the console once, and HA’s view still finds the key’s entry', async () => {
    const udm = await startConsole('udm-pro', { networkSites: [HOME] })
    const ha = await startHomeAssistant({ version: '2026.10.x' })
    const core = makeCore()
    cores.push(core)
    const connected = (await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })) as Outcome<HaSummary>
    if (!connected.ok) throw new Error(connected.error.message)
    const address = `127.0.0.1:${udm.port}`
    await probeAndTrust(core, address)
    await core.invoke('console.signIn', { key: address, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    const made = (await core.invoke('provision.run', {
      key: address,
      app: 'network',
      mode: 'dedicated-user',
      username: 'kw-sites',
      keyName: 'sites-once',
    })) as Outcome<ProvisionOutcome>
    if (!made.ok) throw new Error(made.error.message)
    const key = core.keys.list().find((k) => k.name === 'sites-once')!
    const pushed = (await core.invoke('ha.push', { keyId: key.id, haId: connected.value.id })) as Outcome<HaPushSummary>
    expect(pushed).toMatchObject({ ok: true, value: { outcome: 'created' } })

    const sitesReads = () => udm.state.integrationLog.filter((e) => e.path.startsWith('v1/sites')).length
    const before = sitesReads()
    const swept = (await core.keys.checkNow([key.id])).find((k) => k.id === key.id)!
    expect(sitesReads() - before).toBe(1)
    expect(swept).toMatchObject({ status: 'ok', haHealth: { signal: 'ok', keyProblem: false } })
  })
})
