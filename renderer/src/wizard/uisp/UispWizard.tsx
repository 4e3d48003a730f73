// The wizard's UISP path, one screen per step (find → trust → sign in → purpose →
// token → done), in the frame both paths share (stepper, Start over, Cancel).
// The password and the 2FA code live only in the sign-in screen's state; the
// token reaches the page only when the user presses Copy.
import { WizardFrame, type LeaveOptions } from '../Frame.tsx'
import { useUispWizard } from './context.ts'
import { FindServer } from './FindServer.tsx'
import { Purpose } from './Purpose.tsx'
import { Done, Run } from './RunDone.tsx'
import { SignIn } from './SignIn.tsx'
import { UISP_STEPS, uispCanGoBack, uispStepIndex, type UispStep } from './store.ts'
import { TrustServer } from './TrustServer.tsx'

export function UispWizard() {
  const step = useUispWizard((s) => s.step)
  const busy = useUispWizard((s) => s.busy)
  const probe = useUispWizard((s) => s.probe)
  const signedIn = useUispWizard((s) => s.signedIn)
  const goTo = useUispWizard((s) => s.goTo)
  const startOver = useUispWizard((s) => s.startOver)
  const where = probe ? `UISP at ${probe.address.key}` : 'the UISP server'
  const leave: LeaveOptions = {
    // The first screen of the wizard is the choice of app; every UISP screen comes after it.
    atStart: false,
    making: step === 'run' && busy ? `the token on ${where}` : null,
    whileMaking: `Leaving does not stop it on ${where}. If the server makes the token, Keyward keeps it in the key list, where you can revoke it.`,
    leaveLabel: 'Leave anyway',
    startOver,
    leaveWhileMaking: startOver,
  }
  return (
    <WizardFrame
      steps={UISP_STEPS}
      current={uispStepIndex(step)}
      canGo={(to) => uispCanGoBack(to as UispStep, { step, probe, signedIn, busy })}
      onGo={(to) => goTo(to as UispStep)}
      leave={leave}
    >
      <div className="wizard-body" data-step={step} data-app="uisp">
        {step === 'find' && <FindServer />}
        {step === 'trust' && <TrustServer />}
        {step === 'signin' && <SignIn />}
        {step === 'purpose' && <Purpose />}
        {step === 'run' && <Run />}
        {step === 'done' && <Done />}
      </div>
    </WizardFrame>
  )
}
