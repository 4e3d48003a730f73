// A rogue server for trust tests (issue 15): whatever answers at an address Keyward
// stored, or where a redirect points. It records every request's headers and every
// WebSocket message, so a test can prove that no token (Authorization, X-API-KEY,
// cookie, WS `auth`) arrived. By default it looks enough like Home Assistant to be
// tempting: `/api/` and `/api/config` answer 200 to any token, the WebSocket says
// `auth_required` then `auth_ok` to anything; everything else is 404.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer } from 'ws'
import { generateCertificate } from '../console/cert.ts'

export interface RogueRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** 'http' for a request, 'ws' for a WebSocket upgrade. */
  kind: 'http' | 'ws'
}

export interface RogueReply {
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface RogueOptions {
  host?: string
  /** 0: any free port. A fixed port lets it take over a stopped HA's address. */
  port?: number
  https?: boolean
  /** Answer a request yourself (e.g. a redirect); undefined falls back to the HA look-alike. */
  reply?: (req: IncomingMessage) => RogueReply | undefined
}

export interface RogueServer {
  url: string
  port: number
  sha256: string | null
  requests: RogueRequest[]
  /** Every WebSocket message received, as text. */
  messages: string[]
  /** Requests or messages that carried a credential of any kind. */
  credentialsSeen(): string[]
  close(): Promise<void>
}

const json = (body: unknown): RogueReply => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

function lookAlike(req: IncomingMessage): RogueReply {
  const path = new URL(req.url ?? '/', 'http://rogue.invalid').pathname
  if (path === '/api/') return json({ message: 'API running.' })
  if (path === '/api/config') return json({ version: '2026.9.1', location_name: 'Home', components: ['api'] })
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: '404: Not Found' }
}

export async function startRogueServer(options: RogueOptions = {}): Promise<RogueServer> {
  const host = options.host ?? '127.0.0.1'
  const requests: RogueRequest[] = []
  const messages: string[] = []
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, kind: 'http' })
    req.resume()
    const r = options.reply?.(req) ?? lookAlike(req)
    res.writeHead(r.status, { 'content-length': String(Buffer.byteLength(r.body ?? '')), ...r.headers })
    res.end(r.body ?? '')
  }
  const cert = options.https
    ? await generateCertificate({ commonName: 'homeassistant.local', altNames: ['homeassistant.local', host] })
    : null
  const server = cert ? createTlsServer({ key: cert.keyPem, cert: cert.certPem }, handler) : createServer(handler)
  if (cert) server.on('tlsClientError', (_err, socket) => socket.destroy())
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, kind: 'ws' })
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {})
      ws.send(JSON.stringify({ type: 'auth_required', ha_version: '2026.9.1' }))
      ws.on('message', (data) => {
        messages.push(String(data))
        ws.send(JSON.stringify({ type: 'auth_ok', ha_version: '2026.9.1' }))
      })
    })
  })
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `${cert ? 'https' : 'http'}://${host}:${port}`,
    port,
    sha256: cert?.sha256 ?? null,
    requests,
    messages,
    credentialsSeen() {
      const seen: string[] = []
      for (const r of requests) {
        for (const name of ['authorization', 'x-api-key', 'cookie', 'x-auth-token']) {
          if (r.headers[name] !== undefined) seen.push(`${r.kind} ${r.method} ${r.path}: ${name}`)
        }
      }
      for (const m of messages) if (/access_token|token/i.test(m)) seen.push(`ws message: ${m.slice(0, 80)}`)
      return seen
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close()
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  }
}
