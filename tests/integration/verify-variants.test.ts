// Key checks against consoles that answer in another allowed way than the simulator's default, or fail in a
// documented way (unifi-os.md §4.3, §5.1–§5.3, §6): each test turns one simulator knob and runs the real
// verifyKey / fetchNetworkSites against it.
import { describe, expect, it } from 'vitest'
import { consoleExpiry, createAccessToken } from '../../electron/core/unifi/access.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { fetchNetworkSites, verifyKey } from '../../electron/core/unifi/verify.ts'
import { secondsUntilRetry } from '../../electron/core/net/retry-after.ts'
import { seedUuid } from '../simulators/console/presets.ts'
import { knownOf, ownerSession, startConsole } from '../support/consoles.ts'
import type { RunningConsole } from '../simulators/console/server.ts'

/** The key check of an Access token on the console's Access port. */
const checkAccess = (sim: RunningConsole, key: string) =>
  verifyKey({ console: knownOf(sim), app: 'access', key, accessPort: sim.accessPort! })

describe('Network Integration API versions (§4.3: 9.0.108 vs 10.1.78)', () => {
  it('a Network without /v1/info but with the sites list: the key works, as it does for Home Assistant', async () => {
    const udm = await startConsole('udm-pro', { integration: { networkApi: 'no-info' } })
    const key = (await mintKey(await ownerSession(udm), 'ha')).key
    const seen: string[][] = []
    const check = await verifyKey({ console: knownOf(udm), app: 'network', key, onSites: (ids) => seen.push(ids) })
    expect(check).toMatchObject({ status: 'ok', app: 'network', appVersion: null })
    expect(seen).toEqual([[udm.state.defaultSiteId]])
  })

  it('finds the right console for a Network key even when that console has no /v1/info', async () => {
    const [here, there] = await Promise.all([
      startConsole('udm-pro'),
      startConsole('udm-se', { integration: { networkApi: 'no-info' } }),
    ])
    const key = (await mintKey(await ownerSession(there), 'ha')).key
    const check = await verifyKey({ console: knownOf(here), others: [knownOf(there)], app: 'network', key })
    expect(check).toMatchObject({ status: 'failed', problem: 'wrong_host', rightHost: { key: knownOf(there).key } })
  })

  it('a Network older than its Integration API is called too old, not "not installed"', async () => {
    const udm = await startConsole('udm-pro', {
      appVersions: { network: '8.6.9' },
      integration: { networkApi: 'absent' },
    })
    const key = (await mintKey(await ownerSession(udm), 'ha')).key
    const check = await verifyKey({ console: knownOf(udm), app: 'network', key })
    expect(check).toMatchObject({ status: 'failed', problem: 'version_too_old' })
    expect(check.status === 'failed' && check.message).toContain('older than UniFi Network 9.0.108')
    expect(check.status === 'failed' && check.message).not.toContain('not installed')
  })

  it('a Protect older than its public API (before 5.3) is called too old', async () => {
    const nvr = await startConsole('unvr', { integration: { protectApi: 'absent' } })
    const key = (await mintKey(await ownerSession(nvr), 'ha')).key
    const check = await verifyKey({ console: knownOf(nvr), app: 'protect', key })
    expect(check).toMatchObject({ status: 'failed', problem: 'version_too_old' })
    expect(check.status === 'failed' && check.message).toContain('older than UniFi Protect 5.3')
  })
})

describe('Network sites, paged (§5.2)', () => {
  it('reads every site from a console that serves fewer per page than asked', async () => {
    const sites = Array.from({ length: 30 }, (_, i) => ({
      id: seedUuid('paged', String(i)),
      internalReference: `site${i}`,
      name: `Site ${i}`,
    }))
    const udm = await startConsole('udm-pro', { networkSites: sites, integration: { sitesPageMax: 25 } })
    const key = (await mintKey(await ownerSession(udm), 'ha')).key
    const read = await fetchNetworkSites(knownOf(udm), key)
    expect('sites' in read && read.sites.map((s) => s.id)).toEqual(sites.map((s) => s.id))
  })
})

describe('keys refused with 403 (§5.1: 401 and 403 both mean "rejected")', () => {
  it('a key made on another console, refused here with 403, is still found on its own console', async () => {
    const [udm, nvr] = await Promise.all([
      startConsole('udm-pro', { integration: { badKeyStatus: 403 } }),
      startConsole('unvr'),
    ])
    const key = (await mintKey(await ownerSession(nvr), 'ha')).key
    const check = await verifyKey({ console: knownOf(udm), others: [knownOf(nvr)], app: 'protect', key })
    expect(check).toMatchObject({ status: 'failed', problem: 'wrong_host', rightHost: { key: knownOf(nvr).key } })
  })

  it('an unknown key refused with 403 is not said to be known to the console', async () => {
    const udm = await startConsole('udm-pro', { integration: { badKeyStatus: 403 } })
    const check = await verifyKey({ console: knownOf(udm), app: 'protect', key: 'x'.repeat(32) })
    expect(check).toMatchObject({ status: 'failed', problem: 'insufficient_permission' })
    expect(check.status === 'failed' && check.message).not.toContain('knows this key')
    expect(check.status === 'failed' && check.message).toContain('not made on this console')
  })
})

describe('Access tokens (§5.3)', () => {
  it('a token without the scope for doors is told to get a token with every permission, not a role', async () => {
    const sim = await startConsole('udm-pro', { apps: ['network', 'protect', 'access'], accessPort: 0 })
    const session = await ownerSession(sim)
    const token = await createAccessToken(session, { name: 'narrow', validityDays: 0, scopes: ['view:device'] })
    const check = await checkAccess(sim, token.token)
    expect(check).toMatchObject({ status: 'failed', problem: 'insufficient_permission' })
    expect(check.status === 'failed' && check.nextStep).toContain('API Token')
    expect(check.status === 'failed' && check.message).not.toContain('rights of the user')
  })

  it('a refused token is said to be possibly expired', async () => {
    const sim = await startConsole('udm-pro', { apps: ['network', 'protect', 'access'], accessPort: 0 })
    const check = await checkAccess(sim, 'y'.repeat(22))
    expect(check).toMatchObject({ status: 'failed', problem: 'invalid_key' })
    expect(check.status === 'failed' && check.message).toContain('expired')
  })
})

describe('429 with only RateLimit fields (§5.1: "a 429 carries r=0")', () => {
  it('waits out the reset the RateLimit field gives, then finishes the check', async () => {
    const nvr = await startConsole('unvr', { rateLimit: { quota: 1, retryAfter: false } })
    const key = (await mintKey(await ownerSession(nvr), 'ha')).key
    // meta/info takes the second's budget; the camera count is refused, waits out t, then answers.
    const check = await verifyKey({ console: knownOf(nvr), app: 'protect', key })
    expect(check).toMatchObject({ status: 'ok', cameras: 6 })
    expect(nvr.state.integrationLog.some((e) => e.status === 429)).toBe(true)
  })

  it('reads when to retry from Retry-After, else from the spent policy, else 60 s', () => {
    const now = Date.parse('2026-12-03T12:00:00Z')
    expect(secondsUntilRetry({ 'retry-after': '7', ratelimit: '"10-in-1sec";r=0;t=1' }, now)).toBe(7)
    expect(secondsUntilRetry({ ratelimit: '"10-in-1sec";r=0;t=3' }, now)).toBe(3)
    expect(
      secondsUntilRetry(
        {
          ratelimit: ['"10-in-1sec";r=4;t=1', '"600-in-1min";r=0;t=42'],
          'ratelimit-policy': ['"10-in-1sec";q=10;w=1', '"600-in-1min";q=600;w=60'],
        },
        now,
      ),
    ).toBe(42)
    expect(secondsUntilRetry({ ratelimit: '"10-in-1sec";r=0;t=0' }, now)).toBe(1)
    expect(secondsUntilRetry({}, now)).toBe(60)
  })
})

describe('the Access API port with a certificate of its own (imhotep/hass-unifi-access#3)', () => {
  it('sends nothing there, and neither calls the token bad nor the console’s certificate changed', async () => {
    const sim = await startConsole('udm-pro', {
      apps: ['network', 'protect', 'access'],
      accessPort: 0,
      access: { ownCertificate: true },
    })
    const token = await createAccessToken(await ownerSession(sim), { name: 'ha-access', validityDays: 0 })
    const check = await checkAccess(sim, token.token)
    expect(check).toMatchObject({ status: 'failed', problem: 'unreachable' })
    expect(check.status === 'failed' && check.message).toContain('sent nothing')
    expect(check.status === 'failed' && check.nextStep).toContain('re-trusting the console does not change this')
  })
})

describe('Access errors inside a 200 envelope (§5.3 codes; py-unifi-access reads any code but SUCCESS as an error)', () => {
  it('an expired token is refused, a narrow one lacks permission, and a refused console key is not called an Access token', async () => {
    let now = Date.parse('2026-12-01T12:00:00Z')
    const sim = await startConsole(
      'udm-pro',
      { apps: ['network', 'protect', 'access'], accessPort: 0, access: { errorsAs200: true } },
      () => now,
    )
    const session = await ownerSession(sim, { now: () => now })
    const accessPort = sim.accessPort!
    const target = knownOf(sim)
    const narrow = await createAccessToken(session, { name: 'narrow', validityDays: 0, scopes: ['view:device'] })
    const dayLong = await createAccessToken(session, { name: 'day', validityDays: 1 }, now)
    expect(await verifyKey({ console: target, app: 'access', key: dayLong.token, accessPort })).toMatchObject({
      status: 'ok',
    })
    expect(await verifyKey({ console: target, app: 'access', key: narrow.token, accessPort })).toMatchObject({
      status: 'failed',
      problem: 'insufficient_permission',
    })
    now += 2 * 86_400_000
    expect(await verifyKey({ console: target, app: 'access', key: dayLong.token, accessPort })).toMatchObject({
      status: 'failed',
      problem: 'invalid_key',
    })
    // A Protect key the console does not hold: the Access port's 200 "invalid token" does not make it an Access token.
    expect(await verifyKey({ console: target, app: 'protect', key: 'z'.repeat(32), accessPort })).toMatchObject({
      status: 'failed',
      problem: 'invalid_key',
    })
  })
})

describe('a key whose owner has no rights in the app (§4.2), refused with 401 or 403 (§5.1)', () => {
  it.each([401, 403] as const)(
    'with %i: says the console knows the key and names the app it works for',
    async (status) => {
      const networkOnly = seedUuid('network-only')
      const sim = await startConsole('udm-pro', {
        protect: { cameras: 2 },
        integration: { noRightsStatus: status },
        accounts: [
          {
            id: seedUuid('udm-pro', 'admin'),
            username: 'admin',
            password: 'Passw0rd!owner',
            role: 'super_administrator',
            isOwner: true,
            localAccount: true,
          },
          {
            id: networkOnly,
            username: 'netadmin',
            password: 'Passw0rd!netadmin',
            role: 'viewer',
            isOwner: false,
            localAccount: true,
            permissions: { 'network.management': ['admin'] },
          },
        ],
      })
      const owner = await ownerSession(sim)
      const reply = await owner.call('POST', `/proxy/users/api/v2/user/${networkOnly}/keys`, { name: 'net-key' })
      const key = (reply.body as { data: { full_api_key: string } }).data.full_api_key
      expect(await verifyKey({ console: knownOf(sim), app: 'network', key })).toMatchObject({ status: 'ok' })
      const check = await verifyKey({ console: knownOf(sim), app: 'protect', key })
      expect(check).toMatchObject({ status: 'failed', problem: 'insufficient_permission' })
      expect(check.status === 'failed' && check.message).toContain('knows this key')
    },
  )
})

describe('the expiry an Access console states (§5.3: the unit of validity_period is [inferred])', () => {
  it('records the console’s expires_at, as ISO text or epoch seconds, over the one computed from days', async () => {
    const now = Date.parse('2026-12-01T12:00:00Z')
    for (const expiresAt of ['iso', 'epoch-seconds'] as const) {
      const sim = await startConsole(
        'udm-pro',
        { apps: ['network', 'protect', 'access'], accessPort: 0, access: { validityPeriodUnit: 'seconds', expiresAt } },
        () => now,
      )
      const token = await createAccessToken(await ownerSession(sim, { now: () => now }), {
        name: 'ha-access',
        validityDays: 365,
      })
      // The console read 365 as seconds: the token lives six minutes, and Keyward records that.
      expect(token.expiresAt).toBe('2026-12-01T12:06:05.000Z')
    }
  })

  it('reads epoch seconds, epoch milliseconds and ISO text; ignores what is none of them', () => {
    expect(consoleExpiry(1_796_126_400)).toBe('2026-12-01T12:00:00.000Z')
    expect(consoleExpiry('1796126400000')).toBe('2026-12-01T12:00:00.000Z')
    expect(consoleExpiry('2026-12-01T12:00:00Z')).toBe('2026-12-01T12:00:00.000Z')
    for (const junk of [null, undefined, '', 'soon', '1.5', -3, {}, 1e20]) expect(consoleExpiry(junk)).toBeNull()
  })
})
