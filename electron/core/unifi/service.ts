// The console client as the app uses it: signed-in sessions per console,
// host advice, plans, and provision flows with progress events. Sessions live
// in memory only; credentials are never stored (the user signs in per flow).
import type {
  ConsoleRecord,
  HostAdvice,
  KeyRecord,
  ProvisionOutcome,
  ProvisionPlan,
  ProvisionRecord,
  SignInResult,
  UnifiApp,
} from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { EventHub } from '../events.ts'
import type { Logger } from '../log.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { summarize } from '../keys/watch.ts'
import { accessOf } from '../keys/usage.ts'
import { explainPick, rankHosts } from './hosts.ts'
import { newProvision, ProvisionFailure, runProvision, suggestKeyName, suggestUsername } from './provision.ts'
import { protectSummary } from './protect.ts'
import { ConsoleSession } from './session.ts'
import { verifyKey, type KnownConsole } from './verify.ts'

/** Home Assistant 2026.9's minimum Protect (home-assistant.md §2.1, core PR #179954). */
export const HA_MIN_PROTECT = '7.2.105'

export interface ConsoleServiceOptions {
  settings: Settings
  vault: SecretStore
  hub: EventHub
  log: Logger
  /** Site Manager for cloud-key recognition; null keeps every check on the LAN. */
  siteManager?: { url: string; ca?: string } | null
  accessPort?: number
  sessionTimeoutMs?: number
  /** A key was minted, stored and checked: start watching it. */
  onKeyReady?: (key: Omit<KeyRecord, 'id' | 'paused' | 'unreachableStreak' | 'pushedTo' | 'haHealth'>) => void
}

/** "RHgzD88Mp4Gzcyj9JQCp18pFcx9AqxH5" → "RHgz…xqH5": enough to recognise, useless to steal. */
export const maskSecret = (secret: string) => (secret.length <= 10 ? '•'.repeat(secret.length) : `${secret.slice(0, 4)}…${secret.slice(-4)}`)

export function createConsoleService(options: ConsoleServiceOptions) {
  const { settings, vault, hub } = options
  const sessions = new Map<string, ConsoleSession>()
  const cameraCounts: Record<string, number> = {}

  const record = (key: string): ConsoleRecord => {
    const found = settings.listConsoles().find((c) => c.key === key)
    if (!found) throw new KeywardFailure('not-found', 'Keyward does not know that console; check its address first.')
    return found
  }
  const label = (c: ConsoleRecord) => `${c.name ?? c.host} (${c.host})`
  const known = (c: ConsoleRecord): KnownConsole => ({ key: c.key, host: c.host, port: c.port, name: c.name, pin: c.certificateSha256, apps: c.apps ?? [] })
  const session = (key: string): ConsoleSession => {
    const s = sessions.get(key)
    if (!s?.signedIn) throw new KeywardFailure('session-expired', `Sign in to ${label(record(key))} first.`)
    return s
  }

  const verifyFor = (c: ConsoleRecord, app: UnifiApp) => (key: string) =>
    verifyKey({
      console: known(c),
      others: settings.listConsoles().filter((o) => o.key !== c.key).map(known),
      app,
      key,
      ...(app === 'protect' ? { minimumVersion: HA_MIN_PROTECT } : {}),
      ...(options.accessPort ? { accessPort: options.accessPort } : {}),
      siteManager: options.siteManager ?? null,
    })

  const running = new Set<string>()
  const run = async (admin: ConsoleSession, start: ProvisionRecord): Promise<ProvisionOutcome> => {
    const c = record(start.consoleKey)
    const journal = {
      get: (id: string) => settings.getProvision(id),
      save: (r: ProvisionRecord) => {
        settings.saveProvision(r)
        hub.emit('provision.progress', r)
      },
    }
    try {
      const { record: done, check } = await runProvision(admin, start, {
        vault,
        journal,
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
        failure: { step: error.step, code: error.code, message: error.message, fallbackAvailable: error.fallbackAvailable },
      }
    }
  }

  return {
    /** The signed-in admin session on a console (throws a clear error when there is none). */
    adminSession: session,
    /** A fresh session as a given user (the dedicated user, from its stored password). */
    async userSession(key: string, username: string, password: string): Promise<ConsoleSession> {
      const c = record(key)
      const s = new ConsoleSession({ host: c.host, port: c.port, pin: c.certificateSha256, label: label(c) }, options.sessionTimeoutMs ? { timeoutMs: options.sessionTimeoutMs } : {})
      const outcome = await s.login({ username, password })
      if (outcome.state !== 'signed-in') throw new KeywardFailure('refused', `${label(c)} asked ${username} for a two-factor code.`)
      return s
    },
    verifyFor,
    async signIn(input: { key: string; username: string; password: string; mfaCode?: string }): Promise<SignInResult> {
      const c = record(input.key)
      const existing = sessions.get(input.key)
      // Keep the session object between the 499 and the code: it holds the MFA cookie and any lock.
      const s = existing && !existing.signedIn ? existing : new ConsoleSession({ host: c.host, port: c.port, pin: c.certificateSha256, label: label(c) }, options.sessionTimeoutMs ? { timeoutMs: options.sessionTimeoutMs } : {})
      if (existing?.signedIn) await existing.logout().catch(() => undefined)
      sessions.set(input.key, s)
      const outcome = await s.login({ username: input.username, password: input.password }, input.mfaCode)
      if (outcome.state === 'mfa-required') return outcome
      if (!outcome.user.isOwner && !outcome.user.isSuperAdmin) {
        await s.logout().catch(() => undefined)
        throw new KeywardFailure('forbidden', `${input.username} can sign in to ${label(c)} but is not Owner or Super Admin, so the console will not let it create users or API keys (the Integrations page is hidden). Sign in with the owner account.`)
      }
      if ((c.apps ?? []).includes('protect')) {
        cameraCounts[c.key] = await protectSummary(s).then((p) => p.cameras).catch(() => cameraCounts[c.key] ?? 0)
      }
      const { username, isOwner, isSuperAdmin } = outcome.user
      return { state: 'signed-in', user: { username, isOwner, isSuperAdmin } }
    },

    async signOut(key: string): Promise<null> {
      await sessions.get(key)?.logout().catch(() => undefined)
      sessions.delete(key)
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
      return { app, ranked, pickedWarning: pickedRecord ? explainPick(app, pickedRecord, consoles, cameraCounts) : null }
    },

    plan(key: string, app: UnifiApp): ProvisionPlan {
      const c = record(key)
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
      }
    },

    async provision(input: { key: string; app: UnifiApp; mode: ProvisionRecord['mode']; username: string; keyName: string; accessValidityDays?: number }): Promise<ProvisionOutcome> {
      const admin = session(input.key)
      const c = record(input.key)
      if (!(c.apps ?? []).includes(input.app)) {
        throw new KeywardFailure('not-found', `${label(c)} does not run ${input.app}; pick the console that does.`)
      }
      const start = newProvision({
        consoleKey: input.key,
        app: input.app,
        username: input.mode === 'signed-in-admin' ? (admin.user?.username ?? input.username) : input.username,
        keyName: input.keyName,
        mode: input.mode,
        ...(input.accessValidityDays !== undefined ? { accessValidityDays: input.accessValidityDays } : {}),
      })
      // One flow per console and user at a time: a repeated request must not make a second user.
      const flowKey = `${start.consoleKey}|${start.username}`
      if (running.has(flowKey)) throw new KeywardFailure('conflict', `A key for ${start.username} is already being made on ${label(c)}.`)
      running.add(flowKey)
      try {
        return await run(admin, start)
      } finally {
        running.delete(flowKey)
      }
    },

    async resume(id: string): Promise<ProvisionOutcome> {
      const start = settings.getProvision(id)
      if (!start) throw new KeywardFailure('not-found', 'That key flow is no longer on record.')
      return run(session(start.consoleKey), start)
    },

    list(): ProvisionRecord[] {
      return settings.listProvisions().sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
    },

    async close(): Promise<void> {
      await Promise.all([...sessions.values()].map((s) => s.logout().catch(() => undefined)))
      sessions.clear()
    },
  }
}
