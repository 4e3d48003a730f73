// The Home Assistant admin token goes only where the user sent it (issue 15;
// home-assistant.md §5 [inferred]: the token has no channel binding). Through the core's
// request API, on loopback: plain http connects with a warning; https needs the user's
// confirmation of the certificate before the token is sent, and a changed certificate is
// refused; after a network change a rogue server at the stored address gets no token and
// the HA says it is paused until "It's mine — continue"; a redirect to another port or
// scheme gets nothing; a spoofed mDNS announcement does not move the HA's target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HaSummary } from '../../shared/domain.ts'
import type { InventoryItem } from '../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../shared/result.ts'
import { startHomeAssistantSimulator, type RunningHomeAssistant } from '../simulators/home-assistant/server.ts'
import { createHaConfig, type HaSimConfig } from '../simulators/home-assistant/state.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { startRogueServer, type RogueServer } from '../simulators/home-assistant/rogue.ts'
import { startAnnouncer } from '../simulators/ha/announce.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { loopbackDiscovery } from '../support/loopback-mdns.ts'
import { agreeToSendPassword } from '../support/ha-consent.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

type TestCore = ReturnType<typeof makeCore>

const value = <T>(o: Outcome<unknown>): T => {
  if (!o.ok) throw new Error(`expected success, got ${JSON.stringify(o.error)}`)
  return o.value as T
}
const failure = (o: Outcome<unknown>): KeywardError => {
  if (o.ok) throw new Error(`expected a failure, got ${JSON.stringify(o.value).slice(0, 300)}`)
  return o.error
}

const cores: TestCore[] = []
const extra: { close(): Promise<void> }[] = []
let nvr: RunningConsole
let users = 0

beforeAll(async () => {
  nvr = await startConsole('unvr')
})
afterAll(async () => {
  await Promise.all(extra.splice(0).map((x) => x.close()))
  for (const core of cores.splice(0)) {
    await core.close()
    core.dispose()
  }
})

/** A core whose network attachment the test moves, with one Protect key made on the console. */
async function coreWithKey(net: { value: string }, options: Parameters<typeof makeCore>[0] = {}) {
  const core = makeCore({ networkSignature: () => net.value, ...options })
  cores.push(core)
  const made = await provisionedKey(core, nvr, { username: `kw-trust${++users}`, keyName: `trust ${users}` })
  expect(made.outcome.check?.status).toBe('ok')
  return { core, key: made.key }
}

// The simulated consoles answer on a random loopback port, and HA's API-key-only Protect setup always uses
// 443 (home-assistant.md §2.2): these pushes use full mode, with the user's consent given once per key and HA.
const agreed = new Set<string>()
async function push(core: TestCore, keyId: string, haId: string): Promise<Outcome<unknown>> {
  if (!agreed.has(`${keyId} ${haId}`)) {
    await agreeToSendPassword(core, keyId, haId)
    agreed.add(`${keyId} ${haId}`)
  }
  return (await core.invoke('ha.push', { keyId, haId, mode: 'full' })) as Outcome<unknown>
}

const statusOf = async (core: TestCore, id: string) =>
  value<HaSummary[]>(await core.invoke('ha.list', {})).find((h) => h.id === id)!.status
const authorized = (ha: RunningHomeAssistant) => ha.state.requests.filter((r) => r.auth !== 'none')

async function restartOn(port: number, overrides: Partial<HaSimConfig>): Promise<RunningHomeAssistant> {
  const ha = await startHomeAssistantSimulator(createHaConfig(overrides), { host: '127.0.0.1', port })
  extra.push(ha)
  return ha
}

describe('plain http', () => {
  it('connects, and the result and the list say plainly that it is unencrypted', async () => {
    const core = makeCore()
    cores.push(core)
    const ha = await startHomeAssistant()
    const connected = value<HaSummary>(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN }))
    expect(connected).toMatchObject({ unencrypted: true, certificateSha256: null })
    expect(connected.warning).toMatch(/plain http.*not encrypted.*access token and any key.*can be read/)
    expect(value<HaSummary[]>(await core.invoke('ha.list', {}))).toMatchObject([
      { id: connected.id, unencrypted: true },
    ])
  })
})

describe('https with a self-signed certificate', () => {
  it('asks the user to confirm the certificate first, sends no token before, refuses a changed one, and re-trusts it', async () => {
    const { core, key } = await coreWithKey({ value: 'eth0/192.0.2.10' })
    const ha = await startHomeAssistant({}, { https: true })

    const unconfirmed = failure(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN }))
    expect(unconfirmed).toMatchObject({ code: 'certificate-unconfirmed', certificate: { sha256: ha.sha256 } })
    expect(unconfirmed.message).toContain(ha.sha256!)
    expect(authorized(ha)).toEqual([])
    expect(ha.failedLogins).toBe(0)

    const connected = value<HaSummary>(
      await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN, sha256: ha.sha256! }),
    )
    expect(connected).toMatchObject({
      unencrypted: false,
      warning: null,
      certificateSha256: ha.sha256,
      identity: 'certificate',
      status: { state: 'ok' },
    })
    // REST and the WebSocket both run over the pin: the push drives a config flow over both.
    expect(value<{ outcome: string }>(await push(core, key.id, connected.id)).outcome).toBe('created')
    // Connecting again while the certificate is the same one needs no new confirmation.
    expect(value<HaSummary>(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN }))).toMatchObject({
      id: connected.id,
      certificateSha256: ha.sha256,
    })

    const first = ha.sha256!
    const second = await ha.replaceCertificate()
    expect(second).not.toBe(first)
    const seen = ha.state.requests.length
    const refused = failure(await push(core, key.id, connected.id))
    expect(refused.message).toMatch(
      /certificate of Home Assistant at https:\/\/127\.0\.0\.1:\d+ is not the one you confirmed, so Keyward sent nothing/,
    )
    expect(ha.state.requests.length).toBe(seen)
    expect(await statusOf(core, connected.id)).toMatchObject({ state: 'changed' })
    // The background checks do not send it either.
    await core.keys.checkNow()
    expect(ha.state.requests.length).toBe(seen)

    // Connecting again shows the new certificate instead of sending the token over it.
    const sent = authorized(ha).length
    expect(failure(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN }))).toMatchObject({
      code: 'certificate-changed',
      certificate: { sha256: second },
    })
    expect(authorized(ha).length).toBe(sent)

    // Re-trust: without a fingerprint the core shows the new certificate; with it, it pins it.
    expect(failure(await core.invoke('ha.continue', { id: connected.id }))).toMatchObject({
      code: 'certificate-changed',
      certificate: { sha256: second },
    })
    expect(value<HaSummary>(await core.invoke('ha.continue', { id: connected.id, sha256: second }))).toMatchObject({
      certificateSha256: second,
      status: { state: 'ok' },
    })
    expect(value<{ outcome: string }>(await push(core, key.id, connected.id)).outcome).toBe('reconfigured')
  })
})

describe('after a network change', () => {
  it('a rogue server at the stored address gets no token; the HA says it is paused until "It’s mine — continue"', async () => {
    const net = { value: 'eth0/192.0.2.10' }
    const { core, key } = await coreWithKey(net)
    const home = await startHomeAssistant() // discovery_info absent, no mDNS: nothing to recognise it by
    const connected = value<HaSummary>(await core.invoke('ha.connect', { url: home.url, token: ADMIN_TOKEN }))
    expect(connected.identity).toBe('none')
    value(await push(core, key.id, connected.id))
    expect((await core.keys.checkNow())[0]!.haHealth).toMatchObject({ signal: 'ok' })

    // The laptop moves to another network, where something else answers at the same address.
    await home.close()
    const rogue: RogueServer = await startRogueServer({ port: home.port })
    extra.push(rogue)
    net.value = 'wlan0/198.51.100.7'
    const health = (await core.keys.checkNow())[0]!.haHealth!
    expect(health.message).toMatch(/paused its checks.*cannot tell whether .* is still your Home Assistant/)
    expect(await statusOf(core, connected.id)).toMatchObject({ state: 'paused' })
    expect(rogue.credentialsSeen()).toEqual([])
    expect(rogue.requests.map((r) => r.path)).toEqual(['/api/discovery_info'])
    // Nothing more while paused: not the next sweep, not a push the user starts.
    await core.keys.checkNow()
    expect(failure(await push(core, key.id, connected.id)).message).toMatch(/It’s mine — continue/)
    expect(rogue.requests).toHaveLength(1)
    expect(rogue.credentialsSeen()).toEqual([])

    // Back home, the user vouches for it: the checks resume and reach HA with the token.
    await rogue.close()
    const again = await restartOn(home.port, {})
    expect(value<HaSummary>(await core.invoke('ha.continue', { id: connected.id }))).toMatchObject({
      status: { state: 'ok' },
    })
    await core.keys.checkNow()
    expect(authorized(again).length).toBeGreaterThan(0)
  })

  it('a different Home Assistant (another uuid) at the stored address gets no token, even when the user pushes', async () => {
    const net = { value: 'eth0/192.0.2.10' }
    const { core, key } = await coreWithKey(net)
    const home = await startHomeAssistant({ discoveryInfo: 'present', uuid: '0a1b2c3d4e5f60718293a4b5c6d7e8f9' })
    const connected = value<HaSummary>(await core.invoke('ha.connect', { url: home.url, token: ADMIN_TOKEN }))
    expect(connected.identity).toBe('uuid')
    value(await push(core, key.id, connected.id))

    await home.close()
    const other = await restartOn(home.port, { discoveryInfo: 'present', uuid: 'ffeeddccbbaa99887766554433221100' })
    net.value = 'wlan0/198.51.100.7'
    expect((await core.keys.checkNow())[0]!.haHealth!.message).toMatch(/A different Home Assistant answers/)
    expect(await statusOf(core, connected.id)).toMatchObject({ state: 'changed' })
    expect(failure(await push(core, key.id, connected.id)).message).toMatch(/A different Home Assistant answers/)
    expect(failure(await core.invoke('ha.continue', { id: connected.id })).message).toMatch(
      /connect to it again with a token made there/,
    )
    expect(authorized(other)).toEqual([])
    expect(other.failedLogins).toBe(0)
  })

  it('the same Home Assistant (same uuid) is recognised without the token, and the checks go on', async () => {
    const net = { value: 'eth0/192.0.2.10' }
    const { core, key } = await coreWithKey(net)
    const home = await startHomeAssistant({ discoveryInfo: 'present' })
    const connected = value<HaSummary>(await core.invoke('ha.connect', { url: home.url, token: ADMIN_TOKEN }))
    value(await push(core, key.id, connected.id))
    net.value = 'wlan0/198.51.100.7'
    expect((await core.keys.checkNow())[0]!.haHealth).toMatchObject({ signal: 'ok' })
    expect(await statusOf(core, connected.id)).toEqual({ state: 'ok' })
  })
})

describe('redirects', () => {
  it('a redirect to another port or scheme is refused, and the new location receives nothing', async () => {
    const core = makeCore()
    cores.push(core)
    const target = await startRogueServer()
    const secure = await startRogueServer({ https: true })
    extra.push(target, secure)
    for (const where of [`http://127.0.0.1:${target.port}/api/`, `https://127.0.0.1:${secure.port}/api/`]) {
      const redirector = await startRogueServer({
        reply: (req) => (req.url === '/api/' ? { status: 302, headers: { location: where } } : undefined),
      })
      extra.push(redirector)
      const refused = failure(await core.invoke('ha.connect', { url: redirector.url, token: ADMIN_TOKEN }))
      expect(refused).toMatchObject({ code: 'redirect-refused' })
      expect(refused.message).toMatch(/does not follow a redirect to another scheme or port and sent nothing there/)
    }
    expect(target.requests).toEqual([])
    expect(secure.requests).toEqual([])
  })
})

// ---- mDNS: loopback only (interface source lists just `lo`, private ports) -----------------------

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('a spoofed mDNS announcement', () => {
  it('does not move the Home Assistant target, is shown on its own card, and both are flagged', async () => {
    const { mdnsPort, discovery } = await loopbackDiscovery()
    const core = makeCore({ discovery })
    cores.push(core)
    const uuid = '5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e'
    const home = await startHomeAssistant({}, { host: '127.0.0.41' })
    const announcer = await startAnnouncer({
      port: mdnsPort,
      source: '127.0.0.41',
      instance: 'Home',
      uuid,
      url: home.url,
      servicePort: home.port,
    })
    extra.push(announcer)
    value(await core.invoke('discovery.start', { interfaces: ['lo'] }))
    const items = async () => value<InventoryItem[]>(await core.invoke('inventory.list', {}))
    const real = await until('the real announcement', async () => (await items()).find((i) => i.id === `ha:${uuid}`))
    expect(real.homeAssistant).toMatchObject({
      source: '127.0.0.41',
      connectUrl: home.url,
      urlIgnored: false,
      sameUuidElsewhere: [],
    })

    // Connecting binds the record to the uuid HA announced from its own address (no discovery_info here).
    const connected = value<HaSummary>(await core.invoke('ha.connect', { url: home.url, token: ADMIN_TOKEN }))
    expect(connected.identity).toBe('uuid')

    // A second announcer claims the same uuid from another address, naming a third host in its URL.
    const spoofer = await startAnnouncer({
      port: mdnsPort,
      source: '127.0.0.42',
      instance: 'Home',
      uuid,
      url: 'http://127.0.0.66:8123',
      servicePort: 8123,
    })
    extra.push(spoofer)
    const spoof = await until('the spoofed announcement', async () =>
      (await items()).find((i) => i.id === `ha:${uuid}@127.0.0.42`),
    )
    expect(spoof.homeAssistant).toMatchObject({
      source: '127.0.0.42',
      connectUrl: 'http://127.0.0.42:8123',
      urlIgnored: true,
      sameUuidElsewhere: ['127.0.0.41'],
    })
    const after = (await items()).find((i) => i.id === `ha:${uuid}`)!
    expect(after.homeAssistant).toMatchObject({
      source: '127.0.0.41',
      connectUrl: home.url,
      sameUuidElsewhere: ['127.0.0.42'],
    })

    // The second announcer's goodbye removes its own card only; the flag goes with it. (The real one
    // stays quiet meanwhile, so its card is still the one it made, not one announced again.)
    announcer.pause()
    await spoofer.goodbye()
    await until('the spoofed card to go', async () => !(await items()).some((i) => i.id === `ha:${uuid}@127.0.0.42`))
    expect((await items()).find((i) => i.id === `ha:${uuid}`)!.homeAssistant).toMatchObject({
      source: '127.0.0.41',
      connectUrl: home.url,
      sameUuidElsewhere: [],
    })
    value(await core.invoke('discovery.stop', {}))
  })
})
