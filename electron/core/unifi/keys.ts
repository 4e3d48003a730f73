// Console API keys, minted as the signed-in user (unifi-os.md §4.1). The key is
// shown once (`full_api_key`); it belongs to this console only and carries its
// creator's rights (§4.2). Create and list exist in two shapes, `/user/self/keys`
// (uiprotect PR #535, preferred) and `/user/{userId}/keys` (uiprotect PR #482, vypdev
// browser capture); some firmware answers only the second (issue 14 §1). Delete has
// one shape, `/keys/{keyId}`.
import { KeywardFailure } from '../../../shared/result.ts'
import { z } from 'zod'
import { errorCode, errorMessage, parseReply, unwrap, usableEntries } from './envelope.ts'
import type { ApiReply, ConsoleSession } from './session.ts'

export interface MintedKey {
  id: string
  name: string
  /** The secret. Goes to the keychain and nowhere else. */
  key: string
}

export interface ListedKey {
  id: string
  name: string
  masked: string | null
  description: string | null
  createdAt: string | null
  lastUsedAt: string | null
  /** Who created it (§4.1 list "Also `creator_user_id`"); null when not listed. */
  creatorUserId: string | null
  /** The holder's permission map, e.g. `{"network.management":["admin"]}` (§4.1 "Real keys" [report]). */
  permissions: unknown
}

const USER = '/proxy/users/api/v2/user'
/**
 * What a minted key may look like. §4.1 Format: 32 chars `[A-Za-z0-9_-]` is [inferred] and "clients
 * treat keys as opaque", so any visible ASCII a header carries is taken (the bounds Home Assistant's
 * push checks, homeassistant/flow-driver.ts `KEY_SHAPE`).
 */
const KEY_SHAPE = /^[\x21-\x7e]{8,512}$/

/** Which key path a console answers: `/user/self/keys` or `/user/{userId}/keys` (§4.1, "Both exist"). */
export type KeyPathShape = 'self' | 'user-id'

/**
 * The shape that last worked per console (`host:port`), for the life of the process: a console
 * that 404s (or 400/405/501s) on `self` is asked at `{userId}` first from then on. Bounded; a console
 * whose firmware changes is simply asked the other shape again on the next such refusal.
 */
const workingShape = new Map<string, KeyPathShape>()
const MAX_REMEMBERED = 256

const consoleId = (session: ConsoleSession) => `${session.target.host}:${session.target.port}`

/** The key path shape remembered for this session's console (for tests and diagnostics). */
export function rememberedKeyPath(session: ConsoleSession): KeyPathShape | null {
  return workingShape.get(consoleId(session)) ?? null
}

function remember(session: ConsoleSession, shape: KeyPathShape): void {
  const id = consoleId(session)
  workingShape.delete(id)
  workingShape.set(id, shape)
  if (workingShape.size > MAX_REMEMBERED) workingShape.delete(workingShape.keys().next().value!)
}

/** A "who am I" profile (§2): its id is `unique_id`, or `id` (= `unique_id`) on some builds. */
const profile = z.looseObject({ unique_id: z.unknown().optional(), id: z.unknown().optional() })

const profileId = (body: unknown): string | null => {
  const parsed = profile.safeParse(body)
  const id = parsed.success ? (parsed.data.unique_id ?? parsed.data.id) : null
  return typeof id === 'string' && id !== '' ? id : null
}

/**
 * A minted key (§4.1 create, in the envelope's `data` or bare: `unwrap` takes both; the same on
 * `/user/self/keys` and `/user/{userId}/keys`): `{id, name, full_api_key, permissions, scopes}`.
 */
const mintedKey = z.looseObject({ id: z.string(), full_api_key: z.string(), name: z.unknown().optional() })

/** Text fields of a listed key; any other type reads as null. */
const nullableText = z.string().nullable().optional().catch(null)

/**
 * One entry of the key list (§4.1 list, either path, enveloped or bare): `{id, name, masked_api_key,
 * description, created_at, last_used_at, permissions, …}`; one without an id is skipped.
 */
const listedKey = z.looseObject({
  id: z.string(),
  name: z.unknown().optional(),
  masked_api_key: nullableText,
  description: nullableText,
  created_at: nullableText,
  last_used_at: nullableText,
  creator_user_id: nullableText,
  permissions: z.unknown().optional(),
})

/**
 * The signed-in user's id for `/user/{userId}/keys`. The login reply's `unique_id` (= `id`) is
 * the one unifi-os.md §4.1 names; without it the session JWT's `userId` (§2, where uiprotect PR #482
 * took it), then "who am I" (§2): `GET /api/users/self` ("source
 * of truth for the User ID needed for … API keys", scottmsilver) or the v2 `GET
 * /proxy/users/api/v2/user/self` [report, unattributed].
 */
async function signedInUserId(session: ConsoleSession): Promise<string> {
  const known = session.knownUserId
  if (known) return known
  for (const path of ['/api/users/self', `${USER}/self`]) {
    const reply = await session.call('GET', path)
    if (reply.status !== 200) continue
    const id = profileId(unwrap(reply.body, 'Reading the signed-in user'))
    if (id) return id
  }
  const label = session.target.label
  throw new KeywardFailure(
    'bad-reply',
    `${label} did not say which user is signed in, so its key list cannot be found.`,
  )
}

async function keysPath(session: ConsoleSession, shape: KeyPathShape): Promise<string> {
  return shape === 'self' ? `${USER}/self/keys` : `${USER}/${encodeURIComponent(await signedInUserId(session))}/keys`
}

/**
 * Statuses that say "this key path is not served here" (§4.1 "Both exist" does not say how a firmware
 * without one shape refuses it [inferred]): 404 unknown route, 400/405/501 "not supported". A 401,
 * 403, 429 or 5xx is an auth or transient failure and is reported as it is, never retried elsewhere.
 * None of these creates a key, so asking the other shape cannot mint twice.
 */
const PATH_NOT_SERVED = new Set([400, 404, 405, 501])

/**
 * Create or list on the key path: the shape that worked last on this console first (else
 * `self`, which §4.1 prefers), the other one when that answers "not served here"
 * (`PATH_NOT_SERVED`). The shape that answered is remembered for this console.
 */
async function keysCall(session: ConsoleSession, method: 'GET' | 'POST', body?: unknown): Promise<ApiReply> {
  const first = workingShape.get(consoleId(session)) ?? 'self'
  let reply = await session.call(method, await keysPath(session, first), body)
  let shape = first
  if (PATH_NOT_SERVED.has(reply.status)) {
    shape = first === 'self' ? 'user-id' : 'self'
    const other = await session.call(method, await keysPath(session, shape), body)
    // A real refusal (a 400 about the request itself) outranks the other path's "no such route".
    if (other.status !== 404 || reply.status === 404) reply = other
  }
  if (reply.status >= 200 && reply.status < 300) remember(session, shape)
  return reply
}

function refused(status: number, body: unknown, what: string, label: string): KeywardFailure {
  const code = errorCode(body) ?? `status ${status}`
  if (status === 403) {
    return new KeywardFailure(
      'forbidden',
      `${label} refused to ${what}: only Owner or Super Admin accounts may manage API keys (the Integrations page is hidden for others).`,
      code,
    )
  }
  const said = errorMessage(body)
  return new KeywardFailure('refused', `${label} refused to ${what}${said ? `: "${said}"` : ''}.`, code)
}

export async function mintKey(
  session: ConsoleSession,
  name: string,
  description = 'Created by Keyward',
): Promise<MintedKey> {
  const reply = await keysCall(session, 'POST', { name, description })
  if (reply.status !== 200 && reply.status !== 201)
    throw refused(reply.status, reply.body, 'create an API key', session.target.label)
  const data = unwrap(reply.body, 'Creating the key')
  const label = session.target.label
  const minted = parseReply(mintedKey, data, `${label} created a key but did not send it back.`)
  const key = minted.full_api_key.trim()
  if (!KEY_SHAPE.test(key)) {
    // A key Keyward cannot use must not live on: revoke it before saying so.
    const revoked = await revokeKey(session, minted.id).catch(() => false)
    throw new KeywardFailure(
      'bad-reply',
      `${label} sent a key in an unexpected format${revoked ? '; Keyward revoked it' : ''}.`,
    )
  }
  return { id: minted.id, name: typeof minted.name === 'string' ? minted.name : name, key }
}

/** A key list's `data` (§4.1 list, either path): its usable entries; anything but an array is `bad-reply`. */
export function parseKeyList(data: unknown, label: string): ListedKey[] {
  const list = parseReply(z.array(z.unknown()), data, `${label} sent an unexpected key list.`)
  return usableEntries(listedKey, list).map((k) => ({
    id: k.id,
    name: String(k.name ?? ''),
    masked: k.masked_api_key ?? null,
    description: k.description ?? null,
    createdAt: k.created_at ?? null,
    lastUsedAt: k.last_used_at ?? null,
    creatorUserId: k.creator_user_id ?? null,
    permissions: k.permissions ?? null,
  }))
}

export async function listKeys(session: ConsoleSession): Promise<ListedKey[]> {
  const reply = await keysCall(session, 'GET')
  if (reply.status !== 200) throw refused(reply.status, reply.body, 'list API keys', session.target.label)
  return parseKeyList(unwrap(reply.body, 'Listing keys'), session.target.label)
}

/** Revokes a key; true when this call removed it, false when it was gone already (404). */
export async function revokeKey(session: ConsoleSession, id: string): Promise<boolean> {
  const reply = await session.call('DELETE', `/proxy/users/api/v2/keys/${encodeURIComponent(id)}`)
  if (reply.status === 404) return false // already revoked
  if (reply.status !== 200 && reply.status !== 204)
    throw refused(reply.status, reply.body, 'revoke the key', session.target.label)
  unwrap(reply.body, 'Revoking the key')
  return true
}
