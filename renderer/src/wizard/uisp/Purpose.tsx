// UISP step 4: what the token is for; each purpose gets the least scope that serves it.
import { useEffect, useId } from 'react'
import type { UispPurposeOption } from '../../../../shared/domain.ts'
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
              <PurposeOption
                option={p}
                chosen={p.purpose === purpose}
                describedBy={`${nameId}-${p.purpose}`}
                username={plan.username}
                onChoose={() => choose(p.purpose)}
              />
            </li>
          ))}
        </ul>
      </fieldset>
      <TokenName id={nameId} name={name} nameMax={plan.nameMax} problem={nameProblem} onName={setName} />
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

function PurposeOption({
  option: p,
  chosen,
  describedBy,
  username,
  onChoose,
}: {
  option: UispPurposeOption
  chosen: boolean
  describedBy: string
  username: string
  onChoose: () => void
}) {
  return (
    <label className={`console-option${chosen ? ' selected' : ''}${p.allowed ? '' : ' disabled'}`}>
      <input
        type="radio"
        name="uisp-purpose"
        value={p.purpose}
        checked={chosen}
        disabled={!p.allowed}
        onChange={onChoose}
        aria-describedby={describedBy}
      />
      <span className="option-body">
        <span className="option-title">{p.label}</span>
        <span className="option-details" id={describedBy}>
          <span className="scope-line" data-testid={`scope-${p.purpose}`}>
            <strong>Scope: {p.scopeLabel}.</strong> {p.why}
          </span>
          <span className="scope-line muted">
            {p.allows} {p.risk}
          </span>
          {!p.allowed && (
            <span className="scope-line">
              {username} has a lower role than {p.scopeLabel}; sign in as a user who has it.
            </span>
          )}
        </span>
      </span>
    </label>
  )
}

function TokenName({
  id,
  name,
  nameMax,
  problem,
  onName,
}: {
  id: string
  name: string
  nameMax: number
  problem: string | null
  onName: (name: string) => void
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Token name</label>
      <input
        id={id}
        type="text"
        maxLength={nameMax + 10}
        autoComplete="off"
        spellCheck={false}
        value={name}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onName(e.target.value)}
      />
      <p id={`${id}-hint`} className={problem ? 'field-error' : 'hint'}>
        {problem ?? `Shown in UISP’s token list; at most ${nameMax} characters.`}
      </p>
    </div>
  )
}
