// The parts of a key check (electron/core/unifi/verify-apps.ts, key-calls.ts) on their own, against
// simulated consoles: what each app adds to "the key works", and what the user is told when it is not
// enough.
import { describe, expect, it } from 'vitest'
import type { KeyCheckFailed, UnifiApp } from '../../shared/domain.ts'
import type { KnownConsole } from '../../electron/core/console/known.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { fetchNetworkSites } from '../../electron/core/unifi/key-calls.ts'
import { checkNetwork, checkProtect, tooOld, type CheckContext } from '../../electron/core/unifi/verify-apps.ts'
import { knownOf, ownerSession, startConsole } from '../support/consoles.ts'

function context(target: KnownConsole, app: UnifiApp, key: string, others: KnownConsole[] = []): CheckContext {
  return {
    opts: { console: target, app, key },
    target,
    hostsWithApp: others.filter((o) => o.apps.includes(app)),
    failed: (problem, message, nextStep, extra = {}): KeyCheckFailed => ({
      status: 'failed',
      app,
      host: target.key,
      problem,
      message,
      nextStep,
      checkedAt: '2026-12-01T10:00:00.000Z',
      ...extra,
    }),
  }
}

describe('Protect: the cameras are here', () => {
  it('counts the cameras of the console that holds them', async () => {
    const nvr = await startConsole('unvr')
    const key = (await mintKey(await ownerSession(nvr), 'ha')).key
    expect(await checkProtect(context(knownOf(nvr), 'protect', key))).toMatchObject({ cameras: 6 })
  })

  it('names the other console when Protect here is empty: the seed failure', async () => {
    const [gateway, nvr] = await Promise.all([startConsole('udm-pro'), startConsole('unvr')])
    const key = (await mintKey(await ownerSession(gateway), 'ha')).key
    const result = await checkProtect(context(knownOf(gateway), 'protect', key, [knownOf(nvr)]))
    expect(result).toMatchObject({
      failed: { problem: 'wrong_host', rightHost: { key: knownOf(nvr).key, name: 'NVR' } },
    })
    expect('failed' in result && result.failed.message).toContain('Protect there has no cameras')
  })
})

describe('Network: the sites Home Assistant reads', () => {
  it('lists the sites a Network key sees, and the Network check passes', async () => {
    const gateway = await startConsole('udm-pro')
    const key = (await mintKey(await ownerSession(gateway), 'ha')).key
    const sites = await fetchNetworkSites(knownOf(gateway), key)
    expect('sites' in sites && sites.sites.length).toBeGreaterThan(0)
    expect(await checkNetwork(context(knownOf(gateway), 'network', key))).toEqual({})
  })

  it('says when a key is not known at all (401 on the sites list)', async () => {
    const gateway = await startConsole('udm-pro')
    expect(await fetchNetworkSites(knownOf(gateway), 'not-a-key-at-all-0000')).toMatchObject({ status: 401 })
  })
})

describe('the consumer’s version floor', () => {
  it('fails a Protect older than the Home Assistant that uses it needs, naming both', () => {
    const target: KnownConsole = { key: '10.0.0.2:443', host: '10.0.0.2', port: 443, name: 'NVR', pin: 'x', apps: [] }
    const ctx = context(target, 'protect', 'k')
    ctx.opts = { ...ctx.opts, minimumVersion: '7.2.105', minimumFor: 'Home Assistant 2026.9.1 (Home)' }
    expect(tooOld(ctx, '6.0.53')).toMatchObject({
      problem: 'version_too_old',
      message: expect.stringContaining('Home Assistant 2026.9.1 (Home) needs 7.2.105 or later'),
    })
    expect(tooOld(ctx, '7.3.12')).toBeNull()
    expect(tooOld(ctx, null)).toBeNull()
  })
})
