// The browser host: the same core, carried over loopback HTTP instead of
// Electron IPC, so the real UI runs in any Chromium (tests, development on
// machines without an Electron binary).
//   POST /api/invoke/<request>  JSON body → Outcome (errors are values, status 200)
//   GET  /api/events            Server-Sent Events: `event: <name>` + JSON data
// Guards: binds loopback only; every /api call needs the per-run token in
// `x-keyward-token`; the Host header must name our own address (DNS rebinding)
// and a present Origin must be our own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, realpath } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { sep } from 'node:path'
import type { Core } from '../core/index.ts'
import { rendererPath } from '../core/renderer-files.ts'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts'
import { fail, type Outcome } from '../../shared/result.ts'

export interface BrowserHostOptions {
  core: Core
  /** Built renderer (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  token?: string
  /** Largest request body; contract inputs are small. */
  maxBodyBytes?: number
  /** Test mode: sees every response body and event frame (the e2e secret-leak scan reads them). */
  record?: (entry: { kind: 'response' | 'event'; request: string; body: string }) => void
}

export interface BrowserHost {
  /** Open this in a browser: the token travels in the fragment, never to a server log. */
  url: string
  origin: string
  token: string
  port: number
  close(): Promise<void>
}


export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

const sameToken = (given: string, token: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host)) {
    throw new Error(`The browser host only listens on loopback (127.0.0.1 or ::1), not on "${host}".`)
  }
  const token = options.token ?? randomBytes(32).toString('base64url')
  const maxBody = options.maxBodyBytes ?? 64 * 1024
  const rendererDir = await realpath(options.rendererDir)
  const streams = new Set<http.ServerResponse>()
  let origin = ''
  let hostHeader = ''

  const send = (res: http.ServerResponse, status: number, body: Outcome<unknown>) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    res.end(text)
  }

  const guard = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (req.headers.host !== hostHeader) {
      send(res, 421, fail('unauthorized', 'Wrong Host header.'))
      return false
    }
    if (req.headers.origin !== undefined && req.headers.origin !== origin) {
      send(res, 403, fail('unauthorized', 'Cross-origin requests are refused.'))
      return false
    }
    const given = req.headers['x-keyward-token']
    if (typeof given !== 'string' || !sameToken(given, token)) {
      send(res, 401, fail('unauthorized', 'Missing or wrong session token; open the URL the browser host printed.'))
      return false
    }
    return true
  }

  // Reads a body up to the limit. Over the limit we stop buffering, answer 413
  // and close the connection once the reply is out.
  const readBody = (req: http.IncomingMessage) =>
    new Promise<string | null>((resolve) => {
      if (Number(req.headers['content-length'] ?? 0) > maxBody) {
        req.resume() // discard what is already on its way
        return resolve(null)
      }
      const chunks: Buffer[] = []
      let size = 0
      const onData = (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBody) {
          req.off('data', onData)
          req.resume()
          resolve(null)
          return
        }
        chunks.push(chunk)
      }
      req.on('data', onData)
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', () => resolve(null))
    })

  const invoke = async (name: string, req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'POST') return send(res, 405, fail('invalid-input', 'Use POST for requests.'))
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(res, 415, fail('invalid-input', 'Requests must be JSON.'))
    }
    const text = await readBody(req)
    if (text === null) {
      res.setHeader('connection', 'close')
      return send(res, 413, fail('too-large', `The request is larger than ${maxBody} bytes.`))
    }
    let input: unknown
    try {
      input = text === '' ? {} : JSON.parse(text)
    } catch {
      return send(res, 400, fail('invalid-input', 'The request body is not valid JSON.'))
    }
    const outcome = await options.core.invoke(decodeURIComponent(name), input)
    options.record?.({ kind: 'response', request: decodeURIComponent(name).slice(0, 64), body: JSON.stringify(outcome) })
    send(res, 200, outcome)
  }

  const events = (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    streams.add(res)
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
    heartbeat.unref()
    req.on('close', () => {
      clearInterval(heartbeat)
      streams.delete(res)
    })
  }

  const unsubscribe = options.core.subscribeAll((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
    options.record?.({ kind: 'event', request: name, body: frame })
    for (const res of streams) res.write(frame)
  })

  const serveFile = async (path: string, res: http.ServerResponse) => {
    const notFound = () => void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
    // The same rules as the Electron shell's keyward:// handler (core/renderer-files.ts),
    // plus a realpath check: this directory is on disk, never inside an asar.
    const found = rendererPath(rendererDir, path)
    if (!found.ok) return notFound()
    let real: string
    try {
      real = await realpath(found.file)
    } catch {
      return notFound()
    }
    if (!real.startsWith(rendererDir + sep)) return notFound()
    const body = await readFile(real).catch(() => null)
    if (!body) return notFound()
    res.writeHead(200, {
      'content-type': found.type,
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-cache',
    })
    res.end(body)
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const route = url.pathname
    if (route.startsWith('/api/')) {
      if (!guard(req, res)) return
      if (route.startsWith('/api/invoke/')) return void invoke(route.slice('/api/invoke/'.length), req, res)
      if (route === '/api/events' && req.method === 'GET') return events(req, res)
      return send(res, 404, fail('unknown-request', 'No such endpoint.'))
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end()
      return
    }
    if (req.headers.host !== hostHeader) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Wrong Host header')
      return
    }
    void serveFile(route, res)
  })
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  hostHeader = `${host.includes(':') ? `[${host}]` : host}:${port}`
  origin = `http://${hostHeader}`

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe()
        for (const res of streams) res.end()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
