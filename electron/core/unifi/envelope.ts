// Parsing of UniFi OS reply bodies. The users service wraps data in
// `{code, codeS, data}` and marks success inconsistently: vypdev shows
// `{"code":1,"codeS":"SUCCESS"}`, a Go client accepts 0 or 1, scottmsilver's
// experiment accepts "SUCCESS", "OK", 0, 1 (unifi-os.md §3) — so we accept all.
// Access uses `{code:"SUCCESS", msg, data}` (§5.3); the gateway `{error:{code,message}}` (§5.1).
// Every reply shape Keyward reads is a zod schema; `parseReply` turns a mismatch into `bad-reply`
// with the plain sentence the caller gives (the first mismatch goes to the detail, for the log).
import { z } from 'zod'
import { KeywardFailure } from '../../../shared/result.ts'
import { jsonBody, type HttpsReply } from '../net/https.ts'

const SUCCESS = new Set<unknown>([0, 1, '0', '1', 'SUCCESS', 'OK'])

/** Any JSON object (not an array, not null), every field kept. */
export const anObject = z.looseObject({})

/** A text field that may be missing or of another type: then undefined, never a reason to refuse the reply. */
export const optionalText = z.string().optional().catch(undefined)

/** `body` as `schema` says, or `bad-reply` with `message` (plain words for the user). */
export function parseReply<S extends z.ZodType>(schema: S, body: unknown, message: string): z.infer<S> {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const first = parsed.error.issues[0]
  const where = first?.path.length ? first.path.join('.') : 'body'
  throw new KeywardFailure('bad-reply', message, `${where}: ${first?.message ?? 'unexpected shape'}`.slice(0, 200))
}

/** The entries of `list` that `schema` accepts; the others are skipped (a list keeps what it can use). */
export function usableEntries<S extends z.ZodType>(schema: S, list: readonly unknown[]): z.infer<S>[] {
  return list.flatMap((entry) => {
    const parsed = schema.safeParse(entry)
    return parsed.success ? [parsed.data] : []
  })
}

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

/** An error body in any of the shapes above; every field may be missing. */
const errorBody = z.looseObject({
  msg: z.unknown().optional(),
  message: z.unknown().optional(),
  error: z.looseObject({ message: z.unknown().optional() }).optional().catch(undefined),
  code: z.unknown().optional(),
  codeS: z.unknown().optional(),
})

/** The human message a UniFi error body carries, if any (bounded). */
export function errorMessage(body: unknown): string | null {
  const parsed = errorBody.safeParse(body)
  if (!parsed.success) return null
  const text = parsed.data.msg ?? parsed.data.message ?? parsed.data.error?.message
  return typeof text === 'string' ? text.slice(0, 200) : null
}

/** The machine code a UniFi error body carries (`code` string or `codeS`), if any. */
export function errorCode(body: unknown): string | null {
  const parsed = errorBody.safeParse(body)
  if (!parsed.success) return null
  for (const value of [parsed.data.codeS, parsed.data.code])
    if (typeof value === 'string' && !SUCCESS.has(value)) return value.slice(0, 80)
  return null
}

/**
 * Unwraps `data` from a success envelope; a body without an envelope (a bare array or object) is
 * returned whole: both shapes are in use (§3 users service, §4.1 keys, §5.3 Access).
 */
export function unwrap(body: unknown, what: string): unknown {
  const parsed = anObject.safeParse(body)
  if (!parsed.success) return body
  const envelope = parsed.data
  const hasCode = 'code' in envelope || 'codeS' in envelope
  if (hasCode) {
    const ok = SUCCESS.has(envelope.code) || envelope.codeS === 'SUCCESS'
    if (!ok) {
      throw new KeywardFailure(
        'refused',
        `${what}: the console said "${errorMessage(body) ?? errorCode(body) ?? 'no'}".`,
        errorCode(body) ?? undefined,
      )
    }
  }
  return 'data' in envelope ? envelope.data : body
}
