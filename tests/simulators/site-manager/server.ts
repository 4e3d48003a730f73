// Tiny Site Manager (cloud, api.ui.com) simulator, unifi-os.md §5.4: `GET /v1/hosts` with
// a cloud `X-API-KEY`. Clients under test are pointed at this URL instead of api.ui.com, so
// "a pasted cloud key" (401 on the console, 200 here, §5.4 [inferred]) can be told apart.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { generateCertificate } from '../console/cert.ts'
import type { ConsoleConfig } from '../console/presets.ts'

/** One `data[]` entry of `/v1/hosts` (developer.ui.com/site-manager-api/listhosts, abridged). */
export interface SiteManagerHost {
  id: string
  hardwareId: string
  type: 'console' | 'ucore' | 'network-server'
  ipAddress: string
  owner: boolean
  isBlocked: boolean
  userData: Record<string, unknown>
  reportedState: Record<string, unknown>
}

export interface SiteManagerOptions {
  host: string
  /** 0 = ephemeral. */
  port: number
  /** Cloud API keys that are accepted; anything else is 401. */
  apiKeys: string[]
  hosts?: SiteManagerHost[]
}

export interface RunningSiteManager {
  url: string
  port: number
  sha256: string
  /** The self-signed certificate, for clients that verify it as their CA (as they would ui.com's chain). */
  certPem: string
  /** Mutable: tests may add or revoke keys and hosts at runtime. */
  apiKeys: Set<string>
  hosts: SiteManagerHost[]
  /** Every request that arrived (the key sent, if any), so tests can assert nothing left for the cloud. */
  requests: { method: string; path: string; apiKey: string | null }[]
  /** TCP connections accepted, with or without a request. */
  connections(): number
  close(): Promise<void>
}

/** A `/v1/hosts` entry describing a simulated console (§1 "Site Manager" field list). */
export function hostFromConsole(config: ConsoleConfig, ipAddress: string): SiteManagerHost {
  return {
    id: `${config.mac}0000000000000000000000000000:1261206302`,
    hardwareId: randomUUID(),
    type: 'console',
    ipAddress,
    owner: true,
    isBlocked: false,
    userData: {
      consoleGroupMembers: [
        {
          roleAttributes: {
            applications: Object.fromEntries(
              config.apps.map((a) => [a, { owned: true, required: false, supported: true }]),
            ),
          },
        },
      ],
    },
    reportedState: {
      hostname: config.name,
      name: config.name,
      version: config.firmware,
      mac: config.mac,
      hardware: { shortname: config.model, mac: config.mac },
      controllers: config.apps.map((name) => ({
        name,
        abridged: true,
        controllerStatus: 'READY',
        installState: 'installed',
        isConfigured: true,
        isInstalled: true,
        isRunning: true,
        state: 'active',
        status: 'ok',
        version: config.appVersions[name] ?? '',
      })),
    },
  }
}

/** §5.4 error envelope `{"code","httpStatusCode","message","traceId"}` [source: responseformat]. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { code, httpStatusCode: status, message, traceId: randomUUID().replace(/-/g, '') })
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

export async function startSiteManagerSimulator(options: SiteManagerOptions): Promise<RunningSiteManager> {
  const altNames = ['api.ui.com', ...(options.host === '0.0.0.0' || options.host === '::' ? [] : [options.host])]
  const cert = await generateCertificate({ commonName: 'api.ui.com', altNames })
  const apiKeys = new Set(options.apiKeys)
  const hosts = options.hosts ?? []

  const requests: RunningSiteManager['requests'] = []
  let connections = 0
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://api.ui.com')
    const sent = req.headers['x-api-key']
    requests.push({ method: req.method ?? '', path: url.pathname, apiKey: typeof sent === 'string' ? sent : null })
    if (req.method !== 'GET' || url.pathname !== '/v1/hosts') return sendError(res, 404, 'NOT_FOUND', 'not found')
    const key = req.headers['x-api-key']
    if (typeof key !== 'string' || !apiKeys.has(key.trim())) return sendError(res, 401, 'UNAUTHORIZED', 'unauthorized')
    send(res, 200, { data: hosts, httpStatusCode: 200, traceId: randomUUID().replace(/-/g, '') })
  }

  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, handle)
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
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
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host
  let closing: Promise<void> | undefined
  return {
    url: new URL(`https://${urlHost}:${port}`).origin,
    port,
    sha256: cert.sha256,
    certPem: cert.certPem,
    apiKeys,
    hosts,
    requests,
    connections: () => connections,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
      return closing
    },
  }
}
