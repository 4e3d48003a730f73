import { X509Certificate, createPrivateKey } from 'node:crypto'
import { request } from 'node:https'
import { connect, type TLSSocket } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { generateCertificate } from '../simulators/console/cert.ts'
import { createConsoleConfig, presets, type PresetName } from '../simulators/console/presets.ts'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  fingerprint256: string
}

// Loopback only; the certificate is self-signed, so verification is off (as in real clients).
function get(base: string, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method, rejectUnauthorized: false, agent: false }, (res) => {
      const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, fingerprint256 }))
    })
    req.on('error', reject)
    req.end()
  })
}

const running: RunningConsole[] = []
async function start(preset: PresetName, overrides = {}): Promise<RunningConsole> {
  const sim = await startConsoleSimulator(createConsoleConfig(preset, overrides), { host: '127.0.0.1', port: 0 })
  running.push(sim)
  return sim
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

describe('generateCertificate', () => {
  it('creates a P-256 self-signed cert with CN unifi.local and the fingerprint in Node format', async () => {
    const cert = await generateCertificate({ altNames: ['unifi.local', '10.73.0.11'] })
    const x509 = new X509Certificate(cert.certPem)
    expect(x509.subject).toBe('CN=unifi.local')
    expect(x509.issuer).toBe('CN=unifi.local')
    expect(x509.subjectAltName).toBe('DNS:unifi.local, IP Address:10.73.0.11')
    expect(x509.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    expect(x509.checkPrivateKey(createPrivateKey(cert.keyPem))).toBe(true)
    expect(cert.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(cert.sha256).toBe(x509.fingerprint256)
  })

  it('rejects names that could inject openssl arguments', async () => {
    await expect(generateCertificate({ commonName: 'a/O=evil' })).rejects.toThrow(/unsafe/)
  })
})

describe('presets', () => {
  it('have the documented identities', () => {
    expect(presets['udm-pro']).toMatchObject({
      model: 'UDMPRO',
      name: 'Dream Machine Pro',
      apps: ['network', 'protect'],
      kind: 'unifi-os',
      defaultPort: 443,
    })
    expect(presets.unvr).toMatchObject({ model: 'UNVR', name: 'NVR', apps: ['protect'], defaultPort: 443 })
    expect(presets['udm-se']).toMatchObject({ model: 'UDMPROSE', apps: ['network', 'protect'] })
    expect(presets['ckg2-plus']).toMatchObject({ model: 'UCKP', apps: ['network', 'protect'] })
    expect(presets['legacy-network']).toMatchObject({ kind: 'legacy-network', defaultPort: 8443 })
    for (const p of Object.values(presets)) {
      expect(p.mac).toMatch(/^[0-9A-F]{12}$/)
      expect(p.directConnectDomain).toMatch(/^[0-9a-f]+\.id\.ui\.direct$/)
    }
  })

  it('createConsoleConfig applies overrides and normalises the MAC', () => {
    const c = createConsoleConfig('unvr', { name: 'Garage NVR', mac: '70:a7:41:00:00:01' })
    expect(c).toMatchObject({ preset: 'unvr', name: 'Garage NVR', mac: '70A741000001', model: 'UNVR' })
    expect(c.directConnectDomain).not.toBe(presets.unvr.directConnectDomain)
    expect(() => createConsoleConfig('unvr', { mac: 'nope' })).toThrow(/invalid MAC/)
    c.apps.push('access')
    expect(presets.unvr.apps).toEqual(['protect']) // presets are not mutated
  })
})

describe('console simulator (unifi-os)', () => {
  it('reports the real ephemeral port and serves its generated certificate', async () => {
    const sim = await start('udm-pro')
    expect(sim.port).toBeGreaterThan(0)
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`)
    const r = await get(sim.url, '/')
    expect(r.fingerprint256).toBe(sim.sha256)
  })

  it('GET / → 200 html with a fresh x-csrf-token', async () => {
    const sim = await start('udm-pro')
    const a = await get(sim.url, '/')
    const b = await get(sim.url, '/')
    expect(a.status).toBe(200)
    expect(a.headers['content-type']).toMatch(/^text\/html/)
    expect(a.body).toContain('<html')
    expect(a.headers['x-csrf-token']).toMatch(/^[0-9a-f-]{36}$/)
    expect(b.headers['x-csrf-token']).not.toBe(a.headers['x-csrf-token'])
  })

  it('GET /api/system → identity JSON without auth', async () => {
    const sim = await start('udm-pro', { name: 'Home UDM', mac: '245A4C000001' })
    const r = await get(sim.url, '/api/system')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(r.body)).toEqual({
      hardware: { shortname: 'UDMPRO' },
      name: 'Home UDM',
      mac: '245A4C000001',
      directConnectDomain: sim.config.directConnectDomain,
      isSsoEnabled: true,
      isSingleUser: false,
    })
  })

  it.each([
    ['udm-pro', { network: 401, protect: 401, access: 404 }],
    ['unvr', { network: 404, protect: 401, access: 404 }],
    ['udm-se', { network: 401, protect: 401, access: 404 }],
    ['ckg2-plus', { network: 401, protect: 401, access: 404 }],
  ] as const)('%s: /proxy/<app>/api tells which apps are installed', async (preset, expected) => {
    const sim = await start(preset)
    for (const [app, status] of Object.entries(expected)) {
      const r = await get(sim.url, `/proxy/${app}/api`)
      expect(r.status, app).toBe(status)
      expect(JSON.parse(r.body)).toEqual({
        error: { code: status, message: status === 401 ? 'Unauthorized' : 'Not Found' },
      })
    }
  })

  it('anything else → 404 JSON', async () => {
    const sim = await start('unvr')
    for (const [path, method] of [
      ['/nope', 'GET'],
      ['/manage', 'GET'],
      ['/api/system', 'POST'],
      ['/proxy/talk/api', 'GET'],
    ]) {
      const r = await get(sim.url, path!, method)
      expect(r.status, `${method} ${path}`).toBe(404)
      expect(JSON.parse(r.body)).toEqual({ error: { code: 404, message: 'Not Found' } })
    }
  })
})

describe('console simulator (legacy-network)', () => {
  it('GET / → 302 /manage, /manage → 200 html, /api/system → 404', async () => {
    const sim = await start('legacy-network')
    const root = await get(sim.url, '/')
    expect(root.status).toBe(302)
    expect(root.headers.location).toBe('/manage')
    expect(root.headers['x-csrf-token']).toBeUndefined()
    const manage = await get(sim.url, '/manage')
    expect(manage.status).toBe(200)
    expect(manage.headers['content-type']).toMatch(/^text\/html/)
    expect((await get(sim.url, '/api/system')).status).toBe(404)
    expect((await get(sim.url, '/proxy/network/api')).status).toBe(404)
  })
})

describe('console simulator lifecycle', () => {
  it('two starts give different certificates', async () => {
    const [a, b] = await Promise.all([start('udm-pro'), start('udm-pro')])
    expect(a!.sha256).not.toBe(b!.sha256)
    expect((await get(a!.url, '/')).fingerprint256).toBe(a!.sha256)
    expect((await get(b!.url, '/')).fingerprint256).toBe(b!.sha256)
  })

  it('close() is prompt even with an idle keep-alive connection open, and idempotent', async () => {
    const sim = await startConsoleSimulator(createConsoleConfig('udm-pro'), { host: '127.0.0.1', port: 0 })
    const socket = connect({ host: '127.0.0.1', port: sim.port, rejectUnauthorized: false })
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject))
    const closed = new Promise((resolve) => socket.once('close', resolve))
    // close() resolves only once the idle keep-alive socket is gone (a close that waited for it would hang here).
    await Promise.all([sim.close(), sim.close()])
    await closed
    await expect(get(sim.url, '/')).rejects.toThrow(/ECONNREFUSED/)
  })
})
