// Coalesced change events for discovery's inventory, split out of index.ts:
// listeners get the full sorted list at most every `throttleMs` for changes
// the UI would show, and every `touchEmitMs` for last-seen refreshes.
import type { InventoryItem } from '../../../shared/inventory.ts'
import type { ChangeKind } from './inventory.ts'

export interface ChangeEmitter {
  /** Something changed; emits later, coalesced. */
  request(kind: ChangeKind): void
  /** Adds a listener; it gets the current list on the next microtask. Returns unsubscribe. */
  subscribe(listener: (items: InventoryItem[]) => void): () => void
  /** Cancels a pending emit (stop()). */
  cancel(): void
}

export function createChangeEmitter(options: {
  list: () => InventoryItem[]
  throttleMs: number
  touchEmitMs: number
  /** A listener threw (counted, never rethrown). */
  onListenerError: () => void
}): ChangeEmitter {
  const listeners = new Set<(items: InventoryItem[]) => void>()
  let timer: NodeJS.Timeout | null = null
  let due = 0
  let lastEmit = 0
  let dirtySignificant = false

  const deliver = (listener: (items: InventoryItem[]) => void, list: InventoryItem[]): void => {
    try {
      listener(list)
    } catch {
      options.onListenerError()
    }
  }

  const flush = (): void => {
    timer = null
    dirtySignificant = false
    lastEmit = Date.now()
    const list = options.list()
    for (const l of listeners) deliver(l, list)
  }

  return {
    request(kind) {
      if (listeners.size === 0) return
      if (kind === 'significant') dirtySignificant = true
      const next = lastEmit + (dirtySignificant ? options.throttleMs : options.touchEmitMs)
      if (timer && due <= next) return
      if (timer) clearTimeout(timer)
      due = next
      timer = setTimeout(flush, Math.max(0, next - Date.now()))
    },
    subscribe(listener) {
      listeners.add(listener)
      const list = options.list()
      queueMicrotask(() => {
        if (listeners.has(listener)) deliver(listener, list)
      })
      return () => {
        listeners.delete(listener)
      }
    },
    cancel() {
      if (timer) clearTimeout(timer)
      timer = null
    },
  }
}
