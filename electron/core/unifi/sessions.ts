// Signed-in sessions per console, in memory only: credentials are never stored (the user signs in
// per flow). One lock-out registry for every login this unit sends (lockout.ts, issue 14 §2). At an
// admin's sign-in it reads what Protect tells a signed-in admin (protect.ts): the camera count the
// host ranking uses and the Protect version the plan's warning uses.
import type { ConsoleRecord, SignInResult } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { addressKey } from '../../../shared/format.ts'
import { dropHostSessions, endHostSession } from '../console/trust.ts'
import type { ConsoleRecords } from './consoles.ts'
import { LoginLocks } from './lockout.ts'
import { protectSummary } from './protect.ts'
import { ConsoleSession, type ConsoleTarget } from './session.ts'

export interface SignInInput {
  key: string
  username: string
  password: string
  mfaCode?: string
}

export class ConsoleSessions {
  readonly #sessions = new Map<string, ConsoleSession>()
  readonly #locks = new LoginLocks()
  readonly #cameras: Record<string, number> = {}
  /** Protect's version per console, read at sign-in (bootstrap `nvr.version`), for the plan's warning. */
  readonly #protectVersions: Record<string, string> = {}

  constructor(
    private readonly consoles: ConsoleRecords,
    private readonly options: { sessionTimeoutMs?: number } = {},
  ) {}

  /** A new session on `target` that shares this unit's lock-outs (nothing is sent yet). */
  open(target: ConsoleTarget): ConsoleSession {
    const timeout = this.options.sessionTimeoutMs ? { timeoutMs: this.options.sessionTimeoutMs } : {}
    return new ConsoleSession(target, { locks: this.#locks, ...timeout })
  }

  /** Cameras per console as counted at the last sign-in (for the host ranking). */
  get cameraCounts(): Readonly<Record<string, number>> {
    return this.#cameras
  }

  protectVersion(key: string): string | null {
    return this.#protectVersions[key] ?? null
  }

  /** The signed-in admin session on a console (throws a clear error when there is none). */
  admin(key: string): ConsoleSession {
    const s = this.#sessions.get(key)
    if (!s?.signedIn)
      throw new KeywardFailure('session-expired', `Sign in to ${this.consoles.label(this.consoles.get(key))} first.`)
    return s
  }

  /** The signed-in admin session on a console, or null (the audit asks without failing). */
  signedIn(key: string): ConsoleSession | null {
    const s = this.#sessions.get(key)
    return s?.signedIn ? s : null
  }

  /** When a sign-in lock-out on the console ends (ms), or null when sign-ins are open. */
  lockedUntil(c: ConsoleRecord): number | null {
    return this.#locks.until(addressKey(c.host, c.port), Date.now())
  }

  /** The admin session on `c`, signed in or not; a fresh one when there is none (a keychain-only cleanup). */
  anyAdmin(c: ConsoleRecord): ConsoleSession {
    return this.#sessions.get(c.key) ?? this.open(this.consoles.target(c))
  }

  /** A fresh session as a given user (the dedicated user, from its stored password). */
  async user(key: string, username: string, password: string): Promise<ConsoleSession> {
    const c = this.consoles.confirmed(this.consoles.get(key))
    const s = this.open(this.consoles.target(c))
    const outcome = await s.login({ username, password })
    if (outcome.state !== 'signed-in') {
      throw new KeywardFailure('refused', `${this.consoles.label(c)} asked ${username} for a two-factor code.`)
    }
    return s
  }

  async signIn(input: SignInInput): Promise<SignInResult> {
    const c = this.consoles.confirmed(this.consoles.supported(this.consoles.get(input.key)))
    const label = this.consoles.label(c)
    // While the console is locked, a working session is kept rather than traded for a refusal.
    this.#locks.check(addressKey(c.host, c.port), label, Date.now())
    const existing = this.#sessions.get(input.key)
    // Keep the session object between the 499 and the code (it holds the MFA cookie), but
    // never one pinned to a certificate the user has since replaced.
    const reuse = existing && !existing.signedIn && existing.target.pin === c.certificateSha256
    const s = reuse ? existing : this.open(this.consoles.target(c))
    if (existing?.signedIn) await existing.logout().catch(() => undefined)
    else if (existing && !reuse) existing.discard()
    this.#sessions.set(input.key, s)
    const outcome = await s.login({ username: input.username, password: input.password }, input.mfaCode)
    if (outcome.state === 'mfa-required') return outcome
    // A profile that states no rights leaves it to the console: its 403 on users or keys says it then.
    if (!outcome.user.isOwner && !outcome.user.isSuperAdmin && !outcome.user.rightsUnknown) {
      await s.logout().catch(() => undefined)
      throw new KeywardFailure(
        'forbidden',
        `${input.username} can sign in to ${label} but is not Owner or Super Admin, so the console will not let it create users or API keys (the Integrations page is hidden). Sign in with the owner account.`,
      )
    }
    if ((c.apps ?? []).includes('protect')) {
      const protect = await protectSummary(s).catch(() => null)
      this.#cameras[c.key] = protect?.cameras ?? this.#cameras[c.key] ?? 0
      if (protect?.version) this.#protectVersions[c.key] = protect.version
    }
    const { username, isOwner, isSuperAdmin } = outcome.user
    return { state: 'signed-in', user: { username, isOwner, isSuperAdmin } }
  }

  /** Ends the session on the console; kept-alive connections to it close too. */
  signOut(key: string): Promise<null> {
    return endHostSession(this.#sessions, key, this.consoles.find(key))
  }

  /**
   * The user trusted a new certificate or forgot the console: every session pinned to the old one
   * goes, signed in or half-way (2FA), here only (issue 14 §3). Sessions made later read the
   * record's new pin.
   */
  invalidate(key: string): void {
    dropHostSessions(this.#sessions, key, this.consoles.find(key))
    delete this.#cameras[key]
  }

  async close(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((s) => s.logout().catch(() => undefined)))
    this.#sessions.clear()
  }
}
