// The browser host: the same core, carried over loopback HTTP instead of
// Electron IPC, so the real UI runs in any Chromium (tests, development on
// machines without an Electron binary). This file starts and stops it; the parts:
//   router.ts         POST /api/invoke/<request>, GET /api/events, static files; one catch per request
//   guard.ts          per-run token in `x-keyward-token`, own Host header (DNS rebinding), own Origin
//   event-streams.ts  the open Server-Sent Event streams, capped (503 beyond)
//   static-files.ts   the built renderer, with the app's CSP
//   http.ts           answers, the capped body reader, URL parsing that never throws
// Binds loopback only. Any web page can reach a loopback port (an <img> needs no token), so no
// request may take the host down (issue 14 §8): connections and event streams are capped.
import { randomBytes } from 'node:crypto'
import { realpath } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { addressKey } from '../../shared/format.ts'
import type { Core } from '../core/index.ts'
import type { Logger } from '../core/log.ts'
import { DEFAULT_MAX_EVENT_STREAMS, eventFrame, EventStreams } from './event-streams.ts'
import { ApiGuard } from './guard.ts'
import { handle, type Routes } from './router.ts'

export { DEFAULT_MAX_EVENT_STREAMS } from './event-streams.ts'
export { requestPath, safeDecode } from './http.ts'

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

export function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** Forwards every core event to every open stream; an event that does not serialize is logged and dropped. */
function forwardEvents(options: BrowserHostOptions, streams: EventStreams, log: Logger): () => void {
  return options.core.subscribeAll((name, payload) => {
    let frame: string
    try {
      frame = eventFrame(name, payload)
      options.record?.({ kind: 'event', request: name, body: frame })
    } catch (error) {
      log.error('browser host could not forward an event', { event: name, error })
      return
    }
    streams.broadcast(frame)
  })
}

async function listen(server: http.Server, host: string, port: number, log: Logger): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  // Later server errors (e.g. EMFILE on accept) are logged; an 'error' without a listener would throw.
  server.on('error', (error) => log.error('browser host server error', { error }))
  return (server.address() as AddressInfo).port
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host)) {
    throw new Error(`The browser host only listens on loopback (127.0.0.1 or ::1), not on "${host}".`)
  }
  const log = options.log ?? options.core.log
  const token = options.token ?? randomBytes(32).toString('base64url')
  const rendererDir = await realpath(options.rendererDir)
  const streams = new EventStreams(options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS)
  const unsubscribe = forwardEvents(options, streams, log)

  const server = http.createServer()
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  // Beyond this Node closes new sockets at once; the event-stream cap stays below it.
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  const port = await listen(server, host, options.port ?? 0, log)
  // The guard needs the bound port; the handler is attached before any request can be read.
  const guard = new ApiGuard(token, addressKey(host, port))
  const routes: Routes = {
    core: options.core,
    guard,
    streams,
    rendererDir,
    maxBody: options.maxBodyBytes ?? 64 * 1024,
    log,
    record: options.record,
  }
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => handle(routes, req, res))

  return {
    url: `${guard.origin}/#token=${token}`,
    origin: guard.origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe()
        streams.endAll()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
