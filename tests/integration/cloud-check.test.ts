// Nothing leaves the LAN unasked (issue 15): the Site Manager (api.ui.com) check of a key runs only
// when the user asks why a failing key fails (keys.cloudCheck), never in a background sweep or the
// wizard's verify (unifi-os.md §5.4 [inferred]). The cloud is a local stub that counts connections.
import { afterAll, describe, expect, it } from 'vitest'
import type { CloudCheckResult } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { startSiteManagerSimulator, type RunningSiteManager } from '../simulators/site-manager/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

const clouds: RunningSiteManager[] = []
const cores: ReturnType<typeof makeCore>[] = []
afterAll(async () => {
  for (const core of cores.splice(0)) {
    await core.close()
    core.dispose()
  }
  await Promise.all(clouds.splice(0).map((c) => c.close()))
})

describe('the Site Manager (cloud) check', () => {
  it('sweeps of a failing key send nothing to the cloud; the button does, once, and says what it sent where', async () => {
    const cloud = await startSiteManagerSimulator({ host: '127.0.0.1', port: 0, apiKeys: [] })
    clouds.push(cloud)
    const core = makeCore({ siteManager: { url: cloud.url, ca: cloud.certPem } })
    cores.push(core)
    const nvr = await startConsole('unvr')
    const made = await provisionedKey(core, nvr, { keyName: 'ha' })
    expect(made.outcome).toMatchObject({ check: { status: 'ok' } })
    const { key, secret } = made

    // A key that works is not worth asking the cloud about: refused, nothing sent.
    const early = await core.invoke('keys.cloudCheck', { id: key.id })
    expect(early).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringMatching(/Nothing was sent/) },
    })

    // The key is revoked on the console: the sweep finds it invalid — the case the cloud check is for.
    const onConsole = [...nvr.state.apiKeys.values()].find((k) => k.name === 'ha')!
    nvr.state.apiKeys.delete(onConsole.id)
    const swept = await core.keys.checkNow()
    expect(swept[0]).toMatchObject({ status: 'failing', lastCheck: { status: 'failed', problem: 'invalid_key' } })
    await core.keys.checkNow([key.id])
    expect(cloud.connections()).toBe(0)
    expect(cloud.requests).toEqual([])

    const asked = (await core.invoke('keys.cloudCheck', { id: key.id })) as Outcome<CloudCheckResult>
    expect(asked).toMatchObject({ ok: true, value: { cloudKey: false, sentTo: new URL(cloud.url).host } })
    expect((asked as { ok: true; value: CloudCheckResult }).value.message).toMatch(/not a cloud key/)
    expect(cloud.requests).toEqual([{ method: 'GET', path: '/v1/hosts', apiKey: secret }])
  })

  it('the wizard’s verify of a key the console refuses asks the console only', async () => {
    const cloud = await startSiteManagerSimulator({ host: '127.0.0.1', port: 0, apiKeys: [] })
    clouds.push(cloud)
    const core = makeCore({ siteManager: { url: cloud.url, ca: cloud.certPem } })
    cores.push(core)
    const nvr = await startConsole('unvr')
    // The console hands out the key but does not keep it: the verify step gets 401 (invalid_key).
    nvr.state.apiKeys.set = function () {
      return this
    }
    const made = await provisionedKey(core, nvr, { keyName: 'ha' })
    expect(made.outcome).toMatchObject({ check: { status: 'failed', problem: 'invalid_key' } })
    expect(cloud.connections()).toBe(0)
  })

  it('a core without a Site Manager address never asks the cloud, even on request', async () => {
    const core = makeCore({ siteManager: null })
    cores.push(core)
    const nvr = await startConsole('unvr')
    await provisionedKey(core, nvr, { keyName: 'ha' })
    const onConsole = [...nvr.state.apiKeys.values()].find((k) => k.name === 'ha')!
    nvr.state.apiKeys.delete(onConsole.id)
    const key = (await core.keys.checkNow())[0]!
    expect(await core.invoke('keys.cloudCheck', { id: key.id })).toMatchObject({
      ok: false,
      error: { code: 'refused', message: /does not ask Ubiquiti’s cloud/ },
    })
  })
})
