// Minimal UISP HTTPS peers for discovery (uisp.md §3, §7):
//   server  GET /nms/api/v2.1/nms/version → {"version","deployment","build","time"}, no auth
//           any other /nms/api/v2.1/* → 401 {"statusCode":401,"error":"Unauthorized","message":…} (§1)
//   device  GET /api/v1.0/public/device → {"identification":{"product","model","family"}} [report]
// Only those paths are served; the values are made up (the reference gives the
// field names only). `GET /` answers a plain page without `x-csrf-token`, so
// nobody mistakes the server for UniFi OS [inferred: the real page is not documented].
// Fresh self-signed certificate per start.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { generateCertificate } from '../console/cert.ts'

export interface UispServerOptions {
  host: string
  port: number
  mode?: 'server' | 'device'
  version?: { version: string; deployment: string; build: string; time: string }
  identification?: { product: string; model: string; family: string }
}

export interface RunningUisp {
  url: string
  port: number
  sha256: string
  requests: string[]
  close(): Promise<void>
}

export const DEFAULT_VERSION = { version: '2.4.155', deployment: 'docker', build: '12345', time: '2026-01-15T10:00:00.000Z' }
export const DEFAULT_IDENTIFICATION = { product: 'UISP Router', model: 'UISP-R', family: 'UISP Router' }

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export async function startUispServer(options: UispServerOptions): Promise<RunningUisp> {
  const mode = options.mode ?? 'server'
  const altNames = ['uisp.local', ...(options.host === '0.0.0.0' ? [] : [options.host])]
  const cert = await generateCertificate({ commonName: 'uisp.local', altNames })
  const requests: string[] = []
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'https://uisp.invalid').pathname
    requests.push(`${req.method} ${path}`)
    if (req.method !== 'GET') return json(res, 405, { statusCode: 405, error: 'Method Not Allowed', message: 'Method not allowed' })
    if (path === '/') {
      const html = `<!doctype html><html><head><title>${mode === 'server' ? 'UISP' : 'UISP Device'}</title></head><body></body></html>\n`
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) })
      return void res.end(html)
    }
    if (mode === 'server') {
      if (path === '/nms/api/v2.1/nms/version') return json(res, 200, options.version ?? DEFAULT_VERSION)
      if (path.startsWith('/nms/api/v2.1/')) {
        return json(res, 401, { statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' })
      }
    } else if (path === '/api/v1.0/public/device') {
      return json(res, 200, { identification: options.identification ?? DEFAULT_IDENTIFICATION })
    }
    json(res, 404, { statusCode: 404, error: 'Not Found', message: 'Not Found' })
  }
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, handler)
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
  let closing: Promise<void> | undefined
  return {
    url: `https://${options.host}:${port}`,
    port,
    sha256: cert.sha256,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      return closing
    },
  }
}
