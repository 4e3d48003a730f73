// The plan step's form: the user name, the key (or token) name, and for Access
// the validity in days; checked on submit, the first problem focused.
import { useState, type FormEvent, type RefObject } from 'react'
import type { UnifiApp } from '../../../shared/domain.ts'
import { nameProblem, validityProblem } from './model.ts'
import type { PlanDraft } from './persisted.ts'

type Field = 'username' | 'keyName' | 'validity'
type Edit = Partial<Pick<PlanDraft, 'username' | 'keyName' | 'accessValidityDays'>>

/** The inputs, to focus the first one with a problem (made by the screen, so the form state holds no refs). */
export type PlanRefs = Record<Field, RefObject<HTMLInputElement | null>>

export interface PlanForm {
  problems: Partial<Record<Field, string>>
  /** The validity field's text as typed (it may be empty or not a number for a moment). */
  validity: string
  submit(event: FormEvent): void
  typeValidity(text: string): void
}

/** The form's own state: the problems found on submit and the validity as typed; a good form runs. */
export function usePlanForm(
  app: UnifiApp | null,
  draft: PlanDraft | null,
  editDraft: (patch: Edit) => void,
  run: () => void,
  refs: PlanRefs,
): PlanForm {
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({})
  const [validityText, setValidityText] = useState<string | null>(null)
  const validity = validityText ?? String(draft?.accessValidityDays ?? 365)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!draft) return
    const found: Partial<Record<Field, string>> = {}
    const u = nameProblem(draft.username)
    const k = nameProblem(draft.keyName)
    if (u) found.username = u
    if (k) found.keyName = k
    if (app === 'access') {
      const v = validity.trim() === '' ? 'Enter a number of days.' : validityProblem(Number(validity))
      if (v) found.validity = v
    }
    setProblems(found)
    const first = (['username', 'keyName', 'validity'] as Field[]).find((f) => found[f])
    if (first) {
      refs[first].current?.focus()
      return
    }
    run()
  }

  const typeValidity = (text: string) => {
    setValidityText(text)
    const n = Number(text)
    if (text.trim() !== '' && !validityProblem(n)) editDraft({ accessValidityDays: n })
  }

  return { problems, validity, submit, typeValidity }
}

function NameField({
  id,
  label,
  value,
  problem,
  hint,
  inputRef,
  onChange,
}: {
  id: string
  label: string
  value: string
  problem: string | undefined
  hint: string
  inputRef: RefObject<HTMLInputElement | null>
  onChange(value: string): void
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        type="text"
        spellCheck={false}
        autoComplete="off"
        value={value}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-msg`}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${id}-msg`} className={problem ? 'field-error' : 'hint'}>
        {problem ?? hint}
      </p>
    </div>
  )
}

function ValidityField({
  id,
  form,
  inputRef,
}: {
  id: string
  form: PlanForm
  inputRef: RefObject<HTMLInputElement | null>
}) {
  return (
    <div className="field">
      <label htmlFor={id}>Valid for (days)</label>
      <input
        id={id}
        ref={inputRef}
        type="number"
        min={0}
        max={3650}
        step={1}
        inputMode="numeric"
        value={form.validity}
        aria-invalid={form.problems.validity ? true : undefined}
        aria-describedby={`${id}-msg`}
        onChange={(e) => form.typeValidity(e.target.value)}
      />
      <p id={`${id}-msg`} className={form.problems.validity ? 'field-error' : 'hint'}>
        {form.problems.validity ?? '0 means the token never expires.'}
      </p>
    </div>
  )
}

export function PlanFields({
  ids,
  app,
  draft,
  credential,
  form,
  refs,
  editDraft,
}: {
  ids: string
  app: UnifiApp
  draft: PlanDraft
  credential: string
  form: PlanForm
  refs: PlanRefs
  editDraft(patch: Edit): void
}) {
  return (
    <div className="field-grid">
      <NameField
        id={`${ids}-user`}
        label="User name"
        value={draft.username}
        problem={form.problems.username}
        hint="Shown on the console’s Admins page."
        inputRef={refs.username}
        onChange={(username) => editDraft({ username })}
      />
      <NameField
        id={`${ids}-key`}
        label={credential === 'API key' ? 'Key name' : 'Token name'}
        value={draft.keyName}
        problem={form.problems.keyName}
        hint="Shown on the console’s Integrations page."
        inputRef={refs.keyName}
        onChange={(keyName) => editDraft({ keyName })}
      />
      {app === 'access' && <ValidityField id={`${ids}-days`} form={form} inputRef={refs.validity} />}
    </div>
  )
}
