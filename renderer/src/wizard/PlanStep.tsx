// The plan step: what Keyward will do on the console (the user, the key), what
// the key's consumer (Home Assistant) will make of it, what rights it carries,
// and the form (PlanFields.tsx). Nothing changes on the console until Create.
import { useEffect, useId, useRef, useState } from 'react'
import type { ProvisionPlan, UnifiApp } from '../../../shared/domain.ts'
import { useWizard } from './context.ts'
import { appInfo, appShort } from './model.ts'
import { HaFit } from './HaFit.tsx'
import { Actions, Callout, ErrorCallout, Screen } from './parts.tsx'
import { PlanFields, usePlanForm } from './PlanFields.tsx'
import type { PlanDraft, Target } from './persisted.ts'

/** Access tokens expire: the day a token made now would, in the user's words. */
function expiryOf(app: UnifiApp, validity: string, openedAt: number): string | null {
  const days = Number(validity)
  return app === 'access' && Number.isInteger(days) && days > 0
    ? new Date(openedAt + days * 86_400_000).toLocaleDateString(undefined, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
      })
    : null
}

/** The core thinks another console runs the app: say so, and offer it. */
function WrongConsole({ app, target, name }: { app: UnifiApp; target: Target; name: string }) {
  const advice = useWizard((s) => s.advice)
  const select = useWizard((s) => s.select)
  const continueWith = useWizard((s) => s.continueWith)
  const best = advice?.app === app ? advice.ranked[0] : undefined
  const warning = advice?.app === app && best && best.key !== target.key ? advice.pickedWarning : null
  return (
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
  )
}

/** The user and the key Keyward will make, in order, then the rights the key carries and why this role. */
function WhatKeywardWillDo(p: {
  app: UnifiApp
  plan: ProvisionPlan
  draft: PlanDraft
  target: Target
  name: string
  validity: string
  expiry: string | null
}) {
  const { app, plan, draft, target, name } = p
  const credential = appInfo(app).credential
  const days = Number(p.validity)
  return (
    <>
      <ol className="plan-steps" aria-label="What Keyward will do">
        <li>
          Create the local-only user <strong className="mono">{draft.username.trim() || '…'}</strong> on {name} (
          <span className="mono">{target.key}</span>) with the <strong>{plan.role.name}</strong> role.
        </li>
        <li>
          Sign in as that user and create the {credential}{' '}
          <strong className="mono">{draft.keyName.trim() || '…'}</strong>
          {app === 'access' && (p.expiry ? `, valid until ${p.expiry}` : days === 0 ? ', which never expires' : '')}.
        </li>
        <li>{plan.secretLocation}</li>
        <li>
          Check the {credential} against {appShort(app)} on {name}.
        </li>
      </ol>
      {app !== 'access' && (
        <p className="plan-rights" data-testid="plan-key-rights">
          <strong>A UniFi key carries all rights of its user on every app of the console.</strong> Keep one key per use,
          and send it only where you mean to.
        </p>
      )}
      <details className="why">
        <summary>Why {plan.role.name}?</summary>
        <p>{plan.role.why}</p>
      </details>
    </>
  )
}

export function PlanStep() {
  const target = useWizard((s) => s.target)
  const app = useWizard((s) => s.app)
  const plan = useWizard((s) => s.plan)
  const draft = useWizard((s) => s.draft)
  const signedIn = useWizard((s) => s.signedIn)
  const busy = useWizard((s) => s.busy)
  const error = useWizard((s) => s.error)
  const loadPlan = useWizard((s) => s.loadPlan)
  const editDraft = useWizard((s) => s.editDraft)
  const run = useWizard((s) => s.run)
  const goTo = useWizard((s) => s.goTo)
  const ids = useId()
  const username = useRef<HTMLInputElement>(null)
  const keyName = useRef<HTMLInputElement>(null)
  const validity = useRef<HTMLInputElement>(null)
  const form = usePlanForm(app, draft, editDraft, () => void run('dedicated-user'), { username, keyName, validity })
  const [openedAt] = useState(() => Date.now())

  const stale = !plan || plan.key !== target?.key || plan.app !== app
  useEffect(() => {
    if (stale) void loadPlan()
  }, [stale, loadPlan])

  if (!target || !app) return null
  const name = target.name ?? target.host
  const info = appInfo(app)
  return (
    <Screen id="plan" title={`Ready to make the ${info.credential} on ${name}`}>
      <WrongConsole app={app} target={target} name={name} />
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
        <form className="form plan" onSubmit={form.submit} noValidate aria-labelledby="plan-heading">
          <p className="lead">
            Signed in as <strong>{signedIn?.user.username ?? 'an administrator'}</strong>. Nothing changes on {name}{' '}
            until you create the {info.credential}.
          </p>
          <WhatKeywardWillDo
            app={app}
            plan={plan}
            draft={draft}
            target={target}
            name={name}
            validity={form.validity}
            expiry={expiryOf(app, form.validity, openedAt)}
          />
          <PlanFields
            ids={ids}
            app={app}
            draft={draft}
            credential={info.credential}
            form={form}
            refs={{ username, keyName, validity }}
            editDraft={editDraft}
          />
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
