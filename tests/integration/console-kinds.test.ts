// Every kind of console gets a true answer (issue 14 §4): UniFi OS Server on its
// own port and without /api/system, the retired self-hosted Network application,
// a console without local users ("Fabric"), and labels of nameless consoles.
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { probeAddresses, probeConsole } from '../../electron/core/console/probe.ts'
import { consoleCandidates, normalizeAddress } from '../../electron/core/net/address.ts'
import type { ConsoleProbe, ProvisionOutcome, ProvisionPlan, ProvisionRecord, UnifiApp } from '../../shared/domain.ts'
import { KeywardFailure, type Outcome } from '../../shared/result.ts'
import { sendError } from '../simulators/console/http.ts'
import { createConsoleConfig, OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { startConsoleSimulator } from '../simulators/console/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'

const core = makeCore()
afterAll(async () => {
  await core.close()
  core.dispose()
})

const at = (port: number) => normalizeAddress(`127.0.0.1:${port}`)
const keysOf = (text: string) => consoleCandidates(text).map((a) => a.key)

/** Probe and confirm the certificate, as the wizard does before it sends a password. */
async function checkAndTrust(address: string): Promise<ConsoleProbe> {
  const probe = (await core.invoke('console.probe', { address })) as Outcome<ConsoleProbe>
  if (!probe.ok) throw new Error(probe.error.message)
  await core.invoke('console.trust', { key: probe.value.address.key, sha256: probe.value.certificate.sha256 })
  return probe.value
}

const signIn = (key: string) =>
  core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD })

async function provision(key: string, app: UnifiApp, mode: ProvisionRecord['mode'], keyName: string) {
  const request = { key, app, mode, username: `keyward-${app}`, keyName }
  return (await core.invoke('provision.run', request)) as Outcome<ProvisionOutcome>
}

async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('UniFi OS Server (:11443, unifi-os.md §1)', () => {
  it('is tried when the user types a bare host, after 443 and before the Network app’s 8443', () => {
    expect(keysOf('uos.lan')).toEqual(['uos.lan:443', 'uos.lan:11443', 'uos.lan:8443'])
    expect(keysOf('https://[fd00::5]/manage')).toEqual(['[fd00::5]:443', '[fd00::5]:11443', '[fd00::5]:8443'])
    expect(keysOf('uos.lan:11443')).toEqual(['uos.lan:11443'])
  })

  it('is found on the next port when nothing listens; with all closed, the ports tried are named', async () => {
    const uos = await startConsole('uos-server')
    const closed = await closedPort()
    const found = await probeAddresses([at(closed), at(uos.port)])
    expect(found).toMatchObject({ kind: 'unifi-os', address: { port: uos.port } })
    const error = await probeAddresses([at(closed), at(closed)]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeywardFailure)
    expect((error as KeywardFailure).message).toMatch(
      /Nothing answers HTTPS at 127\.0\.0\.1 on ports \d+, \d+ .*UniFi OS Server 11443/,
    )
  })

  it('without /api/system it is still a console (nameless); with it, named', async () => {
    const bare = await startConsole('uos-server')
    const probe = await probeConsole(at(bare.port))
    expect(probe).toMatchObject({ kind: 'unifi-os', name: null, model: null, mac: null, apps: ['network'] })
    const named = await startConsole('uos-server', { apiSystem: 'served' })
    expect(await probeConsole(at(named.port))).toMatchObject({ name: 'UniFi OS Server', model: 'UOSSERVER' })
  })

  it('probe → sign-in → mint → verify a Network key, naming the console by its address once', async () => {
    const uos = await startConsole('uos-server')
    const address = `127.0.0.1:${uos.port}`
    await checkAndTrust(address)
    expect(await signIn(address)).toMatchObject({ ok: true, value: { state: 'signed-in' } })
    const plan = (await core.invoke('provision.plan', { key: address, app: 'network' })) as Outcome<ProvisionPlan>
    expect(plan.ok && plan.value.secretLocation).toContain(`${address} keeps only its own copy`)
    expect(plan.ok && plan.value.secretLocation).not.toContain('127.0.0.1 (127.0.0.1')
    const run = await provision(address, 'network', 'dedicated-user', 'ha-network')
    expect(run).toMatchObject({ ok: true, value: { failure: null, check: { status: 'ok', appVersion: '10.2.105' } } })
    expect([...uos.state.apiKeys.values()].map((k) => k.name)).toContain('ha-network')
    expect(core.keys.list().find((k) => k.name === 'ha-network')).toMatchObject({ status: 'ok', consoleKey: address })
    // An app it does not run is named, not given as an id.
    const wrongApp = await provision(address, 'protect', 'dedicated-user', 'x')
    const said = `${address} does not run UniFi Protect; pick the console that does.`
    expect(wrongApp).toMatchObject({ ok: false, error: { message: said } })
  })
})

describe('the self-hosted Network application (legacy, unifi-os.md §1)', () => {
  it('is named for what it is, with the options, and no login is ever sent to it', async () => {
    let posts = 0
    const legacy = await startConsoleSimulator(createConsoleConfig('legacy-network'), {
      host: '127.0.0.1',
      port: 0,
      routes: [
        {
          method: 'POST',
          path: /.*/,
          handler: ({ res }) => {
            posts++
            sendError(res, 404, 'Not Found')
          },
        },
      ],
    })
    try {
      const address = `127.0.0.1:${legacy.port}`
      expect(await checkAndTrust(address)).toMatchObject({ kind: 'legacy-network' })
      const refused = await signIn(address)
      expect(refused).toMatchObject({ ok: false, error: { code: 'unsupported' } })
      const message = refused.ok ? '' : refused.error.message
      expect(message).toMatch(/self-hosted UniFi Network application.*no local API keys/)
      expect(message).toMatch(/retiring it in favour of UniFi OS Server/)
      expect(message).toMatch(/username and password.*Site Manager API key/)
      expect(message).not.toMatch(/starting up|try again/i)
      const plan = await core.invoke('provision.plan', { key: address, app: 'network' })
      expect(plan).toMatchObject({ ok: false, error: { code: 'unsupported' } })
      expect(posts).toBe(0)
    } finally {
      await legacy.close()
    }
  })

  it('is recognised by any redirect status to /manage on the same host', async () => {
    for (const status of [302, 303, 307]) {
      const legacy = await startConsoleSimulator(createConsoleConfig('legacy-network'), {
        host: '127.0.0.1',
        port: 0,
        routes: [
          {
            method: 'GET',
            path: '/',
            handler: ({ res }) => {
              res.writeHead(status, { location: '/manage/account/login' }).end()
            },
          },
        ],
      })
      try {
        expect(await probeConsole(at(legacy.port))).toMatchObject({ kind: 'legacy-network' })
      } finally {
        await legacy.close()
      }
    }
  })
})

describe('a console without local users ("Fabric", unifi-os.md §3)', () => {
  it('says what it is and offers the fallback, which works', async () => {
    const se = await startConsole('udm-se', { localUserCreation: 'absent' })
    const address = `127.0.0.1:${se.port}`
    await checkAndTrust(address)
    await signIn(address)
    const refused = await provision(address, 'protect', 'dedicated-user', 'ha')
    const failure = refused.ok ? refused.value.failure : null
    expect(failure).toMatchObject({ step: 'user', fallbackAvailable: true })
    expect(failure!.message).toMatch(
      /does not allow new local users.*UniFi OS 5 consoles \("Fabric"\).*account you signed in with instead/,
    )
    expect(failure!.message).not.toMatch(/too old|too new/)
    const fallback = await provision(address, 'protect', 'signed-in-admin', 'ha')
    expect(fallback).toMatchObject({
      ok: true,
      value: { failure: null, check: { status: 'ok' }, record: { mode: 'signed-in-admin' } },
    })
  })
})
