import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { useWizard } from './context.ts'
import { appInfo, appShort, nameProblem, validityProblem } from './model.ts'
import { HaFit } from './HaFit.tsx'
import { Actions, Callout, ErrorCallout, Screen } from './parts.tsx'

type Field = 'username' | 'keyName' | 'validity'

export function PlanStep() {
  const target = useWizard((s) => s.target)
  const app = useWizard((s) => s.app)
  const plan = useWizard((s) => s.plan)
  const draft = useWizard((s) => s.draft)
  const advice = useWizard((s) => s.advice)
  const signedIn = useWizard((s) => s.signedIn)
  const busy = useWizard((s) => s.busy)
  const error = useWizard((s) => s.error)
  const loadPlan = useWizard((s) => s.loadPlan)
  const editDraft = useWizard((s) => s.editDraft)
  const run = useWizard((s) => s.run)
  const select = useWizard((s) => s.select)
  const continueWith = useWizard((s) => s.continueWith)
  const goTo = useWizard((s) => s.goTo)
  const ids = useId()
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({})
  const [validityText, setValidityText] = useState<string | null>(null)
  const usernameRef = useRef<HTMLInputElement>(null)
  const keyNameRef = useRef<HTMLInputElement>(null)
  const validityRef = useRef<HTMLInputElement>(null)
  const [openedAt] = useState(() => Date.now())

  const stale = !plan || plan.key !== target?.key || plan.app !== app
  useEffect(() => {
    if (stale) void loadPlan()
  }, [stale, loadPlan])

  if (!target || !app) return null
  const name = target.name ?? target.host
  const info = appInfo(app)
  const best = advice?.app === app ? advice.ranked[0] : undefined
  const warning = advice?.app === app && best && best.key !== target.key ? advice.pickedWarning : null
  const validity = validityText ?? String(draft?.accessValidityDays ?? 365)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!draft) return
    const days = Number(validity)
    const found: Partial<Record<Field, string>> = {}
    const u = nameProblem(draft.username)
    const k = nameProblem(draft.keyName)
    if (u) found.username = u
    if (k) found.keyName = k
    if (app === 'access') {
      const v = validity.trim() === '' ? 'Enter a number of days.' : validityProblem(days)
      if (v) found.validity = v
    }
    setProblems(found)
    const first = (['username', 'keyName', 'validity'] as Field[]).find((f) => found[f])
    if (first) {
      ;({ username: usernameRef, keyName: keyNameRef, validity: validityRef })[first].current?.focus()
      return
    }
    void run('dedicated-user')
  }

  const days = Number(validity)
  const expiry =
    app === 'access' && Number.isInteger(days) && days > 0
      ? new Date(openedAt + days * 86_400_000).toLocaleDateString(undefined, {
          year: 'numeric',
          month: 'long',
          day: 'numeric',
        })
      : null

  return (
    <Screen id="plan" title={`Ready to make the ${info.credential} on ${name}`}>
      <div className="warning-slot">
        {warning && best && (
          <Callout tone="warn" title={`${appShort(app)} is probably not on ${name}`} label="Wrong console">
            <p data-testid="picked-warning">{warning}</p>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                select(best.key)
                void continueWith(best.key)
              }}
            >
              Use {best.name ?? best.host} instead
            </button>
          </Callout>
        )}
      </div>
      {plan && !stale && plan.warning && (
        <Callout tone="warn" title="Home Assistant will refuse this key for now" label="Consumer requirement">
          <p data-testid="plan-warning">{plan.warning}</p>
        </Callout>
      )}
      <HaFit app={app} />
      {error && <ErrorCallout error={error} title="Keyward could not prepare the plan" />}
      {!plan || !draft || stale ? (
        <div className="plan-loading" aria-busy="true">
          <p className="muted">Preparing the plan…</p>
        </div>
      ) : (
        <form className="form plan" onSubmit={submit} noValidate aria-labelledby="plan-heading">
          <p className="lead">
            Signed in as <strong>{signedIn?.user.username ?? 'an administrator'}</strong>. Nothing changes on {name}{' '}
            until you create the {info.credential}.
          </p>
          <ol className="plan-steps" aria-label="What Keyward will do">
            <li>
              Create the local-only user <strong className="mono">{draft.username.trim() || '…'}</strong> on {name} (
              <span className="mono">{target.key}</span>) with the <strong>{plan.role.name}</strong> role.
            </li>
            <li>
              Sign in as that user and create the {info.credential}{' '}
              <strong className="mono">{draft.keyName.trim() || '…'}</strong>
              {app === 'access' && (expiry ? `, valid until ${expiry}` : days === 0 ? ', which never expires' : '')}.
            </li>
            <li>{plan.secretLocation}</li>
            <li>
              Check the {info.credential} against {appShort(app)} on {name}.
            </li>
          </ol>
          {app !== 'access' && (
            <p className="plan-rights" data-testid="plan-key-rights">
              <strong>A UniFi key carries all rights of its user on every app of the console.</strong> Keep one key per
              use, and send it only where you mean to.
            </p>
          )}
          <details className="why">
            <summary>Why {plan.role.name}?</summary>
            <p>{plan.role.why}</p>
          </details>

          <div className="field-grid">
            <div className="field">
              <label htmlFor={`${ids}-user`}>User name</label>
              <input
                id={`${ids}-user`}
                ref={usernameRef}
                type="text"
                spellCheck={false}
                autoComplete="off"
                value={draft.username}
                aria-invalid={problems.username ? true : undefined}
                aria-describedby={`${ids}-user-msg`}
                onChange={(e) => editDraft({ username: e.target.value })}
              />
              <p id={`${ids}-user-msg`} className={problems.username ? 'field-error' : 'hint'}>
                {problems.username ?? 'Shown on the console’s Admins page.'}
              </p>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-key`}>{info.credential === 'API key' ? 'Key name' : 'Token name'}</label>
              <input
                id={`${ids}-key`}
                ref={keyNameRef}
                type="text"
                spellCheck={false}
                autoComplete="off"
                value={draft.keyName}
                aria-invalid={problems.keyName ? true : undefined}
                aria-describedby={`${ids}-key-msg`}
                onChange={(e) => editDraft({ keyName: e.target.value })}
              />
              <p id={`${ids}-key-msg`} className={problems.keyName ? 'field-error' : 'hint'}>
                {problems.keyName ?? 'Shown on the console’s Integrations page.'}
              </p>
            </div>
            {app === 'access' && (
              <div className="field">
                <label htmlFor={`${ids}-days`}>Valid for (days)</label>
                <input
                  id={`${ids}-days`}
                  ref={validityRef}
                  type="number"
                  min={0}
                  max={3650}
                  step={1}
                  inputMode="numeric"
                  value={validity}
                  aria-invalid={problems.validity ? true : undefined}
                  aria-describedby={`${ids}-days-msg`}
                  onChange={(e) => {
                    setValidityText(e.target.value)
                    const n = Number(e.target.value)
                    if (e.target.value.trim() !== '' && !validityProblem(n)) editDraft({ accessValidityDays: n })
                  }}
                />
                <p id={`${ids}-days-msg`} className={problems.validity ? 'field-error' : 'hint'}>
                  {problems.validity ?? '0 means the token never expires.'}
                </p>
              </div>
            )}
          </div>

          <Actions>
            <button type="button" className="button secondary" onClick={() => goTo('find')}>
              Back
            </button>
            <button type="submit" className="button primary" disabled={busy}>
              Create the {info.credential}
            </button>
          </Actions>
        </form>
      )}
    </Screen>
  )
}
