// Typed fan-out of the contract's events. Core modules emit; transports
// (Electron IPC, the browser host's SSE stream) subscribe and forward.
import type { EventName, EventPayload } from '../../shared/contract.ts'

type Listener = (payload: unknown) => void

export interface EventHub {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
  /** Every event, for transports that forward them all. */
  subscribeAll(listener: (name: EventName, payload: unknown) => void): () => void
}

export function createEventHub(onListenerError: (error: unknown) => void = () => {}): EventHub {
  const byName = new Map<EventName, Set<Listener>>()
  const all = new Set<(name: EventName, payload: unknown) => void>()
  const call = (fn: () => void) => {
    try {
      fn()
    } catch (error) {
      onListenerError(error) // one broken listener must not starve the others
    }
  }
  return {
    emit(name, payload) {
      for (const listener of byName.get(name) ?? []) call(() => listener(payload))
      for (const listener of all) call(() => listener(name, payload))
    },
    subscribe(name, listener) {
      const set = byName.get(name) ?? new Set()
      byName.set(name, set)
      const untyped = listener as Listener // emit() pairs each name with its own payload type
      set.add(untyped)
      return () => void set.delete(untyped)
    },
    subscribeAll(listener) {
      all.add(listener)
      return () => void all.delete(listener)
    },
  }
}
