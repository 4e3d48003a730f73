// A fake Home Assistant on plain HTTP (home-assistant.md §6 checklist):
//   * Bearer auth on every /api/* except onboarding; `401: Unauthorized` text/plain; each
//     rejected attempt is a failed login ("Login attempt failed" notification, optional ban
//     → 403) and is counted, so tests can assert a client stopped after one (§4, §5);
//   * admin vs non-admin tokens (401 on flow endpoints; WS `unauthorized`) (§1.1, §1.3);
//   * /api/, /api/config, /api/onboarding, the config-entries REST API (§1.1) and result
//     shapes (§1.2), 405 on GET /flow, 404 for stale flow ids;
//   * the WebSocket API: auth, config_entries/get, config_entries/flow/progress,
//     repairs/list_issues, repairs/get_issue_data, config/device_registry/list [inferred];
//   * unifiprotect (both versions), unifi_access (core or HACS) and unifi (old and API-key shapes) handlers that call
//     the simulated consoles for real.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { generateCertificate, type GeneratedCertificate } from '../console/cert.ts'
import { WebSocketServer, type WebSocket } from 'ws'
import { accessCoreHandler, accessCustomHandler } from './access.ts'
import { FlowError, FlowManager, type IntegrationHandler } from './flow-manager.ts'
import { networkHandler } from './network.ts'
import { protectHandler } from './protect.ts'
import {
  createHaState,
  entryFragment,
  type HaSimConfig,
  type HaSimState,
  type HaTokenSeed,
  type SimEntry,
} from './state.ts'

export interface RunningHomeAssistant {
  /** http://… or, with `https`, https://… */
  url: string
  /** SHA-256 of the certificate served now (https), else null. */
  sha256: string | null
  /** https: a fresh self-signed certificate for new connections (a reinstall, a new proxy cert). */
  replaceCertificate(): Promise<string>
  host: string
  port: number
  config: HaSimConfig
  state: HaSimState
  manager: FlowManager
  /** Re-runs setup of every entry (or one), as a reload, a restart or HA's polling would (§2.5). */
  refresh(entryId?: string): Promise<void>
  entries(domain?: string): SimEntry[]
  /** Requests that presented no or a wrong token. */
  readonly failedLogins: number
  close(): Promise<void>
}

export interface HaListenOptions {
  host: string
  port: number
  clock?: () => number
  /** Serve HTTPS with a fresh self-signed certificate (as HA does with `ssl_certificate`, or a proxy). */
  https?: boolean
}

const certificateFor = (host: string): Promise<GeneratedCertificate> =>
  generateCertificate({
    commonName: 'homeassistant.local',
    altNames: ['homeassistant.local', ...(host === '0.0.0.0' || host === '::' ? [] : [host])],
  })

/** §5 [inferred]: the 2021 `discovery_info` body (no auth). */
function discoveryInfo(state: HaSimState, origin: string): Record<string, unknown> {
  return {
    base_url: origin,
    external_url: null,
    internal_url: origin,
    location_name: state.config.locationName,
    installation_type: 'Home Assistant OS',
    requires_api_password: true,
    uuid: state.config.uuid,
    version: state.config.haVersion,
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** aiohttp default error body: text/plain "<status>: <reason>" (§5). */
function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

async function readBody(req: IncomingMessage, keep?: (text: string) => void): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 1 << 20) throw new FlowError(413, { message: 'Payload too large' })
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  keep?.(text)
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new FlowError(400, { message: 'Invalid JSON.' })
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function handlersFor(state: HaSimState): Map<string, IntegrationHandler> {
  const list: IntegrationHandler[] = [protectHandler(state), networkHandler(state)]
  if (state.config.access === 'core') list.push(accessCoreHandler())
  if (state.config.access === 'custom') list.push(accessCustomHandler())
  return new Map(list.map((h) => [h.domain, h]))
}

/** `process_wrong_login` (§4): notification, counter, ban after the threshold. */
function wrongLogin(state: HaSimState, address: string): void {
  state.failedLogins++
  state.notifications.push({
    notification_id: 'http-login',
    title: 'Login attempt failed',
    message: `Login attempt or request with invalid authentication from ${address}.`,
  })
  const count = (state.failuresByAddress.get(address) ?? 0) + 1
  state.failuresByAddress.set(address, count)
  const threshold = state.config.loginAttemptsThreshold
  if (threshold > 0 && count >= threshold) state.banned.add(address)
}

function tokenOf(state: HaSimState, header: string | undefined): HaTokenSeed | undefined {
  // Case-sensitive "Bearer " (§5).
  if (!header?.startsWith('Bearer ')) return undefined
  const value = header.slice(7)
  return validTokens(state).find((t) => t.token === value)
}

/** §5: a fresh HA (`onboarded` false) has no users, so no token is valid yet. */
const validTokens = (state: HaSimState): HaTokenSeed[] => (state.config.onboarded ? state.config.tokens : [])

function configDict(state: HaSimState): Record<string, unknown> {
  const c = state.config
  const components = ['api', 'config', 'http', 'websocket_api', 'repairs', 'onboarding']
  for (const domain of new Set([...state.entries.values()].filter((e) => e.state === 'loaded').map((e) => e.domain)))
    components.push(domain)
  return {
    allowlist_external_dirs: [],
    allowlist_external_urls: [],
    components,
    config_dir: '/config',
    config_source: 'storage',
    country: 'US',
    currency: 'USD',
    debug: false,
    elevation: 0,
    external_url: null,
    internal_url: null,
    language: 'en',
    latitude: 52.37,
    location_name: c.locationName,
    longitude: 4.89,
    radius: 100,
    recovery_mode: false,
    safe_mode: false,
    state: 'RUNNING',
    time_zone: 'Europe/Amsterdam',
    unit_system: {
      length: 'km',
      accumulated_precipitation: 'mm',
      area: 'm²',
      mass: 'g',
      pressure: 'Pa',
      temperature: '°C',
      volume: 'L',
      wind_speed: 'm/s',
    },
    version: c.haVersion,
    whitelist_external_dirs: [],
  }
}

export async function startHomeAssistantSimulator(
  config: HaSimConfig,
  options: HaListenOptions,
): Promise<RunningHomeAssistant> {
  const state = createHaState(config, options.clock ?? Date.now)
  const manager = new FlowManager(state, handlersFor(state))

  async function route(req: IncomingMessage, res: ServerResponse, token: HaTokenSeed, address: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ha.invalid')
    const path = url.pathname
    const method = req.method ?? 'GET'
    const requireAdmin = () => {
      if (!token.admin) {
        // exceptions.Unauthorized → HTTPUnauthorized, and the ban middleware counts it (§1.1, §4).
        wrongLogin(state, address)
        throw new FlowError(401, null, '401: Unauthorized')
      }
    }
    if (method === 'GET' && path === '/api/') return sendJson(res, 200, { message: 'API running.' })
    if (method === 'GET' && path === '/api/config') return sendJson(res, 200, configDict(state))
    if (method === 'GET' && path === '/api/config/config_entries/entry') {
      const domain = url.searchParams.get('domain')
      return sendJson(
        res,
        200,
        [...state.entries.values()].filter((e) => !domain || e.domain === domain).map(entryFragment),
      )
    }
    let m = /^\/api\/config\/config_entries\/entry\/([^/]+)$/.exec(path)
    if (m && method === 'DELETE') {
      requireAdmin()
      const entry = state.entries.get(m[1]!)
      if (!entry) return sendJson(res, 404, { message: 'Invalid entry specified' })
      state.entries.delete(entry.entry_id)
      for (const [id, device] of state.devices)
        if (device.config_entries.includes(entry.entry_id)) state.devices.delete(id)
      for (const flow of [...state.flows.values()]) if (flow.context.entry_id === entry.entry_id) manager.finish(flow)
      return sendJson(res, 200, { require_restart: false })
    }
    m = /^\/api\/config\/config_entries\/entry\/([^/]+)\/reload$/.exec(path)
    if (m && method === 'POST') {
      requireAdmin()
      const entry = state.entries.get(m[1]!)
      if (!entry) return sendJson(res, 404, { message: 'Invalid entry specified' })
      await manager.setupEntry(entry)
      return sendJson(res, 200, { require_restart: false })
    }
    if (path === '/api/config/config_entries/flow_handlers' && method === 'GET')
      return sendJson(res, 200, [...manager.handlers.keys()])
    if (path === '/api/config/config_entries/flow') {
      if (method === 'GET') return sendText(res, 405, '405: Method Not Allowed')
      if (method === 'POST') {
        requireAdmin()
        const body = await readBody(req, (text) => state.flowBodies.push(text))
        if (!isObject(body) || typeof body.handler !== 'string')
          throw new FlowError(400, { message: "Message format incorrect: required key not provided @ data['handler']" })
        const context =
          typeof body.entry_id === 'string'
            ? {
                source: 'reconfigure' as const,
                entry_id: body.entry_id,
                show_advanced_options: body.show_advanced_options === true,
              }
            : { source: 'user' as const, show_advanced_options: body.show_advanced_options === true }
        return sendJson(res, 200, await manager.start(body.handler, context))
      }
    }
    m = /^\/api\/config\/config_entries\/flow\/([^/]+)$/.exec(path)
    if (m) {
      const flowId = m[1]!
      if (method === 'GET') {
        requireAdmin()
        return sendJson(res, 200, await manager.current(flowId))
      }
      if (method === 'POST') {
        requireAdmin()
        const body = await readBody(req, (text) => state.flowBodies.push(text))
        return sendJson(res, 200, await manager.configure(flowId, isObject(body) ? body : {}))
      }
      if (method === 'DELETE') {
        manager.abort(flowId)
        return sendJson(res, 200, { message: 'Flow aborted' })
      }
    }
    throw new FlowError(404, null, '404: Not Found')
  }

  let cert = options.https ? await certificateFor(options.host) : null
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const address = req.socket.remoteAddress ?? 'unknown'
    const method = req.method ?? 'GET'
    const path = new URL(req.url ?? '/', 'http://ha.invalid').pathname
    const record = (status: number, auth: string) => state.requests.push({ method, path, status, auth })
    if (state.banned.has(address)) {
      record(403, 'banned')
      return sendText(res, 403, '403: Forbidden')
    }
    if (path === '/api/onboarding' && method === 'GET') {
      record(200, 'none')
      const done = state.config.onboarded
      return sendJson(
        res,
        200,
        ['user', 'core_config', 'analytics', 'integration'].map((step) => ({ step, done })),
      )
    }
    if (path === '/api/discovery_info' && method === 'GET') {
      // Unknown routes are 404 before any auth check in HA (aiohttp routing); no failed login.
      if (state.config.discoveryInfo === 'absent') {
        record(404, 'none')
        return sendText(res, 404, '404: Not Found')
      }
      record(200, 'none')
      return sendJson(
        res,
        200,
        discoveryInfo(state, `${options.https ? 'https' : 'http'}://${req.headers.host ?? 'homeassistant.local:8123'}`),
      )
    }
    if (!path.startsWith('/api/')) {
      record(200, 'none')
      return sendText(res, 200, '<!DOCTYPE html><html><body>Home Assistant</body></html>', {
        'content-type': 'text/html; charset=utf-8',
      })
    }
    const header = req.headers.authorization
    const token = tokenOf(state, header)
    if (!token) {
      wrongLogin(state, address)
      record(401, header ? 'invalid' : 'none')
      const origin = `http://${req.headers.host ?? 'homeassistant.local:8123'}`
      return sendText(
        res,
        401,
        '401: Unauthorized',
        state.config.wwwAuthenticate
          ? { 'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource"` }
          : {},
      )
    }
    const auth = token.admin ? 'admin' : 'user'
    route(req, res, token, address).then(
      () => record(res.statusCode, auth),
      (error: unknown) => {
        if (error instanceof FlowError) {
          record(error.status, auth)
          if (error.text !== undefined) return sendText(res, error.status, error.text)
          return sendJson(res, error.status, error.body)
        }
        console.error('home-assistant simulator handler failed:', error)
        record(500, auth)
        if (!res.headersSent) sendText(res, 500, '500: Internal Server Error')
      },
    )
  }
  const server = cert ? createTlsServer({ key: cert.keyPem, cert: cert.certPem }, handler) : createServer(handler)
  if (cert) server.on('tlsClientError', (_err, socket) => socket.destroy())

  // ---- WebSocket API (§1.3) ----
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 })
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://ha.invalid').pathname
    const address = req.socket.remoteAddress ?? 'unknown'
    if (path !== '/api/websocket' || state.banned.has(address)) {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, address))
  })

  function serveSocket(ws: WebSocket, address: string): void {
    let token: HaTokenSeed | undefined
    const send = (msg: unknown) => ws.send(JSON.stringify(msg))
    send({ type: 'auth_required', ha_version: state.config.haVersion })
    ws.on('error', () => {})
    ws.on('message', (data) => {
      let msg: Record<string, unknown>
      try {
        const parsed: unknown = JSON.parse(String(data))
        if (!isObject(parsed)) throw new Error('not an object')
        msg = parsed
      } catch {
        ws.close(1002)
        return
      }
      if (!token) {
        const found =
          msg.type === 'auth' && typeof msg.access_token === 'string'
            ? validTokens(state).find((t) => t.token === msg.access_token)
            : undefined
        if (!found) {
          wrongLogin(state, address)
          send({ type: 'auth_invalid', message: 'Invalid access token or password' })
          ws.close()
          return
        }
        token = found
        send({ type: 'auth_ok', ha_version: state.config.haVersion })
        return
      }
      const id = msg.id
      if (typeof id !== 'number') return
      const ok = (result: unknown) => send({ id, type: 'result', success: true, result })
      const err = (code: string, message: string) =>
        send({ id, type: 'result', success: false, error: { code, message } })
      const admin = () => {
        if (token!.admin) return true
        err('unauthorized', 'Unauthorized')
        return false
      }
      switch (msg.type) {
        case 'ping':
          return send({ id, type: 'pong' })
        case 'config_entries/get': {
          const domain = typeof msg.domain === 'string' ? msg.domain : null
          return ok([...state.entries.values()].filter((e) => !domain || e.domain === domain).map(entryFragment))
        }
        case 'config_entries/flow/progress':
          if (admin()) ok(manager.progress())
          return
        case 'repairs/list_issues':
          return ok({
            issues: [...state.issues.values()].map((i) => ({
              domain: i.domain,
              issue_id: i.issue_id,
              issue_domain: i.issue_domain,
              is_fixable: i.is_fixable,
              severity: i.severity,
              translation_key: i.translation_key,
              translation_placeholders: i.translation_placeholders,
              created: i.created,
              dismissed_version: null,
              ignored: false,
              active: true,
              learn_more_url: null,
              breaks_in_ha_version: null,
            })),
          })
        case 'repairs/get_issue_data': {
          if (!admin()) return
          const issue = state.issues.get(String(msg.issue_id))
          if (!issue || issue.domain !== msg.domain)
            return err('unknown_issue', `Issue '${String(msg.issue_id)}' not found`)
          return ok({ issue_data: issue.data })
        }
        case 'config/device_registry/list':
          if (state.config.deviceRegistry === 'absent') return err('unknown_command', 'Unknown command.')
          return ok(
            [...state.devices.values()].map(({ config_entries: entries, ...d }) => ({
              ...d,
              area_id: null,
              disabled_by: null,
              entry_type: null,
              hw_version: null,
              name_by_user: null,
              sw_version: null,
              via_device_id: null,
              // §1.3: 2026.8+ `config_entry_id`/`config_subentry_id`; older builds the list (knob `deviceEntryShape`).
              ...(state.config.deviceEntryShape !== 'config_entry_id' ? { config_entries: entries } : {}),
              ...(state.config.deviceEntryShape !== 'config_entries'
                ? { config_entry_id: entries[0] ?? null, config_subentry_id: null }
                : {}),
            })),
          )
        default:
          return err('unknown_command', 'Unknown command.')
      }
    })
  }

  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host
  let closing: Promise<void> | undefined
  const running: RunningHomeAssistant = {
    url: `${cert ? 'https' : 'http'}://${urlHost}:${port}`,
    sha256: cert?.sha256 ?? null,
    async replaceCertificate() {
      if (!cert) throw new Error('this fake Home Assistant serves plain http')
      cert = await certificateFor(options.host)
      ;(server as import('node:https').Server).setSecureContext({ key: cert.keyPem, cert: cert.certPem })
      running.sha256 = cert.sha256
      return cert.sha256
    },
    host: options.host,
    port,
    config,
    state,
    manager,
    async refresh(entryId) {
      for (const entry of [...state.entries.values()]) {
        if (entryId === undefined || entry.entry_id === entryId) await manager.setupEntry(entry)
      }
    },
    entries(domain) {
      return [...state.entries.values()].filter((e) => !domain || e.domain === domain)
    },
    get failedLogins() {
      return state.failedLogins
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close()
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
  return running
}
