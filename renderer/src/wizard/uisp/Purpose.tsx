// UISP step 4: what the token is for; each purpose gets the least scope that serves it.
import { useEffect, useId } from 'react'
import { Actions, ErrorCallout, Screen } from '../parts.tsx'
import { useUispWizard } from './context.ts'

export function Purpose() {
  const plan = useUispWizard((s) => s.plan)
  const purpose = useUispWizard((s) => s.purpose)
  const name = useUispWizard((s) => s.name)
  const busy = useUispWizard((s) => s.busy)
  const error = useUispWizard((s) => s.error)
  const signedIn = useUispWizard((s) => s.signedIn)
  const loadPlan = useUispWizard((s) => s.loadPlan)
  const choose = useUispWizard((s) => s.choose)
  const setName = useUispWizard((s) => s.setName)
  const create = useUispWizard((s) => s.create)
  const goTo = useUispWizard((s) => s.goTo)
  const nameId = useId()

  useEffect(() => {
    if (!plan || plan.key !== signedIn?.key) void loadPlan()
  }, [plan, signedIn, loadPlan])

  if (!plan) {
    return (
      <Screen id="uisp-purpose" title="What is the token for?">
        {error ? <ErrorCallout error={error} /> : <p className="muted">Loading…</p>}
      </Screen>
    )
  }
  const chosen = plan.purposes.find((p) => p.purpose === purpose)
  const length = [...name.trim()].length
  const nameProblem =
    length === 0
      ? 'Enter a name.'
      : length > plan.nameMax
        ? `UISP token names are at most ${plan.nameMax} characters.`
        : null
  return (
    <Screen id="uisp-purpose" title="What is the token for?">
      <p className="lead">
        A UISP token carries a scope. Keyward gives it the least scope that serves what you choose, so a leaked token
        can do as little as possible.
      </p>
      <fieldset className="console-list">
        <legend>Purpose</legend>
        <ul>
          {plan.purposes.map((p) => (
            <li key={p.purpose}>
              <label
                className={`console-option${p.purpose === purpose ? ' selected' : ''}${p.allowed ? '' : ' disabled'}`}
              >
                <input
                  type="radio"
                  name="uisp-purpose"
                  value={p.purpose}
                  checked={p.purpose === purpose}
                  disabled={!p.allowed}
                  onChange={() => choose(p.purpose)}
                  aria-describedby={`${nameId}-${p.purpose}`}
                />
                <span className="option-body">
                  <span className="option-title">{p.label}</span>
                  <span className="option-details" id={`${nameId}-${p.purpose}`}>
                    <span className="scope-line" data-testid={`scope-${p.purpose}`}>
                      <strong>Scope: {p.scopeLabel}.</strong> {p.why}
                    </span>
                    <span className="scope-line muted">
                      {p.allows} {p.risk}
                    </span>
                    {!p.allowed && (
                      <span className="scope-line">
                        {plan.username} has a lower role than {p.scopeLabel}; sign in as a user who has it.
                      </span>
                    )}
                  </span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="field">
        <label htmlFor={nameId}>Token name</label>
        <input
          id={nameId}
          type="text"
          maxLength={plan.nameMax + 10}
          autoComplete="off"
          spellCheck={false}
          value={name}
          aria-invalid={nameProblem ? true : undefined}
          aria-describedby={`${nameId}-hint`}
          onChange={(e) => setName(e.target.value)}
        />
        <p id={`${nameId}-hint`} className={nameProblem ? 'field-error' : 'hint'}>
          {nameProblem ?? `Shown in UISP’s token list; at most ${plan.nameMax} characters.`}
        </p>
      </div>
      <p className="note">{plan.secretLocation}</p>
      {error && <ErrorCallout error={error} />}
      <Actions>
        <button type="button" className="button secondary" onClick={() => goTo('signin')}>
          Back
        </button>
        <button
          type="button"
          className="button primary"
          disabled={busy || !chosen?.allowed || nameProblem !== null}
          onClick={() => void create()}
        >
          Create the {chosen?.scopeLabel.replace(/ \(.*\)$/, '').toLowerCase() ?? ''} token
        </button>
      </Actions>
    </Screen>
  )
}
