// What a UniFi key may do, in words for the key list: the role of its user and the permission map the
// console's key list reports (unifi-os.md §4.1), and a new key's rights as known at mint time.
import type { KeyAccess, ProvisionRecord } from '../../../shared/domain.ts'
import { DEFAULT_ACCESS_SCOPES } from './access.ts'
import type { ConsoleSession, SignedInUser } from './session.ts'

/** A role in words: the two that may mint keys by name, any other by its system key. */
export function roleName(user: Pick<SignedInUser, 'isOwner' | 'isSuperAdmin' | 'roles'> | null): string | null {
  if (!user) return null
  if (user.isOwner) return 'Owner'
  if (user.isSuperAdmin) return 'Super Admin'
  return user.roles[0] ?? null
}

/** `{"protect.management":["admin"]}` → `["protect.management: admin"]` (unifi-os.md §4.1 "Real keys"). */
export function permissionScopes(permissions: unknown): string[] {
  if (typeof permissions !== 'object' || permissions === null || Array.isArray(permissions)) return []
  return Object.entries(permissions)
    .flatMap(([area, levels]) =>
      Array.isArray(levels) && levels.length > 0
        ? [`${area}: ${levels.filter((l) => typeof l === 'string').join(', ')}`]
        : [],
    )
    .sort()
    .slice(0, 100)
}

/**
 * A new key's rights, known at mint time: a dedicated user is created as Super Admin
 * (provision.ts, unifi-os.md §3); a key minted as the signed-in admin has that admin's
 * role. Access tokens have the scopes they were created with (§5.3).
 */
export function accessOf(done: Pick<ProvisionRecord, 'app' | 'mode'>, admin: Pick<ConsoleSession, 'user'>): KeyAccess {
  if (done.app === 'access') return { role: null, scopes: [...DEFAULT_ACCESS_SCOPES] }
  return { role: done.mode === 'dedicated-user' ? 'Super Admin' : roleName(admin.user), scopes: [] }
}
