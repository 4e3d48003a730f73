// The key list's store: one zustand store around the injected API, like the
// wizard's. Keys arrive live through `keys.changed`; every per-key action keeps
// its progress, its last error (an error value from the core) and its result
// next to the key it belongs to (rows.ts). The actions live in key-actions.ts
// and ha-actions.ts; this file only wires them.
//
// Never in this store: a key's secret. Copy writes it to the clipboard and
// drops it; Reveal hands it to the component that shows it (local state,
// cleared when it hides).
import { create } from 'zustand'
import type { KeywardApi } from '../../../shared/contract.ts'
import type { InventoryItem } from '../../../shared/inventory.ts'
import { HaActions } from './ha-actions.ts'
import { KeyActions } from './key-actions.ts'
import { foundHomeAssistants, nextSort } from './model.ts'
import { RowBook } from './rows.ts'
import type { KeysCtx, KeysState } from './state.ts'

export function createKeysStore(api: KeywardApi) {
  return create<KeysState>()((set, get): KeysState => {
    api.on('keys.changed', (keys) => set({ keys, loaded: true }))
    api.on('inventory.changed', (items: InventoryItem[]) => set({ haFound: foundHomeAssistants(items) }))
    const ctx: KeysCtx = { api, get, set }
    const rows = new RowBook(
      () => get().rows,
      (change) => set((s) => ({ rows: change(s.rows) })),
    )
    const keys = new KeyActions(ctx, rows)
    const ha = new HaActions(ctx, rows)
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
      userRemoval: null,
      userRemovalBusy: false,

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
      setSort: (by) => set((s) => ({ sort: nextSort(s.sort, by) })),
      setFilter: (filter) => set({ filter }),
      checkAll: () => keys.checkAll(),
      check: (id) => keys.check(id),
      setPaused: (id, paused) => keys.setPaused(id, paused),
      rotate: (id) => keys.rotate(id),
      revoke: (id, deleteUser) => keys.remove(id, 'revoke', deleteUser),
      retryUserRemoval: (flowId) => keys.retryUserRemoval(flowId),
      dismissUserRemoval: () => set({ userRemoval: null }),
      forget: (id) => keys.remove(id, 'forget'),
      copy: (id) => keys.copy(id),
      copyPassword: (id) => keys.copyPassword(id),
      reveal: (id) => keys.reveal(id),
      signIn: (input) => keys.signIn(input),
      push: (id, haId, choice) => ha.push(id, haId, choice),
      pushOptions: (id, haId) => api.ha.pushOptions({ keyId: id, haId }),
      consentAndPush: (id, haId, sentence, mode) => ha.consentAndPush(id, haId, sentence, mode),
      showFields: (id) => ha.showFields(id),
      hideFields: (id) => rows.patch(id, { fields: null }),
      dismiss: (id) => rows.patch(id, { error: null, note: null, push: null }),
      viewing(open) {
        if (lastViewing === open) return
        lastViewing = open
        void api.keys.viewing({ open })
      },
      haConnect: (url, token, sha256) => ha.connect(url, token, sha256),
      haContinue: (id, sha256) => ha.continue(id, sha256),
      haForget: (id) => ha.forget(id),
      haFit: (haId, app) => ha.fit(haId, app),
    }
  })
}

export type KeysStore = ReturnType<typeof createKeysStore>
export { IDLE_ROW, type RowAction, type RowNote, type RowState } from './rows.ts'
export type { KeysState } from './state.ts'
