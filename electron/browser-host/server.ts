// The browser host: the same core, carried over loopback HTTP instead of
// Electron IPC, so the real UI runs in any Chromium (tests, development on
// machines without an Electron binary).
//   POST /api/invoke/<request>  JSON body → Outcome (errors are values, status 200)
//   GET  /api/events            Server-Sent Events: `event: <name>` + JSON data
// Guards: binds loopback only; every /api call needs the per-run token in
// `x-keyward-token`; the Host header must name our own address (DNS rebinding)
// and a present Origin must be our own origin.
// Any web page can reach a loopback port (an <img> needs no token), so no request
// may take the host down (issue 14 §8): every URL parse and percent-decode is
// guarded, each request runs inside its own catch (an error answers 400/500 and
// is logged), and connections and event streams are capped.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, realpath } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { sep } from 'node:path'
import type { Core } from '../core/index.ts'
import { rendererPath } from '../core/renderer-files.ts'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts'
import { fail, type Outcome } from '../../shared/result.ts'
import type { Logger } from '../core/log.ts'
import { addressKey } from '../../shared/format.ts'

export interface BrowserHostOptions {
  core: Core
  /** Built renderer (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  token?: string
  /** Largest request body; contract inputs are small. */
  maxBodyBytes?: number
  /** Open connections at once (a browser uses ~6 per origin plus one event stream); more are dropped. */
  maxConnections?: number
  /** Open `/api/events` streams at once; more are refused with 503. */
  maxEventStreams?: number
  /** Where failed requests are logged (default: the core's logger). */
  log?: Logger
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

export const DEFAULT_MAX_CONNECTIONS = 64
export const DEFAULT_MAX_EVENT_STREAMS = 16

export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

const sameToken = (given: string, token: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** `decodeURIComponent` that answers null for malformed percent-encoding instead of throwing. */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

/** The path of a request target, or null when it does not parse (`new URL` throws on e.g. `http://[`). */
export function requestPath(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://placeholder').pathname
  } catch {
    return null
  }
}

function send(res: http.ServerResponse, status: number, body: Outcome<unknown>): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(text)
}

function plain(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(text)
}

/** Reads a body up to the limit. Over the limit we stop buffering; the caller answers 413 and closes. */
function readBody(req: http.IncomingMessage, maxBody: number): Promise<string | null> {
  return new Promise<string | null>((resolve) => {
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
}

/** What one host's request handlers share. */
interface HostContext {
  options: BrowserHostOptions
  log: Logger
  token: string
  maxBody: number
  maxStreams: number
  rendererDir: string
  streams: Set<http.ServerResponse>
  origin: string
  hostHeader: string
}

function guard(ctx: HostContext, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.headers.host !== ctx.hostHeader) {
    send(res, 421, fail('unauthorized', 'Wrong Host header.'))
    return false
  }
  if (req.headers.origin !== undefined && req.headers.origin !== ctx.origin) {
    send(res, 403, fail('unauthorized', 'Cross-origin requests are refused.'))
    return false
  }
  const given = req.headers['x-keyward-token']
  if (typeof given !== 'string' || !sameToken(given, ctx.token)) {
    send(res, 401, fail('unauthorized', 'Missing or wrong session token; open the URL the browser host printed.'))
    return false
  }
  return true
}

async function invoke(ctx: HostContext, rawName: string, req: http.IncomingMessage, res: http.ServerResponse) {
  if (req.method !== 'POST') return send(res, 405, fail('invalid-input', 'Use POST for requests.'))
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return send(res, 415, fail('invalid-input', 'Requests must be JSON.'))
  }
  const name = safeDecode(rawName)
  if (name === null) return send(res, 400, fail('invalid-input', 'The request name is not valid percent-encoding.'))
  const text = await readBody(req, ctx.maxBody)
  if (text === null) {
    res.setHeader('connection', 'close')
    return send(res, 413, fail('too-large', `The request is larger than ${ctx.maxBody} bytes.`))
  }
  let input: unknown
  try {
    input = text === '' ? {} : JSON.parse(text)
  } catch {
    return send(res, 400, fail('invalid-input', 'The request body is not valid JSON.'))
  }
  const outcome = await ctx.options.core.invoke(name, input)
  const body = JSON.stringify(outcome)
  ctx.options.record?.({ kind: 'response', request: name.slice(0, 64), body })
  send(res, 200, outcome)
}

function events(ctx: HostContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (ctx.streams.size >= ctx.maxStreams) {
    res.setHeader('retry-after', '5')
    return send(res, 503, fail('refused', `Too many open event streams (${ctx.maxStreams}); close other Keyward tabs.`))
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  })
  res.write(': connected\n\n')
  ctx.streams.add(res)
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000)
  heartbeat.unref()
  const done = () => {
    clearInterval(heartbeat)
    ctx.streams.delete(res)
  }
  req.on('close', done)
  res.on('error', done)
}

async function serveFile(ctx: HostContext, path: string, res: http.ServerResponse) {
  const notFound = (status: 400 | 404 = 404) => plain(res, status, status === 400 ? 'Bad request' : 'Not found')
  // The same rules as the Electron shell's keyward:// handler (core/renderer-files.ts),
  // plus a realpath check: this directory is on disk, never inside an asar.
  const found = rendererPath(ctx.rendererDir, path)
  if (!found.ok) return notFound(found.status)
  let real: string
  try {
    real = await realpath(found.file)
  } catch {
    return notFound()
  }
  if (!real.startsWith(ctx.rendererDir + sep)) return notFound()
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

async function route(ctx: HostContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = requestPath(req.url)
  if (path === null) return plain(res, 400, 'Bad request')
  if (path.startsWith('/api/')) {
    if (!guard(ctx, req, res)) return
    if (path.startsWith('/api/invoke/')) return invoke(ctx, path.slice('/api/invoke/'.length), req, res)
    if (path === '/api/events' && req.method === 'GET') return events(ctx, req, res)
    return send(res, 404, fail('unknown-request', 'No such endpoint.'))
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
  if (req.headers.host !== ctx.hostHeader) return plain(res, 421, 'Wrong Host header')
  return serveFile(ctx, path, res)
}

/** Runs one request; whatever it throws is logged and answered, never thrown out of the server. */
function handle(ctx: HostContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  const failed = (error: unknown) => {
    try {
      ctx.log.error('browser host request failed', { method: req.method, path: String(req.url).slice(0, 200), error })
    } catch {
      // a broken logger must not take the host down either
    }
    try {
      if (res.headersSent) res.destroy()
      else send(res, 500, fail('internal', 'The browser host could not answer this request.'))
    } catch {
      res.destroy()
    }
  }
  try {
    route(ctx, req, res).catch(failed)
  } catch (error) {
    failed(error)
  }
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host)) {
    throw new Error(`The browser host only listens on loopback (127.0.0.1 or ::1), not on "${host}".`)
  }
  const ctx: HostContext = {
    options,
    log: options.log ?? options.core.log,
    token: options.token ?? randomBytes(32).toString('base64url'),
    maxBody: options.maxBodyBytes ?? 64 * 1024,
    maxStreams: options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS,
    rendererDir: await realpath(options.rendererDir),
    streams: new Set(),
    origin: '',
    hostHeader: '',
  }

  const unsubscribe = options.core.subscribeAll((name, payload) => {
    let frame: string
    try {
      frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
      options.record?.({ kind: 'event', request: name, body: frame })
    } catch (error) {
      ctx.log.error('browser host could not forward an event', { event: name, error })
      return
    }
    for (const res of ctx.streams) res.write(frame)
  })

  const server = http.createServer((req, res) => handle(ctx, req, res))
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  // Beyond this Node closes new sockets at once; the event-stream cap stays below it.
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  // Later server errors (e.g. EMFILE on accept) are logged; an 'error' without a listener would throw.
  server.on('error', (error) => ctx.log.error('browser host server error', { error }))
  const port = (server.address() as AddressInfo).port
  ctx.hostHeader = addressKey(host, port)
  ctx.origin = `http://${ctx.hostHeader}`

  return {
    url: `${ctx.origin}/#token=${ctx.token}`,
    origin: ctx.origin,
    token: ctx.token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe()
        for (const res of ctx.streams) res.end()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
