// What the token wizard offers (uisp.md §2): each purpose with the least scope that serves it,
// why, and whether the signed-in user's role may mint it.
import type { UispTokenPlan, UispTokenPurpose } from '../../../shared/domain.ts'
import { suggestUispTokenName } from './provision.ts'
import type { UispUser } from './session.ts'
import { scopeCovers, UISP_SCOPES, UISP_TOKEN_NAME_MAX, UISP_TOKEN_PURPOSES, type UispScope } from './tokens.ts'

const isScope = (role: string | null): role is UispScope =>
  role === 'guest' || role === 'admin' || role === 'superadmin'

/** The plan for `key` (the server's host:port) as `user`; `label` names the server in plain words. */
export function uispTokenPlan(key: string, label: string, user: UispUser | null): UispTokenPlan {
  const role = user?.role ?? null
  return {
    key,
    username: user?.username ?? '',
    role,
    nameMax: UISP_TOKEN_NAME_MAX,
    secretLocation:
      `The token goes to this computer’s keychain; ${label} keeps only its own copy. ` +
      'Keyward never needs your UISP password again for checks.',
    purposes: (Object.keys(UISP_TOKEN_PURPOSES) as UispTokenPurpose[]).map((purpose) => {
      const spec = UISP_TOKEN_PURPOSES[purpose]
      const scope = UISP_SCOPES[spec.scope]
      return {
        purpose,
        label: spec.label,
        scope: spec.scope,
        scopeLabel: scope.label,
        why: spec.why,
        allows: scope.allows,
        risk: scope.risk,
        suggestedName: suggestUispTokenName(purpose),
        // "The user can only create scope token of its own scope or lower" (swagger); an unknown role: the server decides.
        allowed: !isScope(role) || scopeCovers(role, spec.scope),
      }
    }),
  }
}
