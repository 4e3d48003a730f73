import { createContext, useContext } from 'react'
import type { KeysState, KeysStore } from './store.ts'

export const KeysContext = createContext<KeysStore | null>(null)

/** Reads the key list's store from the nearest provider (selectors must return stable values). */
export function useKeys<T>(selector: (state: KeysState) => T): T {
  const store = useContext(KeysContext)
  if (!store) throw new Error('useKeys outside <KeysContext.Provider>')
  return store(selector)
}
