// The shapes of UISP replies Keyward relies on (uisp.md §1–§2), as zod schemas. Each is loose: UISP sends
// more fields than these, and a field Keyward reads leniently (a name, a date) is taken as `unknown` and
// narrowed where it is used, so an odd value there never turns a good reply into a bad one.
import { z } from 'zod'
import { KeywardFailure } from '../../../shared/result.ts'

/** Any JSON object (not an array, not null): a body whose fields are read one by one where used. */
export const objectReply = z.looseObject({})

/** A hapi/boom error body (uisp.md §1 "Error body": `{"statusCode","error","message"}`). */
export const boomReply = z.looseObject({ statusCode: z.number(), error: z.string() })

/** An error body's words: `message`, else `error` (hapi/boom, §1). */
export const errorWords = z.looseObject({ message: z.unknown().optional(), error: z.unknown().optional() })

/** `GET /nms/version` (§3): `{version, …}`; old UNMS answers `{version}` only. */
export const versionReply = z.looseObject({ version: z.string().min(1) })

/** The 201 of a sign-in that needs 2FA: TwoFactorToken `{id, userId, exp}` (§1). */
export const twoFactorReply = z.looseObject({ id: z.string().min(1), exp: z.unknown().optional() })

/** TokenSchema (§2): `id` is what Keyward needs; the other fields are read leniently. */
export const tokenReply = z.looseObject({ id: z.string() })

/** NewTokenSchema (§2): a TokenSchema plus `token`, the secret, returned this once. */
export const newTokenReply = z.looseObject({ id: z.string(), token: z.string() })

/** `DELETE /token/{id}` (§2): `{"result":true,"message":"…"}`; `result: false` is a refusal. */
export const revokeRefused = z.looseObject({ result: z.literal(false) })

/** `/nms/connection` (§4): the UISP key as a non-empty string (raw text or a JSON string). */
export const connectionReply = z.string().refine((s) => s.trim() !== '')

/** The body as `schema` says, else a `bad-reply` failure in `message`'s plain words. */
export function replyAs<T>(schema: z.ZodType<T>, body: unknown, message: string): T {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new KeywardFailure('bad-reply', message)
  return parsed.data
}
