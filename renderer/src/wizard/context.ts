import { createContext, useContext } from 'react'
import type { WizardState, WizardStore } from './store.ts'

export const WizardContext = createContext<WizardStore | null>(null)

/** Reads the wizard store from the nearest provider (selectors must return stable values). */
export function useWizard<T>(selector: (state: WizardState) => T): T {
  const store = useContext(WizardContext)
  if (!store) throw new Error('useWizard outside <WizardContext.Provider>')
  return store(selector)
}
