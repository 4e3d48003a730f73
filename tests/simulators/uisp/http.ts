// Route table types and hapi-style responses for the UISP simulator. Errors use
// the boom body `{"statusCode","error","message"}` (uisp.md §1); validation
// errors add `validation` like hapi/joi [inferred: hapi's format, not captured from UISP].
import type { IncomingMessage, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import { sendJson } from '../console/http.ts'
import type { Scope, SessionRecord, TokenRecord, UispState, UserSpec } from './state.ts'

export { readJsonBody, asRecord, headerValue } from '../console/http.ts'
export { sendJson }

/** Who is calling: a sign-in session or an API token, and with which scope. */
export interface Principal {
  kind: 'session' | 'token'
  id: string
  user: UserSpec
  scope: Scope
  record: SessionRecord | TokenRecord
}

export interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  params: string[]
  state: UispState
  /** Set for routes that need authentication. */
  principal: Principal
}

export interface Route {
  method: string
  /** Path below /nms/api/v2.1, exact or an anchored RegExp. */
  path: string | RegExp
  /** `false`: no authentication (hapi `auth: false`); a scope: the least scope required; default guest. */
  auth?: false | Scope
  handler: (ctx: Ctx) => void | Promise<void>
}

export function sendBoom(
  res: ServerResponse,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  sendJson(res, status, { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...extra })
}

/** hapi/joi validation failure (400). */
export function sendValidation(res: ServerResponse, key: string, message: string): void {
  sendBoom(res, 400, message, { validation: { source: 'payload', keys: [key] } })
}

/**
 * Checks a payload against allowed keys like a joi object without `.unknown()`:
 * unknown keys are refused. Returns the first unknown key, or null.
 */
export function unknownKey(body: Record<string, unknown>, allowed: readonly string[]): string | null {
  const extra = Object.keys(body).find((k) => !allowed.includes(k))
  return extra === undefined ? null : extra
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue
    if (typeof route.path === 'string') {
      if (route.path === path) return { route, params: [] }
    } else {
      const m = route.path.exec(path)
      if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')) }
    }
  }
  return undefined
}
