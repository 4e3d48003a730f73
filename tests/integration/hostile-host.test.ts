// A hostile page is a normal day too (issue 14 §8). Any web page can reach the
// browser host's loopback port (an <img src="http://127.0.0.1:port/%E0%A4%A">
// needs no token): no request may take it down, and connections and event
// streams are capped. Also the smaller items of §8: the logger redacts at any
// depth and inside messages, and an empty or malformed pin is refused, never
// read as "no pin".
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server.ts'
import { createLogger, type Logger } from '../../electron/core/log.ts'
import { httpRequest } from '../../electron/core/net/http.ts'
import { httpsRequest } from '../../electron/core/net/https.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { generateCertificate } from '../simulators/console/cert.ts'
import { makeCore } from '../support/core.ts'

interface Reply {
  status: number
  body: string
}

interface Init {
  method?: string
  headers?: Record<string, string>
  body?: string
}

function call(port: number, path: string, init: Init = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false }
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

/** Writes a raw request (what http.request would refuse to send); the status line, or '' if the socket closes. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text))
    let got = ''
    socket.on('data', (d) => {
      got += d.toString('latin1')
    })
    socket.on('error', () => resolve(got))
    socket.on('close', () => resolve(got.split('\r\n')[0] ?? ''))
    socket.setTimeout(5000, () => socket.destroy())
  })
}

const rendererDir = mkdtempSync(join(tmpdir(), 'keyward-renderer-'))
mkdirSync(join(rendererDir, 'assets'))
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keyward</title>')

const core = makeCore()
const logged: string[] = []
const log: Logger = {
  info: () => {},
  warn: () => {},
  error: (message) => {
    logged.push(message)
  },
}
let host: BrowserHost
const invoke = (name: string, token = host.token) =>
  call(host.port, `/api/invoke/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-keyward-token': token },
    body: '{}',
  })
const stillServes = async (): Promise<void> => {
  const reply = await invoke('preferences.get')
  expect(reply.status).toBe(200)
  expect(JSON.parse(reply.body).ok).toBe(true)
}

beforeAll(async () => {
  host = await startBrowserHost({ core, rendererDir, log, maxConnections: 16, maxEventStreams: 2 })
})
afterAll(async () => {
  await host.close()
  core.dispose()
})

describe('the browser host under hostile requests', () => {
  it('survives malformed percent-encoding with and without a token, and answers 400', async () => {
    expect((await call(host.port, '/%E0%A4%A')).status).toBe(400)
    expect((await call(host.port, '/assets/%E0%A4%A.js')).status).toBe(400)
    const bad = await invoke('%E0%A4%A')
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'invalid-input' })
    // Without the token the guard answers first.
    expect((await invoke('%E0%A4%A', 'wrong')).status).toBe(401)
    await stillServes()
  })

  it('survives request targets that no URL parser accepts', async () => {
    const hostHeader = `Host: 127.0.0.1:${host.port}\r\n`
    const get = (target: string) => raw(host.port, `GET ${target} HTTP/1.1\r\n${hostHeader}Connection: close\r\n\r\n`)
    // Node's parser passes these on, and `new URL` throws on them: a synchronous throw in the handler.
    for (const target of ['http://[', 'http://%', '//[::1']) {
      expect(await get(target), target).toMatch(/^HTTP\/1\.1 400/)
    }
    // Node's parser refuses this one, or we answer 404: either way an answer, never a crash.
    for (const target of ['/\u00ff%zz', '*']) expect(await get(target), target).toMatch(/^HTTP\/1\.1 (400|404)/)
    await stillServes()
  })

  it('many parallel connections: beyond the cap they are dropped, and the host answers afterwards', async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 200 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(host.port, '127.0.0.1', () => resolve(s))
            s.on('error', () => resolve(s))
          }),
      ),
    )
    // And a burst of real requests at the same time: some are refused, none takes the host down.
    const burst = await Promise.allSettled(Array.from({ length: 100 }, () => call(host.port, '/')))
    expect(burst.length).toBe(100)
    for (const s of sockets) s.destroy()
    await new Promise((r) => setTimeout(r, 100))
    await stillServes()
    expect((await call(host.port, '/')).status).toBe(200)
  })

  it(`refuses event streams beyond the cap with 503`, async () => {
    const open = (): http.ClientRequest & { status: Promise<number> } => {
      const headers = { 'x-keyward-token': host.token }
      const req = http.get({ host: '127.0.0.1', port: host.port, path: '/api/events', headers, agent: false })
      const status = new Promise<number>((resolve) =>
        req.on('response', (res) => {
          res.resume()
          resolve(res.statusCode!)
        }),
      )
      req.on('error', () => {})
      return Object.assign(req, { status })
    }
    const first = open()
    const second = open()
    expect([await first.status, await second.status]).toEqual([200, 200])
    const third = open()
    expect(await third.status).toBe(503)
    first.destroy()
    // The host notices the closed stream on its own schedule: a new stream is accepted once it has.
    let again = open()
    for (let tries = 0; (await again.status) === 503 && tries < 300; tries++) {
      again.destroy()
      await new Promise((r) => setTimeout(r, 50))
      again = open()
    }
    expect(await again.status).toBe(200)
    second.destroy()
    again.destroy()
    await stillServes()
  })

  it('a request that throws inside the host answers 500, is logged, and the host carries on', async () => {
    const record = (): void => {
      throw new Error('recorder broke')
    }
    const fragile = await startBrowserHost({ core, rendererDir, log, record })
    try {
      const reply = await call(fragile.port, '/api/invoke/preferences.get', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-keyward-token': fragile.token },
        body: '{}',
      })
      expect(reply.status).toBe(500)
      expect(JSON.parse(reply.body).error.code).toBe('internal')
      expect(logged).toContain('browser host request failed')
      expect((await call(fragile.port, '/')).status).toBe(200)
    } finally {
      await fragile.close()
    }
  })
})

describe('the logger redacts at any depth and inside messages', () => {
  const SECRET = 'kw-api-key-0123456789abcdef'
  const lines: string[] = []
  const logger = createLogger(
    (line) => lines.push(line),
    (s) => s.includes(SECRET),
  )

  it('a known secret ten levels down (under an innocent key) is not written', () => {
    let nested: Record<string, unknown> = { note: SECRET, list: [SECRET] }
    for (let i = 0; i < 10; i++) nested = { level: nested }
    logger.info('deep', { nested })
    const line = lines.at(-1)!
    expect(line).not.toContain(SECRET)
    expect(line).toMatch(/\[nested too deep\]|\[redacted\]/)
    expect(() => JSON.parse(line)).not.toThrow()
  })

  it('a known secret inside the message is replaced, the other words kept', () => {
    logger.warn(`console refused key ${SECRET} twice`)
    logger.error(`glued:${SECRET}:end`)
    expect(lines.at(-2)).not.toContain(SECRET)
    expect(JSON.parse(lines.at(-2)!).message).toBe('console refused key [redacted] twice')
    expect(JSON.parse(lines.at(-1)!).message).toBe('[redacted]')
  })
})

describe('pins: empty or malformed is refused, never "no pin"', () => {
  let port: number
  let connections = 0
  const servers: https.Server[] = []
  beforeAll(async () => {
    const cert = await generateCertificate({ commonName: 'unifi.local', altNames: ['unifi.local'] })
    const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => res.end('{}'))
    server.on('connection', () => {
      connections++
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    servers.push(server)
    port = (server.address() as net.AddressInfo).port
  })
  afterAll(() => servers.forEach((s) => s.close()))

  const failure = async (p: Promise<unknown>): Promise<KeywardFailure> => {
    try {
      await p
    } catch (e) {
      if (e instanceof KeywardFailure) return e
      throw e
    }
    throw new Error('expected a failure')
  }

  it.each([
    ['empty', ''],
    ['blank', '  '],
    ['not hex', 'not-a-pin'],
    ['one colon', ':'],
  ])('%s pin', async (_n, pin) => {
    const before = connections
    const headers = { 'x-api-key': 'k' }
    const error = await failure(httpsRequest({ host: '127.0.0.1', port, path: '/', headers, pin }))
    expect(error.code).toBe('certificate-changed')
    expect(error.message).toMatch(/empty or malformed/)
    const viaHttp = await failure(httpRequest({ url: `https://127.0.0.1:${port}/`, tls: { pin } }))
    expect(viaHttp.message).toMatch(/empty or malformed/)
    // Refused before a connection was even opened.
    expect(connections).toBe(before)
  })
})
