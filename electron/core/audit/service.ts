// The lab audit as the contract calls it (issue 18). This file only wires:
//   reader.ts    reads the hosts the user opened the audit for (and no other), lock-outs skipped
//   inventory.ts what was read, as credentials matched against what Keyward tracks and made
//   findings.ts  what is stale or risky, each with its reason (pure)
//   cleanup.ts   removes confirmed findings, verified by reading the host's list again
//   activity.ts  the activity log (settings `audit.activity`, capped)
// Nothing is read in the background: a read happens only on `open`, and again after a cleanup, of the
// hosts named at the last `open`.
import type { AuditCleanupResult, AuditReport } from '../../../shared/audit.ts'
import type { ConsoleRecord, KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import { consoleLabel } from '../../../shared/labels.ts'
import type { Settings } from '../settings/settings.ts'
import type { ActivityLog } from './activity.ts'
import { runCleanup, type CleanupDeps } from './cleanup.ts'
import { findingsOf } from './findings.ts'
import { readConsole, readUisp, type HostRead, type ReaderDeps } from './reader.ts'

export interface AuditOpenInput {
  consoles: string[]
  uispServers: string[]
  unusedDays?: number | undefined
}

export interface AuditServiceDeps extends Omit<ReaderDeps, 'known'> {
  settings: Pick<
    Settings,
    | 'listKeys'
    | 'listProvisions'
    | 'listConsoles'
    | 'getUisp'
    | 'listHomeAssistants'
    | 'getPreferences'
    | 'getAudit'
    | 'saveAudit'
  >
  activity: ActivityLog
  revokeUispToken: CleanupDeps['revokeUispToken']
  forgetKey: CleanupDeps['forgetKey']
}

/** The apps each console ran at its last check (its record), for the app-moved finding. */
function whereAppsRun(consoles: readonly ConsoleRecord[]) {
  return {
    appsOf: (hostKey: string) => consoles.find((c) => c.key === hostKey)?.apps ?? null,
    runsOn: (app: UnifiApp) => consoles.filter((c) => c.apps?.includes(app)).map((c) => consoleLabel(c)),
  }
}

/** Reads the named hosts one at a time (a lab's consoles are few) and derives the findings. */
async function readAudit(deps: AuditServiceDeps, reader: ReaderDeps, input: AuditOpenInput): Promise<AuditReport> {
  const { settings } = deps
  const now = deps.now ?? Date.now
  const unusedDays = settings.getAudit().unusedDays
  const reads: HostRead[] = []
  for (const key of input.consoles) reads.push(await readConsole(reader, key))
  for (const key of input.uispServers) reads.push(await readUisp(reader, key))
  const hosts = reads.map((r) => r.host)
  const credentials = reads.flatMap((r) => r.credentials)
  const signedInUserIds = new Map(reads.filter((r) => r.readAsUserId).map((r) => [r.host.key, r.readAsUserId!]))
  const homeAssistants = settings.listHomeAssistants()
  const findings = findingsOf(hosts, credentials, {
    now: now(),
    unusedDays,
    expiringDays: settings.getPreferences().expiryLeadDays ?? 7,
    signedInUserIds,
    pushedTo: (key: KeyRecord) => homeAssistants.filter((ha) => key.pushedTo.includes(ha.id)).map((ha) => ha.url),
    known: reader.known(),
    ...whereAppsRun(settings.listConsoles()),
  })
  return { openedAt: new Date(now()).toISOString(), unusedDays, hosts, credentials, findings }
}

export function createAuditService(deps: AuditServiceDeps) {
  const { settings } = deps
  const now = deps.now ?? Date.now
  const known = () => ({
    keys: settings.listKeys(),
    provisions: settings.listProvisions(),
    uispFlows: settings.getUisp().flows,
  })
  const reader: ReaderDeps = { ...deps, known }
  let opened: AuditOpenInput | null = null
  let last: AuditReport | null = null
  const read = async (input: AuditOpenInput) => (last = await readAudit(deps, reader, input))

  return {
    async open(input: AuditOpenInput): Promise<AuditReport> {
      if (input.unusedDays !== undefined) settings.saveAudit({ unusedDays: input.unusedDays })
      opened = { consoles: [...new Set(input.consoles)], uispServers: [...new Set(input.uispServers)] }
      const report = await read(opened)
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
      const counts = `${plural(report.credentials.length, 'credential')}, ${plural(report.findings.length, 'finding')}`
      for (const host of report.hosts) {
        deps.activity.record({
          action: 'audited',
          outcome: host.state === 'read' ? 'ok' : 'failed',
          hostKey: host.key,
          subject: host.label,
          detail: host.reason ?? (host.state === 'read' ? counts : null),
        })
      }
      return report
    },

    /** The last audit, without reading anything; null before the first `open`. */
    findings: (): AuditReport | null => last,

    async cleanup(ids: readonly string[], confirmation: string | null): Promise<AuditCleanupResult> {
      const report = last
      if (!report || !opened) {
        return {
          items: ids.map((id) => ({
            findingId: id,
            subject: id,
            outcome: 'refused',
            message: 'Open the audit first.',
          })),
          report: {
            openedAt: new Date(now()).toISOString(),
            unusedDays: settings.getAudit().unusedDays,
            hosts: [],
            credentials: [],
            findings: [],
          },
        }
      }
      const items = await runCleanup(
        {
          ...reader,
          revokeUispToken: deps.revokeUispToken,
          forgetKey: deps.forgetKey,
          record: (e) => deps.activity.record(e),
        },
        { report, ids, confirmation },
      )
      const removed = items.filter((i) => i.outcome === 'removed' || i.outcome === 'was-gone').length
      deps.activity.record({
        action: 'cleaned-up',
        outcome: removed === items.length ? 'ok' : 'failed',
        subject: `${removed} of ${items.length} findings`,
        words: confirmation,
      })
      return { items, report: await read(opened) }
    },
  }
}

export type AuditService = ReturnType<typeof createAuditService>
