// HTTPS simulator of one UniFi OS console (or a legacy self-hosted Network app), following
// unifi-os.md §1–§5 and the checklist in §8. Requests are dispatched through a route table
// assembled from small modules (auth, users, keys, integration, access); behaviour that
// cuts across routes (booting page, connection faults) lives in the dispatcher here.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { accessApiRoutes, accessProxyRoutes } from './access.ts'
import { authRoutes } from './auth.ts'
import { generateCertificate, type GeneratedCertificate } from './cert.ts'
import { queueFault, sabotageReply, takeFault, type FaultSpec } from './faults.ts'
import {
  bindResponse,
  escapeHtml,
  matchRoute,
  sendError,
  sendHtml,
  sendJson,
  sendStartingUp,
  type Route,
} from './http.ts'
import { integrationRoutes } from './integration.ts'
import { keysRoutes } from './keys.ts'
import type { ConsoleApp, ConsoleConfig } from './presets.ts'
import { createState, type SimulatorState } from './state.ts'
import { usersRoutes } from './users.ts'

// Kept for existing importers: the helpers and types moved to http.ts / state.ts.
export { sendError, sendHtml, sendJson } from './http.ts'
export type { Handler, RequestContext, Route } from './http.ts'
export type { SimulatorState } from './state.ts'
export type { FaultSpec } from './faults.ts'

export interface RunningConsole {
  url: string
  host: string
  port: number
  /** SHA-256 of the certificate currently served (changes with `replaceCertificate()`). */
  sha256: string
  config: ConsoleConfig
  /** Users, sessions, API keys and Access tokens, for inspection by tests. */
  state: SimulatorState
  /** Access developer API (`https://host:accessPort`), only when 'access' is installed. */
  accessUrl?: string
  accessPort?: number
  /** SHA-256 of the certificate Access's port serves (its own with `access.ownCertificate`). */
  accessSha256?: string
  /** Every session expires now: cookie calls answer 401 until the client logs in again (§2 Session). */
  expireSessions(): void
  /** While booting, every JSON endpoint answers the HTML "starting up" page (§2 Failures). */
  setBooting(booting: boolean): void
  /**
   * Swaps in a fresh self-signed certificate for new connections (as a firmware update does,
   * §7 re-pin) on both listeners; returns and records the new SHA-256. Open connections are dropped,
   * as the update's restart of the web server does; `keepConnections` keeps them (the harsher case:
   * a client's kept-alive socket still speaks with the old certificate).
   */
  replaceCertificate(options?: { keepConnections?: boolean }): Promise<string>
  /** With `access.ownCertificate`: Access's port gets a new certificate of its own (Access reinstalled). */
  replaceAccessCertificate(): Promise<string>
  /** Kills the connection of the next matching request (see faults.ts); resolves when it fired. */
  failNext(fault: FaultSpec): Promise<void>
  close(): Promise<void>
}

// ---- routes -----------------------------------------------------------------

function unifiOsRoutes(): Route[] {
  return [
    {
      // 200 + x-csrf-token is how clients tell UniFi OS from a legacy controller (§1); knob
      // `auth.rootCsrfHeader: false` leaves the header out.
      method: 'GET',
      path: '/',
      servedWhileBooting: true,
      handler: ({ res, state }) =>
        sendHtml(
          res,
          200,
          `<!doctype html><html><head><title>${escapeHtml(state.config.name)}</title></head><body><div id="root">UniFi OS</div></body></html>\n`,
          state.config.auth.rootCsrfHeader ? { 'x-csrf-token': rootCsrf(state) } : {},
        ),
    },
    {
      method: 'GET',
      path: '/api/system',
      handler: ({ res, state: { config: c } }) => apiSystem(res, c),
    },
    {
      // Unauthenticated probe (§1): 401 means "this app is installed here", 404 means absent.
      method: 'GET',
      path: /^\/proxy\/(network|protect|access)\/api\/?$/,
      handler: ({ res, params, state }) => {
        const app = params[0] as ConsoleApp
        if (state.config.apps.includes(app)) sendError(res, 401, 'Unauthorized')
        else sendError(res, 404, 'Not Found')
      },
    },
    ...authRoutes(),
    ...keysRoutes(),
    ...usersRoutes(),
    ...integrationRoutes(),
    ...accessProxyRoutes(),
  ]
}

/** A CSRF token for `GET /`, remembered for knob `auth.loginCsrf: 'fresh'`. */
function rootCsrf(state: SimulatorState): string {
  const token = randomUUID()
  state.rootCsrfTokens = [...state.rootCsrfTokens.slice(-99), token]
  return token
}

/**
 * Unauthenticated `GET /api/system` (§1) per knob `apiSystem`: 'absent' 404 (a UniFi OS Server may
 * not serve it, §9 open question), 'html' the web app's page with 200, 'sparse' nulls where a
 * console has nothing to say.
 */
function apiSystem(res: ServerResponse, c: ConsoleConfig): void {
  if (c.apiSystem === 'absent') return sendError(res, 404, 'Not Found')
  if (c.apiSystem === 'html') {
    return sendHtml(res, 200, '<!doctype html><html><head><title>UniFi OS</title></head><body></body></html>\n')
  }
  const sparse = c.apiSystem === 'sparse'
  sendJson(res, 200, {
    hardware: { shortname: c.model },
    name: sparse ? null : c.name,
    mac: sparse ? (c.mac.toLowerCase().match(/../g) ?? []).join(':') : c.mac,
    directConnectDomain: sparse ? null : c.directConnectDomain,
    isSsoEnabled: c.isSsoEnabled,
    isSingleUser: c.isSingleUser,
  })
}

function legacyNetworkRoutes(): Route[] {
  return [
    {
      method: 'GET',
      path: '/',
      servedWhileBooting: true,
      handler: ({ res }) => {
        res.writeHead(302, { location: '/manage', 'content-length': 0 })
        res.end()
      },
    },
    {
      method: 'GET',
      path: '/manage',
      handler: ({ res }) =>
        sendHtml(
          res,
          200,
          '<!doctype html><html><head><title>UniFi Network</title></head><body>UniFi Network</body></html>\n',
        ),
    },
  ]
}

export function routesFor(config: ConsoleConfig): Route[] {
  return config.kind === 'unifi-os' ? unifiOsRoutes() : legacyNetworkRoutes()
}

// ---- server -----------------------------------------------------------------

export interface ListenOptions {
  host: string
  /** 0 = ephemeral; the real port is reported back. */
  port: number
  /** Extra routes tried before the built-in ones (tests, later slices). */
  routes?: Route[]
  /** Simulated time in ms (sessions, lock-outs, rate limits, token expiry). Default Date.now. */
  clock?: () => number
}

type Listener = 'console' | 'access'

function requestHandler(routes: Route[], state: SimulatorState, listener: Listener) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET'
    state.requestCount++
    if (listener === 'access') state.accessRequestCount++
    bindResponse(res, state)
    const url = new URL(req.url ?? '/', 'https://simulator.invalid')
    const fault = takeFault(state, listener, method, url.pathname)
    if (fault?.when === 'before') {
      req.socket.destroy()
      fault.fired()
      return
    }
    if (fault) sabotageReply(req, res, fault.fired)

    const found = matchRoute(routes, method, url.pathname)
    if (state.config.booting && !found?.route.servedWhileBooting) return sendStartingUp(res)
    if (!found) return sendError(res, 404, 'Not Found')
    Promise.resolve(found.route.handler({ req, res, url, params: found.params, state })).catch((err: unknown) => {
      console.error('console simulator handler failed:', err)
      if (!res.headersSent) sendError(res, 500, 'Internal Server Error')
      else res.destroy()
    })
  }
}

interface TrackedServer {
  server: Server
  /** Destroys every open connection, the listener stays. */
  dropConnections(): void
  close(): Promise<void>
}

async function listen(
  cert: GeneratedCertificate,
  host: string,
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TrackedServer> {
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, handler)
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
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  let closing: Promise<void> | undefined
  return {
    server,
    dropConnections() {
      for (const socket of sockets) socket.destroy()
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
}

export async function startConsoleSimulator(config: ConsoleConfig, options: ListenOptions): Promise<RunningConsole> {
  const { host, port } = options
  const altNames = ['unifi.local', ...(host === '0.0.0.0' || host === '::' ? [] : [host])]
  const newCertificate = (): Promise<GeneratedCertificate> =>
    generateCertificate({ commonName: 'unifi.local', altNames })
  const cert = await newCertificate()
  const state = createState(config, options.clock ?? Date.now)
  const extra = options.routes ?? []

  const main = await listen(cert, host, port, requestHandler([...extra, ...routesFor(config)], state, 'console'))
  // Which certificate each client handshake saw: a client that kept an old pooled socket shows none.
  main.server.on('secureConnection', (socket: TLSSocket) => {
    state.handshakes.push(socket.getX509Certificate()?.fingerprint256 ?? '')
    if (state.handshakes.length > 1000) state.handshakes.shift()
  })
  // The Access developer API is a second HTTPS listener on the same host (§1 Ports, §5.3).
  let access: TrackedServer | undefined
  let accessSha256: string | undefined
  if (config.kind === 'unifi-os' && config.apps.includes('access')) {
    try {
      // `access.ownCertificate`: Access's port has a certificate of its own, made when Access was installed
      // (imhotep/hass-unifi-access#3 [report]; not in unifi-os.md §7). Default: the console's.
      const accessCert = config.access.ownCertificate ? await newCertificate() : cert
      accessSha256 = accessCert.sha256
      access = await listen(accessCert, host, config.accessPort, requestHandler(accessApiRoutes(), state, 'access'))
    } catch (err) {
      await main.close()
      throw err
    }
  }

  const urlHost = host.includes(':') ? `[${host}]` : host
  const origin = (p: number): string => new URL(`https://${urlHost}:${p}`).origin
  const realPort = (main.server.address() as AddressInfo).port
  const accessPort = access ? (access.server.address() as AddressInfo).port : undefined

  const running: RunningConsole = {
    url: origin(realPort),
    host,
    port: realPort,
    sha256: cert.sha256,
    config,
    state,
    ...(accessPort === undefined ? {} : { accessUrl: origin(accessPort), accessPort, accessSha256 }),
    expireSessions() {
      const now = state.clock()
      for (const session of state.sessions.values()) session.expiresAt = Math.min(session.expiresAt, now)
    },
    setBooting(booting) {
      config.booting = booting
    },
    async replaceCertificate(options = {}) {
      const next = await newCertificate()
      for (const s of [main, access]) s?.server.setSecureContext({ key: next.keyPem, cert: next.certPem })
      if (!options.keepConnections) for (const s of [main, access]) s?.dropConnections()
      running.sha256 = next.sha256
      if (access) running.accessSha256 = next.sha256
      return next.sha256
    },
    async replaceAccessCertificate() {
      const next = await newCertificate()
      access?.server.setSecureContext({ key: next.keyPem, cert: next.certPem })
      access?.dropConnections()
      running.accessSha256 = next.sha256
      return next.sha256
    },
    failNext(fault) {
      return queueFault(state, fault)
    },
    async close() {
      await Promise.all([main.close(), access?.close()])
    },
  }
  return running
}
