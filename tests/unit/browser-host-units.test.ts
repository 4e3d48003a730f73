// The browser host's units (guard.ts, event-streams.ts, router.ts) on a loopback server of their
// own, with a stand-in core: what a page (ours or a hostile one) gets back.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventStreams } from '../../electron/browser-host/event-streams.ts'
import { ApiGuard } from '../../electron/browser-host/guard.ts'
import { handle, type Routes } from '../../electron/browser-host/router.ts'
import type { Logger } from '../../electron/core/log.ts'

const TOKEN = 'test-token-0123456789'

describe('ApiGuard', () => {
  const guard = new ApiGuard(TOKEN, '127.0.0.1:4000')
  const ok = { host: '127.0.0.1:4000', 'x-keyward-token': TOKEN }

  it('lets our own page through, with or without an Origin', () => {
    expect(guard.check(ok)).toBeNull()
    expect(guard.check({ ...ok, origin: 'http://127.0.0.1:4000' })).toBeNull()
  })

  it.each([
    ['a rebound DNS name', { ...ok, host: 'evil.example:4000' }, 421],
    ['another origin', { ...ok, origin: 'http://evil.example' }, 403],
    ['no token', { host: ok.host }, 401],
    ['a wrong token of the same length', { ...ok, 'x-keyward-token': 'x'.repeat(TOKEN.length) }, 401],
    ['a prefix of the token', { ...ok, 'x-keyward-token': TOKEN.slice(0, 5) }, 401],
  ] as const)('refuses %s', (_name, headers, status) => {
    const refusal = guard.check(headers)
    expect(refusal?.status).toBe(status)
    expect(refusal?.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })
})

describe('router, guard and event streams together', () => {
  const errors: string[] = []
  const log: Logger = { info: () => undefined, warn: () => undefined, error: (message) => void errors.push(message) }
  let server: http.Server
  let base: string
  let dir: string
  let streams: EventStreams

  beforeAll(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'keyward-host-units-')))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Keyward</title>')
    streams = new EventStreams(1)
    server = http.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    base = `http://127.0.0.1:${port}`
    const core: Routes['core'] = {
      invoke: (name: string, input: unknown) => {
        if (name === 'boom') return Promise.reject(new Error('core broke'))
        return Promise.resolve({ ok: true, value: { name, input } })
      },
    } as unknown as Routes['core']
    const routes: Routes = {
      core,
      guard: new ApiGuard(TOKEN, `127.0.0.1:${port}`),
      streams,
      rendererDir: dir,
      maxBody: 1024,
      log,
    }
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => handle(routes, req, res))
  })
  afterAll(async () => {
    streams.endAll()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  const call = (name: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/invoke/${name}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-keyward-token': TOKEN, ...headers },
    })

  it('carries a request to the core and its outcome back', async () => {
    const res = await call('app.version', '{"a":1}')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, value: { name: 'app.version', input: { a: 1 } } })
  })

  it('refuses a request without the token before the core sees it', async () => {
    const res = await fetch(`${base}/api/invoke/app.version`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(401)
  })

  it('answers bad input in plain words: not JSON, too large, broken percent-encoding', async () => {
    expect((await call('x', '{')).status).toBe(400)
    expect((await call('x', JSON.stringify({ pad: 'y'.repeat(2000) }))).status).toBe(413)
    expect((await call('%E0%A4%A', '{}')).status).toBe(400)
  })

  it('answers 500 and logs when the core throws, and keeps serving', async () => {
    const res = await call('boom', '{}')
    expect(res.status).toBe(500)
    expect(errors).toContain('browser host request failed')
    expect((await call('app.version', '{}')).status).toBe(200)
  })

  it('serves the renderer, and nothing outside it', async () => {
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toBeTruthy()
    expect(await page.text()).toContain('<title>Keyward</title>')
    expect((await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`)).status).toBeGreaterThanOrEqual(400)
  })

  it('opens event streams up to the cap, then answers 503 with retry-after, and frees the place when a tab goes', async () => {
    const first = new AbortController()
    const open = await fetch(`${base}/api/events`, { headers: { 'x-keyward-token': TOKEN }, signal: first.signal })
    expect(open.status).toBe(200)
    const reader = open.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected')
    const over = await fetch(`${base}/api/events`, { headers: { 'x-keyward-token': TOKEN } })
    expect(over.status).toBe(503)
    expect(over.headers.get('retry-after')).toBe('5')
    streams.broadcast('event: ping\ndata: {}\n\n')
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: ping')
    first.abort()
    await expect.poll(() => streams.size, { timeout: 10_000 }).toBe(0)
    const again = await fetch(`${base}/api/events`, {
      headers: { 'x-keyward-token': TOKEN },
      signal: AbortSignal.timeout(20_000),
    })
    expect(again.status).toBe(200)
    await again.body?.cancel()
  })
})
