// HTTPS simulator of a UISP server (or a UISP-firmware device), following
// uisp.md §1–§4 and the checklist in §7. Fresh certificate per start.
//   server  /nms/api/v2.1/*: version and heartbeat without auth; login with optional 2FA (auth.ts); API
//           tokens (tokens.ts); /user, /devices, /nms/connection (nms.ts); other paths 404 (hapi routes
//           before it authenticates). Missing or bad `x-auth-token` →
//           401 {"statusCode":401,"error":"Unauthorized","message":…}; too low a scope → 403 "Insufficient
//           scope" (hapi's scope check [inferred]). `GET /` answers a plain page without `x-csrf-token`, so
//           nobody mistakes the server for UniFi OS [inferred: the real page is not documented].
//   device  GET /api/v1.0/public/device → {"identification":{"product","model","family"}} [report]
// Knobs: 2FA, token lifetime, the key's certificate option and address, self-signed or CA-issued
// certificate, and a `clock` so tests expire tokens without waiting.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { generateCertificate, type GeneratedCertificate } from '../console/cert.ts'
import { authRoutes, resolvePrincipal } from './auth.ts'
import { generateCaIssuedCertificate } from './cert.ts'
import { matchRoute, sendBoom, sendJson, type Route } from './http.ts'
import { DEFAULT_DEVICES, nmsRoutes, type VersionInfo } from './nms.ts'
import {
  connectionString,
  createState,
  defaultUsers,
  newAesKey,
  SCOPE_RANK,
  type KeyOption,
  type UispState,
  type UserSpec,
} from './state.ts'
import { tokenRoutes } from './tokens.ts'
import { totp } from './totp.ts'

export { UISP_ADMIN, UISP_OPERATOR, UISP_TOTP_SECRET, UISP_VIEWER } from './state.ts'
export type { UispState } from './state.ts'

export interface UispServerOptions {
  host: string
  port: number
  mode?: 'server' | 'device'
  version?: VersionInfo
  identification?: { product: string; model: string; family: string }
  /** The admin account (`UISP_ADMIN`) signs in with 2FA (TOTP, `UISP_TOTP_SECRET`). */
  twoFactor?: boolean
  /** Replaces the default users (admin: superadmin, operator: admin, viewer: guest). */
  users?: UserSpec[]
  /** API token lifetime in ms; null (default) = never expires. */
  tokenLifetimeMs?: number | null
  sessionLifetimeMs?: number
  /** UNMS 0.11.3 shape of /user/login/totpauth (needs `password`); default the swagger shape. */
  totpNeedsPassword?: boolean
  /** The UISP key's certificate option; default allowSelfSignedCertificate (§7). */
  keyOption?: KeyOption | null
  connectionHost?: string
  connectionPort?: number
  connectionFormat?: 'raw' | 'json'
  aesKey?: string
  /** `ca-issued`: a leaf signed by a throwaway CA (`caPem`), not self-signed. */
  certificate?: 'self-signed' | 'ca-issued'
  /** `/nms/version` answers 401 without a token (uisp.md §8 open question). */
  versionNeedsAuth?: boolean
  /**
   * `omitted`: the token list and replies leave `meta` out (uisp.md §2 names it in the POST body and the
   * schema but not that a server keeps it); default `listed`, the note as sent.
   */
  tokenMeta?: 'listed' | 'omitted'
  /** Simulated time in ms (sessions, 2FA, token expiry). Default Date.now. */
  clock?: () => number
}

export interface RunningUisp {
  url: string
  port: number
  /** SHA-256 of the certificate currently served. */
  sha256: string
  /** PEM of the issuing CA when `certificate: 'ca-issued'`. */
  caPem: string | null
  /** Every request as "METHOD /path". */
  requests: string[]
  state: UispState
  /** The key `/nms/connection` returns now. Secret in real life; here a test value. */
  connectionKey(): string
  /** The admin's current TOTP code on the simulated clock. */
  totp(): string
  /** Every sign-in session ends now. */
  expireSessions(): void
  /** Serves a fresh certificate to new connections (as a renewed certificate would); returns its SHA-256. */
  replaceCertificate(): Promise<string>
  /** The next `method path` (below /nms/api/v2.1) is handled but its reply is lost; resolves when it fired. */
  dropNextReply(method: string, path: string): Promise<void>
  close(): Promise<void>
}

export const DEFAULT_VERSION: VersionInfo = {
  version: '2.4.155',
  deployment: 'docker',
  build: '12345',
  time: '2026-01-15T10:00:00.000Z',
}
export const DEFAULT_IDENTIFICATION = { product: 'UISP Router', model: 'UISP-R', family: 'UISP Router' }
const API = '/nms/api/v2.1'

function sendPage(res: ServerResponse, title: string): void {
  const html = `<!doctype html><html><head><title>${title}</title></head><body></body></html>\n`
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) })
  res.end(html)
}

function handlerFor(
  mode: 'server' | 'device',
  routes: Route[],
  state: UispState,
  identification: UispServerOptions['identification'],
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET'
    const path = new URL(req.url ?? '/', 'https://uisp.invalid').pathname
    state.requests.push(`${method} ${path}`)
    if (method === 'GET' && path === '/') return sendPage(res, mode === 'server' ? 'UISP' : 'UISP Device')
    if (mode === 'device') {
      if (method === 'GET' && path === '/api/v1.0/public/device')
        return sendJson(res, 200, { identification: identification ?? DEFAULT_IDENTIFICATION })
      return sendBoom(res, 404, 'Not Found')
    }
    if (!path.startsWith(`${API}/`)) return sendBoom(res, 404, 'Not Found')
    const sub = path.slice(API.length)
    const drop = state.dropReply
    if (drop && drop.method === method && drop.path === sub) {
      state.dropReply = null
      // The handler runs (the server acts), but the reply never reaches the client.
      res.writeHead = (() => res) as never
      res.end = (() => {
        req.socket.destroy()
        drop.fired()
        return res
      }) as never
    }
    // hapi routes first: an unknown path is 404 whoever asks.
    const found = matchRoute(routes, method, sub)
    if (!found) return sendBoom(res, 404, 'Not Found')
    let principal = null
    if (found.route.auth !== false) {
      const who = resolvePrincipal(req, state)
      if (!who.ok) return sendBoom(res, 401, who.message)
      principal = who.principal
    }
    const needed = found.route.auth
    if (needed && principal && SCOPE_RANK[principal.scope] < SCOPE_RANK[needed])
      return sendBoom(res, 403, 'Insufficient scope')
    Promise.resolve(
      found.route.handler({
        req,
        res,
        url: new URL(req.url ?? '/', 'https://uisp.invalid'),
        params: found.params,
        state,
        principal: principal!,
      }),
    ).catch((err: unknown) => {
      console.error('uisp simulator handler failed:', err)
      if (!res.headersSent) sendBoom(res, 500, 'An internal server error occurred')
      else res.destroy()
    })
  }
}

export async function startUispServer(options: UispServerOptions): Promise<RunningUisp> {
  const mode = options.mode ?? 'server'
  const altNames = ['uisp.local', ...(options.host === '0.0.0.0' || options.host === '::' ? [] : [options.host])]
  const newCertificate = (): Promise<GeneratedCertificate & { caPem?: string }> =>
    options.certificate === 'ca-issued'
      ? generateCaIssuedCertificate({ commonName: 'uisp.local', altNames })
      : generateCertificate({ commonName: 'uisp.local', altNames })
  const cert = await newCertificate()
  const state = createState(
    {
      users: options.users ?? defaultUsers(options.twoFactor ?? false),
      tokenLifetimeMs: options.tokenLifetimeMs ?? null,
      sessionLifetimeMs: options.sessionLifetimeMs ?? 60 * 60_000,
      twoFactorWindowMs: 5 * 60_000,
      totpNeedsPassword: options.totpNeedsPassword ?? false,
      aesKey: options.aesKey ?? newAesKey(),
      keyOption: options.keyOption === undefined ? 'allowSelfSignedCertificate' : options.keyOption,
      connectionHost: options.connectionHost ?? null,
      connectionPort: options.connectionPort ?? null,
      connectionFormat: options.connectionFormat ?? 'raw',
      tokenMeta: options.tokenMeta ?? 'listed',
      devices: DEFAULT_DEVICES,
    },
    options.clock ?? Date.now,
  )
  const routes = [
    ...nmsRoutes(options.version ?? DEFAULT_VERSION, options.versionNeedsAuth ?? false),
    ...authRoutes(),
    ...tokenRoutes(),
  ]
  const server = createServer(
    { key: cert.keyPem, cert: cert.certPem },
    handlerFor(mode, routes, state, options.identification),
  )
  const sockets = new Set<Socket>()
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  server.on('tlsClientError', (_err, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  state.listen = { host: options.host, port }
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host
  let closing: Promise<void> | undefined
  const running: RunningUisp = {
    url: `https://${urlHost}:${port}`,
    port,
    sha256: cert.sha256,
    caPem: cert.caPem ?? null,
    requests: state.requests,
    state,
    connectionKey: () => connectionString(state),
    totp() {
      const secret = state.config.users.find((u) => u.totpSecret)?.totpSecret
      if (!secret) throw new Error('no user has 2FA in this simulator')
      return totp(secret, state.clock())
    },
    expireSessions() {
      const now = state.clock()
      for (const s of state.sessions.values()) s.expiresAt = Math.min(s.expiresAt, now)
    },
    async replaceCertificate() {
      const next = await newCertificate()
      server.setSecureContext({ key: next.keyPem, cert: next.certPem })
      running.sha256 = next.sha256
      running.caPem = next.caPem ?? null
      return next.sha256
    },
    dropNextReply(method, path) {
      return new Promise<void>((resolve) => {
        state.dropReply = { method, path, fired: resolve }
      })
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      return closing
    },
  }
  return running
}
