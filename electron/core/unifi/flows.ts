// Key flows on a console as the contract runs them: make a key (provision.ts), resume a flow that
// stopped, and remove what a failed or wrong-host flow made (cleanup.ts, issue 14 §5). Every step
// is journaled in the settings and sent out as a `provision.progress` event; one flow or cleanup
// per console and user at a time (flow-lock.ts). A verified key goes to the key watch
// (`onKeyReady`, masked; the secret stays in the keychain); a key a cleanup revoked leaves it
// (`onKeyGone`).
import { provisionView } from '../views.ts'
import { madeByFlow } from '../../../shared/cleanup.ts'
import type { CleanupOutcome, KeyCheck, ProvisionOutcome, ProvisionRecord, UnifiApp } from '../../../shared/domain.ts'
import { appName } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { maskSecret } from '../../../shared/format.ts'
import type { EventHub } from '../events.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { cleanupProvision } from './cleanup.ts'
import type { ConsoleRecords } from './consoles.ts'
import { FlowLock } from './flow-lock.ts'
import { newProvision, ProvisionFailure, runProvision, type ProvisionJournal } from './provision.ts'
import type { ConsoleSessions } from './sessions.ts'
import type { ConsoleSession, SignedInUser } from './session.ts'

/**
 * A flow's key was minted, stored and checked: what the key watch needs to list it (the secret stays
 * in the keychain under `record.keyRef`; `masked` only). The key watch builds its entry
 * (keys/from-flow.ts), so this module needs nothing from keys/.
 */
export interface KeyReady {
  record: ProvisionRecord
  check: KeyCheck
  masked: string
  /** Who was signed in when the key was made (a key made as the admin has the admin's role). */
  signedInAs: SignedInUser | null
}

export interface ProvisionInput {
  key: string
  app: UnifiApp
  mode: ProvisionRecord['mode']
  username: string
  keyName: string
  accessValidityDays?: number
}

export interface FlowDeps {
  settings: Pick<Settings, 'getProvision' | 'saveProvision' | 'listProvisions' | 'listKeys'>
  vault: SecretStore
  hub: Pick<EventHub, 'emit'>
  consoles: ConsoleRecords
  sessions: ConsoleSessions
  /** A key was minted, stored and checked: start watching it. */
  onKeyReady?: (key: KeyReady) => void
  /** A flow's cleanup revoked its key: stop watching the key stored under `keyRef` (secrets are handled). */
  onKeyGone?: (keyRef: string) => void
}

export class ProvisionFlows {
  readonly #lock = new FlowLock()
  readonly #journal: Required<ProvisionJournal>

  constructor(private readonly deps: FlowDeps) {
    const { settings, hub } = deps
    this.#journal = {
      get: (id) => settings.getProvision(id),
      save: (r) => {
        settings.saveProvision(r)
        hub.emit('provision.progress', provisionView(r)) // a view: no keychain names (views.ts)
      },
      list: () => settings.listProvisions(),
      watched: (p) => settings.listKeys().some((k) => k.keyRef === p.keyRef),
    }
  }

  /** Every flow on record, newest first. */
  list(): ProvisionRecord[] {
    return this.deps.settings.listProvisions().sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))
  }

  async provision(input: ProvisionInput): Promise<ProvisionOutcome> {
    const { consoles, sessions } = this.deps
    const c = consoles.confirmed(consoles.supported(consoles.get(input.key)))
    const admin = sessions.admin(input.key)
    if (!(c.apps ?? []).includes(input.app)) {
      const app = appName(input.app)
      throw new KeywardFailure('not-found', `${consoles.label(c)} does not run ${app}; pick the console that does.`)
    }
    const start = newProvision({
      consoleKey: input.key,
      app: input.app,
      username: input.mode === 'signed-in-admin' ? (admin.user?.username ?? input.username) : input.username,
      keyName: input.keyName,
      mode: input.mode,
      ...(input.accessValidityDays !== undefined ? { accessValidityDays: input.accessValidityDays } : {}),
    })
    return this.#exclusive(start, 'Making a key', () => this.#run(admin, start))
  }

  async resume(id: string): Promise<ProvisionOutcome> {
    const { consoles, sessions } = this.deps
    const start = this.#onRecord(id)
    const c = consoles.confirmed(consoles.get(start.consoleKey))
    if (start.cleanup) {
      const why = `You asked Keyward to remove what this run made on ${consoles.label(c)}; start a new run from the plan.`
      throw new KeywardFailure('conflict', why)
    }
    return this.#exclusive(start, 'Making a key', () => this.#run(sessions.admin(start.consoleKey), start))
  }

  /**
   * Removes what a failed or wrong-host flow made on its console (issue 14 §5): its key, its
   * dedicated user, then the user's password in the keychain; resumes a cleanup that stopped.
   * Only what the flow's journal names; the console must be confirmed and signed in to.
   */
  async cleanup(id: string): Promise<CleanupOutcome> {
    const { consoles, sessions, vault } = this.deps
    const start = this.#onRecord(id)
    const c = consoles.confirmed(consoles.get(start.consoleKey))
    if (start.steps.verify === 'done' && this.#journal.watched(start)) {
      const why = `That key works on ${consoles.label(c)}; revoke it from the key list if you no longer need it.`
      throw new KeywardFailure('refused', why)
    }
    // The console parts need the admin signed in (it deletes the user); the keychain part alone does not.
    const onConsole = madeByFlow(start).some((p) => p.part !== 'password')
    const admin = onConsole ? sessions.admin(start.consoleKey) : sessions.anyAdmin(c)
    return this.#exclusive(start, 'Removing what Keyward made', () =>
      cleanupProvision(admin, start, {
        vault,
        journal: this.#journal,
        userSession: (username, password) => sessions.user(start.consoleKey, username, password),
        keysUsing: (p) => this.#keysUsing(p),
        onKeyGone: (r) => this.deps.onKeyGone?.(r.keyRef),
      }),
    )
  }

  #onRecord(id: string): ProvisionRecord {
    const start = this.deps.settings.getProvision(id)
    if (!start) throw new KeywardFailure('not-found', 'That key flow is no longer on record.')
    return start
  }

  #exclusive<T>(start: ProvisionRecord, what: string, work: () => Promise<T>): Promise<T> {
    const { consoles } = this.deps
    return this.#lock.run(start, what, () => consoles.label(consoles.get(start.consoleKey)), work)
  }

  /** Watched keys (other than this flow's) that sign in as its user, or with its password. */
  #keysUsing(p: ProvisionRecord): { sameUser: string[]; samePassword: string[] } {
    const others = this.deps.settings
      .listKeys()
      .filter((k) => k.app !== 'uisp' && k.consoleKey === p.consoleKey && k.keyRef !== p.keyRef)
    const sameName = (name: string) => name.toLowerCase() === p.username.toLowerCase()
    return {
      sameUser: others.filter((k) => k.passwordRef && sameName(k.username)).map((k) => k.name),
      samePassword: others.filter((k) => k.passwordRef === p.passwordRef).map((k) => k.name),
    }
  }

  async #run(admin: ConsoleSession, start: ProvisionRecord): Promise<ProvisionOutcome> {
    const { consoles, sessions, vault } = this.deps
    const c = consoles.get(start.consoleKey)
    try {
      const { record: done, check } = await runProvision(admin, start, {
        vault,
        journal: this.#journal,
        openSession: (target) => sessions.open(target),
        verify: consoles.verifyFor(c, start.app),
      })
      const key = await vault.get(done.keyRef)
      const masked = key ? maskSecret(key) : null
      if (masked) this.deps.onKeyReady?.({ record: done, check, masked, signedInAs: admin.user })
      return { record: done, check, maskedKey: masked, failure: null }
    } catch (error) {
      if (!(error instanceof ProvisionFailure)) throw error
      return {
        record: this.deps.settings.getProvision(start.id) ?? start,
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
}
