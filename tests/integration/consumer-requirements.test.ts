// Requirements depend on who consumes the key (issue 14 §6): the minimum
// Protect version comes from the Home Assistant release that uses the key
// (home-assistant.md §2.1: 2026.8 → 7.1, 2026.9 → 7.2.105). The plan warns
// before minting; a key is failing only for a consumer that refuses it.
import { afterAll, describe, expect, it } from 'vitest'
import type { HaSummary, ProvisionOutcome, ProvisionPlan } from '../../shared/domain.ts'
import type { WatchedKey } from '../../electron/core/views.ts'
import type { Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningHomeAssistant } from '../simulators/home-assistant/server.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { agreeToSendPassword } from '../support/ha-consent.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'

type TestCore = ReturnType<typeof makeCore>
const cores: TestCore[] = []
afterAll(async () => {
  for (const core of cores) {
    await core.close()
    core.dispose()
  }
})

/** A Cloud Key Gen2 Plus on Protect 7.1.60, the newest it gets (core #181879, home-assistant.md §2.1). */
const cloudKey = () => startConsole('ckg2-plus', { appVersions: { protect: '7.1.60' } })

type Connected = HaSummary & { sim: RunningHomeAssistant }

async function connect(core: TestCore, version: '2026.8.x' | '2026.9.x'): Promise<Connected> {
  const sim = await startHomeAssistant({ version })
  const connected = (await core.invoke('ha.connect', { url: sim.url, token: ADMIN_TOKEN })) as Outcome<HaSummary>
  if (!connected.ok) throw new Error(connected.error.message)
  return { ...connected.value, sim }
}

/** Probe, trust, sign in as the owner, read the plan, make a Protect key. */
async function makeKey(core: TestCore, port: number): Promise<{ plan: ProvisionPlan; outcome: ProvisionOutcome }> {
  const key = `127.0.0.1:${port}`
  const probe = await core.invoke('console.probe', { address: key })
  if (!probe.ok) throw new Error(probe.error.message)
  const { sha256 } = (probe.value as { certificate: { sha256: string } }).certificate
  await core.invoke('console.trust', { key, sha256 })
  await core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
  const plan = (await core.invoke('provision.plan', { key, app: 'protect' })) as { ok: true; value: ProvisionPlan }
  const request = { key, app: 'protect', mode: 'dedicated-user', username: 'keyward-ha', keyName: 'ha' } as const
  const run = (await core.invoke('provision.run', request)) as { ok: true; value: ProvisionOutcome }
  return { plan: plan.value, outcome: run.value }
}

const fresh = () => {
  const core = makeCore()
  cores.push(core)
  return core
}

describe('the Protect minimum of the Home Assistant that consumes the key', () => {
  it('HA 2026.8, Protect 7.1.60 (< 7.2.105): no warning, the pushed key is OK; after HA 2026.9, failing', async () => {
    const core = fresh()
    const ha = await connect(core, '2026.8.x')
    const ck = await cloudKey()
    const { plan, outcome } = await makeKey(core, ck.port)
    expect(plan.warning).toBeNull()
    expect(outcome).toMatchObject({ failure: null, check: { status: 'ok', appVersion: '7.1.60' } })
    const key = core.keys.list()[0]!
    await agreeToSendPassword(core, key.id, ha.id) // HA 2026.8's form requires the password
    const pushed = await core.invoke('ha.push', { keyId: key.id, haId: ha.id })
    expect(pushed).toMatchObject({ ok: true, value: { entryState: 'loaded' } })
    const list = await core.keys.checkNow()
    expect(list[0]).toMatchObject({
      status: 'ok',
      lastCheck: { status: 'ok' },
      haHealth: { signal: 'ok', keyProblem: false },
    })

    // Home Assistant is upgraded to 2026.9: Keyward reads its version and applies the new minimum.
    Object.assign(ha.sim.config, { version: '2026.9.x', haVersion: '2026.9.1' })
    await core.keys.checkNow() // the health read notes the new version
    const after = await core.keys.checkNow()
    expect(after[0]).toMatchObject({ status: 'failing', lastCheck: { problem: 'version_too_old' } })
    expect(after[0]!.lastCheck!.message).toMatch(/Home Assistant 2026\.9\.1 \(Home\) needs 7\.2\.105 or later/)
  })

  it('HA 2026.9: the plan warns before minting, and the key is failing with a message naming it', async () => {
    const core = fresh()
    await connect(core, '2026.9.x')
    const ck = await cloudKey()
    const { plan, outcome } = await makeKey(core, ck.port)
    const where = 'UniFi Protect on Cloud Key Gen2 Plus \\(127\\.0\\.0\\.1\\) is version 7\\.1\\.60'
    const needs = 'Home Assistant 2026\\.9\\.1 \\(Home\\) needs 7\\.2\\.105 or later'
    expect(plan.warning).toMatch(new RegExp(`${where}\\. ${needs}: it will refuse this key`))
    const specific = new RegExp(`${where}; ${needs}\\.`)
    const message = expect.stringMatching(specific) as unknown
    expect(outcome.check).toMatchObject({ status: 'failed', problem: 'version_too_old', message })
    const list: WatchedKey[] = await core.keys.checkNow()
    expect(list[0]).toMatchObject({
      status: 'failing',
      lastCheck: { problem: 'version_too_old', message },
    })
  })

  it('never fails a key for an HA it was not given: pushed to 2026.8 only, 2026.9 also connected', async () => {
    const core = fresh()
    const older = await connect(core, '2026.8.x')
    await connect(core, '2026.9.x')
    const ck = await cloudKey()
    const { plan, outcome } = await makeKey(core, ck.port)
    // Two consumers could take it: the plan names the one that would refuse; the key itself is fine.
    expect(plan.warning).toMatch(/Home Assistant 2026\.9\.1 \(Home\) needs 7\.2\.105 or later/)
    expect(plan.warning).not.toMatch(/2026\.8/)
    expect(outcome.check).toMatchObject({ status: 'ok' })
    const key = core.keys.list()[0]!
    await agreeToSendPassword(core, key.id, older.id)
    expect(await core.invoke('ha.push', { keyId: key.id, haId: older.id })).toMatchObject({ ok: true })
    expect((await core.keys.checkNow())[0]).toMatchObject({ status: 'ok' })
  })

  it('with no Home Assistant known, nobody refuses an old Protect', async () => {
    const core = fresh()
    const ck = await startConsole('ckg2-plus') // Protect 6.0.53
    const { plan, outcome } = await makeKey(core, ck.port)
    expect(plan.warning).toBeNull()
    expect(outcome.check).toMatchObject({ status: 'ok', appVersion: '6.0.53' })
  })
})
