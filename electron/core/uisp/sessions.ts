// Signed-in UISP sessions, one per server, in memory only (uisp.md §1). A session is pinned to
// the server's certificate as recorded when it was made; a re-trust or a forget drops it here
// (the old pin refuses a logout), a sign-out logs out on the server. Kept-alive connections to
// a server close with its session.
import type { UispSignInResult } from '../../../shared/domain.ts'
import { addressKey } from '../../../shared/format.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { dropHostSessions } from '../console/trust.ts'
import { closeConnections } from '../net/pool.ts'
import { LoginLocks } from '../unifi/lockout.ts'
import type { UispServers } from './servers.ts'
import { UispSession } from './session.ts'

export interface UispSignInInput {
  key: string
  username: string
  password: string
  mfaCode?: string | undefined
}

export class UispSessions {
  readonly #servers: UispServers
  readonly #now: () => number
  readonly #sessions = new Map<string, UispSession>()
  // One registry for every sign-in to these servers (unifi/lockout.ts; uisp.md documents no lock, see there).
  readonly #locks = new LoginLocks()

  constructor(servers: UispServers, now: () => number) {
    this.#servers = servers
    this.#now = now
  }

  /** The signed-in session on a server, or none. */
  signedIn(key: string): UispSession | undefined {
    const s = this.#sessions.get(key)
    return s?.signedIn ? s : undefined
  }

  /** The signed-in session on a server; without one, the user is asked to sign in. */
  require(key: string): UispSession {
    const s = this.signedIn(key)
    if (!s)
      throw new KeywardFailure('session-expired', `Sign in to ${this.#servers.label(this.#servers.get(key))} first.`)
    return s
  }

  async signIn(input: UispSignInInput): Promise<UispSignInResult> {
    const s = this.#servers.confirmed(this.#servers.get(input.key))
    // While the server is locked, a working session is kept rather than traded for a refusal.
    this.#locks.check(addressKey(s.host, s.port), this.#servers.label(s), this.#now())
    const existing = this.#sessions.get(input.key)
    // Keep the object between the 201 and the code (it holds the two-factor sign-in token),
    // but never one pinned to a certificate the user has since replaced.
    const reuse = existing && !existing.signedIn && existing.target.pin === s.certificateSha256
    const options = { ...this.#servers.timeouts, now: this.#now, locks: this.#locks }
    const current = reuse ? existing : new UispSession(this.#servers.target(s), options)
    if (existing?.signedIn) await existing.logout().catch(() => undefined)
    else if (existing && !reuse) existing.discard()
    this.#sessions.set(input.key, current)
    const outcome = await current.login({ username: input.username, password: input.password }, input.mfaCode)
    if (outcome.state === 'mfa-required') return outcome
    return { state: 'signed-in', user: { username: outcome.user.username || input.username, role: outcome.user.role } }
  }

  async signOut(key: string): Promise<null> {
    await this.#sessions
      .get(key)
      ?.logout()
      .catch(() => undefined)
    this.#sessions.delete(key)
    const s = this.#servers.find(key)
    if (s) closeConnections(s.host, s.port)
    return null
  }

  /** Drops the session on a server here only (a replaced pin, a forgotten server). */
  invalidate(key: string): void {
    dropHostSessions(this.#sessions, key, this.#servers.find(key))
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.logout().catch(() => undefined)))
    this.#sessions.clear()
  }
}
