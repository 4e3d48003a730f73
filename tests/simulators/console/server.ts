// HTTPS simulator of one UniFi OS console (or a legacy self-hosted Network app).
// Behaviour follows unifi-os.md §1 and §8.1. Requests are dispatched through a route
// table built per console kind, so later slices (login, CSRF, users, API keys) add
// routes and fields on `SimulatorState` instead of growing one big handler.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { generateCertificate } from './cert.ts'
import type { ConsoleApp, ConsoleConfig } from './presets.ts'

/** Mutable per-console state; grows with sessions, users and keys later. */
export interface SimulatorState {
  config: ConsoleConfig
}

export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  /** Capture groups of a RegExp route. */
  params: string[]
  state: SimulatorState
}

export type Handler = (ctx: RequestContext) => void | Promise<void>

export interface Route {
  method: string
  /** Exact pathname, or an anchored RegExp whose groups become `params`. */
  path: string | RegExp
  handler: Handler
}

export interface RunningConsole {
  url: string
  host: string
  port: number
  sha256: string
  config: ConsoleConfig
  state: SimulatorState
  close(): Promise<void>
}

// ---- response helpers -------------------------------------------------------

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), ...headers })
  res.end(html)
}

/** UniFi OS gateway-style error body. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message } })
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

// ---- routes -----------------------------------------------------------------

function unifiOsRoutes(): Route[] {
  return [
    {
      // 200 + x-csrf-token is how clients tell UniFi OS from a legacy controller.
      method: 'GET', path: '/',
      handler: ({ res, state }) => sendHtml(res, 200,
        `<!doctype html><html><head><title>${escapeHtml(state.config.name)}</title></head><body><div id="root">UniFi OS</div></body></html>\n`,
        { 'x-csrf-token': randomUUID() }),
    },
    {
      method: 'GET', path: '/api/system',
      handler: ({ res, state: { config: c } }) => sendJson(res, 200, {
        hardware: { shortname: c.model }, name: c.name, mac: c.mac,
        directConnectDomain: c.directConnectDomain, isSsoEnabled: c.isSsoEnabled, isSingleUser: c.isSingleUser,
      }),
    },
    {
      // Unauthenticated probe: 401 means "this app is installed here", 404 means absent.
      method: 'GET', path: /^\/proxy\/(network|protect|access)\/api\/?$/,
      handler: ({ res, params, state }) => {
        const app = params[0] as ConsoleApp
        if (state.config.apps.includes(app)) sendError(res, 401, 'Unauthorized')
        else sendError(res, 404, 'Not Found')
      },
    },
  ]
}

function legacyNetworkRoutes(): Route[] {
  return [
    {
      method: 'GET', path: '/',
      handler: ({ res }) => { res.writeHead(302, { location: '/manage', 'content-length': 0 }); res.end() },
    },
    {
      method: 'GET', path: '/manage',
      handler: ({ res }) => sendHtml(res, 200, '<!doctype html><html><head><title>UniFi Network</title></head><body>UniFi Network</body></html>\n'),
    },
  ]
}

export function routesFor(config: ConsoleConfig): Route[] {
  return config.kind === 'unifi-os' ? unifiOsRoutes() : legacyNetworkRoutes()
}

function match(routes: Route[], method: string, pathname: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue
    if (typeof route.path === 'string') {
      if (route.path === pathname) return { route, params: [] }
    } else {
      const m = route.path.exec(pathname)
      if (m) return { route, params: m.slice(1) }
    }
  }
  return undefined
}

// ---- server -----------------------------------------------------------------

export interface ListenOptions {
  host: string
  /** 0 = ephemeral; the real port is reported back. */
  port: number
  /** Extra routes tried before the built-in ones (tests, later slices). */
  routes?: Route[]
}

export async function startConsoleSimulator(config: ConsoleConfig, options: ListenOptions): Promise<RunningConsole> {
  const { host, port } = options
  const altNames = ['unifi.local', ...(host === '0.0.0.0' || host === '::' ? [] : [host])]
  const cert = await generateCertificate({ commonName: 'unifi.local', altNames })
  const state: SimulatorState = { config }
  const routes = [...(options.routes ?? []), ...routesFor(config)]

  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://simulator.invalid')
    const found = match(routes, req.method ?? 'GET', url.pathname)
    if (!found) return sendError(res, 404, 'Not Found')
    Promise.resolve(found.route.handler({ req, res, url, params: found.params, state })).catch((err: unknown) => {
      console.error('console simulator handler failed:', err)
      if (!res.headersSent) sendError(res, 500, 'Internal Server Error')
      else res.destroy()
    })
  })

  // Track raw sockets (including ones mid-TLS-handshake, which closeAllConnections()
  // does not know about) so close() never waits for a client.
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  // Reset or garbage TLS from probes must not crash the simulator.
  server.on('tlsClientError', (_err, socket) => socket.destroy())

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const realPort = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host

  let closing: Promise<void> | undefined
  return {
    url: new URL(`https://${urlHost}:${realPort}`).origin,
    host,
    port: realPort,
    sha256: cert.sha256,
    config,
    state,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
}
