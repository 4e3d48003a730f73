// A KeywardApi for renderer store tests: each request answers from a handler
// the test gives (an unhandled one fails the test loudly), every call is
// recorded, and events are emitted by hand.
import {
  createApi,
  type EventName,
  type EventPayload,
  type KeywardApi,
  type RequestName,
} from '../../shared/contract.ts'
import type { Outcome } from '../../shared/result.ts'

type Handler = (input: unknown) => Outcome<unknown> | Promise<Outcome<unknown>>

export interface FakeApi {
  api: KeywardApi
  calls: { name: RequestName; input: unknown }[]
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void
  count(name: RequestName): number
}

export function fakeApi(handlers: Partial<Record<RequestName, Handler>>): FakeApi {
  const calls: FakeApi['calls'] = []
  const listeners = new Map<string, ((payload: unknown) => void)[]>()
  const api = createApi({
    async invoke(name, input) {
      calls.push({ name, input })
      const handler = handlers[name]
      if (!handler) throw new Error(`fake API: no answer for ${name}`)
      return handler(input)
    },
    subscribe(name, listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener])
      return () =>
        listeners.set(
          name,
          (listeners.get(name) ?? []).filter((l) => l !== listener),
        )
    },
  })
  return {
    api,
    calls,
    emit: (name, payload) => (listeners.get(name) ?? []).forEach((l) => l(payload)),
    count: (name) => calls.filter((c) => c.name === name).length,
  }
}

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value })

/** A promise and its resolver, to hold a request open until the test lets it answer. */
export function gate<T>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void
  const promise = new Promise<T>((resolve) => (open = resolve))
  return { promise, open }
}
