import { ArrivalNote } from './Arrival.tsx'
import { useWizard } from './context.ts'
import { CleanupStep } from './Cleanup.tsx'
import { DoneStep } from './DoneStep.tsx'
import { FindStep } from './FindStep.tsx'
import { WizardFrame, type LeaveOptions } from './Frame.tsx'
import { GoalStep } from './GoalStep.tsx'
import { madeByFlow } from '../../../shared/cleanup.ts'
import { isVerified } from './flow.ts'
import { canGoBack, leftSomething } from './leave.ts'
import { appInfo, STEPS, stepIndex, type WizardStep } from './model.ts'
import { PlanStep } from './PlanStep.tsx'
import { RunStep } from './RunStep.tsx'
import { SignInStep } from './SignInStep.tsx'
import { TrustStep } from './TrustStep.tsx'
import { useUispWizard } from './uisp/context.ts'
import { UispWizard } from './uisp/UispWizard.tsx'

/** "a, b and c" */
const listed = (items: string[]) =>
  items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`

/** Start over and Cancel for the UniFi path: leaving mid-run offers the run's cleanup once it stops. */
function useLeave(): LeaveOptions {
  const step = useWizard((s) => s.step)
  const busy = useWizard((s) => s.busy)
  const app = useWizard((s) => s.app)
  const target = useWizard((s) => s.target)
  const startOver = useWizard((s) => s.startOver)
  const leaveWhenStopped = useWizard((s) => s.leaveWhenStopped)
  const outcome = useWizard((s) => s.outcome)
  const progress = useWizard((s) => s.progress)
  const offerCleanup = useWizard((s) => s.offerCleanup)
  const record = progress ?? outcome?.record ?? null
  const stoppedWithLeftover =
    step === 'run' && !busy && !isVerified(outcome) && leftSomething(record) && !record?.cleanup
  const where = target?.name ?? target?.host ?? 'the console'
  const making = step === 'run' && busy && app ? `the ${appInfo(app).credential} on ${where}` : null
  return {
    atStart: step === 'goal',
    making,
    whileMaking: `Leaving does not stop it on ${where}. Wait for it, or leave now: when it stops, Keyward offers to remove what it made there (New key shows it).`,
    leaveLabel: 'Leave, and clean up afterwards',
    startOver,
    leaveWhileMaking: leaveWhenStopped,
    leftover:
      stoppedWithLeftover && record
        ? {
            what: `${listed(madeByFlow(record).map((p) => p.label))} (on ${where})`,
            clean: () => offerCleanup(record.id),
          }
        : null,
  }
}

export function Wizard() {
  const step = useWizard((s) => s.step)
  const app = useWizard((s) => s.app)
  const goTo = useWizard((s) => s.goTo)
  const target = useWizard((s) => s.target)
  const probe = useWizard((s) => s.probe)
  const signedIn = useWizard((s) => s.signedIn)
  const busy = useWizard((s) => s.busy)
  const leave = useLeave()
  const uisp = useUispWizard((s) => s.step !== 'off')
  // The Devices tab's target (issue 17) is read whichever path shows; a wizard under way gets a note.
  const note = <ArrivalNote leave={leave} />
  if (uisp)
    return (
      <>
        {note}
        <UispWizard />
      </>
    )
  return (
    <>
      {note}
      <WizardFrame
        steps={STEPS}
        current={stepIndex(step)}
        canGo={(to) => canGoBack(to as WizardStep, { step, app, target, probe, signedIn, busy })}
        onGo={(to) => goTo(to as WizardStep)}
        leave={leave}
      >
        <div className="wizard-body" data-step={step} data-app={app ?? ''}>
          {step === 'goal' && <GoalStep />}
          {step === 'find' && (app ? <FindStep /> : <GoalStep />)}
          {step === 'trust' && <TrustStep />}
          {step === 'signin' && <SignInStep />}
          {step === 'plan' && <PlanStep />}
          {step === 'run' && <RunStep />}
          {step === 'cleanup' && <CleanupStep />}
          {step === 'done' && <DoneStep />}
        </div>
      </WizardFrame>
    </>
  )
}
