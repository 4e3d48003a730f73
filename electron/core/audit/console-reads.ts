// What the audit reads from a console, read-only (unifi-os.md §2–§5.3), with zod:
//   admins  GET /proxy/users/api/v2/users/admin/uos (§2 [report, unattributed]): profiles in the login
//           body's shape (§2 "200 success" [fixture]): unique_id|id, username, status, create_time,
//           local_account_exist / only_local_account, roles[{name, system_key}], isOwner, isSuperAdmin.
//           "Last login" is named by no reference, so the audit does not report it.
//   keys    GET /proxy/users/api/v2/user/{id}/keys (§4.1 list, the browser's shape) for each admin; for
//           the signed-in user through keys.ts `listKeys` (both shapes, `self` first, §4.1 "Both exist").
//   Access  GET /proxy/access/api/v1/developer/tokens (§5.3) through access.ts: id and name only.
import { z } from 'zod'
import { KeywardFailure } from '../../../shared/result.ts'
import { listAccessTokens, type ListedAccessToken } from '../unifi/access.ts'
import { parseReply, unwrap, usableEntries } from '../unifi/envelope.ts'
import { listKeys, parseKeyList, type ListedKey } from '../unifi/keys.ts'
import type { ConsoleSession } from '../unifi/session.ts'

export interface AuditAdmin {
  id: string
  username: string
  role: string | null
  superAdmin: boolean
  isOwner: boolean
  localOnly: boolean | null
  status: string | null
  createdAt: string | null
}

const USERS = '/proxy/users/api/v2'

/** `data` is a plain array or a page object `{data:[…]}` (users.ts `adminList`, both [inferred]). */
const adminList = z.union([
  z.array(z.unknown()),
  z.looseObject({ data: z.array(z.unknown()) }).transform((page) => page.data),
])

const text = z.string().optional().catch(undefined)
const flag = z.boolean().optional().catch(undefined)
const roleEntry = z.looseObject({ name: text, system_key: text })

const adminEntry = z
  .looseObject({
    unique_id: text,
    id: text,
    username: z.string(),
    status: text,
    create_time: z.union([z.number(), z.string()]).optional().catch(undefined),
    local_account_exist: flag,
    only_local_account: flag,
    roles: z.array(z.unknown()).optional().catch(undefined),
    isOwner: flag,
    isSuperAdmin: flag,
  })
  .refine((u) => typeof (u.unique_id ?? u.id) === 'string')

/** `create_time` is seconds since the epoch in the fixture (§2); an ISO text is taken as is. */
function timeOf(value: number | string | undefined): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString()
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString()
  return null
}

export async function readAdmins(session: ConsoleSession): Promise<AuditAdmin[]> {
  const label = session.target.label
  const reply = await session.call('GET', `${USERS}/users/admin/uos?page_num=1&page_size=999`)
  if (reply.status === 403) throw new KeywardFailure('forbidden', `${label} does not let this account list its admins.`)
  if (reply.status !== 200) throw new KeywardFailure('refused', `${label} did not list its admins (${reply.status}).`)
  const list = parseReply(adminList, unwrap(reply.body, 'Listing admins'), `${label} sent an unexpected admin list.`)
  return usableEntries(adminEntry, list).map((u) => {
    const roles = usableEntries(roleEntry, u.roles ?? [])
    const superAdmin = u.isSuperAdmin === true || roles.some((r) => r.system_key === 'super_administrator')
    return {
      id: (u.unique_id ?? u.id)!,
      username: u.username,
      role: roles[0]?.name ?? roles[0]?.system_key ?? null,
      superAdmin,
      isOwner: u.isOwner === true,
      // `only_local_account` is what the create body sets (§3); `local_account_exist` is in the fixture (§2).
      localOnly: u.only_local_account ?? null,
      status: u.status ?? null,
      createdAt: timeOf(u.create_time),
    }
  })
}

/** Another admin's keys (`/user/{id}/keys`, §4.1); null when the console does not let this role list them. */
export async function readKeysOf(session: ConsoleSession, userId: string): Promise<ListedKey[] | null> {
  if (session.user?.id === userId) return listKeys(session)
  const label = session.target.label
  const reply = await session.call('GET', `${USERS}/user/${encodeURIComponent(userId)}/keys`)
  if (reply.status === 403 || reply.status === 404) return null
  if (reply.status !== 200) throw new KeywardFailure('refused', `${label} did not list API keys (${reply.status}).`)
  return parseKeyList(unwrap(reply.body, 'Listing keys'), label)
}

/** Access tokens, only on a console that runs Access; null when Access answers it is not there. */
export async function readAccessTokens(session: ConsoleSession): Promise<ListedAccessToken[] | null> {
  try {
    return await listAccessTokens(session)
  } catch (error) {
    if (error instanceof KeywardFailure && error.code === 'not-found') return null
    throw error
  }
}
