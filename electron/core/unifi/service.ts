// The console client as the app uses it: signed-in sessions per console,
// host advice, plans, and provision flows with progress events. Sessions live
// in memory only; credentials are never stored (the user signs in per flow).
import type {
  CleanupOutcome,
  ConsoleRecord,
  HostAdvice,
  KeyRecord,
  ProvisionOutcome,
  ProvisionPlan,
  ProvisionRecord,
  SignInResult,
  UnifiApp,
} from '../../../shared/domain.ts'
import { appName, consoleLabel, legacyNetworkExplanation } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { EventHub } from '../events.ts'
import { keyConsumers, possibleConsumers, protectRequirement, protectWarning } from '../homeassistant/requirements.ts'
import type { Logger } from '../log.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { summarize } from '../keys/watch.ts'
import { dropHostSessions, isConsoleConfirmed, requireConfirmed } from '../console/trust.ts'
import { accessOf } from '../keys/usage.ts'
import { explainPick, rankHosts } from './hosts.ts'
import { newProvision, ProvisionFailure, runProvision, suggestKeyName, suggestUsername } from './provision.ts'
import { cleanupProvision } from './cleanup.ts'
import { madeByFlow } from '../../../shared/cleanup.ts'
import { protectSummary } from './protect.ts'
import { closeConnections } from '../net/pool.ts'
import { FlowLock } from './flow-lock.ts'
import { LoginLocks } from './lockout.ts'
import { ConsoleSession, type ConsoleTarget } from './session.ts'
import { knownConsole } from '../console/known.ts'
import { verifyKey } from './verify.ts'
import { provisionView } from '../views.ts'
import { addressKey, maskSecret } from '../../../shared/format.ts'

export interface ConsoleServiceOptions {
  settings: Settings
  vault: SecretStore
  hub: EventHub
  log: Logger
  accessPort?: number
  sessionTimeoutMs?: number
  /** A key was minted, stored and checked: start watching it. */
  onKeyReady?: (key: Omit<KeyRecord, 'id' | 'paused' | 'unreachableStreak' | 'pushedTo' | 'haHealth'>) => void
  /** A flow's cleanup revoked its key: stop watching the key stored under `keyRef` (secrets are handled). */
  onKeyGone?: (keyRef: string) => void
}

/** "RHgzD88Mp4Gzcyj9JQCp18pFcx9AqxH5" → "RHgz…xqH5": enough to recognise, useless to steal. */

export function createConsoleService(options: ConsoleServiceOptions) {
  const { settings, vault, hub } = options
  const sessions = new Map<string, ConsoleSession>()
  const cameraCounts: Record<string, number> = {}
  /** Protect's version per console, read at sign-in (bootstrap `nvr.version`), for the plan's warning. */
  const protectVersions: Record<string, string> = {}
  // One registry for every login this service sends (lockout.ts, issue 14 §2).
  const locks = new LoginLocks()
  const openSession = (target: ConsoleTarget) =>
    new ConsoleSession(target, { locks, ...(options.sessionTimeoutMs ? { timeoutMs: options.sessionTimeoutMs } : {}) })

  const record = (key: string): ConsoleRecord => {
    const found = settings.listConsoles().find((c) => c.key === key)
    if (!found) throw new KeywardFailure('not-found', 'Keyward does not know that console; check its address first.')
    return found
  }
  const label = (c: ConsoleRecord) => consoleLabel(c)
  /** The retired self-hosted Network app has no local keys: say so before any login (unifi-os.md §1, §4). */
  const supported = (c: ConsoleRecord): ConsoleRecord => {
    if (c.kind === 'legacy-network') throw new KeywardFailure('unsupported', legacyNetworkExplanation(label(c)))
    return c
  }
  const targetOf = (c: ConsoleRecord): ConsoleTarget => ({
    host: c.host,
    port: c.port,
    pin: c.certificateSha256,
    label: label(c),
  })
  /** No credential goes to a console whose certificate the user has not confirmed (issue 14 §3). */
  const confirmed = (c: ConsoleRecord): ConsoleRecord =>
    requireConfirmed(c, isConsoleConfirmed(c, settings), label(c), 'console')
  /** Drops every session on a console, signed in or half-way (2FA), here only (a replaced pin, a forgotten console). */
  const invalidate = (key: string) => {
    dropHostSessions(
      sessions,
      key,
      settings.listConsoles().find((r) => r.key === key),
    )
    delete cameraCounts[key]
  }
  /** Kept-alive connections to a console close with its sessions (re-trust, forget, sign-out). */
  const closeConsoleConnections = (key: string) => {
    const c = settings.listConsoles().find((r) => r.key === key)
    if (c) closeConnections(c.host, c.port)
  }
  const session = (key: string): ConsoleSession => {
    const s = sessions.get(key)
    if (!s?.signedIn) throw new KeywardFailure('session-expired', `Sign in to ${label(record(key))} first.`)
    return s
  }

  // The key goes to this console and, to find where a stray key belongs, to the other confirmed ones; every
  // known console's recorded apps may name the right host (no credential goes there for that).
  // A too-old Protect fails the check only for the Home Assistant that consumes the key (issue 14 §6).
  const verifyFor =
    (c: ConsoleRecord, app: UnifiApp, pushedTo: readonly string[] = []) =>
    (key: string) =>
      verifyKey({
        console: knownConsole(confirmed(c)),
        others: settings
          .listConsoles()
          .filter((o) => o.key !== c.key)
          .map(knownConsole),
        mayReceiveKey: (o) => isConsoleConfirmed(record(o.key), settings),
        app,
        key,
        ...(app === 'protect' ? (protectRequirement(keyConsumers(settings.listHomeAssistants(), pushedTo)) ?? {}) : {}),
        ...(options.accessPort ? { accessPort: options.accessPort } : {}),
        // No Site Manager here: the wizard's verify stays on the LAN (keys.cloudCheck asks the cloud on request).
      })

  /** A fresh session as a given user (the dedicated user, from its stored password). */
  const userSession = async (key: string, username: string, password: string): Promise<ConsoleSession> => {
    const c = confirmed(record(key))
    // Built from the record as it is now: a re-trusted pin applies at once.
    const s = openSession(targetOf(c))
    const outcome = await s.login({ username, password })
    if (outcome.state !== 'signed-in') {
      throw new KeywardFailure('refused', `${label(c)} asked ${username} for a two-factor code.`)
    }
    return s
  }

  const flows = new FlowLock()
  const exclusive = <T>(start: ProvisionRecord, what: string, work: () => Promise<T>): Promise<T> =>
    flows.run(start, what, () => label(record(start.consoleKey)), work)
  const journal = {
    get: (id: string) => settings.getProvision(id),
    save: (r: ProvisionRecord) => {
      settings.saveProvision(r)
      hub.emit('provision.progress', provisionView(r)) // a view: no keychain names (views.ts)
    },
    list: () => settings.listProvisions(),
    watched: (p: ProvisionRecord) => settings.listKeys().some((k) => k.keyRef === p.keyRef),
  }
  /** Watched keys (other than this flow's) that sign in as its user, or with its password. */
  const keysUsing = (p: ProvisionRecord) => {
    const others = settings
      .listKeys()
      .filter((k) => k.app !== 'uisp' && k.consoleKey === p.consoleKey && k.keyRef !== p.keyRef)
    const sameName = (name: string) => name.toLowerCase() === p.username.toLowerCase()
    return {
      sameUser: others.filter((k) => k.passwordRef && sameName(k.username)).map((k) => k.name),
      samePassword: others.filter((k) => k.passwordRef === p.passwordRef).map((k) => k.name),
    }
  }

  const run = async (admin: ConsoleSession, start: ProvisionRecord): Promise<ProvisionOutcome> => {
    const c = record(start.consoleKey)
    try {
      const { record: done, check } = await runProvision(admin, start, {
        vault,
        journal,
        openSession,
        verify: verifyFor(c, start.app),
      })
      const key = await vault.get(done.keyRef)
      const masked = key ? maskSecret(key) : null
      if (masked) {
        options.onKeyReady?.({
          name: done.keyName,
          app: done.app,
          consoleKey: done.consoleKey,
          username: done.username,
          remoteId: done.keyId,
          keyRef: done.keyRef,
          passwordRef: done.mode === 'dedicated-user' ? done.passwordRef : null,
          masked,
          createdAt: done.updatedAt,
          expiresAt: done.expiresAt,
          lastCheck: summarize(check),
          access: accessOf(done, admin),
        })
      }
      return { record: done, check, maskedKey: masked, failure: null }
    } catch (error) {
      if (!(error instanceof ProvisionFailure)) throw error
      return {
        record: settings.getProvision(start.id) ?? start,
        check: null,
        maskedKey: null,
        failure: {
          step: error.step,
          code: error.code,
          message: error.message,
          fallbackAvailable: error.fallbackAvailable,
          ...(error.earlierFlow ? { earlierFlow: error.earlierFlow } : {}),
        },
      }
    }
  }

  return {
    /** The signed-in admin session on a console (throws a clear error when there is none). */
    adminSession: session,
    userSession,
    verifyFor,
    async signIn(input: { key: string; username: string; password: string; mfaCode?: string }): Promise<SignInResult> {
      const c = confirmed(supported(record(input.key)))
      // While the console is locked, a working session is kept rather than traded for a refusal.
      locks.check(addressKey(c.host, c.port), label(c), Date.now())
      const existing = sessions.get(input.key)
      // Keep the session object between the 499 and the code (it holds the MFA cookie), but
      // never one pinned to a certificate the user has since replaced.
      const reuse = existing && !existing.signedIn && existing.target.pin === c.certificateSha256
      const s = reuse ? existing : openSession(targetOf(c))
      if (existing?.signedIn) await existing.logout().catch(() => undefined)
      else if (existing && !reuse) existing.discard()
      sessions.set(input.key, s)
      const outcome = await s.login({ username: input.username, password: input.password }, input.mfaCode)
      if (outcome.state === 'mfa-required') return outcome
      if (!outcome.user.isOwner && !outcome.user.isSuperAdmin) {
        await s.logout().catch(() => undefined)
        throw new KeywardFailure(
          'forbidden',
          `${input.username} can sign in to ${label(c)} but is not Owner or Super Admin, so the console will not let it create users or API keys (the Integrations page is hidden). Sign in with the owner account.`,
        )
      }
      if ((c.apps ?? []).includes('protect')) {
        const protect = await protectSummary(s).catch(() => null)
        cameraCounts[c.key] = protect?.cameras ?? cameraCounts[c.key] ?? 0
        if (protect?.version) protectVersions[c.key] = protect.version
      }
      const { username, isOwner, isSuperAdmin } = outcome.user
      return { state: 'signed-in', user: { username, isOwner, isSuperAdmin } }
    },

    async signOut(key: string): Promise<null> {
      await sessions
        .get(key)
        ?.logout()
        .catch(() => undefined)
      sessions.delete(key)
      closeConsoleConnections(key)
      return null
    },

    hostsFor(app: UnifiApp, picked?: string): HostAdvice {
      const consoles = settings.listConsoles()
      const ranked = rankHosts(app, consoles, cameraCounts).ranked.map(({ console: c, reason }) => ({
        key: c.key,
        name: c.name,
        host: c.host,
        model: c.model,
        reason,
        ...(cameraCounts[c.key] !== undefined ? { cameras: cameraCounts[c.key] } : {}),
      }))
      const pickedRecord = picked ? consoles.find((c) => c.key === picked) : undefined
      return {
        app,
        ranked,
        pickedWarning: pickedRecord ? explainPick(app, pickedRecord, consoles, cameraCounts) : null,
      }
    },

    plan(key: string, app: UnifiApp): ProvisionPlan {
      const c = supported(record(key))
      // Before minting: a connected Home Assistant that will refuse this Protect (home-assistant.md §2.1).
      const warning =
        app === 'protect'
          ? protectWarning(protectVersions[c.key] ?? null, label(c), possibleConsumers(settings.listHomeAssistants()))
          : null
      return {
        key,
        app,
        mode: 'dedicated-user',
        username: suggestUsername(app),
        keyName: suggestKeyName(app),
        role: {
          name: 'Super Admin',
          why: 'UniFi OS lets only Owner and Super Admin accounts create API keys, and a key carries the rights of the user who made it. A dedicated local-only user keeps the key apart from your own account: delete that user and every key it made stops working, without touching your login.',
        },
        secretLocation: `The new user's password and the ${app === 'access' ? 'Access token' : 'API key'} go to this computer's keychain; ${label(c)} keeps only its own copy.`,
        ...(app === 'access' ? { accessValidityDays: 365 } : {}),
        warning,
      }
    },

    async provision(input: {
      key: string
      app: UnifiApp
      mode: ProvisionRecord['mode']
      username: string
      keyName: string
      accessValidityDays?: number
    }): Promise<ProvisionOutcome> {
      const c = confirmed(supported(record(input.key)))
      const admin = session(input.key)
      if (!(c.apps ?? []).includes(input.app)) {
        const app = appName(input.app)
        throw new KeywardFailure('not-found', `${label(c)} does not run ${app}; pick the console that does.`)
      }
      const start = newProvision({
        consoleKey: input.key,
        app: input.app,
        username: input.mode === 'signed-in-admin' ? (admin.user?.username ?? input.username) : input.username,
        keyName: input.keyName,
        mode: input.mode,
        ...(input.accessValidityDays !== undefined ? { accessValidityDays: input.accessValidityDays } : {}),
      })
      return exclusive(start, 'Making a key', () => run(admin, start))
    },

    async resume(id: string): Promise<ProvisionOutcome> {
      const start = settings.getProvision(id)
      if (!start) throw new KeywardFailure('not-found', 'That key flow is no longer on record.')
      const c = confirmed(record(start.consoleKey))
      if (start.cleanup) {
        const why = `You asked Keyward to remove what this run made on ${label(c)}; start a new run from the plan.`
        throw new KeywardFailure('conflict', why)
      }
      return exclusive(start, 'Making a key', () => run(session(start.consoleKey), start))
    },

    /**
     * Removes what a failed or wrong-host flow made on its console (issue 14 §5): its key, its
     * dedicated user, then the user's password in the keychain; resumes a cleanup that stopped.
     * Only what the flow's journal names; the console must be confirmed and signed in to.
     */
    async cleanup(id: string): Promise<CleanupOutcome> {
      const start = settings.getProvision(id)
      if (!start) throw new KeywardFailure('not-found', 'That key flow is no longer on record.')
      const c = confirmed(record(start.consoleKey))
      if (start.steps.verify === 'done' && journal.watched(start)) {
        const why = `That key works on ${label(c)}; revoke it from the key list if you no longer need it.`
        throw new KeywardFailure('refused', why)
      }
      // The console parts need the admin signed in (it deletes the user); the keychain part alone does not.
      const onConsole = madeByFlow(start).some((p) => p.part !== 'password')
      const admin = onConsole ? session(start.consoleKey) : (sessions.get(start.consoleKey) ?? openSession(targetOf(c)))
      return exclusive(start, 'Removing what Keyward made', () =>
        cleanupProvision(admin, start, {
          vault,
          journal,
          userSession: (username, password) => userSession(start.consoleKey, username, password),
          keysUsing,
          onKeyGone: (r) => options.onKeyGone?.(r.keyRef),
        }),
      )
    },

    /**
     * The user trusted a new certificate or forgot the console: every session pinned to the
     * old one goes (issue 14 §3). Each request opens its own socket (net/https.ts, no agent),
     * so no pooled connection outlives this; sessions made later read the record's new pin.
     */
    invalidate,

    list(): ProvisionRecord[] {
      return settings.listProvisions().sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
    },

    async close(): Promise<void> {
      await Promise.all([...sessions.values()].map((s) => s.logout().catch(() => undefined)))
      sessions.clear()
    },
  }
}
