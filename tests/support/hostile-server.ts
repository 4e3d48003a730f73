// A loopback server that answers like a console, a UISP server and Home
// Assistant at once (just enough for each client to reach the step under
// test) and misbehaves on exactly one path: huge, slow, truncated, garbled,
// redirecting, mistyped or misshapen replies. One real TLS server with a
// self-signed certificate (and a plain-HTTP twin for Home Assistant), so every
// case goes through the real sockets, parser and deadlines of net/https.ts.
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { generateCertificate } from '../simulators/console/cert.ts'

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** A valid UISP key (uisp.md §4 observed shape) so the UISP key step can pass by default. */
export const GOOD_UISP_KEY = `wss://127.0.0.1:9443+${Buffer.concat([Buffer.alloc(32, 7), Buffer.alloc(4)]).toString('base64url')}+allowSelfSignedCertificate`

const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  const text = JSON.stringify(body)
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    })
    .end(text)
}

/** What a well-behaved peer answers; only the hostile path deviates. */
function good(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!
  const m = req.method
  if (m === 'GET' && path === '/') {
    res
      .writeHead(200, { 'content-type': 'text/html', 'x-csrf-token': 'csrf-1' })
      .end('<!doctype html><title>UniFi OS</title>')
  } else if (path === '/api/system') {
    json(res, 200, { hardware: { shortname: 'UNVR' }, name: 'Hostile', mac: 'AA:BB:CC:DD:EE:FF' })
  } else if (/^\/proxy\/(protect|network|access)\/api$/.test(path)) {
    json(res, 401, { error: 'unauthorized' })
  } else if (m === 'POST' && path === '/api/auth/login') {
    json(
      res,
      200,
      { unique_id: 'u1', username: 'owner', isOwner: true },
      { 'set-cookie': 'TOKEN=session-cookie; path=/', 'x-csrf-token': 'csrf-2' },
    )
  } else if (path === '/api/auth/logout') {
    json(res, 200, {})
  } else if (m === 'POST' && path === '/proxy/users/api/v2/user/self/keys') {
    json(res, 200, { code: 'SUCCESS', data: { id: 'k1', name: 'Keyward', full_api_key: 'AbCdEfGh12345678ijkl' } })
  } else if (m === 'GET' && path === '/proxy/users/api/v2/user/self/keys') {
    json(res, 200, { code: 'SUCCESS', data: [{ id: 'k1', name: 'Keyward' }] })
  } else if (path === '/proxy/protect/integration/v1/meta/info') {
    json(res, 200, { applicationVersion: '6.0.0' })
  } else if (path === '/proxy/protect/integration/v1/cameras') {
    json(res, 200, [])
  } else if (path === '/nms/api/v2.1/nms/version') {
    json(res, 200, { version: '2.4.1' })
  } else if (m === 'POST' && path === '/nms/api/v2.1/user/login') {
    json(res, 200, { id: 'u1', username: 'admin', role: 'superadmin' }, { 'x-auth-token': 'uisp-session' })
  } else if (path === '/nms/api/v2.1/nms/connection') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(GOOD_UISP_KEY)
  } else if (path === '/nms/api/v2.1/user') {
    json(res, 200, { id: 'u1', username: 'admin' })
  } else if (path === '/api/') {
    json(res, 200, { message: 'API running.' })
  } else if (path === '/api/config') {
    json(res, 200, { version: '2026.9.1', location_name: 'Home', components: [] })
  } else {
    json(res, 404, { statusCode: 404, error: 'Not Found' })
  }
}

const HUGE = 64 * 1024 * 1024
const chunk = Buffer.alloc(64 * 1024, 0x61)

/** Writes `total` bytes as fast as the peer takes them, stopping when it goes away. */
function flood(res: http.ServerResponse, total: number): void {
  let sent = 0
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end()
  }
  pump()
}

/** Sends `text` one byte per `everyMs` on the raw socket (a peer trickling past any deadline). */
function trickle(socket: Socket, text: string, everyMs: number, timers: Set<NodeJS.Timeout>): void {
  let i = 0
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) {
      clearInterval(timer)
      timers.delete(timer)
      return
    }
    socket.write(text[i++]!)
  }, everyMs)
  timers.add(timer)
}

const raw = (req: http.IncomingMessage, bytes: string | Buffer) => {
  req.socket.end(bytes)
}

/** Every way a reply can be hostile, by name. */
export function behaviours(timers: Set<NodeJS.Timeout>): Record<string, Handler> {
  return {
    // ---- size
    'declared huge (Content-Length 64 MB)': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': HUGE })
      flood(res, HUGE)
    },
    'streamed huge (chunked, no length)': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      flood(res, HUGE)
    },
    'huge HTML error page': (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' })
      flood(res, HUGE)
    },
    // ---- time
    'silent (never answers)': () => {},
    'headers trickle past the deadline': (req) =>
      trickle(
        req.socket,
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-padding: ' + 'a'.repeat(200),
        40,
        timers,
      ),
    'body trickles past the deadline': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 4000 })
      res.flushHeaders()
      trickle(res.socket!, ' '.repeat(4000), 40, timers)
    },
    'status line then silence': (req) => req.socket.write('HTTP/1.1 200 OK\r\n'),
    // ---- cut short
    'truncated body (Content-Length larger than sent)': (req) =>
      raw(req, 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"a":'),
    'truncated chunked body': (req) =>
      raw(req, 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n'),
    'connection closed before a reply': (req) => req.socket.end(),
    // (A TLS socket cannot send a TCP RST from Node; destroy() drops it without a close_notify.)
    'connection dropped before a reply': (req) => req.socket.destroy(),
    'dropped in the middle of the body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 })
      res.write('{"hardware":')
      setTimeout(() => res.socket?.destroy(), 20)
    },
    // ---- not HTTP
    'garbage instead of HTTP': (req) => raw(req, 'SSH-2.0-OpenSSH_9.6\r\n\r\n'),
    'invalid Content-Length header': (req) => raw(req, 'HTTP/1.1 200 OK\r\ncontent-length: lots\r\n\r\n{}'),
    'two different Content-Length headers': (req) =>
      raw(req, 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 9\r\n\r\n{}'),
    'NUL in a header': (req) => raw(req, 'HTTP/1.1 200 OK\r\nx-a: b\0c\r\ncontent-length: 2\r\n\r\n{}'),
    // ---- redirects
    '302 to another host': (_req, res) => res.writeHead(302, { location: 'https://evil.example/' }).end(),
    '301 to another host': (_req, res) => res.writeHead(301, { location: 'https://evil.example/api/' }).end(),
    '307 to another host': (_req, res) => res.writeHead(307, { location: 'https://10.9.9.9:8443/' }).end(),
    '308 protocol-relative to another host': (_req, res) => res.writeHead(308, { location: '//evil.example/x' }).end(),
    '302 to a non-web scheme': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    '302 with an unparsable Location': (_req, res) => res.writeHead(302, { location: 'http://[::1' }).end(),
    // ---- not JSON
    'HTML page with 200': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>Starting…</body></html>'),
    'broken JSON declared as JSON': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"version": 2.4.1,'),
    'JSON cut in the middle': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"2.4'),
    'binary body as octet-stream': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/octet-stream' })
        .end(Buffer.from([0xff, 0xfe, 0, 1, 2, 0x80, 0x7b])),
    'UTF-16 JSON': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-16le' })
        .end(Buffer.from('{"version":"1"}', 'utf16le')),
    'XML with 200': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><error/>'),
    'empty body with 200': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 0 }).end(),
    // ---- wrong shapes (valid JSON)
    'JSON null': (_req, res) => json(res, 200, null),
    'JSON array': (_req, res) => json(res, 200, [1, 2, 3]),
    'JSON number': (_req, res) => json(res, 200, 42),
    'JSON string': (_req, res) => json(res, 200, 'hello'),
    'every field the wrong type': (_req, res) =>
      json(res, 200, {
        hardware: 'x',
        name: 7,
        mac: [],
        version: 3,
        message: {},
        id: 1,
        username: false,
        unique_id: [],
        data: 'k',
        code: 'SUCCESS',
        components: 'all',
        applicationVersion: 9,
      }),
    'deeply nested JSON': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('['.repeat(100_000) + ']'.repeat(100_000)),
    'prototype keys': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
    'strings far over their limits': (_req, res) =>
      json(res, 200, {
        hardware: { shortname: 'U'.repeat(5000) },
        name: 'n'.repeat(100_000),
        mac: 'm'.repeat(5000),
        version: 'v'.repeat(100_000),
        message: 'x',
        code: 'SUCCESS',
        data: { id: 'i'.repeat(50_000), full_api_key: 'k'.repeat(100_000) },
      }),
    // ---- statuses
    '500 with a JSON error': (_req, res) => json(res, 500, { error: 'boom' }),
    '502 empty': (_req, res) => res.writeHead(502).end(),
    '503 with Retry-After': (_req, res) => json(res, 503, { message: 'starting' }, { 'retry-after': '120' }),
    '418 teapot': (_req, res) => res.writeHead(418, { 'content-type': 'text/plain' }).end("I'm a teapot"),
    '204 no content': (_req, res) => res.writeHead(204).end(),
    '429 with a day-long Retry-After': (_req, res) =>
      json(res, 429, { message: 'slow down' }, { 'retry-after': '86400' }),
  }
}

export interface HostileServer {
  /** HTTPS port (self-signed). */
  port: number
  /** Plain-HTTP port with the same behaviour (Home Assistant on :8123). */
  httpPort: number
  sha256: string
  /** Misbehave with `name` on `path` (exact pathname, any method); null = all good. */
  set(rule: { path: string; name: string } | null): void
  /** Answer `path` with this text (200, text/html as hapi sends strings) until `set(null)`. */
  setBody(rule: { path: string; body: string }): void
  names: string[]
  close(): Promise<void>
}

export async function startHostileServer(): Promise<HostileServer> {
  const cert = await generateCertificate({ commonName: 'hostile.local', altNames: ['hostile.local', '127.0.0.1'] })
  const timers = new Set<NodeJS.Timeout>()
  const table = behaviours(timers)
  let rule: { path: string; name: string } | null = null
  let body: { path: string; body: string } | null = null
  const handler: Handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    if (rule && path === rule.path) return table[rule.name]!(req, res)
    if (body && path === body.path)
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body.body)
    good(req, res)
  }
  const sockets = new Set<Socket>()
  const track = (server: net.Server) =>
    server.on('connection', (s: Socket) => {
      sockets.add(s)
      s.on('error', () => {})
      s.once('close', () => sockets.delete(s))
    })
  const tlsServer = https.createServer({ key: cert.keyPem, cert: cert.certPem }, handler)
  tlsServer.on('secureConnection', (s: Socket) => {
    sockets.add(s)
    s.on('error', () => {})
    s.once('close', () => sockets.delete(s))
  })
  const plainServer = http.createServer(handler)
  track(tlsServer)
  track(plainServer)
  for (const s of [tlsServer, plainServer]) s.on('clientError', (_e, socket) => socket.destroy())
  await Promise.all([tlsServer, plainServer].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))))
  return {
    port: (tlsServer.address() as AddressInfo).port,
    httpPort: (plainServer.address() as AddressInfo).port,
    sha256: cert.sha256,
    names: Object.keys(table),
    set(next) {
      if (next && !(next.name in table)) throw new Error(`no behaviour ${next.name}`)
      rule = next
      body = null
    },
    setBody(next) {
      body = next
    },
    async close() {
      for (const t of timers) clearInterval(t)
      for (const s of sockets) s.destroy()
      await Promise.all([tlsServer, plainServer].map((s) => new Promise((r) => s.close(r))))
    },
  }
}

/** Servers that fail below HTTP: a TCP port that never speaks TLS, and plain HTTP where HTTPS is expected. */
export async function startSilentTcp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((r) => server.close(r))
    },
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  await new Promise((r) => server.close(r))
  return port
}
