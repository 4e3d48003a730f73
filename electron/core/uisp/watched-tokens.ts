// UISP tokens the key watch holds (`app: 'uisp'` key records): checked as the sweep does it,
// rotated with the signed-in session, revoked with the session or else with the token itself.
import { randomUUID } from 'node:crypto'
import type { KeyCheck, KeyRecord } from '../../../shared/domain.ts'
import { maskSecret } from '../../../shared/format.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { UispServers } from './servers.ts'
import { UispTokenCaller } from './session.ts'
import type { UispSessions } from './sessions.ts'
import { revokeStrays } from './strays.ts'
import { createUispToken, revokeUispToken, UISP_TOKEN_NAME_MAX, UISP_TOKEN_PURPOSES } from './tokens.ts'

export interface UispRotation {
  record: KeyRecord
  check: KeyCheck
  oldKeyStillActive: boolean
}

export class UispWatchedTokens {
  readonly #servers: UispServers
  readonly #sessions: UispSessions
  readonly #vault: SecretStore
  readonly #now: () => number
  readonly #held: (serverKey: string) => ReadonlySet<string>

  constructor(
    servers: UispServers,
    sessions: UispSessions,
    vault: SecretStore,
    now: () => number,
    /** The tokens on a server Keyward holds (strays.ts heldUispTokens). */
    held: (serverKey: string) => ReadonlySet<string> = () => new Set(),
  ) {
    this.#servers = servers
    this.#sessions = sessions
    this.#vault = vault
    this.#now = now
    this.#held = held
  }

  /** A watched token, checked as the key watch does it: two requests (version, then the purpose's call), paced. */
  async check(key: KeyRecord, token: string, pace: (serverKey: string) => Promise<void>): Promise<KeyCheck> {
    const s = this.#servers.find(key.consoleKey)
    const failed = (problem: 'unreachable' | 'tls_pin_mismatch', message: string, nextStep: string): KeyCheck => ({
      status: 'failed',
      app: 'uisp',
      host: key.consoleKey,
      problem,
      message,
      nextStep,
      checkedAt: new Date(this.#now()).toISOString(),
    })
    if (!s)
      return failed(
        'unreachable',
        'Keyward no longer knows this UISP server.',
        'Check the server by its address again.',
      )
    if (!this.#servers.isConfirmed(s)) {
      return failed(
        'tls_pin_mismatch',
        'The server’s certificate is not confirmed, so Keyward sent nothing.',
        'Confirm this UISP server’s certificate first: open it in Keyward and trust it.',
      )
    }
    await pace(s.key)
    await pace(s.key)
    return this.#servers.verifyToken(s, token, key.uisp?.purpose ?? 'monitor', key.expiresAt)
  }

  /** Rotation: new token (same purpose and scope) → keychain → verify → revoke the old one. Needs a session. */
  async rotate(key: KeyRecord): Promise<UispRotation> {
    const s = this.#servers.get(key.consoleKey)
    const caller = this.#sessions.require(key.consoleKey)
    const purpose = key.uisp?.purpose ?? 'monitor'
    const scope = key.uisp?.scope ?? UISP_TOKEN_PURPOSES[purpose].scope
    const newRef = `key:${randomUUID()}`
    let mintedId: string | null = null
    const name = key.name.slice(0, UISP_TOKEN_NAME_MAX)
    const marker = `Keyward rotation of ${key.id}`
    const since = new Date(this.#now()).toISOString()
    try {
      const minted = await createUispToken(caller, { name, scope, meta: marker })
      mintedId = minted.id
      await this.#vault.set(newRef, minted.token)
      const check = await this.#servers.verifyToken(s, minted.token, purpose, minted.expiresAt)
      if (check.status !== 'ok') {
        throw new KeywardFailure(
          'refused',
          `The new token did not verify (${check.message}); the old token was kept.`,
          check.problem,
        )
      }
      let oldKeyStillActive = false
      try {
        if (key.remoteId) await revokeUispToken(caller, key.remoteId)
        else oldKeyStillActive = true
      } catch {
        oldKeyStillActive = true
      }
      await this.#vault.delete(key.keyRef).catch(() => false)
      const at = new Date(this.#now()).toISOString()
      const record: KeyRecord = {
        ...key,
        keyRef: newRef,
        remoteId: minted.id,
        masked: maskSecret(minted.token),
        expiresAt: minted.expiresAt,
        createdAt: at,
        unreachableStreak: 0,
      }
      return { record, check, oldKeyStillActive }
    } catch (error) {
      if (mintedId) await revokeUispToken(caller, mintedId).catch(() => undefined)
      // No reply to the create: it may have made a token all the same (strays.ts); best effort, now.
      else await revokeStrays(caller, { marker, name, since, held: this.#held(key.consoleKey) }).catch(() => undefined)
      await this.#vault.delete(newRef).catch(() => false)
      throw error
    }
  }

  /**
   * Revokes a watched token on its server (DELETE /token/{id}, uisp.md §2) with the
   * signed-in session, or else with the token itself: whether a token may delete
   * itself is not in the reference [inferred]; if the server refuses, the user is
   * asked to sign in. A token the server no longer accepts (401) has nothing left to revoke.
   */
  async revoke(key: KeyRecord): Promise<void> {
    const s = this.#servers.get(key.consoleKey)
    const label = this.#servers.label(s)
    if (!key.remoteId) {
      const message = `Keyward does not know this token’s id on ${label}; delete it in UISP (Settings → Users → API Tokens).`
      throw new KeywardFailure('not-found', message)
    }
    const signedIn = this.#sessions.signedIn(key.consoleKey)
    if (signedIn) {
      await revokeUispToken(signedIn, key.remoteId)
    } else {
      const token = await this.#vault.get(key.keyRef)
      if (!token) throw new KeywardFailure('session-expired', `Sign in to ${label} to revoke this token.`)
      const target = this.#servers.target(this.#servers.confirmed(s))
      try {
        await revokeUispToken(new UispTokenCaller(target, token, this.#servers.timeouts), key.remoteId)
      } catch (error) {
        if (!(error instanceof KeywardFailure)) throw error
        if (error.code === 'forbidden') {
          throw new KeywardFailure(
            'session-expired',
            `${label} does not let the token revoke itself. Sign in to revoke it.`,
          )
        }
        if (error.code !== 'invalid-credentials') throw error
      }
    }
    await this.#vault.delete(key.keyRef).catch(() => false)
  }
}
