// The console client as the contract calls it. This file only wires the units that hold the state:
//   consoles.ts  stored consoles: lookup, the legacy-Network refusal, the confirmed-certificate
//                gate, the pinned target, the key check against a console
//   sessions.ts  signed-in sessions per console (memory only), sign-in lock-outs, the camera
//                counts and Protect versions read at sign-in
//   advice.ts    host ranking and the plan (pure)
//   flows.ts     provision, resume and cleanup runs: journal, progress events, one run per user
// Credentials are never stored (the user signs in per flow).
import type { ConsoleRecord, HostAdvice, ProvisionPlan, UnifiApp } from '../../../shared/domain.ts'
import type { EventHub } from '../events.ts'
import type { Logger } from '../log.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { hostAdvice, provisionPlan } from './advice.ts'
import { ConsoleRecords } from './consoles.ts'
import { ProvisionFlows, type KeyReady } from './flows.ts'
import { ConsoleSessions } from './sessions.ts'

export interface ConsoleServiceOptions {
  settings: Settings
  vault: SecretStore
  hub: EventHub
  log: Logger
  accessPort?: number
  sessionTimeoutMs?: number
  /** A key was minted, stored and checked: start watching it. */
  onKeyReady?: (key: KeyReady) => void
  /** A flow's cleanup revoked its key: stop watching the key stored under `keyRef` (secrets are handled). */
  onKeyGone?: (keyRef: string) => void
}

export function createConsoleService(options: ConsoleServiceOptions) {
  const { settings, vault, hub } = options
  const consoles = new ConsoleRecords(settings, options.accessPort)
  const sessions = new ConsoleSessions(
    consoles,
    options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {},
  )
  const flows = new ProvisionFlows({
    settings,
    vault,
    hub,
    consoles,
    sessions,
    ...(options.onKeyReady ? { onKeyReady: options.onKeyReady } : {}),
    ...(options.onKeyGone ? { onKeyGone: options.onKeyGone } : {}),
  })

  return {
    /** The signed-in admin session on a console (throws a clear error when there is none). */
    adminSession: (key: string) => sessions.admin(key),
    /** A fresh session as a given user (the dedicated user, from its stored password). */
    userSession: (key: string, username: string, password: string) => sessions.user(key, username, password),
    /** For the audit: the signed-in admin session or null, and the console's sign-in lock-out. */
    signedInSession: (key: string) => sessions.signedIn(key),
    lockedUntil: (c: ConsoleRecord) => sessions.lockedUntil(c),
    verifyFor: (c: ConsoleRecord, app: UnifiApp, pushedTo?: readonly string[]) => consoles.verifyFor(c, app, pushedTo),
    signIn: (input: Parameters<ConsoleSessions['signIn']>[0]) => sessions.signIn(input),
    signOut: (key: string) => sessions.signOut(key),
    hostsFor: (app: UnifiApp, picked?: string): HostAdvice =>
      hostAdvice(app, settings.listConsoles(), sessions.cameraCounts, picked),
    plan(key: string, app: UnifiApp): ProvisionPlan {
      // Before minting: a connected Home Assistant that will refuse this Protect (home-assistant.md §2.1).
      const c = consoles.supported(consoles.get(key))
      return provisionPlan(c, app, sessions.protectVersion(c.key), settings.listHomeAssistants())
    },
    provision: (input: Parameters<ProvisionFlows['provision']>[0]) => flows.provision(input),
    resume: (id: string) => flows.resume(id),
    cleanup: (id: string) => flows.cleanup(id),
    /**
     * The user trusted a new certificate or forgot the console: every session pinned to the
     * old one goes (issue 14 §3); sessions made later read the record's new pin.
     */
    invalidate: (key: string) => sessions.invalidate(key),
    list: () => flows.list(),
    close: () => sessions.close(),
  }
}
