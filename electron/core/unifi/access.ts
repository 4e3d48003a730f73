// UniFi Access API tokens: a second token system beside console keys
// (unifi-os.md §4.2, §5.3). Created through the console session; used as
// Bearer tokens on the Access developer API (:12445); they can expire.
import { KeywardFailure } from '../../../shared/result.ts'
import { z } from 'zod'
import { errorCode, errorMessage, optionalText, parseReply, unwrap, usableEntries } from './envelope.ts'
import type { ConsoleSession } from './session.ts'

/** Scopes the web UI's browser capture sends (scottmsilver create_api_token(), §5.3). */
export const DEFAULT_ACCESS_SCOPES = [
  'edit:user',
  'edit:space',
  'edit:visitor',
  'edit:credential',
  'view:system_log',
  'edit:policy',
  'view:device',
]

export interface AccessTokenRequest {
  name: string
  /** 0 = never expires. */
  validityDays: number
  scopes?: string[]
}

export interface AccessToken {
  id: string | null
  name: string
  /** The secret: to the keychain only. */
  token: string
  /** ISO time, or null for a token that never expires. */
  expiresAt: string | null
}

const TOKENS = '/proxy/access/api/v1/developer/tokens'

/** A created token (§5.3, in Access's `{code:"SUCCESS",msg,data}` or bare): `api_key` is the secret. */
const createdToken = z.looseObject({
  api_key: z.string().refine((key) => key.trim() !== ''),
  id: optionalText,
  name: optionalText,
  expires_at: z.unknown().optional(),
})

/**
 * The console's own `expires_at` as ISO text, or null when it gave none we can read. Its form is not in
 * the reference (§5.3 shows only `api_key`) [inferred]: ISO/RFC 3339 text, or epoch seconds or
 * milliseconds (a number or digits). What the console says wins over what we asked for, since the unit
 * of `validity_period` is itself [inferred] (days or seconds).
 */
export function consoleExpiry(value: unknown): string | null {
  const digits = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value
  if (typeof digits === 'number' && Number.isFinite(digits) && digits > 0) {
    const ms = digits < 1e12 ? digits * 1000 : digits
    return ms < 8.64e15 ? new Date(ms).toISOString() : null
  }
  if (typeof value !== 'string' || value.trim() === '') return null
  const at = Date.parse(value)
  return /[A-Za-z:-]/.test(value) && !Number.isNaN(at) ? new Date(at).toISOString() : null
}

/** A listed token (§5.3); one without an id is skipped. */
const listedToken = z.looseObject({ id: z.string(), name: z.unknown().optional() })

export async function createAccessToken(
  session: ConsoleSession,
  request: AccessTokenRequest,
  now = Date.now(),
): Promise<AccessToken> {
  // `validity_period` is known only as "0 = never" (§5.3); we send days, the
  // unit the Access settings page offers ([inferred]). The expiry we record is
  // the console's when it says one, else computed from what we asked for.
  const reply = await session.call('POST', TOKENS, {
    name: request.name,
    validity_period: request.validityDays,
    scopes: request.scopes ?? DEFAULT_ACCESS_SCOPES,
  })
  if (reply.status === 404)
    throw new KeywardFailure('not-found', `UniFi Access is not installed on ${session.target.label}.`)
  if (reply.status === 403)
    throw new KeywardFailure(
      'forbidden',
      `${session.target.label} refused to create an Access token: this account is not Owner or Super Admin.`,
      errorCode(reply.body) ?? undefined,
    )
  if (reply.status !== 200 && reply.status !== 201) {
    throw new KeywardFailure(
      'refused',
      `${session.target.label} refused to create an Access token: ${errorMessage(reply.body) ?? reply.status}.`,
      errorCode(reply.body) ?? undefined,
    )
  }
  const data = unwrap(reply.body, 'Creating the Access token')
  const created = parseReply(
    createdToken,
    data,
    `${session.target.label} created an Access token but did not send it back.`,
  )
  const computed = request.validityDays > 0 ? new Date(now + request.validityDays * 86_400_000).toISOString() : null
  return {
    id: created.id ?? null,
    name: created.name ?? request.name,
    token: created.api_key.trim(),
    expiresAt: consoleExpiry(created.expires_at) ?? computed,
  }
}

/** Revokes an Access token; true when this call removed it, false when it was gone already (404). */
export async function revokeAccessToken(session: ConsoleSession, id: string): Promise<boolean> {
  const reply = await session.call('DELETE', `${TOKENS}/${encodeURIComponent(id)}`)
  if (reply.status === 404) return false
  if (reply.status !== 200 && reply.status !== 204) {
    throw new KeywardFailure(
      'refused',
      `${session.target.label} refused to revoke the Access token: ${errorMessage(reply.body) ?? reply.status}.`,
    )
  }
  unwrap(reply.body, 'Revoking the Access token')
  return true
}

export interface ListedAccessToken {
  id: string
  name: string
}

/** Access tokens on the console, masked (the token itself is shown only at creation). */
export async function listAccessTokens(session: ConsoleSession): Promise<ListedAccessToken[]> {
  const reply = await session.call('GET', TOKENS)
  if (reply.status === 404)
    throw new KeywardFailure('not-found', `UniFi Access is not installed on ${session.target.label}.`)
  if (reply.status !== 200)
    throw new KeywardFailure('refused', `${session.target.label} refused to list Access tokens (${reply.status}).`)
  const data = unwrap(reply.body, 'Listing Access tokens')
  // A list in the envelope's `data` or bare; anything else lists no token (as before).
  const list = z.array(z.unknown()).catch([]).parse(data)
  return usableEntries(listedToken, list).map((t) => ({ id: t.id, name: String(t.name ?? '') }))
}
