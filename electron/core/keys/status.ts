// A key's status from its record, as a pure function of the record and the
// clock. One failed check of an unreachable console is "unknown", not
// "failing": the key may be fine. A refusal (401, wrong host…) is "failing" at once.
import type { KeyProblem, KeyRecord, KeyStatus } from '../../../shared/domain.ts'

const UNCERTAIN: ReadonlySet<KeyProblem> = new Set(['unreachable', 'rate_limited', 'access_certificate'])
export const DEFAULT_EXPIRY_LEAD_DAYS = 7

export function keyStatus(key: KeyRecord, now: number, leadDays = DEFAULT_EXPIRY_LEAD_DAYS): KeyStatus {
  if (key.paused) return 'paused'
  const expires = key.expiresAt ? Date.parse(key.expiresAt) : null
  if (expires !== null && expires <= now) return 'expired'
  const check = key.lastCheck
  // An unconfirmed miss (the app did not answer as before, keys/sweep.ts `confirmMiss`) is not failing yet.
  if (check?.status === 'failed' && check.problem && !UNCERTAIN.has(check.problem) && !check.unconfirmed) {
    return 'failing'
  }
  // The key may verify and Home Assistant still fail to use it (a rejected entry, a pending reauth).
  if (key.haHealth?.keyProblem) return 'failing'
  if (expires !== null && expires - now <= leadDays * 86_400_000) return 'expiring'
  if (!check || check.status === 'failed') return 'unknown'
  return 'ok'
}

/** Worst first, for sorting and for the tray (one copy, shared with the renderer). */
export { STATUS_SEVERITY } from '../../../shared/tray-model.ts'
