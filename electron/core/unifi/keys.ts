// Console API keys, minted as the signed-in user (unifi-os.md §4.1). The key is
// shown once (`full_api_key`); it belongs to this console only and carries its
// creator's rights (§4.2). `/user/self/keys` is preferred over `/user/{id}/keys`
// (uiprotect PR #535); both exist.
import { KeywardFailure } from '../../../shared/result.ts'
import { errorCode, errorMessage, isObject, unwrap } from './envelope.ts'
import type { ConsoleSession } from './session.ts'

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
  /** The holder's permission map, e.g. `{"network.management":["admin"]}` (§4.1 "Real keys" [report]). */
  permissions: unknown
}

const KEYS = '/proxy/users/api/v2/user/self/keys'
const KEY_SHAPE = /^[A-Za-z0-9_-]{8,256}$/

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

export async function mintKey(session: ConsoleSession, name: string, description = 'Created by Keyward'): Promise<MintedKey> {
  const reply = await session.call('POST', KEYS, { name, description })
  if (reply.status !== 200 && reply.status !== 201) throw refused(reply.status, reply.body, 'create an API key', session.target.label)
  const data = unwrap(reply.body, 'Creating the key')
  if (!isObject(data) || typeof data.full_api_key !== 'string' || typeof data.id !== 'string') {
    throw new KeywardFailure('bad-reply', `${session.target.label} created a key but did not send it back.`)
  }
  const key = data.full_api_key.trim()
  if (!KEY_SHAPE.test(key)) throw new KeywardFailure('bad-reply', `${session.target.label} sent a key in an unexpected format.`)
  return { id: data.id, name: typeof data.name === 'string' ? data.name : name, key }
}

export async function listKeys(session: ConsoleSession): Promise<ListedKey[]> {
  const reply = await session.call('GET', KEYS)
  if (reply.status !== 200) throw refused(reply.status, reply.body, 'list API keys', session.target.label)
  const data = unwrap(reply.body, 'Listing keys')
  if (!Array.isArray(data)) throw new KeywardFailure('bad-reply', `${session.target.label} sent an unexpected key list.`)
  const text = (v: unknown) => (typeof v === 'string' ? v : null)
  return data.flatMap((k) =>
    isObject(k) && typeof k.id === 'string'
      ? [{ id: k.id, name: String(k.name ?? ''), masked: text(k.masked_api_key), description: text(k.description), createdAt: text(k.created_at), lastUsedAt: text(k.last_used_at), permissions: k.permissions ?? null }]
      : [],
  )
}

export async function revokeKey(session: ConsoleSession, id: string): Promise<void> {
  const reply = await session.call('DELETE', `/proxy/users/api/v2/keys/${encodeURIComponent(id)}`)
  if (reply.status === 404) return // already revoked
  if (reply.status !== 200 && reply.status !== 204) throw refused(reply.status, reply.body, 'revoke the key', session.target.label)
  unwrap(reply.body, 'Revoking the key')
}
