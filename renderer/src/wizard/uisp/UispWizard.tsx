// The wizard's UISP path, one screen per step (find → trust → sign in → purpose →
// token → done). The password and the 2FA code live only in the sign-in screen's
// state; the token reaches the page only when the user presses Copy.
import { Stepper } from '../parts.tsx'
import { useUispWizard } from './context.ts'
import { FindServer } from './FindServer.tsx'
import { Purpose } from './Purpose.tsx'
import { Done, Run } from './RunDone.tsx'
import { SignIn } from './SignIn.tsx'
import { UISP_STEPS, uispStepIndex } from './store.ts'
import { TrustServer } from './TrustServer.tsx'

export function UispWizard() {
  const step = useUispWizard((s) => s.step)
  return (
    <div className="wizard">
      <Stepper steps={UISP_STEPS} current={uispStepIndex(step)} />
      <div className="wizard-body" data-step={step} data-app="uisp">
        {step === 'find' && <FindServer />}
        {step === 'trust' && <TrustServer />}
        {step === 'signin' && <SignIn />}
        {step === 'purpose' && <Purpose />}
        {step === 'run' && <Run />}
        {step === 'done' && <Done />}
      </div>
    </div>
  )
}
