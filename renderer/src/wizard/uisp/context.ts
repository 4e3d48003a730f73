import { createContext, useContext } from 'react'
import type { UispWizardState, UispWizardStore } from './store.ts'

export const UispWizardContext = createContext<UispWizardStore | null>(null)

/** Reads the UISP wizard store from the nearest provider (selectors must return stable values). */
export function useUispWizard<T>(selector: (state: UispWizardState) => T): T {
  const store = useContext(UispWizardContext)
  if (!store) throw new Error('useUispWizard outside <UispWizardContext.Provider>')
  return store(selector)
}
