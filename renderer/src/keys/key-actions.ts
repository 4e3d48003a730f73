// The key list's per-key actions on the core: check, pause, rotate, revoke,
// forget, copy (key or its user's password), reveal, and the
// sign-in dialog for a key's console. Each runs on its row (rows.ts), one at a
// time; the texts come from notes.ts. No secret stays here: copy hands it to
// the clipboard, reveal to the caller.
import type { CopyResult, SignInResult } from '../../../shared/domain.ts'
import type { Outcome } from '../../../shared/result.ts'
import { copyAndClear } from './clipboard.ts'
import { checkAllNotice, checkNote, forgotNotice, pauseNote, revokedNotice, rotateNote } from './notes.ts'
import { withoutRow, type RowBook } from './rows.ts'
import type { KeysCtx } from './state.ts'

export class KeyActions {
  constructor(
    private readonly ctx: KeysCtx,
    private readonly rows: RowBook,
  ) {}

  private nameOf(id: string) {
    return this.ctx.get().keys.find((k) => k.id === id)
  }

  async checkAll(): Promise<void> {
    const { api, get, set } = this.ctx
    if (get().checkingAll) return
    set({ checkingAll: true, error: null, notice: null })
    const outcome = await api.keys.check({})
    if (!outcome.ok) return set({ checkingAll: false, error: outcome.error })
    set({ checkingAll: false, keys: outcome.value, loaded: true, notice: checkAllNotice(outcome.value) })
  }

  async check(id: string): Promise<void> {
    if (!this.rows.begin(id, 'check')) return
    const outcome = await this.ctx.api.keys.check({ ids: [id] })
    if (!outcome.ok) return this.rows.failed(id, 'check', outcome.error)
    this.ctx.set({ keys: outcome.value, loaded: true })
    this.rows.done(id, { note: checkNote(outcome.value.find((k) => k.id === id)) })
  }

  async setPaused(id: string, paused: boolean): Promise<void> {
    if (!this.rows.begin(id, 'pause')) return
    const outcome = await this.ctx.api.keys.pause({ id, paused })
    if (!outcome.ok) return this.rows.failed(id, 'pause', outcome.error)
    this.ctx.set({ keys: outcome.value })
    this.rows.done(id, { note: pauseNote(paused) })
  }

  async rotate(id: string): Promise<void> {
    if (!this.rows.begin(id, 'rotate')) return
    const before = this.nameOf(id)
    const outcome = await this.ctx.api.keys.rotate({ id })
    if (!outcome.ok) return this.rows.failed(id, 'rotate', outcome.error)
    this.ctx.set({ keys: outcome.value.keys })
    const key = outcome.value.keys.find((k) => k.id === id) ?? before
    this.rows.done(id, { note: rotateNote(key, outcome.value.oldKeyStillActive) })
  }

  /**
   * Revoke on the console (`revoke`, with its dedicated user when `deleteUser`) or only forget
   * locally (`forget`); the key leaves the list, and what became of its user is kept to show.
   */
  async remove(id: string, how: 'revoke' | 'forget', deleteUser = false): Promise<boolean> {
    if (!this.rows.begin(id, how)) return false
    const key = this.nameOf(id)
    const outcome =
      how === 'revoke'
        ? await this.ctx.api.keys.revoke({ id, ...(deleteUser ? { deleteUser } : {}) })
        : mapOk(await this.ctx.api.keys.forget({ id }), (keys) => ({ keys, user: null }))
    if (!outcome.ok) {
      this.rows.failed(id, how, outcome.error)
      return false
    }
    const { keys, user } = outcome.value
    this.ctx.set((s) => ({
      keys,
      rows: withoutRow(s.rows, id),
      notice: how === 'revoke' ? revokedNotice(key) : forgotNotice(key),
      userRemoval: user,
    }))
    return true
  }

  /** Runs a user removal that stopped again (the flow's cleanup). */
  async retryUserRemoval(flowId: string): Promise<void> {
    const { api, set } = this.ctx
    set({ userRemovalBusy: true })
    const outcome = await api.provision.cleanup({ id: flowId })
    if (!outcome.ok) return set({ userRemovalBusy: false, error: outcome.error })
    set({ userRemovalBusy: false, userRemoval: outcome.value, error: null })
  }

  async copy(id: string): Promise<void> {
    if (!this.rows.begin(id, 'copy')) return
    const outcome = await this.ctx.api.keys.copy({ id })
    if (!outcome.ok) return this.rows.failed(id, 'copy', outcome.error)
    if (!(await pageCopy(outcome.value))) {
      return this.rows.failed(id, 'copy', {
        code: 'refused',
        message: 'This browser did not let Keyward use the clipboard. Use Reveal and copy the key by hand.',
      })
    }
    this.rows.done(id, {
      note: {
        tone: 'ok',
        text: `Copied. Keyward clears the clipboard in ${outcome.value.clearsInSeconds} s if it still holds the key.`,
      },
    })
  }

  async copyPassword(id: string): Promise<void> {
    if (!this.rows.begin(id, 'copy-password')) return
    const outcome = await this.ctx.api.keys.copyPassword({ id })
    if (!outcome.ok) return this.rows.failed(id, 'copy-password', outcome.error)
    if (!(await pageCopy(outcome.value))) {
      return this.rows.failed(id, 'copy-password', {
        code: 'refused',
        message: 'This browser did not let Keyward use the clipboard.',
      })
    }
    const user = this.nameOf(id)?.username ?? 'the user'
    this.rows.done(id, {
      note: {
        tone: 'ok',
        text: `Copied the password of ${user}. Keyward clears the clipboard in ${outcome.value.clearsInSeconds} s if it still holds it.`,
      },
    })
  }

  async reveal(id: string): Promise<{ secret: string; hideAfterSeconds: number } | null> {
    if (!this.rows.begin(id, 'reveal')) return null
    const outcome = await this.ctx.api.keys.reveal({ id })
    if (!outcome.ok) {
      this.rows.failed(id, 'reveal', outcome.error)
      return null
    }
    this.rows.done(id)
    return outcome.value
  }

  async signIn(input: {
    key: string
    username: string
    password: string
    mfaCode?: string
  }): Promise<Outcome<SignInResult>> {
    const { api, get } = this.ctx
    // A UISP token's "console" is its UISP server: same dialog, the server's sign-in.
    if (get().keys.some((k) => k.app === 'uisp' && k.consoleKey === input.key)) {
      const outcome = await api.uisp.signIn(input)
      if (!outcome.ok || outcome.value.state === 'mfa-required') return outcome as Outcome<SignInResult>
      const { username, role } = outcome.value.user
      return {
        ok: true,
        value: { state: 'signed-in', user: { username, isOwner: false, isSuperAdmin: role === 'superadmin' } },
      }
    }
    return api.console.signIn(input)
  }
}

const mapOk = <T, U>(outcome: Outcome<T>, f: (value: T) => U): Outcome<U> =>
  outcome.ok ? { ok: true, value: f(outcome.value) } : outcome

/** The page copies when the host has no system clipboard (browser host); false when the browser refuses. */
async function pageCopy(result: CopyResult): Promise<boolean> {
  if (result.copied) return true
  try {
    await copyAndClear(result.secret, result.clearsInSeconds)
    return true
  } catch {
    return false
  }
}
