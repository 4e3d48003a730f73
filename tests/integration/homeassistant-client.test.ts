// The HA client against the fake HA: a rejected token costs exactly one request
// (every rejected request is a "Login attempt failed" in HA and counts toward a
// ban), a non-admin token is recognised without a failed login, UniFi Access
// core vs HACS, UniFi Network needs no key, the plain-HTTP client's limits, and
// the simulator's CLI.
import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { HomeAssistantClient, onboardingState } from '../../electron/core/homeassistant/client.ts'
import { pushAccessToken, pushKey, pushProtectKey } from '../../electron/core/homeassistant/flows.ts'
import { readHealth } from '../../electron/core/homeassistant/health.ts'
import { HomeAssistantFailure, type HaConsoleRef } from '../../electron/core/homeassistant/types.ts'
import { createAccessToken, revokeAccessToken } from '../../electron/core/unifi/access.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { httpRequest } from '../../electron/core/net/http.ts'
import { KeywardFailure } from '../../shared/result.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { ADMIN_TOKEN, flowRequests, startHomeAssistant, USER_TOKEN } from '../simulators/home-assistant/testing.ts'
import { ownerSession, startConsole } from '../support/consoles.ts'

async function failureOf(promise: Promise<unknown>): Promise<KeywardFailure> {
  try {
    await promise
  } catch (error) {
    if (error instanceof KeywardFailure) return error
    throw error
  }
  throw new Error('expected a failure')
}

const refOf = (sim: RunningConsole, host = '127.0.0.1'): HaConsoleRef => ({
  key: `${host}:${sim.port}`,
  host,
  port: sim.port,
  mac: sim.config.mac,
  name: sim.config.name,
})

describe('tokens', () => {
  it('a rejected token makes exactly one request, then nothing more is sent', async () => {
    const ha = await startHomeAssistant()
    const error = await failureOf(HomeAssistantClient.connect({ url: ha.url, token: 'revoked.token.value-1234567890' }))
    expect(error).toBeInstanceOf(HomeAssistantFailure)
    expect(error).toMatchObject({ code: 'invalid-credentials', problem: 'token_rejected' })
    expect(error.message).toMatch(/stopped after this one attempt.*Login attempt failed/)
    expect(ha.state.requests).toEqual([{ method: 'GET', path: '/api/', status: 401, auth: 'invalid' }])
    expect(ha.failedLogins).toBe(1)
    expect(ha.state.notifications.map((n) => n.title)).toEqual(['Login attempt failed'])

    // A client whose token is refused mid-way stops too: later calls never reach HA.
    const client = new HomeAssistantClient({ url: ha.url, token: 'revoked.token.value-1234567890' })
    await failureOf(client.request('GET', '/api/config'))
    const again = await failureOf(client.request('GET', '/api/config/config_entries/entry?domain=unifiprotect'))
    expect(again).toMatchObject({ problem: 'token_rejected' })
    await failureOf(client.socket())
    expect(ha.state.requests).toHaveLength(2)
    expect(client.requestsSent).toBe(1)
  })

  it('reads the 401 with the newer WWW-Authenticate header the same way', async () => {
    const ha = await startHomeAssistant({ wwwAuthenticate: true })
    const error = await failureOf(HomeAssistantClient.connect({ url: ha.url, token: 'wrong-token-but-long-enough' }))
    expect(error).toMatchObject({ problem: 'token_rejected' })
    expect(ha.state.requests).toHaveLength(1)
  })

  it('recognises a non-admin token over the WebSocket API, explains it, and never makes a failed login', async () => {
    const ha = await startHomeAssistant()
    const client = await HomeAssistantClient.connect({ url: ha.url, token: USER_TOKEN })
    expect(client.info).toMatchObject({ isAdmin: false, version: '2026.9.1', locationName: 'Home' })
    expect(client.info!.adminProblem).toMatch(/not an administrator.*Long-lived access tokens/)
    const error = await failureOf(
      pushProtectKey(client, {
        console: { key: 'x:443', host: '192.0.2.10', port: 443 },
        apiKey: 'a-key-that-is-never-sent',
      }),
    )
    expect(error).toMatchObject({ code: 'forbidden', problem: 'not_admin' })
    expect(flowRequests(ha)).toEqual([])
    expect(ha.failedLogins).toBe(0)
    client.close()
  })

  it('a non-admin 401 on a flow endpoint (admin status unknown) is explained and stops the client', async () => {
    const ha = await startHomeAssistant()
    const client = new HomeAssistantClient({ url: ha.url, token: USER_TOKEN })
    await client.request('GET', '/api/')
    const error = await failureOf(
      client.request('POST', '/api/config/config_entries/flow', { handler: 'unifiprotect' }),
    )
    expect(error).toMatchObject({ code: 'forbidden', problem: 'not_admin' })
    await failureOf(client.request('GET', '/api/'))
    expect(ha.state.requests).toHaveLength(2)
  })

  it('explains a ban (403 after failed logins, ip_ban_enabled)', async () => {
    const ha = await startHomeAssistant({ loginAttemptsThreshold: 1 })
    await failureOf(HomeAssistantClient.connect({ url: ha.url, token: 'wrong-token-but-long-enough' }))
    const banned = await failureOf(HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN }))
    expect(banned).toMatchObject({ code: 'forbidden', problem: 'banned' })
    expect(banned.message).toMatch(/ip_bans\.yaml/)
  })

  it('reports onboarding without a token and without counting a failed login', async () => {
    const fresh = await startHomeAssistant({ onboarded: false })
    expect(await onboardingState(fresh.url)).toBe('pending')
    const done = await startHomeAssistant()
    expect(await onboardingState(`${new URL(done.url).host}/lovelace/0`)).toBe('done')
    expect(fresh.failedLogins + done.failedLogins).toBe(0)
  })
})

describe('UniFi Access (core vs HACS) and UniFi Network', () => {
  async function accessConsole() {
    const sim = await startConsole('udm-pro', { apps: ['network', 'protect', 'access'], accessPort: 0 })
    const session = await ownerSession(sim)
    const minted = await createAccessToken(session, { name: 'home-assistant', validityDays: 0 })
    const consoleKey = (await mintKey(session, 'protect-key')).key
    // HA reaches Access on :12445 and Protect on :443 of the same host (§3).
    const resolve = { '127.0.0.1:12445': `127.0.0.1:${sim.accessPort}`, '127.0.0.1:443': `127.0.0.1:${sim.port}` }
    return { sim, session, token: minted.token, tokenId: minted.id, consoleKey, resolve }
  }

  it('core integration: fields host/api_token/verify_ssl; a console key is recognised as the wrong kind; a second push reconfigures', async () => {
    const { sim, token, consoleKey, resolve } = await accessConsole()
    const ha = await startHomeAssistant({ access: 'core', resolve })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })

    const wrongKind = await failureOf(pushAccessToken(client, { console: refOf(sim), token: consoleKey }))
    expect(wrongKind).toMatchObject({
      problem: 'token_wrong_type',
      detail: 'unifi_access form error base=protect_api_key',
    })
    expect(wrongKind.message).toMatch(/not a UniFi Access token.*Access → Settings → Advanced → API Token/)

    const created = await pushAccessToken(client, { console: refOf(sim), token })
    expect(created).toMatchObject({
      outcome: 'created',
      domain: 'unifi_access',
      accessVariant: 'core',
      entryState: 'loaded',
    })
    expect(ha.entries('unifi_access')[0]!.data).toEqual({ host: '127.0.0.1', api_token: token, verify_ssl: false })

    const again = await pushAccessToken(client, { console: refOf(sim), token })
    expect(again).toMatchObject({ outcome: 'reconfigured', accessVariant: 'core' })
    expect(ha.entries('unifi_access')).toHaveLength(1)
    client.close()
  })

  it('core integration: a revoked token → setup_error + reauth → the next token finishes reauth_confirm', async () => {
    const { sim, session, token, tokenId, resolve } = await accessConsole()
    const ha = await startHomeAssistant({ access: 'core', resolve })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const created = await pushAccessToken(client, { console: refOf(sim), token })
    await revokeAccessToken(session, tokenId!)
    await ha.refresh()
    const health = await readHealth(client, 'unifi_access', [refOf(sim)])
    expect(health.consoles[0]).toMatchObject({
      entryId: created.entryId,
      signal: 'key_rejected',
      keyProblem: true,
      repairIssueId: `homeassistant/config_entry_reauth_unifi_access_${created.entryId}`,
    })
    const next = (await createAccessToken(session, { name: 'home-assistant-2', validityDays: 0 })).token
    expect(await pushAccessToken(client, { console: refOf(sim), token: next })).toMatchObject({
      outcome: 'reauthenticated',
      entryState: 'loaded',
    })
    expect(ha.entries('unifi_access')[0]!.data.api_token).toBe(next)
    client.close()
  })

  it('HACS integration: same names plus use_polling; invalid_api_key is explained; it cannot be reconfigured from outside', async () => {
    const { sim, token, consoleKey, resolve } = await accessConsole()
    const ha = await startHomeAssistant({ access: 'custom', resolve })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })

    const wrongKind = await failureOf(pushAccessToken(client, { console: refOf(sim), token: consoleKey }))
    expect(wrongKind).toMatchObject({
      problem: 'token_wrong_type',
      detail: 'unifi_access form error base=invalid_api_key',
    })

    const created = await pushAccessToken(client, { console: refOf(sim), token })
    expect(created).toMatchObject({ outcome: 'created', accessVariant: 'custom', entryState: 'loaded' })
    expect(ha.entries('unifi_access')[0]!.data).toEqual({
      host: '127.0.0.1',
      api_token: token,
      verify_ssl: false,
      use_polling: false,
    })

    const again = await failureOf(pushAccessToken(client, { console: refOf(sim), token }))
    expect(again).toMatchObject({ problem: 'needs_ui' })
    expect(again.message).toMatch(/cannot be reconfigured from outside/)
    expect(ha.state.flows.size).toBe(0)
    client.close()
  })

  it('no Access integration at all', async () => {
    const ha = await startHomeAssistant({ access: 'none' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const error = await failureOf(
      pushAccessToken(client, { console: { key: 'a:443', host: '192.0.2.1', port: 443 }, token: 'some-access-token' }),
    )
    expect(error).toMatchObject({ code: 'not-found', problem: 'integration_missing' })
    client.close()
  })

  it('UniFi Network in an HA without API-key mode: "not applicable", the key never reaches HA', async () => {
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const apiKey = 'network-key-that-must-stay-here'
    const sites = [{ id: '3f2a1c5e-1111-4222-8333-444455556666', internalReference: 'default', name: 'Default' }]
    const result = await pushKey(client, {
      app: 'network',
      console: { key: 'udm:443', host: '192.0.2.1', port: 443, name: 'UDM' },
      apiKey,
      sites,
    })
    expect(result).toMatchObject({ outcome: 'not-applicable', domain: 'unifi', entryId: null })
    expect(result.message).toMatch(/username and password.*2026\.10 or later.*Nothing was sent/)
    // Only the probe: one flow opened and deleted; no step was ever submitted to it.
    expect(flowRequests(ha).map((r) => r.method)).toEqual(['POST', 'DELETE'])
    expect(ha.state.flows.size).toBe(0)
    expect(ha.entries('unifi')).toHaveLength(0)
    client.close()
  })

  it('health says "no entry" for a console HA does not have', async () => {
    const ha = await startHomeAssistant()
    const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
    const report = await readHealth(client, 'unifiprotect', [
      { key: 'n:443', host: '192.0.2.5', port: 443, name: 'NVR' },
    ])
    expect(report.consoles[0]).toMatchObject({ signal: 'no_entry', keyProblem: false, entryId: null })
    expect(report.sawReauths).toBe(true)
    client.close()
  })
})

describe('HTTP client limits', () => {
  const servers: http.Server[] = []
  afterAll(() => servers.forEach((s) => s.close()))
  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    servers.push(server)
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('refuses a redirect to another host, follows one on the same host', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/away') res.writeHead(302, { location: 'http://192.0.2.1:8123/api/' }).end()
      else if (req.url === '/here') res.writeHead(301, { location: '/api/' }).end()
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"API running."}')
    })
    const away = await failureOf(httpRequest({ url: `${base}/away`, redirects: 'same-host' }))
    expect(away).toMatchObject({ code: 'redirect-refused' })
    const here = await httpRequest({ url: `${base}/here`, redirects: 'same-host' })
    expect(here).toMatchObject({ status: 200, url: `${base}/api/` })
    expect((await httpRequest({ url: `${base}/here` })).status).toBe(301)
  })

  it('refuses a redirect on the same host that changes the scheme or the port (issue 15)', async () => {
    const base = await serve((req, res) => {
      const port = req.socket.localPort ?? 0
      if (req.url === '/upgrade') res.writeHead(301, { location: `https://127.0.0.1:${port}/api/` }).end()
      else if (req.url === '/port') res.writeHead(307, { location: `http://127.0.0.1:${port + 1}/api/` }).end()
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"API running."}')
    })
    for (const path of ['/upgrade', '/port']) {
      const refused = await failureOf(
        httpRequest({ url: `${base}${path}`, headers: { authorization: 'Bearer x' }, redirects: 'same-host' }),
      )
      expect(refused).toMatchObject({
        code: 'redirect-refused',
        message: expect.stringMatching(/another scheme or port and sent nothing there/),
      })
    }
  })

  it('caps the body size and enforces the deadline', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/big') res.end(Buffer.alloc(64 * 1024, 'a'))
      // '/slow' never answers
    })
    expect(await failureOf(httpRequest({ url: `${base}/big`, maxBytes: 1024 }))).toMatchObject({ code: 'too-large' })
    expect(await failureOf(httpRequest({ url: `${base}/slow`, timeoutMs: 200 }))).toMatchObject({ code: 'timeout' })
  })
})

describe('simulator CLI', () => {
  it('prints one ready line and serves the API', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'tests/simulators/home-assistant/main.ts', '--port', '0', '--version', '2026.8.x'],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve)
        child.once('exit', (code) => reject(new Error(`exited ${code}`)))
      })
      const ready = JSON.parse(line) as { ready: boolean; url: string; haVersion: string; adminToken: string }
      expect(ready).toMatchObject({ ready: true, haVersion: '2026.8.3' })
      const client = await HomeAssistantClient.connect({ url: ready.url, token: ready.adminToken })
      expect(client.info).toMatchObject({ version: '2026.8.3', isAdmin: true })
      client.close()
    } finally {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  })
})
