// Small helpers shared by the UISP client modules: the API base path, reply
// bodies, and the hapi/boom error body `{"statusCode","error","message"}` (uisp.md §1).
import { KeywardFailure } from '../../../shared/result.ts'
import { jsonBody, type HttpsReply } from '../net/https.ts'
import { errorWords } from './replies.ts'

/** Every UISP API path starts here (uisp.md header: swagger `basePath`). */
export const UISP_API = '/nms/api/v2.1'

/** uisp.md §3 [inferred]: a UISP server is probed at `https://<ip>[:443|:8443]/nms/api/v2.1/nms/version`. */
export const UISP_PORTS: readonly number[] = [443, 8443]

/** Header carrying both session tokens and API tokens (uisp.md §1 Use, §2). */
export const AUTH_HEADER = 'x-auth-token'

export type Json = Record<string, unknown>

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** True when the body is a web page (a server still starting up, or not UISP at all). */
export function isHtml(reply: HttpsReply): boolean {
  const head = reply.body.subarray(0, 64).toString('utf8').trimStart().toLowerCase()
  return head.startsWith('<!doctype') || head.startsWith('<html')
}

/**
 * The body as JSON, null when empty, or the raw text for a string reply: hapi
 * sends a handler's string (e.g. `/nms/connection`, UNMS nms/plugin.js
 * `reply(connectionString())`) as text/html, not JSON [inferred from hapi's
 * defaults], so a body that is not JSON and not declared JSON is returned as text.
 * A web page or a broken JSON body is a specific error.
 */
export function parseBody(reply: HttpsReply, what: string): unknown {
  if (isHtml(reply)) {
    throw new KeywardFailure(
      'bad-reply',
      `${what}: the server answered with a web page, not the UISP API. It may still be starting up, or it is not a UISP server.`,
      `status ${reply.status}`,
    )
  }
  if (reply.body.length === 0) return null
  const type = String(reply.headers['content-type'] ?? '')
  if (type.includes('json')) return jsonBody(reply, what)
  const text = reply.body.toString('utf8')
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** The hapi message of an error reply, never throwing. */
export function replyMessage(reply: HttpsReply): string | null {
  try {
    return hapiMessage(parseBody(reply, 'The reply'))
  } catch {
    return null
  }
}

/** The `message` of a hapi/boom error body, bounded, or null. */
export function hapiMessage(body: unknown): string | null {
  const parsed = errorWords.safeParse(body) // uisp.md §1 "Error body"
  if (!parsed.success) return null
  const text = parsed.data.message ?? parsed.data.error
  return typeof text === 'string' ? text.slice(0, 200) : null
}

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/** ISO date from a string or a number of milliseconds, else null. */
export function isoOrNull(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v).toISOString()
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v)).toISOString()
  return null
}

/** `host:port` with IPv6 in brackets: the stable key of a UISP server address. */
