// The frame both wizard paths share (issue 17, "a wizard you can leave"): the
// stepper, whose completed steps are buttons back to them, and Start over /
// Cancel on every screen. Leaving while a key is being made is never silent:
// the user is told, and chooses to wait or to leave (the path says what then
// happens to what the run makes).
import { useState, type ReactNode } from 'react'
import { useKeys } from '../keys/context.ts'
import { Dialog } from '../keys/Dialog.tsx'
import { openView } from '../route.ts'
import { VisuallyHidden } from './parts.tsx'
import { stayInWizard } from './start-over.ts'
import './wizard.css'

export interface FrameStep {
  step: string
  label: string
}

/** The step indicator: completed steps are buttons (when their answers are still there), the current one is the step. */
export function Stepper({
  steps,
  current,
  canGo,
  onGo,
}: {
  steps: FrameStep[]
  current: number
  canGo(step: string): boolean
  onGo(step: string): void
}) {
  return (
    <nav aria-label="Setup progress" className="stepper-nav">
      <ol className="stepper">
        {steps.map((s, i) => {
          const state = i < current ? 'done' : i === current ? 'current' : 'todo'
          const inner = (
            <>
              <span className="stepper-dot" aria-hidden="true">
                {state === 'done' ? '✓' : i + 1}
              </span>
              <span className="stepper-label">{s.label}</span>
              {state === 'done' && <VisuallyHidden> (done)</VisuallyHidden>}
            </>
          )
          return (
            <li
              key={s.step}
              className={`stepper-item ${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
              data-step={s.step}
            >
              {state === 'done' && canGo(s.step) ? (
                <button type="button" className="stepper-go" onClick={() => onGo(s.step)}>
                  {inner}
                  <VisuallyHidden>, open this step again</VisuallyHidden>
                </button>
              ) : (
                inner
              )}
            </li>
          )
        })}
      </ol>
    </nav>
  )
}

export interface LeaveOptions {
  /** On the first screen Start over has nothing to undo and is not shown. */
  atStart: boolean
  /** What is being made right now ("the Protect API key on NVR"); null when nothing is. */
  making: string | null
  /** What leaving while something is being made does, said in the question. */
  whileMaking: string
  /** The button that leaves anyway ("Leave, and clean up afterwards"). */
  leaveLabel: string
  /** Back to the first step with nothing half-done kept. */
  startOver(): void
  /** Leave while something is being made (the path decides what happens to it). */
  leaveWhileMaking(): void
  /** A stopped run left something on the console ("a user and a key on NVR"): offered for removal before leaving. */
  leftover?: { what: string; clean(): void } | null
}

type Leaving = 'start-over' | 'cancel' | null

/** Start over and Cancel, on every screen; while something is being made they ask first. */
export function LeaveBar({ options }: { options: LeaveOptions }) {
  const [asking, setAsking] = useState<Leaving>(null)
  const hasKeys = useKeys((s) => s.keys.length > 0)
  const { atStart, making, leftover } = options
  const leave = (how: Exclude<Leaving, null>, whileMaking: boolean) => {
    if (whileMaking) options.leaveWhileMaking()
    else options.startOver()
    // Cancel leaves the wizard: the Overview when keys exist (App.tsx's home), else the key list.
    if (how === 'cancel') openView(hasKeys ? 'overview' : 'keys')
    else stayInWizard()
  }
  const ask = (how: Exclude<Leaving, null>) => (making || leftover ? setAsking(how) : leave(how, false))
  return (
    <div className="wizard-leave" role="group" aria-label="Leave the setup">
      {!atStart && (
        <button type="button" className="button small secondary" onClick={() => ask('start-over')}>
          Start over
        </button>
      )}
      <button type="button" className="button small secondary" onClick={() => ask('cancel')}>
        Cancel
      </button>
      {asking && making && (
        <Dialog
          title={`Keyward is making ${making}`}
          onClose={() => setAsking(null)}
          testId="leave-dialog"
          description={<p>{options.whileMaking}</p>}
        >
          <div className="actions dialog-actions">
            <button type="button" className="button primary" data-autofocus onClick={() => setAsking(null)}>
              Wait for it
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                setAsking(null)
                leave(asking, true)
              }}
            >
              {options.leaveLabel}
            </button>
          </div>
        </Dialog>
      )}
      {asking && !making && leftover && (
        <LeftoverDialog
          what={leftover.what}
          onClose={() => setAsking(null)}
          onClean={() => {
            setAsking(null)
            leftover.clean()
          }}
          onLeave={() => {
            setAsking(null)
            leave(asking, false)
          }}
        />
      )}
    </div>
  )
}

/** A stopped run left something on the console: offer its removal before leaving. */
function LeftoverDialog({
  what,
  onClose,
  onClean,
  onLeave,
}: {
  what: string
  onClose(): void
  onClean(): void
  onLeave(): void
}) {
  return (
    <Dialog
      title="Remove what this run made first?"
      onClose={onClose}
      testId="leftover-dialog"
      description={<p>This run stopped, and it left {what}. Keyward can remove it before you leave.</p>}
    >
      <div className="actions dialog-actions">
        <button type="button" className="button primary" data-autofocus onClick={onClean}>
          Show what to remove
        </button>
        <button type="button" className="button secondary" onClick={onLeave}>
          Leave it there
        </button>
      </div>
    </Dialog>
  )
}

/** The stepper and the leave buttons above the current screen. */
export function WizardFrame({
  steps,
  current,
  canGo,
  onGo,
  leave,
  children,
}: {
  steps: FrameStep[]
  current: number
  canGo(step: string): boolean
  onGo(step: string): void
  leave: LeaveOptions
  children: ReactNode
}) {
  return (
    <div className="wizard">
      <div className="wizard-top">
        <Stepper steps={steps} current={current} canGo={canGo} onGo={onGo} />
        <LeaveBar options={leave} />
      </div>
      {children}
    </div>
  )
}
