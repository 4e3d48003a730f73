// The loopback bridge carries the same contract as Electron IPC, and nothing
// else: no token, wrong Host, foreign Origin, oversized or non-JSON bodies are
// refused with specific errors.
import http from 'node:http'
import { join } from 'node:path'
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server.ts'
import { startConsoleSimulator } from '../simulators/console/server.ts'
import { createConsoleConfig } from '../simulators/console/presets.ts'
import { makeCore } from '../support/core.ts'

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

function call(
  host: BrowserHost,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.port, path, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(init.body)
  })
}

const rendererDir = mkdtempSync(join(tmpdir(), 'keyward-renderer-'))
mkdirSync(join(rendererDir, 'assets'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keyward</title>')
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')

const core = makeCore()
let host: BrowserHost
const json = (token: string, body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-keyward-token': token } as Record<string, string>,
  body: JSON.stringify(body),
})

beforeAll(async () => {
  host = await startBrowserHost({ core, rendererDir })
})
afterAll(async () => {
  await host.close()
  core.dispose()
})

describe('browser host', () => {
  it('refuses to listen anywhere but loopback', async () => {
    for (const bind of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.10', 'localhost', 'example.com']) {
      await expect(startBrowserHost({ core, rendererDir, host: bind })).rejects.toThrow(/only listens on loopback/)
    }
  })

  it('hands out a per-run token in the URL fragment, different every run', async () => {
    const other = await startBrowserHost({ core, rendererDir })
    try {
      expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{40,}$/)
      expect(other.token).not.toBe(host.token)
    } finally {
      await other.close()
    }
  })

  it('serves the renderer with a strict CSP, and nothing outside it', async () => {
    const index = await call(host, '/')
    expect(index.status).toBe(200)
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/)
    expect((await call(host, '/assets/app.js')).headers['content-type']).toMatch(/javascript/)
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../etc/hostname']) {
      expect((await call(host, path)).status).toBe(404)
    }
  })

  it('answers requests carrying the token', async () => {
    const reply = await call(host, '/api/invoke/preferences.get', json(host.token, {}))
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body)).toEqual({
      ok: true,
      value: { clipboardClearSeconds: 30, checkIntervalMinutes: 15, startAtLogin: false, expiryLeadDays: 7 },
    })
  })

  it('refuses a missing or wrong token, a foreign Host or Origin', async () => {
    const noToken = await call(host, '/api/invoke/preferences.get', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(noToken.status).toBe(401)
    expect(JSON.parse(noToken.body).error.code).toBe('unauthorized')
    expect((await call(host, '/api/invoke/preferences.get', json(host.token.slice(1) + 'A', {}))).status).toBe(401)
    expect((await call(host, '/api/events', { headers: { 'x-keyward-token': 'nope' } })).status).toBe(401)

    const rebinding = json(host.token, {})
    rebinding.headers = { ...rebinding.headers, host: `attacker.example:${host.port}` }
    expect((await call(host, '/api/invoke/preferences.get', rebinding)).status).toBe(421)

    const foreign = json(host.token, {})
    foreign.headers = { ...foreign.headers, origin: 'http://evil.example' }
    expect((await call(host, '/api/invoke/preferences.get', foreign)).status).toBe(403)
  })

  it('gives specific errors for bodies that are too large, not JSON, or unknown requests', async () => {
    const big = await call(host, '/api/invoke/console.probe', json(host.token, { address: 'x'.repeat(200_000) }))
    expect(big.status).toBe(413)
    expect(JSON.parse(big.body).error.code).toBe('too-large')

    const notJson = await call(host, '/api/invoke/console.probe', { ...json(host.token, {}), body: '{address:' })
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body).error.message).toMatch(/not valid JSON/)

    const unknown = await call(host, '/api/invoke/keys.dump', json(host.token, {}))
    expect(JSON.parse(unknown.body).error.code).toBe('unknown-request')

    const invalid = await call(host, '/api/invoke/preferences.set', json(host.token, { checkIntervalMinutes: 'often' }))
    expect(JSON.parse(invalid.body).error.code).toBe('invalid-input')
  })

  it('probes a console and pushes the change as an event', async () => {
    const sim = await startConsoleSimulator(createConsoleConfig('udm-pro', { name: 'Rack UDM' }), {
      host: '127.0.0.1',
      port: 0,
    })
    const events: string[] = []
    const stream = http.get({
      host: '127.0.0.1',
      port: host.port,
      path: '/api/events',
      headers: { 'x-keyward-token': host.token },
    })
    const gotEvent = new Promise<void>((resolve) => {
      stream.on('response', (res) => {
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          events.push(chunk)
          if (chunk.includes('event: console.changed')) resolve()
        })
      })
    })
    try {
      const reply = await call(
        host,
        '/api/invoke/console.probe',
        json(host.token, { address: ` https://127.0.0.1:${sim.port}/protect ` }),
      )
      const outcome = JSON.parse(reply.body)
      expect(outcome.ok).toBe(true)
      expect(outcome.value).toMatchObject({
        kind: 'unifi-os',
        model: 'UDMPRO',
        name: 'Rack UDM',
        mac: sim.config.mac,
        trust: 'first-contact',
        certificate: { sha256: sim.sha256 },
      })
      await gotEvent
      expect(events.join('')).toContain(sim.config.mac)
    } finally {
      stream.destroy()
      await sim.close()
    }
  })
})
