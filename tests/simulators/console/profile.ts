// The user-profile object returned by login, `/api/users/self` and the users service
// (unifi-os.md §2 "200 success" [fixture: aiounifi LOGIN_UNIFIOS_JSON_RESPONSE]).
import { permissionsOf, roleOf, type SimulatorState, type UserRecord } from './state.ts'
import { scopesFor } from './roles.ts'

export function userProfile(state: SimulatorState, user: UserRecord): Record<string, unknown> {
  const role = roleOf(state, user)
  const permissions = permissionsOf(state, user)
  const fullName = [user.firstName, user.lastName].filter(Boolean).join(' ')
  // §2: the profile carries the id twice, `unique_id` and `id (= unique_id)`; knob `shapes.profileIds` drops one.
  const ids = state.config.shapes.profileIds
  return {
    ...(ids !== 'id' ? { unique_id: user.id } : {}),
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    alias: '',
    full_name: fullName,
    email: user.email,
    email_status: user.email ? 'VERIFIED' : 'UNVERIFIED',
    email_is_null: !user.email,
    phone: '',
    avatar_relative_path: '',
    status: user.status ?? 'ACTIVE',
    create_time: user.createTime,
    update_time: user.updateTime,
    password_revision: user.createTime,
    local_account_exist: user.localAccount,
    only_local_account: user.localAccount,
    only_ui_account: !user.localAccount,
    sso_account: user.localAccount ? '' : user.email,
    sso_uuid: user.localAccount ? '' : user.id,
    sso_username: user.localAccount ? '' : user.username,
    extras: null,
    nfc_token: '',
    nfc_display_id: '',
    groups: [],
    roles: [
      { unique_id: role.uniqueId, name: role.name, system_role: true, system_key: role.systemKey, level: role.level },
    ],
    permissions,
    scopes: scopesFor(permissions),
    cloud_access_granted: !user.localAccount,
    ...(ids !== 'unique_id' ? { id: user.id } : {}),
    isOwner: user.isOwner,
    isSuperAdmin: user.roleKey === 'super_administrator',
  }
}
