// Parsing of UniFi OS reply bodies. The users service wraps data in
// `{code, codeS, data}` and marks success inconsistently: vypdev shows
// `{"code":1,"codeS":"SUCCESS"}`, a Go client accepts 0 or 1, scottmsilver's
// experiment accepts "SUCCESS", "OK", 0, 1 (unifi-os.md §3) — so we accept all.
// Access uses `{code:"SUCCESS", msg, data}` (§5.3); the gateway `{error:{code,message}}` (§5.1).
import { KeywardFailure } from '../../../shared/result.ts'
import { jsonBody, type HttpsReply } from '../net/https.ts'

const SUCCESS = new Set<unknown>([0, 1, '0', '1', 'SUCCESS', 'OK'])

export type Json = Record<string, unknown>

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** True when the reply is a web page (a console that is still starting up answers HTML). */
export function isHtml(reply: HttpsReply): boolean {
  const type = String(reply.headers['content-type'] ?? '')
  if (type.includes('html')) return true
  const head = reply.body.subarray(0, 64).toString('utf8').trimStart().toLowerCase()
  return head.startsWith('<!doctype') || head.startsWith('<html')
}

export function parseJson(reply: HttpsReply, what: string): unknown {
  if (isHtml(reply)) {
    throw new KeywardFailure(
      'bad-reply',
      `${what}: the console answered with a web page; it may still be starting up. Try again in a minute.`,
      `status ${reply.status}`,
    )
  }
  if (reply.body.length === 0) return null
  return jsonBody(reply, what)
}

/** The human message a UniFi error body carries, if any (bounded). */
export function errorMessage(body: unknown): string | null {
  if (!isObject(body)) return null
  const nested = isObject(body.error) ? body.error : null
  const text = body.msg ?? body.message ?? nested?.message
  return typeof text === 'string' ? text.slice(0, 200) : null
}

/** The machine code a UniFi error body carries (`code` string or `codeS`), if any. */
export function errorCode(body: unknown): string | null {
  if (!isObject(body)) return null
  for (const value of [body.codeS, body.code])
    if (typeof value === 'string' && !SUCCESS.has(value)) return value.slice(0, 80)
  return null
}

/** Unwraps `data` from a success envelope; a body without an envelope is returned whole. */
export function unwrap(body: unknown, what: string): unknown {
  if (!isObject(body)) return body
  const hasCode = 'code' in body || 'codeS' in body
  if (hasCode) {
    const ok = SUCCESS.has(body.code) || body.codeS === 'SUCCESS'
    if (!ok) {
      throw new KeywardFailure(
        'refused',
        `${what}: the console said "${errorMessage(body) ?? errorCode(body) ?? 'no'}".`,
        errorCode(body) ?? undefined,
      )
    }
  }
  return 'data' in body ? body.data : body
}
