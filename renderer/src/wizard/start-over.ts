// Starting over stays in the wizard: with keys on record, an app opened without a
// fragment shows the Overview once the wizard is back at its start (App.tsx's
// home), so the wizard's own section is named.
import { openView } from '../route.ts'
import { useWizard } from './context.ts'

export const stayInWizard = (): void => openView('new')

/** The UniFi store's Start over, staying on the wizard's first step. */
export function useStartOver(): () => void {
  const startOver = useWizard((s) => s.startOver)
  return () => {
    startOver()
    stayInWizard()
  }
}
