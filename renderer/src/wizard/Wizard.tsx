import { useWizard } from './context.ts'
import { STEPS, stepIndex } from './model.ts'
import { DoneStep } from './DoneStep.tsx'
import { FindStep } from './FindStep.tsx'
import { GoalStep } from './GoalStep.tsx'
import { PlanStep } from './PlanStep.tsx'
import { RunStep } from './RunStep.tsx'
import { SignInStep } from './SignInStep.tsx'
import { TrustStep } from './TrustStep.tsx'
import { Stepper } from './parts.tsx'
import { useUispWizard } from './uisp/context.ts'
import { UispWizard } from './uisp/UispWizard.tsx'

export function Wizard() {
  const step = useWizard((s) => s.step)
  const app = useWizard((s) => s.app)
  const uisp = useUispWizard((s) => s.step !== 'off')
  if (uisp) return <UispWizard />
  return (
    <div className="wizard">
      <Stepper steps={STEPS} current={stepIndex(step)} />
      <div className="wizard-body" data-step={step} data-app={app ?? ''}>
        {step === 'goal' && <GoalStep />}
        {step === 'find' && (app ? <FindStep /> : <GoalStep />)}
        {step === 'trust' && <TrustStep />}
        {step === 'signin' && <SignInStep />}
        {step === 'plan' && <PlanStep />}
        {step === 'run' && <RunStep />}
        {step === 'done' && <DoneStep />}
      </div>
    </div>
  )
}
