// Route table types and response helpers shared by the simulator's modules. Each
// module (auth.ts, users.ts, keys.ts, …) exports `Route[]`; server.ts dispatches.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SimulatorState } from './state.ts'

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
  /** HTTP method, or '*' for any. */
  method: string
  /** Exact pathname, or an anchored RegExp whose groups become `params`. */
  path: string | RegExp
  handler: Handler
  /** Served normally while the console boots (only `GET /`); everything else gets the boot page. */
  servedWhileBooting?: boolean
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== '*' && route.method !== method) continue
    if (typeof route.path === 'string') {
      if (route.path === pathname) return { route, params: [] }
    } else {
      const m = route.path.exec(pathname)
      if (m) return { route, params: m.slice(1).map((p) => safeDecode(p ?? '')) }
    }
  }
  return undefined
}

// ---- responses --------------------------------------------------------------

/** Extra response headers; an array sends one header line per value. */
export type ExtraHeaders = Record<string, string | string[]>

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: ExtraHeaders = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    ...headers,
  })
  res.end(html)
}

/** UniFi OS gateway-style error body `{"error":{"code":401,"message":"Unauthorized"}}` (unifi-os.md §5.1). */
export function sendError(res: ServerResponse, status: number, message: string, headers: ExtraHeaders = {}): void {
  sendJson(res, status, { error: { code: status, message } }, headers)
}

/** The console each response belongs to, so helpers without a context can read its knobs. */
const stateOfResponse = new WeakMap<ServerResponse, SimulatorState>()

export function bindResponse(res: ServerResponse, state: SimulatorState): void {
  stateOfResponse.set(res, state)
}

/**
 * Users-service success envelope (§3, §4.1): `{"code":1,"codeS":"SUCCESS","data":…}` [source], or per
 * knob `shapes.envelope` `{"code":0,"data":…}` / `{"code":"OK","data":…}`, the other marks clients accept.
 */
export function sendEnvelope(res: ServerResponse, data: unknown, status = 200): void {
  const shape = stateOfResponse.get(res)?.config.shapes.envelope ?? 'code-1'
  const marks = shape === 'code-0' ? { code: 0 } : shape === 'code-ok' ? { code: 'OK' } : { code: 1, codeS: 'SUCCESS' }
  sendJson(res, status, { ...marks, data })
}

/**
 * Users-service failure envelope. Real bodies are an open question (§9: "likely
 * `{"code":<non-1>,"msg":…}`") [inferred]: `code` is the HTTP status (never 0 or 1, which
 * clients read as success, §3), `codeS` a machine-readable reason, `msg` human text.
 */
export function sendEnvelopeError(res: ServerResponse, status: number, codeS: string, msg: string): void {
  sendJson(res, status, { code: status, codeS, msg })
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** What a booting console serves instead of JSON (§2: aiounifi "Login Failed: Host starting up"). */
export function sendStartingUp(res: ServerResponse): void {
  sendHtml(
    res,
    200,
    '<!doctype html><html><head><title>UniFi OS</title></head><body><div id="root">UniFi OS is starting up. Please wait…</div></body></html>\n',
  )
}

// ---- requests ---------------------------------------------------------------

const MAX_BODY = 1 << 20

export type BodyResult = { ok: true; value: unknown } | { ok: false; reason: 'too-large' | 'invalid-json' }

/** Reads the body and parses it as JSON whatever the Content-Type (the browser sends text/plain, §4.1). */
export async function readJsonBody(req: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > MAX_BODY) return { ok: false, reason: 'too-large' }
    chunks.push(buf)
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }
  } catch {
    return { ok: false, reason: 'invalid-json' }
  }
}

/** Plain-object view of a parsed body (anything else → empty object). */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim())
  }
  return out
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}
