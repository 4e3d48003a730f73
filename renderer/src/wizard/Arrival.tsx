// Arriving from the Devices tab (issue 17): `#/new&console=…` or `#/new&uisp=…`
// is read once, the fragment goes back to `#/new` (a reload does not apply it
// again; replaceState fires no hashchange, so the app stays on the wizard), and
// the rule of target.ts decides: a fresh wizard starts on that server; one under
// way is kept, with a note offering to start over with it.
import { useContext, useEffect, useState } from 'react'
import { wizardTarget } from '../route.ts'
import { useWizard, WizardContext } from './context.ts'
import type { LeaveOptions } from './Frame.tsx'
import { Callout } from './parts.tsx'
import { arrive, type Aim } from './target.ts'
import { UispWizardContext, useUispWizard } from './uisp/context.ts'

/** Reads the fragment when the wizard opens (and when it changes); the target to ask about, if any. */
function useArrival(): [Aim | null, (aim: Aim | null) => void] {
  const unifi = useContext(WizardContext)
  const uisp = useContext(UispWizardContext)
  const [asking, setAsking] = useState<Aim | null>(null)
  useEffect(() => {
    if (!unifi || !uisp) return
    const read = () => {
      const target = wizardTarget()
      if (!target.console && !target.uisp) return
      const { pathname, search } = window.location
      window.history.replaceState(window.history.state, '', `${pathname}${search}#/new`)
      const arrival = arrive(target, { step: unifi.getState().step, uispStep: uisp.getState().step })
      if (arrival.kind === 'ask') setAsking(arrival.aim)
      if (arrival.kind !== 'start') return
      setAsking(null)
      if (arrival.aim.path === 'console') unifi.getState().aim(arrival.aim.key)
      else uisp.getState().aim(arrival.aim.key)
    }
    read()
    window.addEventListener('hashchange', read)
    return () => window.removeEventListener('hashchange', read)
  }, [unifi, uisp])
  return [asking, setAsking]
}

const named = (aim: Aim) => (aim.path === 'uisp' ? `UISP at ${aim.key}` : aim.key)

/** "Start over with <server>" over the wizard under way; nothing of it goes unless the user says so. */
export function ArrivalNote({ leave }: { leave: LeaveOptions }) {
  const [asking, setAsking] = useArrival()
  const uispStep = useUispWizard((s) => s.step)
  const uispBusy = useUispWizard((s) => s.busy)
  const uispStartOver = useUispWizard((s) => s.startOver)
  const aimConsole = useWizard((s) => s.aim)
  const aimUisp = useUispWizard((s) => s.aim)
  if (!asking) return null
  const onUisp = uispStep !== 'off'
  // Something being made, or a stopped run's leftovers: Start over and Cancel above ask about them first.
  const blocked = onUisp ? uispStep === 'run' && uispBusy : leave.making !== null || Boolean(leave.leftover)
  const startOverWith = () => {
    if (onUisp) uispStartOver()
    else leave.startOver()
    if (asking.path === 'console') aimConsole(asking.key)
    else aimUisp(asking.key)
    setAsking(null)
  }
  return (
    <Callout tone="info" title={`Make a key on ${named(asking)}?`} label="From the Devices tab">
      <p data-testid="arrival-note">
        {blocked
          ? 'This setup is not finished yet. Finish it, or leave it with Start over or Cancel, then choose the device again.'
          : 'This setup is still under way. Keep going with it, or start over with the device you chose.'}
      </p>
      <div className="actions">
        {!blocked && (
          <button type="button" className="button primary" onClick={startOverWith}>
            Start over with {named(asking)}
          </button>
        )}
        <button type="button" className="button secondary" onClick={() => setAsking(null)}>
          Keep going
        </button>
      </div>
    </Callout>
  )
}
