// audit.* and activity.*: the lab audit and the activity log (issue 18), forwarded to audit/service.ts.
// The answers are views already: credentials are masked and named, never a secret or a keychain name.
import type { ActivityLog } from '../audit/activity.ts'
import type { AuditService } from '../audit/service.ts'
import type { Handlers } from '../dispatch.ts'

type AuditRequests = Extract<keyof Handlers, `audit.${string}` | `activity.${string}`>

export function auditHandlers(audit: AuditService, activity: ActivityLog): Pick<Handlers, AuditRequests> {
  return {
    'audit.open': (input) => audit.open(input),
    'audit.findings': () => audit.findings(),
    'audit.cleanup': ({ ids, confirmation }) => audit.cleanup(ids, confirmation ?? null),
    'activity.list': (filter) => activity.list(filter),
    'activity.export': ({ format, ...filter }) => activity.export(format, filter),
  }
}
