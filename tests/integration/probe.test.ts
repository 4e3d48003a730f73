// The core's console probe against real HTTPS servers on loopback: the
// simulator for the happy paths, small hostile servers for the failure modes.
import https from 'node:https'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeConsole } from '../../electron/core/console/probe.ts'
import { httpsRequest } from '../../electron/core/net/https.ts'
import { normalizeAddress } from '../../electron/core/net/address.ts'
import type { ConsoleRecord } from '../../shared/domain.ts'
import { KeywardFailure, type Outcome } from '../../shared/result.ts'
import { generateCertificate } from '../simulators/console/cert.ts'
import { startConsoleSimulator } from '../simulators/console/server.ts'
import { createConsoleConfig } from '../simulators/console/presets.ts'
import { makeCore } from '../support/core.ts'

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void
let cert: Awaited<ReturnType<typeof generateCertificate>>
const servers: { close(): void }[] = []

async function hostile(handler: Handler): Promise<number> {
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  servers.push({ close: () => server.close() })
  server.on('connection', (s) => servers.push({ close: () => s.destroy() }))
  return (server.address() as AddressInfo).port
}

async function failure(promise: Promise<unknown>): Promise<KeywardFailure> {
  try {
    await promise
  } catch (error) {
    if (error instanceof KeywardFailure) return error
    throw error
  }
  throw new Error('expected a failure')
}

const at = (port: number) => normalizeAddress(`127.0.0.1:${port}`)

beforeAll(async () => {
  cert = await generateCertificate({ commonName: 'unifi.local', altNames: ['unifi.local'] })
})
afterAll(() => servers.forEach((s) => s.close()))

describe('probeConsole', () => {
  it('identifies a UniFi OS console and its certificate', async () => {
    const sim = await startConsoleSimulator(createConsoleConfig('unvr'), { host: '127.0.0.1', port: 0 })
    try {
      const probe = await probeConsole(at(sim.port))
      expect(probe).toMatchObject({ kind: 'unifi-os', model: 'UNVR', name: sim.config.name, mac: sim.config.mac })
      expect(probe.directConnectDomain).toBe(sim.config.directConnectDomain)
      expect(probe.certificate.sha256).toBe(sim.sha256)
      expect(probe.certificate.selfSigned).toBe(true)
      expect(probe.certificate.subject).toContain('unifi.local')
    } finally {
      await sim.close()
    }
  })

  it('recognises the legacy self-hosted Network application (302 → /manage)', async () => {
    const sim = await startConsoleSimulator(createConsoleConfig('legacy-network'), { host: '127.0.0.1', port: 0 })
    try {
      const probe = await probeConsole(at(sim.port))
      expect(probe.kind).toBe('legacy-network')
      expect(probe.model).toBeNull()
    } finally {
      await sim.close()
    }
  })

  it('says a plain web server is not a UniFi OS console', async () => {
    const port = await hostile((_req, res) => res.end('<html>router login</html>'))
    const error = await failure(probeConsole(at(port)))
    expect(error.code).toBe('not-unifi-os')
    expect(error.message).toMatch(/without a CSRF token/)
  })

  it('does not mistake a redirect to another host for a legacy controller', async () => {
    const port = await hostile((_req, res) => res.writeHead(302, { location: 'https://evil.example/manage' }).end())
    const error = await failure(probeConsole(at(port)))
    expect(error.code).toBe('not-unifi-os')
    expect(error.message).toMatch(/redirects to https:\/\/evil\.example\/manage/)
  })

  it('explains a console that serves a web page instead of JSON (still booting)', async () => {
    const port = await hostile((req, res) => {
      if (req.url === '/') return res.writeHead(200, { 'x-csrf-token': 'abc' }).end('<html></html>')
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>UniFi OS is starting…</html>')
    })
    const error = await failure(probeConsole(at(port)))
    expect(error.code).toBe('bad-reply')
    expect(error.message).toMatch(/starting up/)
  })

  it('refuses a reply larger than its limit instead of buffering it', async () => {
    const port = await hostile((req, res) => {
      if (req.url === '/') return res.writeHead(200, { 'x-csrf-token': 'abc' }).end()
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(64 * 1024, 32)
      const pump = () => {
        while (res.write(chunk)) {
          /* keep writing until back-pressure */
        }
      }
      res.on('drain', pump)
      pump()
    })
    const error = await failure(probeConsole(at(port)))
    expect(error.code).toBe('too-large')
  })

  it('gives up on a host that accepts TCP but never answers, at its deadline', async () => {
    const silent = net.createServer(() => {})
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    servers.push({ close: () => silent.close() })
    silent.on('connection', (s) => servers.push({ close: () => s.destroy() }))
    const error = await failure(probeConsole(at((silent.address() as AddressInfo).port), { timeoutMs: 400 }))
    expect(error.code).toBe('timeout') // the deadline fired; a hang would fail the test by its own timeout
  })

  it('reports a closed port as unreachable and a non-TLS port as a TLS problem', async () => {
    const closed = net.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    expect((await failure(probeConsole(at(port)))).code).toBe('unreachable')

    const plain = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r))
    servers.push({ close: () => plain.close() })
    expect((await failure(probeConsole(at((plain.address() as AddressInfo).port)))).code).toBe('tls')
  })

  it('sends nothing to a host whose certificate does not match the pin', async () => {
    const seen: string[] = []
    const port = await hostile((req, res) => {
      seen.push(String(req.headers['x-api-key']))
      res.end('{}')
    })
    const error = await failure(
      httpsRequest({ host: '127.0.0.1', port, path: '/', headers: { 'x-api-key': 'secret-key' }, pin: 'AA:BB' }),
    )
    expect(error.code).toBe('certificate-changed')
    expect(seen).toEqual([])
    // The same call with the right pin goes through.
    await httpsRequest({ host: '127.0.0.1', port, path: '/', headers: { 'x-api-key': 'k' }, pin: cert.sha256 })
    expect(seen).toEqual(['k'])
  })
})

describe('trust on first use in the core', () => {
  const core = makeCore()
  afterAll(() => core.dispose())

  it('remembers the fingerprint, matches it later and flags a changed certificate without overwriting it', async () => {
    const config = createConsoleConfig('udm-pro')
    const first = await startConsoleSimulator(config, { host: '127.0.0.1', port: 0 })
    const address = `127.0.0.1:${first.port}`
    const a = await core.invoke('console.probe', { address })
    const b = await core.invoke('console.probe', { address: `https://${address}/` })
    // The user confirms it (the wizard's trust step); only a confirmed certificate can "change".
    expect(await core.invoke('console.trust', { key: address, sha256: first.sha256 })).toMatchObject({
      ok: true,
      value: { confirmed: true },
    })
    await first.close()
    expect(a).toMatchObject({ ok: true, value: { trust: 'first-contact' } })
    expect(b).toMatchObject({ ok: true, value: { trust: 'matches' } })

    // Same address, new certificate (a fresh one is generated per start).
    const second = await startConsoleSimulator(config, { host: '127.0.0.1', port: first.port })
    try {
      const c = await core.invoke('console.probe', { address })
      expect(c).toMatchObject({ ok: true, value: { trust: 'changed', certificate: { sha256: second.sha256 } } })
      const list = (await core.invoke('console.list', {})) as Outcome<ConsoleRecord[]>
      expect(list.ok && list.value[0]?.certificateSha256).toBe(first.sha256)

      // Re-trusting needs the fingerprint presented now; an old one is refused.
      const stale = await core.invoke('console.trust', { key: address, sha256: first.sha256 })
      expect(stale).toMatchObject({ ok: false, error: { code: 'certificate-changed' } })
      const fresh = await core.invoke('console.trust', { key: address, sha256: second.sha256 })
      expect(fresh).toMatchObject({ ok: true, value: { certificateSha256: second.sha256 } })
      expect(await core.invoke('console.probe', { address })).toMatchObject({ ok: true, value: { trust: 'matches' } })
    } finally {
      await second.close()
    }
  })

  it('treats a certificate never confirmed as first contact again when it is replaced (issue 14 §3)', async () => {
    const config = createConsoleConfig('unvr')
    const first = await startConsoleSimulator(config, { host: '127.0.0.1', port: 0 })
    const address = `127.0.0.1:${first.port}`
    expect(await core.invoke('console.probe', { address })).toMatchObject({
      ok: true,
      value: { trust: 'first-contact' },
    })
    await first.close()
    const second = await startConsoleSimulator(config, { host: '127.0.0.1', port: first.port })
    try {
      expect(await core.invoke('console.probe', { address })).toMatchObject({
        ok: true,
        value: { trust: 'first-contact', certificate: { sha256: second.sha256 } },
      })
      const list = (await core.invoke('console.list', {})) as Outcome<ConsoleRecord[]>
      expect(list.ok && list.value.find((c) => c.key === address)).toMatchObject({
        certificateSha256: second.sha256,
        confirmed: false,
      })
    } finally {
      await second.close()
    }
  })
})
