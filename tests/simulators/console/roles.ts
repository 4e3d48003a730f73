// UniFi OS roles and permission maps (unifi-os.md §3 "Roles", §2 200 success body).
import type { RoleKey } from './presets.ts'

export interface RoleDefinition {
  key: RoleKey
  name: string
  /** `system_key` as `GET /proxy/users/api/v2/roles` reports it. */
  systemKey: string
  level: number
  /** Permission map carried into the login profile and inherited by API keys (§4.2). */
  permissions: Record<string, string[]>
}

/** A role as one console knows it: `unique_id`s differ per console, so clients must look them up. */
export interface RoleRecord extends RoleDefinition {
  uniqueId: string
}

export const ROLE_DEFINITIONS: Readonly<Record<RoleKey, RoleDefinition>> = {
  // [fixture] aiounifi LOGIN_UNIFIOS_JSON_RESPONSE: name, system_key, level 2, permission map.
  super_administrator: {
    key: 'super_administrator',
    name: 'Super Administrator',
    systemKey: 'super_administrator',
    level: 2,
    permissions: {
      'access.management': ['admin'],
      'led.management': ['admin'],
      'network.management': ['admin'],
      'protect.management': ['admin'],
      'system.management.location': ['admin'],
      'system.management.user': ['admin'],
      'talk.management': ['admin'],
    },
  },
  // [inferred] a full-management admin without user management (cannot mint keys, §3 end).
  admin: {
    key: 'admin',
    name: 'Administrator',
    systemKey: 'admin',
    level: 1,
    permissions: {
      'access.management': ['admin'],
      'network.management': ['admin'],
      'protect.management': ['admin'],
      'system.management.location': ['readonly'],
      'talk.management': ['admin'],
    },
  },
  // [inferred] a limited custom role (§3 `custom_administrator` [report]) with no application
  // permission, so its keys are refused by every app (403). Seed `permissions` on the account
  // to model e.g. `{"protect.management":["readonly"]}` instead.
  viewer: {
    key: 'viewer',
    name: 'Viewer',
    systemKey: 'viewer',
    level: 0,
    permissions: { 'system.management.location': ['readonly'] },
  },
}

export function roleJson(role: RoleRecord): Record<string, unknown> {
  return {
    unique_id: role.uniqueId,
    name: role.name,
    system_role: true,
    system_key: role.systemKey,
    level: role.level,
    permissions: role.permissions,
  }
}

/** `scopes` derived from a permission map, in the fixture's vocabulary (§2 200 success). */
export function scopesFor(permissions: Record<string, string[]>): string[] {
  const scopes = new Set<string>()
  for (const [key, levels] of Object.entries(permissions)) {
    const admin = levels.includes('admin')
    const app = /^(\w+)\.management$/.exec(key)?.[1]
    if (app) {
      scopes.add(`view:controller:${app}`)
      if (admin) scopes.add(`manage:controller:${app}`)
    } else if (key === 'system.management.user') {
      for (const s of ['view:user', 'view:role', 'view:app:users']) scopes.add(s)
      if (admin) for (const s of ['edit:user', 'edit:role', 'assign:role']) scopes.add(s)
    } else if (key === 'system.management.location') {
      for (const s of ['view:location', 'view:settings']) scopes.add(s)
      if (admin) for (const s of ['edit:location', 'edit:settings']) scopes.add(s)
    }
  }
  return [...scopes].sort()
}
