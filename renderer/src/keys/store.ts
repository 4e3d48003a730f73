// The key list's state: one zustand store around the injected API, like the
// wizard's. Keys arrive live through `keys.changed`; every per-key action keeps
// its progress, its last error (an error value from the core) and its result
// next to the key it belongs to.
//
// Never in this store: a key's secret. Copy writes it to the clipboard and
// drops it; Reveal hands it to the component that shows it (local state,
// cleared when it hides).
import { create } from 'zustand'
import type { KeywardApi } from '../../../shared/contract.ts'
import type { CloudCheckResult, CopyFieldsPlan, CopyResult, HaFit, HaPushOptions, HaPushSummary, HaSummary, KeyView, SignInResult, UnifiApp } from '../../../shared/domain.ts'
import type { InventoryItem } from '../../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import { copyAndClear } from './clipboard.ts'
import { foundHomeAssistants, hostLabel, type FoundHa, type Sort, type SortKey, nextSort } from './model.ts'

export type RowAction = 'copy' | 'copy-password' | 'reveal' | 'check' | 'rotate' | 'revoke' | 'forget' | 'pause' | 'push' | 'fields' | 'cloud'

export interface RowNote {
  tone: 'ok' | 'warn' | 'info'
  text: string
}

export interface RowState {
  busy: RowAction | null
  error: { action: RowAction; error: KeywardError } | null
  note: RowNote | null
  /** The last "Send to Home Assistant" answer, and which Home Assistant it came from. */
  push: (HaPushSummary & { haId?: string }) | null
  /** The fields to fill in Home Assistant by hand, while shown. */
  fields: CopyFieldsPlan | null
  /** The Home Assistant of the last push (its mode choice is offered there). */
  pushHa?: string | null
  /** The answer of the on-request cloud check ("why does this key fail?"). */
  cloud?: CloudCheckResult | null
}

export const IDLE_ROW: RowState = { busy: null, error: null, note: null, push: null, fields: null, pushHa: null, cloud: null }

export interface KeysState {
  keys: KeyView[]
  loaded: boolean
  /** The list could not be read, or "Check all" failed. */
  error: KeywardError | null
  /** A list-level result: a key that left the list, a finished "Check all". */
  notice: string | null
  checkingAll: boolean
  sort: Sort
  filter: string
  rows: Record<string, RowState>
  ha: HaSummary[]
  /** Home Assistant instances discovery found (mDNS), to connect without typing. */
  haFound: FoundHa[]

  load(): Promise<void>
  /** Reads the inventory for Home Assistant instances (live afterwards through inventory.changed). */
  loadHaFound(): Promise<void>
  setSort(by: SortKey): void
  setFilter(text: string): void
  checkAll(): Promise<void>
  check(id: string): Promise<void>
  setPaused(id: string, paused: boolean): Promise<void>
  rotate(id: string): Promise<void>
  revoke(id: string): Promise<boolean>
  forget(id: string): Promise<boolean>
  copy(id: string): Promise<void>
  /** Copies the password of the key's dedicated console user (never shown). */
  copyPassword(id: string): Promise<void>
  /** The secret for the caller to show; errors land on the row. */
  reveal(id: string): Promise<{ secret: string; hideAfterSeconds: number } | null>
  /**
   * Protect goes API-key-only unless `mode` is 'full' (which needs the recorded consent); `siteId`: the
   * UniFi Network site chosen after a 'choose-site' answer.
   */
  push(id: string, haId: string, choice?: { mode?: 'api_key' | 'full'; siteId?: string }): Promise<void>
  pushOptions(id: string, haId: string): Promise<Outcome<HaPushOptions>>
  /** Records consent to `sentence` (word for word as shown), then pushes in `mode`. */
  consentAndPush(id: string, haId: string, sentence: string, mode: 'api_key' | 'full'): Promise<void>
  /** Sends the key to Ubiquiti's cloud to see whether it is a cloud key (only on the user's request). */
  cloudCheck(id: string): Promise<void>
  showFields(id: string): Promise<void>
  hideFields(id: string): void
  dismiss(id: string): void
  /** The key list is on screen (notifications are suppressed meanwhile). */
  viewing(open: boolean): void
  /** `sha256`: the certificate fingerprint the user compared and confirmed (https, self-signed). */
  haConnect(url: string, token: string, sha256?: string): Promise<Outcome<HaSummary>>
  /** "It's mine — continue" (`sha256` re-trusts a changed certificate). */
  haContinue(id: string, sha256?: string): Promise<Outcome<HaSummary>>
  haForget(id: string): Promise<Outcome<HaSummary[]>>
  /** Before minting: can this Home Assistant take a key for `app` (ha.fit)? */
  haFit(haId: string, app: UnifiApp): Promise<Outcome<HaFit>>
  signIn(input: { key: string; username: string; password: string; mfaCode?: string }): Promise<Outcome<SignInResult>>
}

export function createKeysStore(api: KeywardApi) {
  return create<KeysState>()((set, get) => {
    api.on('keys.changed', (keys) => set({ keys, loaded: true }))
    api.on('inventory.changed', (items: InventoryItem[]) => set({ haFound: foundHomeAssistants(items) }))

    const row = (id: string): RowState => get().rows[id] ?? IDLE_ROW
    const patch = (id: string, change: Partial<RowState>) => set((s) => ({ rows: { ...s.rows, [id]: { ...(s.rows[id] ?? IDLE_ROW), ...change } } }))
    const nameOf = (id: string) => get().keys.find((k) => k.id === id)
    /** Starts an action on a row unless another one runs there. */
    const begin = (id: string, action: RowAction): boolean => {
      if (row(id).busy) return false
      patch(id, { busy: action, error: null, note: null })
      return true
    }
    const failed = (id: string, action: RowAction, error: KeywardError) => patch(id, { busy: null, error: { action, error } })
    const done = (id: string, change: Partial<RowState> = {}) => patch(id, { busy: null, ...change })

    let lastViewing: boolean | null = null

    return {
      keys: [],
      loaded: false,
      error: null,
      notice: null,
      checkingAll: false,
      sort: { by: 'name', dir: 'ascending' },
      filter: '',
      rows: {},
      ha: [],
      haFound: [],

      async load() {
        const [keys, ha] = await Promise.all([api.keys.list({}), api.ha.list({})])
        set({
          ...(keys.ok ? { keys: keys.value, loaded: true, error: null } : { error: keys.error }),
          ...(ha.ok ? { ha: ha.value } : {}),
        })
      },

      async loadHaFound() {
        const items = await api.inventory.list({})
        if (items.ok) set({ haFound: foundHomeAssistants(items.value) })
      },

      setSort(by) {
        set((s) => ({ sort: nextSort(s.sort, by) }))
      },

      setFilter(filter) {
        set({ filter })
      },

      async checkAll() {
        if (get().checkingAll) return
        set({ checkingAll: true, error: null, notice: null })
        const outcome = await api.keys.check({})
        if (!outcome.ok) {
          set({ checkingAll: false, error: outcome.error })
          return
        }
        const keys = outcome.value
        const attention = keys.filter((k) => k.status === 'failing' || k.status === 'expired').length
        set({
          checkingAll: false,
          keys,
          loaded: true,
          notice: `Checked ${keys.length} key${keys.length === 1 ? '' : 's'}${attention ? `: ${attention} need${attention === 1 ? 's' : ''} attention` : ''}.`,
        })
      },

      async check(id) {
        if (!begin(id, 'check')) return
        const outcome = await api.keys.check({ ids: [id] })
        if (!outcome.ok) return failed(id, 'check', outcome.error)
        set({ keys: outcome.value, loaded: true })
        const key = outcome.value.find((k) => k.id === id)
        const check = key?.lastCheck
        done(id, {
          note:
            check?.status === 'ok'
              ? { tone: 'ok', text: `Verified just now: ${hostLabel(key!)} accepted the key${check.appVersion ? ` (version ${check.appVersion})` : ''} in ${check.latencyMs ?? '?'} ms.` }
              : { tone: 'warn', text: 'Checked just now: the key does not work. The reason and what to do are shown above.' },
        })
      },

      async setPaused(id, paused) {
        if (!begin(id, 'pause')) return
        const outcome = await api.keys.pause({ id, paused })
        if (!outcome.ok) return failed(id, 'pause', outcome.error)
        set({ keys: outcome.value })
        done(id, { note: { tone: 'info', text: paused ? 'Checks paused: Keyward will not check this key until you resume.' : 'Checks resumed.' } })
      },

      async rotate(id) {
        if (!begin(id, 'rotate')) return
        const before = nameOf(id)
        const outcome = await api.keys.rotate({ id })
        if (!outcome.ok) return failed(id, 'rotate', outcome.error)
        set({ keys: outcome.value.keys })
        const key = outcome.value.keys.find((k) => k.id === id) ?? before
        const where = key ? hostLabel(key) : 'the console'
        const handed = (key?.pushedTo.length ?? 0) > 0 ? ' Home Assistant already uses it.' : ''
        done(id, {
          note: outcome.value.oldKeyStillActive
            ? { tone: 'warn', text: `Rotated: the new key works and is in the keychain.${handed} The old key could not be revoked and still works on ${where}: delete it on the console’s Integrations page.` }
            : { tone: 'ok', text: `Rotated: the new key works and is in the keychain.${handed} The old key was revoked on ${where}.` },
        })
      },

      async revoke(id) {
        if (!begin(id, 'revoke')) return false
        const key = nameOf(id)
        const outcome = await api.keys.revoke({ id })
        if (!outcome.ok) {
          failed(id, 'revoke', outcome.error)
          return false
        }
        set((s) => ({
          keys: outcome.value,
          rows: withoutRow(s.rows, id),
          notice: key ? `Revoked “${key.name}” on ${hostLabel(key)}; Keyward forgot it.` : 'Revoked.',
        }))
        return true
      },

      async forget(id) {
        if (!begin(id, 'forget')) return false
        const key = nameOf(id)
        const outcome = await api.keys.forget({ id })
        if (!outcome.ok) {
          failed(id, 'forget', outcome.error)
          return false
        }
        set((s) => ({
          keys: outcome.value,
          rows: withoutRow(s.rows, id),
          notice: key ? `Forgot “${key.name}”. It still works on ${hostLabel(key)}.` : 'Forgot the key.',
        }))
        return true
      },

      async copy(id) {
        if (!begin(id, 'copy')) return
        const outcome = await api.keys.copy({ id })
        if (!outcome.ok) return failed(id, 'copy', outcome.error)
        if (!(await pageCopy(outcome.value))) {
          return failed(id, 'copy', { code: 'refused', message: 'This browser did not let Keyward use the clipboard. Use Reveal and copy the key by hand.' })
        }
        done(id, { note: { tone: 'ok', text: `Copied. Keyward clears the clipboard in ${outcome.value.clearsInSeconds} s if it still holds the key.` } })
      },

      async copyPassword(id) {
        if (!begin(id, 'copy-password')) return
        const outcome = await api.keys.copyPassword({ id })
        if (!outcome.ok) return failed(id, 'copy-password', outcome.error)
        if (!(await pageCopy(outcome.value))) {
          return failed(id, 'copy-password', { code: 'refused', message: 'This browser did not let Keyward use the clipboard.' })
        }
        const user = nameOf(id)?.username ?? 'the user'
        done(id, { note: { tone: 'ok', text: `Copied the password of ${user}. Keyward clears the clipboard in ${outcome.value.clearsInSeconds} s if it still holds it.` } })
      },

      async reveal(id) {
        if (!begin(id, 'reveal')) return null
        const outcome = await api.keys.reveal({ id })
        if (!outcome.ok) {
          failed(id, 'reveal', outcome.error)
          return null
        }
        done(id)
        return outcome.value
      },

      async push(id, haId, choice = {}) {
        if (!begin(id, 'push')) return
        patch(id, { push: null, pushHa: haId })
        const outcome = await api.ha.push({ keyId: id, haId, ...choice })
        if (!outcome.ok) return failed(id, 'push', outcome.error)
        done(id, { push: { ...outcome.value, haId } })
      },

      pushOptions: (id, haId) => api.ha.pushOptions({ keyId: id, haId }),

      async consentAndPush(id, haId, sentence, mode) {
        if (row(id).busy) return
        const consent = await api.ha.consent({ keyId: id, haId, sentence })
        if (!consent.ok) return failed(id, 'push', consent.error)
        await get().push(id, haId, { mode })
      },

      async cloudCheck(id) {
        if (!begin(id, 'cloud')) return
        patch(id, { cloud: null })
        const outcome = await api.keys.cloudCheck({ id })
        if (!outcome.ok) return failed(id, 'cloud', outcome.error)
        done(id, { cloud: outcome.value })
      },

      async showFields(id) {
        if (!begin(id, 'fields')) return
        const outcome = await api.ha.copyFields({ keyId: id })
        if (!outcome.ok) return failed(id, 'fields', outcome.error)
        done(id, { fields: outcome.value })
      },

      hideFields(id) {
        patch(id, { fields: null })
      },

      dismiss(id) {
        patch(id, { error: null, note: null, push: null, cloud: null })
      },

      viewing(open) {
        if (lastViewing === open) return
        lastViewing = open
        void api.keys.viewing({ open })
      },

      async haConnect(url, token, sha256) {
        const outcome = await api.ha.connect(sha256 ? { url, token, sha256 } : { url, token })
        if (outcome.ok) {
          const list = await api.ha.list({})
          set((s) => ({ ha: list.ok ? list.value : [...s.ha.filter((h) => h.id !== outcome.value.id), outcome.value] }))
        }
        return outcome
      },

      haFit: (haId, app) => api.ha.fit({ haId, app }),

      async haContinue(id, sha256) {
        const outcome = await api.ha.continue(sha256 ? { id, sha256 } : { id })
        if (outcome.ok) set((s) => ({ ha: s.ha.map((h) => (h.id === id ? outcome.value : h)) }))
        return outcome
      },

      async haForget(id) {
        const outcome = await api.ha.forget({ id })
        if (outcome.ok) {
          set({ ha: outcome.value })
          const keys = await api.keys.list({})
          if (keys.ok) set({ keys: keys.value })
        }
        return outcome
      },

      async signIn(input) {
        // A UISP token's "console" is its UISP server: same dialog, the server's sign-in.
        if (get().keys.some((k) => k.app === 'uisp' && k.consoleKey === input.key)) {
          const outcome = await api.uisp.signIn(input)
          if (!outcome.ok || outcome.value.state === 'mfa-required') return outcome as Outcome<SignInResult>
          const { username, role } = outcome.value.user
          return { ok: true, value: { state: 'signed-in', user: { username, isOwner: false, isSuperAdmin: role === 'superadmin' } } }
        }
        return api.console.signIn(input)
      },
    }
  })
}

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

function withoutRow(rows: Record<string, RowState>, id: string): Record<string, RowState> {
  const next = { ...rows }
  delete next[id]
  return next
}

export type KeysStore = ReturnType<typeof createKeysStore>
