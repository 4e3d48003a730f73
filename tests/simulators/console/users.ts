// UniFi OS users service: roles, local admins (unifi-os.md §3). All routes need a cookie
// session; writes need CSRF (auth.ts). Error envelopes are [inferred] (§9 open question).
import { randomUUID } from 'node:crypto'
import { authenticate } from './auth.ts'
import {
  asRecord,
  readJsonBody,
  sendEnvelope,
  sendEnvelopeError,
  sendError,
  type RequestContext,
  type Route,
} from './http.ts'
import { userProfile } from './profile.ts'
import { roleJson } from './roles.ts'
import { canManage, deleteUser, findUserByName, type UserRecord } from './state.ts'

/** Password rule of the simulator [inferred]: ≥ 8 characters with at least one letter and one digit. */
export function isStrongPassword(password: string): boolean {
  return password.length >= 8 && /[A-Za-z]/.test(password) && /[0-9]/.test(password)
}

const USERNAME = /^[A-Za-z0-9._@+-]{1,64}$/

async function createUser(ctx: RequestContext): Promise<void> {
  const { req, res, state } = ctx
  const body = await readJsonBody(req)
  const found = authenticate(ctx)
  if (!found) return
  if (!canManage(found.user)) {
    return sendEnvelopeError(res, 403, 'PERMISSION_DENIED', 'Only a Super Administrator or the Owner can add admins')
  }
  // §3: UniFi OS 5.x "Fabric" no longer lets local users be added [report]; status/body [inferred].
  if (state.config.localUserCreation === 'refused') {
    return sendEnvelopeError(
      res,
      403,
      'LOCAL_USER_CREATION_NOT_ALLOWED',
      'Local users can no longer be created on this console; invite a UI account instead',
    )
  }
  // The other shape seen from an independent implementation: no creation endpoint at all (issue 14 §4).
  if (state.config.localUserCreation === 'absent') return sendError(res, 404, 'Not Found')
  if (!body.ok) return sendEnvelopeError(res, 400, 'INVALID_PARAMETERS', 'Request body must be JSON')

  // §3 browser-capture body: role_id is a singular string, NOT roles[].
  const b = asRecord(body.value)
  const { username, password, role_id: roleId } = b
  if (typeof roleId !== 'string' || roleId === '') {
    return sendEnvelopeError(res, 400, 'INVALID_PARAMETERS', 'role_id is required')
  }
  const role = state.roles.find((r) => r.uniqueId === roleId)
  if (!role) return sendEnvelopeError(res, 400, 'ROLE_NOT_FOUND', `Role ${roleId} does not exist`)
  if (typeof username !== 'string' || !USERNAME.test(username)) {
    return sendEnvelopeError(res, 400, 'INVALID_PARAMETERS', 'username is invalid')
  }
  if (findUserByName(state, username)) {
    return state.config.shapes.duplicateUser === 'local-account'
      ? sendEnvelopeError(res, 409, 'LOCAL_ACCOUNT_EXISTS', 'A local account with this username already exists')
      : sendEnvelopeError(res, 400, 'USERNAME_ALREADY_EXISTS', `Username ${username} already exists`)
  }
  if (typeof password !== 'string' || !isStrongPassword(password)) {
    return sendEnvelopeError(
      res,
      400,
      'PASSWORD_TOO_WEAK',
      'Password must be at least 8 characters and contain a letter and a number',
    )
  }
  const nowSeconds = Math.floor(state.clock() / 1000)
  const str = (v: unknown): string => (typeof v === 'string' ? v : '')
  const user: UserRecord = {
    id: randomUUID(),
    username,
    password,
    roleKey: role.key,
    isOwner: false,
    localAccount: b.only_local_account !== false,
    email: str(b.user_email),
    firstName: str(b.first_name),
    lastName: str(b.last_name),
    createTime: nowSeconds,
    updateTime: nowSeconds,
  }
  state.users.set(user.id, user)
  sendEnvelope(res, userProfile(state, user))
}

export function usersRoutes(): Route[] {
  return [
    {
      // §3 Roles [source]: {"data":[{unique_id,name,system_key,level,…}]}.
      method: 'GET',
      path: '/proxy/users/api/v2/roles',
      handler: (ctx) => {
        if (authenticate(ctx)) sendEnvelope(ctx.res, ctx.state.roles.map(roleJson))
      },
    },
    {
      // §2 "Current user (v2)" [report, unattributed]. Knob `shapes.whoAmI: 'api'`: not served.
      method: 'GET',
      path: '/proxy/users/api/v2/user/self',
      handler: (ctx) => {
        if (['api', 'none'].includes(ctx.state.config.shapes.whoAmI)) return sendError(ctx.res, 404, 'Not Found')
        const found = authenticate(ctx)
        if (found) sendEnvelope(ctx.res, userProfile(ctx.state, found.user))
      },
    },
    { method: 'POST', path: '/proxy/users/api/v2/user', handler: createUser },
    {
      // §2 list admins [report, unattributed]; paging is accepted and ignored. `data` is a plain array, or
      // with knob `shapes.adminList: 'paged'` a page object (both [inferred]); 'absent' 404.
      method: 'GET',
      path: '/proxy/users/api/v2/users/admin/uos',
      handler: (ctx) => {
        if (ctx.state.config.shapes.adminList === 'absent') return sendError(ctx.res, 404, 'Not Found')
        if (!authenticate(ctx)) return
        const admins = [...ctx.state.users.values()].map((u) => userProfile(ctx.state, u))
        const paged = ctx.state.config.shapes.adminList === 'paged'
        sendEnvelope(ctx.res, paged ? { data: admins, total: admins.length, page_num: 1 } : admins)
      },
    },
    {
      // §3: DELETE /proxy/users/api/v2/user/{unique_id} [report, unattributed]; also drops the user's keys.
      method: 'DELETE',
      path: /^\/proxy\/users\/api\/v2\/user\/([^/]+)$/,
      handler: (ctx) => {
        const found = authenticate(ctx)
        if (!found) return
        const { res, state } = ctx
        const target = state.users.get(ctx.params[0] ?? '')
        if (!canManage(found.user))
          return sendEnvelopeError(res, 403, 'PERMISSION_DENIED', 'Not allowed to remove admins')
        if (!target) return sendEnvelopeError(res, 404, 'USER_NOT_FOUND', 'User not found')
        if (target.isOwner) return sendEnvelopeError(res, 403, 'PERMISSION_DENIED', 'The owner cannot be removed')
        deleteUser(state, target.id)
        sendEnvelope(res, 'success')
      },
    },
    // Anything else under the users service: 401 without a session, else 404.
    {
      method: '*',
      path: /^\/proxy\/users\/.*$/,
      handler: (ctx) => {
        if (authenticate(ctx, { rotate: false })) sendError(ctx.res, 404, 'Not Found')
      },
    },
  ]
}
