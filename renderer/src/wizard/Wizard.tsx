import { useWizard } from './context.ts'
import { STEPS, stepIndex } from './model.ts'
import { DoneStep } from './DoneStep.tsx'
import { FindStep } from './FindStep.tsx'
import { GoalStep } from './GoalStep.tsx'
import { PlanStep } from './PlanStep.tsx'
import { RunStep } from './RunStep.tsx'
import { SignInStep } from './SignInStep.tsx'
import { TrustStep } from './TrustStep.tsx'
import { VisuallyHidden } from './parts.tsx'

export function Wizard() {
  const step = useWizard((s) => s.step)
  const app = useWizard((s) => s.app)
  const current = stepIndex(step)
  return (
    <div className="wizard">
      <nav aria-label="Setup progress" className="stepper-nav">
        <ol className="stepper">
          {STEPS.map((s, i) => {
            const state = i < current ? 'done' : i === current ? 'current' : 'todo'
            return (
              <li key={s.step} className={`stepper-item ${state}`} aria-current={state === 'current' ? 'step' : undefined}>
                <span className="stepper-dot" aria-hidden="true">
                  {state === 'done' ? '✓' : i + 1}
                </span>
                <span className="stepper-label">{s.label}</span>
                {state === 'done' && <VisuallyHidden> (done)</VisuallyHidden>}
              </li>
            )
          })}
        </ol>
      </nav>
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
