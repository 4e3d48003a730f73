// What is stale or risky in an audit (pure): each finding carries its reason in plain words and what a
// cleanup would do. Inputs are the credentials read, what Keyward tracks and the clock.
import type {
  AuditCredential,
  AuditFinding,
  AuditHostResult,
  CleanupAction,
  FindingKind,
} from '../../../shared/audit.ts'
import type { KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import { appShort } from '../../../shared/labels.ts'
import { UISP_TOKEN_PURPOSES, UISP_SCOPES } from '../uisp/tokens.ts'
import type { KeywardKnowledge } from './inventory.ts'

const DAY = 86_400_000

export interface FindingContext {
  now: number
  unusedDays: number
  /** Expiry lead time (the key watch's preference). */
  expiringDays: number
  /** Who signed in on each console, by console key (never flagged as an orphan). */
  signedInUserIds: ReadonlyMap<string, string>
  /** Names of the Home Assistants each watched key was pushed to, by key id. */
  pushedTo: (key: KeyRecord) => string[]
  known: KeywardKnowledge
  /**
   * The apps each console ran at its last check, by console key (null: never checked for apps), and
   * which consoles run an app now (their labels): for a watched key whose app moved (the wrong-host class).
   */
  appsOf?: (hostKey: string) => readonly UnifiApp[] | null
  runsOn?: (app: UnifiApp) => string[]
}

const KIND_WORDS: Record<AuditCredential['kind'], string> = {
  'api-key': 'API key',
  'access-token': 'Access token',
  'local-admin': 'local admin',
  'uisp-token': 'UISP API token',
}

export function subjectOf(c: AuditCredential): string {
  if (c.kind === 'local-admin') return `the ${c.superAdmin ? 'Super Admin' : 'local admin'} ${c.name}`
  return `the ${KIND_WORDS[c.kind]} “${c.name}”${c.owner ? ` of ${c.owner}` : ''}`
}

const ACTION_OF: Record<AuditCredential['kind'], CleanupAction> = {
  'api-key': 'revoke-key',
  'access-token': 'revoke-access-token',
  'local-admin': 'delete-user',
  'uisp-token': 'revoke-uisp-token',
}

/** What stops working when `c` goes: the Home Assistant entries that hold it, the keys of a user. */
function stopsFor(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): string[] {
  const stops: string[] = []
  const tracked = ctx.known.keys.find((k) => k.id === c.trackedKeyId)
  if (tracked) {
    for (const ha of ctx.pushedTo(tracked))
      stops.push(`Home Assistant at ${ha} stops reaching ${c.hostLabel} with “${tracked.name}”.`)
    stops.push(`Keyward stops watching “${tracked.name}”.`)
  }
  if (c.kind === 'local-admin') {
    for (const key of all.filter((k) => k.kind === 'api-key' && k.ownerId === c.remoteId && k.hostKey === c.hostKey)) {
      stops.push(`Its API key “${key.name}” stops working.`)
    }
    stops.push(`${c.name} can no longer sign in to ${c.hostLabel}.`)
  }
  if (stops.length === 0) stops.push('Whatever still uses it stops working; Keyward knows of nothing that does.')
  return stops
}

function finding(
  kind: FindingKind,
  c: AuditCredential,
  reason: string,
  all: readonly AuditCredential[],
  ctx: FindingContext,
): AuditFinding {
  return {
    id: `${kind}|${c.id}`,
    kind,
    hostKey: c.hostKey,
    hostLabel: c.hostLabel,
    credentialId: c.id,
    keyId: c.trackedKeyId,
    subject: subjectOf(c),
    reason,
    action: ACTION_OF[c.kind],
    stops: stopsFor(c, all, ctx),
  }
}

const days = (ms: number) => Math.floor(ms / DAY)

/** Unused for N days or never used (keys and UISP tokens report last use). */
function usageFinding(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): AuditFinding | null {
  if (!c.usageReported) return null
  if (c.lastUsedAt === null) {
    const made = c.createdAt ? ` since it was made on ${c.createdAt.slice(0, 10)}` : ''
    return finding('never-used', c, `${c.hostLabel} says it has never been used${made}.`, all, ctx)
  }
  const idle = ctx.now - Date.parse(c.lastUsedAt)
  if (!(idle > ctx.unusedDays * DAY)) return null
  return finding(
    'unused',
    c,
    `Last used ${days(idle)} days ago (${c.lastUsedAt.slice(0, 10)}), more than ${ctx.unusedDays} days.`,
    all,
    ctx,
  )
}

function ownerFinding(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): AuditFinding | null {
  if (c.kind !== 'api-key' || !c.ownerId) return null
  const owner = all.find((a) => a.kind === 'local-admin' && a.hostKey === c.hostKey && a.remoteId === c.ownerId)
  if (!owner)
    return finding('owner-gone', c, `Its account ${c.owner ?? c.ownerId} is no longer on ${c.hostLabel}.`, all, ctx)
  // The fixture says `status:"ACTIVE"` (unifi-os.md §2); any other status is read as not active [inferred].
  if (owner.status !== null && owner.status.toUpperCase() !== 'ACTIVE') {
    return finding(
      'owner-disabled',
      c,
      `Its account ${owner.name} is ${owner.status.toLowerCase()} on ${c.hostLabel}.`,
      all,
      ctx,
    )
  }
  return null
}

function orphanAdmin(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): AuditFinding | null {
  // A UI-account admin (not local-only) is a person's ui.com login; a local-only Super Admin is what
  // integrations are given (unifi-os.md §3), so a leftover one is the account to ask about.
  if (c.kind !== 'local-admin' || !c.superAdmin || c.isOwner || c.madeByKeyward || c.localOnly === false) return null
  if (ctx.signedInUserIds.get(c.hostKey) === c.remoteId) return null
  if (ctx.known.keys.some((k) => k.consoleKey === c.hostKey && k.username === c.name)) return null
  if (all.some((k) => k.kind === 'api-key' && k.hostKey === c.hostKey && k.ownerId === c.remoteId)) return null
  return finding(
    'orphan-super-admin',
    c,
    `A local-only Super Admin that holds no API key, is not the account you signed in with and was not made by Keyward. Keep it only if a person you know signs in with it.`,
    all,
    ctx,
  )
}

function scopeFinding(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): AuditFinding | null {
  if (c.kind !== 'uisp-token' || !c.role) return null
  const tracked = ctx.known.keys.find((k) => k.id === c.trackedKeyId)
  const purpose = tracked?.uisp?.purpose
  if (!purpose || !(c.role in UISP_SCOPES)) return null
  const needed = UISP_TOKEN_PURPOSES[purpose].scope
  if (UISP_SCOPES[c.role as keyof typeof UISP_SCOPES].rank <= UISP_SCOPES[needed].rank) return null
  const reason = `It carries ${UISP_SCOPES[c.role as keyof typeof UISP_SCOPES].label} rights, more than its stated use needs (${UISP_SCOPES[needed].label}).`
  return finding('broad-scope', c, reason, all, ctx)
}

function expiryFinding(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): AuditFinding | null {
  if (!c.expiresAt) return null
  const left = Date.parse(c.expiresAt) - ctx.now
  if (!(left <= ctx.expiringDays * DAY)) return null
  const when =
    left <= 0
      ? `It expired on ${c.expiresAt.slice(0, 10)}.`
      : `It expires in ${Math.max(1, days(left))} days (${c.expiresAt.slice(0, 10)}).`
  return finding('expiring', c, when, all, ctx)
}

function untracked(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): AuditFinding | null {
  if (c.kind === 'local-admin' || !c.madeByKeyward || c.trackedKeyId) return null
  return finding(
    'untracked-keyward',
    c,
    'Keyward made it, but no longer watches it: nothing here rotates or checks it.',
    all,
    ctx,
  )
}

/**
 * A watched Protect or Network key on a console that no longer runs that app (the app moved, e.g. Protect
 * to a new NVR): the key cannot reach it any more, yet still opens everything else on that console.
 */
function appMoved(c: AuditCredential, all: readonly AuditCredential[], ctx: FindingContext): AuditFinding | null {
  if (c.kind !== 'api-key' || !c.trackedKeyId || !ctx.appsOf) return null
  const tracked = ctx.known.keys.find((k) => k.id === c.trackedKeyId)
  if (!tracked || (tracked.app !== 'protect' && tracked.app !== 'network')) return null
  const apps = ctx.appsOf(c.hostKey)
  // Unknown or empty (never checked, or a check that saw no app) proves nothing.
  if (!apps || apps.length === 0 || apps.includes(tracked.app)) return null
  const app = appShort(tracked.app)
  const elsewhere = (ctx.runsOn?.(tracked.app) ?? []).filter((label) => label !== c.hostLabel)
  const where = elsewhere.length > 0 ? ` ${app} runs on ${elsewhere.join(' and ')} now: make its key there.` : ''
  const reason = `${app} no longer runs on ${c.hostLabel}, so this key cannot reach it; it still opens everything else there.${where}`
  return finding('app-moved', c, reason, all, ctx)
}

/** Watched keys on a host that was read whose key is not in that host's list any more. */
function goneFromHost(
  hosts: readonly AuditHostResult[],
  all: readonly AuditCredential[],
  ctx: FindingContext,
): AuditFinding[] {
  const read = hosts.filter((h) => h.state === 'read')
  return ctx.known.keys.flatMap((key) => {
    const host = read.find((h) => h.key === key.consoleKey)
    if (!host || !key.remoteId) return []
    if (all.some((c) => c.hostKey === host.key && c.trackedKeyId === key.id)) return []
    // A list that was not read (Access absent, another admin's keys not allowed) proves nothing.
    const kind = key.app === 'uisp' ? 'uisp-token' : key.app === 'access' ? 'access-token' : 'api-key'
    if (!host.listed.includes(kind)) return []
    // A key whose user is no longer listed is not readable any more, and cannot be used: it is gone too.
    const userListed = all.some((c) => c.hostKey === host.key && c.kind === 'local-admin' && c.name === key.username)
    if (kind === 'api-key' && userListed && !host.keysReadFor.includes(key.username)) return []
    const stops = ctx.pushedTo(key).map((ha) => `Home Assistant at ${ha} still holds it; it no longer works there.`)
    return [
      {
        id: `gone-from-console|${host.key}|${key.id}`,
        kind: 'gone-from-console' as const,
        hostKey: host.key,
        hostLabel: host.label,
        credentialId: null,
        keyId: key.id,
        subject: `the watched key “${key.name}”`,
        reason: `Keyward watches it, but ${host.label} no longer lists it: it was removed there.`,
        action: 'forget-record' as const,
        stops: [...stops, 'Keyward forgets it (its copy in this computer’s keychain is removed).'],
      },
    ]
  })
}

export function findingsOf(
  hosts: readonly AuditHostResult[],
  all: readonly AuditCredential[],
  ctx: FindingContext,
): AuditFinding[] {
  const rules = [usageFinding, ownerFinding, orphanAdmin, scopeFinding, expiryFinding, untracked, appMoved]
  const found = all.flatMap((c) => rules.map((rule) => rule(c, all, ctx)).filter((f): f is AuditFinding => f !== null))
  return [...found, ...goneFromHost(hosts, all, ctx)]
}
