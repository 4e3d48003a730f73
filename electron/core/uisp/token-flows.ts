// Minting UISP API tokens with the signed-in session (uisp.md §2): each flow is journaled in
// config.json (`uisp.flows`, resumable: provision.ts), one flow per server, purpose and name at a
// time; a token that was made, stored and checked is handed to the key watch.
import type {
  KeyRecord,
  UispTokenInfo,
  UispTokenOutcome,
  UispTokenPlan,
  UispTokenPurpose,
  UispTokenRecord,
} from '../../../shared/domain.ts'
import { maskSecret } from '../../../shared/format.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { summarize } from '../../../shared/check-summary.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { uispTokenPlan } from './plan.ts'
import {
  newUispTokenProvision,
  runUispTokenProvision,
  UispProvisionFailure,
  type UispTokenJournal,
} from './provision.ts'
import type { UispServers } from './servers.ts'
import type { UispSession } from './session.ts'
import type { UispSessions } from './sessions.ts'
import { heldUispTokens } from './strays.ts'
import { listUispTokens, revokeUispToken } from './tokens.ts'

export type NewKey = Omit<KeyRecord, 'id' | 'paused' | 'unreachableStreak' | 'pushedTo' | 'haHealth'>

export interface UispTokenFlowOptions {
  settings: Settings
  vault: SecretStore
  servers: UispServers
  sessions: UispSessions
  now: () => number
  /** A token was made, stored and checked: the key watch takes it over and returns its entry. */
  onTokenReady: (key: NewKey) => KeyRecord
  /** A token was revoked on the server: the key watch forgets the entry holding it. */
  onTokenRevoked?: ((serverKey: string, tokenId: string) => Promise<void>) | undefined
}

export class UispTokenFlows {
  readonly #o: UispTokenFlowOptions
  /** Flows under way: `server|purpose|name`. */
  readonly #running = new Set<string>()
  readonly #journal: UispTokenJournal

  constructor(options: UispTokenFlowOptions) {
    this.#o = options
    const { settings } = options
    this.#journal = {
      get: (id: string) => settings.getUisp().flows.find((f) => f.id === id) ?? null,
      save: (record: UispTokenRecord) =>
        settings.saveUisp({ flows: [...settings.getUisp().flows.filter((f) => f.id !== record.id), record] }),
    }
  }

  /** What the wizard offers on a server the user is signed in to. */
  plan(key: string): UispTokenPlan {
    const s = this.#o.servers.get(key)
    return uispTokenPlan(key, this.#o.servers.label(s), this.#o.sessions.require(key).user)
  }

  async create(input: { key: string; purpose: UispTokenPurpose; name: string }): Promise<UispTokenOutcome> {
    const caller = this.#o.sessions.require(input.key)
    const start = newUispTokenProvision(
      { serverKey: input.key, purpose: input.purpose, name: input.name },
      this.#o.now(),
    )
    const flowKey = `${input.key}|${input.purpose}|${input.name}`
    if (this.#running.has(flowKey)) {
      const where = this.#o.servers.label(this.#o.servers.get(input.key))
      throw new KeywardFailure('conflict', `A token called ${input.name} is already being made on ${where}.`)
    }
    this.#running.add(flowKey)
    try {
      return await this.#run(caller, start)
    } finally {
      this.#running.delete(flowKey)
    }
  }

  async resume(id: string): Promise<UispTokenOutcome> {
    const start = this.#journal.get(id)
    if (!start) throw new KeywardFailure('not-found', 'That token flow is no longer on record.')
    return this.#run(this.#o.sessions.require(start.serverKey), start)
  }

  list(key: string): Promise<UispTokenInfo[]> {
    return listUispTokens(this.#o.sessions.require(key))
  }

  async revoke(key: string, tokenId: string): Promise<UispTokenInfo[]> {
    const caller = this.#o.sessions.require(key)
    if (!(await revokeUispToken(caller, tokenId))) {
      throw new KeywardFailure(
        'not-found',
        `${this.#o.servers.label(this.#o.servers.get(key))} has no such token (any more).`,
      )
    }
    await this.#o.onTokenRevoked?.(key, tokenId)
    return listUispTokens(caller)
  }

  async #run(caller: UispSession, start: UispTokenRecord): Promise<UispTokenOutcome> {
    const { servers, vault, now } = this.#o
    const s = servers.get(start.serverKey)
    try {
      const { record, check } = await runUispTokenProvision(caller, start, {
        vault,
        journal: this.#journal,
        verify: (token, r) => servers.verifyToken(s, token, r.purpose, r.expiresAt),
        now,
        held: () => heldUispTokens(this.#o.settings, start.serverKey, start.id),
      })
      const token = await vault.get(record.keyRef)
      const masked = token ? maskSecret(token) : null
      const entry = masked
        ? this.#o.onTokenReady({
            name: record.name,
            app: 'uisp',
            consoleKey: record.serverKey,
            username: caller.user?.username ?? '',
            remoteId: record.tokenId,
            keyRef: record.keyRef,
            passwordRef: null,
            masked,
            createdAt: record.updatedAt,
            expiresAt: record.expiresAt,
            lastCheck: summarize(check),
            uisp: { purpose: record.purpose, scope: record.scope },
          })
        : null
      return { record, check, maskedToken: masked, keyId: entry?.id ?? null, failure: null }
    } catch (error) {
      if (!(error instanceof UispProvisionFailure)) throw error
      const failure = { step: error.step, code: error.code, message: error.message }
      return { record: this.#journal.get(start.id) ?? start, check: null, maskedToken: null, keyId: null, failure }
    }
  }
}
