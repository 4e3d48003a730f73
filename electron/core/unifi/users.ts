// Local-only admins on a console (unifi-os.md §3). The create body is the one
// the web UI sends (browser capture in scottmsilver/unifi-gate): `role_id` is a
// single string, `only_local_account: true` is "Restrict to local access only".
import { KeywardFailure } from '../../../shared/result.ts'
import { z } from 'zod'
import { anObject, errorCode, errorMessage, parseReply, unwrap, usableEntries } from './envelope.ts'
import type { ConsoleSession } from './session.ts'

export interface ConsoleRole {
  id: string
  name: string
  systemKey: string | null
}

export interface ConsoleUser {
  id: string
  username: string
  /** The console's owner (the profile's `isOwner`, §2); absent when the list does not say. */
  isOwner?: boolean
}

const USERS = '/proxy/users/api/v2'

/** A role (§3 `GET …/v2/roles` → `{"data":[{unique_id,name,system_key,level,…}]}`); one without an id is skipped. */
const role = z.looseObject({ unique_id: z.string(), name: z.unknown().optional(), system_key: z.unknown().optional() })

/**
 * The admin list's `data` (§2 [report, unattributed]): a plain array, or a page object `{data:[…]}` ([inferred]
 * from `page_num`/`page_size`); anything else lists nobody, as before.
 */
const adminList = z
  .union([z.array(z.unknown()), z.looseObject({ data: z.array(z.unknown()) }).transform((page) => page.data)])
  .catch([])

/** A profile's id is `unique_id`, or `id` (= `unique_id`) on some builds (§2 200 success): both accepted. */
const admin = z
  .looseObject({
    unique_id: z.unknown().optional(),
    id: z.unknown().optional(),
    username: z.string(),
    isOwner: z.unknown().optional(),
  })
  .refine((u) => typeof (u.unique_id ?? u.id) === 'string')

/** The created user (§3): `unique_id` or `id`. */
const createdUser = anObject.extend({ unique_id: z.unknown().optional(), id: z.unknown().optional() })

/** The "no local users" outcome (unifi-os.md §3: a normal outcome on UniFi OS 5 "Fabric"), with its fallback. */
function noLocalUsers(label: string, evidence: string | null): string {
  return (
    `${label} does not allow new local users${evidence ? ` (${evidence})` : ''}. UniFi OS 5 consoles ("Fabric") no ` +
    'longer offer them. Keyward can make the key as the account you signed in with instead; that works the same way.'
  )
}

function failureFor(status: number, body: unknown, what: string, label: string): KeywardFailure {
  const said = errorMessage(body)
  const code = errorCode(body) ?? `status ${status}`
  // A name taken first: its words may mention a "local account" too (the duplicate's reply is an
  // open question, unifi-os.md §9), and it is no "Fabric" refusal.
  if (status === 409 || /exist|duplicate|taken|already/i.test(`${said} ${code}`)) {
    return new KeywardFailure('conflict', `${label} already has a user with that name.`, code)
  }
  // UniFi OS 5 "Fabric" refuses local users for everyone, owners included (unifi-os.md §3):
  // say that, not "you lack rights". The console's own words follow.
  if (/local/i.test(code) || /local user|local account|can no longer be created/i.test(said ?? '')) {
    return new KeywardFailure('refused', noLocalUsers(label, said ? `it said "${said}"` : null), code)
  }
  if (status === 403) {
    return new KeywardFailure(
      'forbidden',
      `${label} refused to ${what}: this account is not Owner or Super Admin.`,
      code,
    )
  }
  // No users service answers at all: UniFi OS 5 "Fabric" consoles no longer offer local users (§3:
  // ZSamuels28/UnifiClientCheck-Docker#33, Kane610/aiounifi#941). Say that, and the fallback that works.
  if (status === 404) return new KeywardFailure('not-found', noLocalUsers(label, `${what}: it answered 404`), code)
  if (/password/i.test(`${said} ${code}`)) {
    return new KeywardFailure('refused', `${label} rejected the password: ${said ?? 'too weak'}.`, code)
  }
  return new KeywardFailure('refused', `${label} refused to ${what}${said ? `: "${said}"` : ''}.`, code)
}

export async function listRoles(session: ConsoleSession): Promise<ConsoleRole[]> {
  const reply = await session.call('GET', `${USERS}/roles`)
  if (reply.status !== 200) throw failureFor(reply.status, reply.body, 'list its roles', session.target.label)
  const data = unwrap(reply.body, 'Listing roles')
  const list = parseReply(z.array(z.unknown()), data, `${session.target.label} sent an unexpected roles list.`)
  return usableEntries(role, list).map((r) => ({
    id: r.unique_id,
    name: String(r.name ?? r.system_key ?? r.unique_id),
    systemKey: typeof r.system_key === 'string' ? r.system_key : null,
  }))
}

export async function listAdmins(session: ConsoleSession): Promise<ConsoleUser[]> {
  const reply = await session.call('GET', `${USERS}/users/admin/uos?page_num=1&page_size=999`)
  if (reply.status !== 200) throw failureFor(reply.status, reply.body, 'list its admins', session.target.label)
  const list = adminList.parse(unwrap(reply.body, 'Listing admins'))
  return usableEntries(admin, list).map((u) => ({
    id: String(u.unique_id ?? u.id),
    username: u.username,
    ...(u.isOwner === true ? { isOwner: true } : {}),
  }))
}

export interface NewLocalUser {
  username: string
  password: string
  roleId: string
  firstName?: string
  lastName?: string
}

export async function createLocalUser(session: ConsoleSession, user: NewLocalUser): Promise<ConsoleUser> {
  const reply = await session.call('POST', `${USERS}/user`, {
    first_name: user.firstName ?? 'Keyward',
    last_name: user.lastName ?? 'Integration',
    // Whether an email is mandatory is unclear (§3 [inferred]); a placeholder is what unifi-gate sends.
    user_email: `${user.username}@local.internal`,
    force_add_nfc: true,
    nfc_token: '',
    group_ids: [],
    pin_code: '',
    role_id: user.roleId,
    username: user.username,
    password: user.password,
    only_local_account: true,
  })
  if (reply.status !== 200 && reply.status !== 201) {
    throw failureFor(reply.status, reply.body, 'create a local user', session.target.label)
  }
  const data = unwrap(reply.body, 'Creating the user')
  const label = session.target.label
  const created = parseReply(createdUser, data, `${label} created the user but sent no details.`)
  const id = parseReply(z.string(), created.unique_id ?? created.id, `${label} created the user but sent no id.`)
  return { id, username: user.username }
}

/** Deletes a user (§3); true when this call removed it, false when it was gone already (404). */
export async function deleteUser(session: ConsoleSession, id: string): Promise<boolean> {
  const reply = await session.call('DELETE', `${USERS}/user/${encodeURIComponent(id)}`)
  if (reply.status === 404) return false // already gone
  if (reply.status !== 200 && reply.status !== 204) {
    throw failureFor(reply.status, reply.body, 'delete the user', session.target.label)
  }
  unwrap(reply.body, 'Deleting the user')
  return true
}
