// The journal of a resumable flow (a console key, a UISP token): each step is
// recorded as running before it starts and done or failed after, with the
// failure kept, so a flow interrupted anywhere can be resumed from the file.
import { KeywardFailure } from '../../shared/result.ts'

export interface JournaledRecord<Step extends string> {
  id: string
  steps: Record<Step, string>
  lastError: { code: string; message: string } | null
  updatedAt: string
}

export interface Journal<R> {
  get(id: string): R | null | undefined
  save(record: R): void
}

/** A flow's failure as its caller reports it: the failure plus which step failed. */
export type StepFailure<Step extends string> = Error & { readonly step: Step }

export function journaled<Step extends string, R extends JournaledRecord<Step>>(
  start: R,
  journal: Journal<R>,
  options: { now?: () => number; fail: (failure: KeywardFailure, step: Step) => StepFailure<Step> },
) {
  const now = options.now ?? Date.now
  let record = journal.get(start.id) ?? start
  const save = (patch: Partial<R>) => {
    record = { ...record, ...patch, updatedAt: new Date(now()).toISOString() }
    journal.save(record)
  }
  const step = async <T>(name: Step, run: () => Promise<T>, fail = options.fail): Promise<T> => {
    save({ steps: { ...record.steps, [name]: 'running' }, lastError: null } as Partial<R>)
    try {
      const result = await run()
      save({ steps: { ...record.steps, [name]: 'done' } } as Partial<R>)
      return result
    } catch (error) {
      const failure =
        error instanceof KeywardFailure
          ? error
          : new KeywardFailure('internal', `The ${name} step failed unexpectedly.`)
      save({
        steps: { ...record.steps, [name]: 'failed' },
        lastError: { code: failure.code, message: failure.message },
      } as Partial<R>)
      throw fail(failure, name)
    }
  }
  return {
    get record() {
      return record
    },
    save,
    step,
    /**
     * A check as a step: a failed check is journaled as the step's failure but returned
     * as a value (a diagnosis the user acts on); anything else that fails is thrown.
     */
    async check<C extends { status: string; message?: string | null; problem?: string | null }>(
      name: Step,
      run: () => Promise<C>,
    ): Promise<C> {
      let result: C | null = null
      await step(name, async () => {
        result = await run()
        if (result.status === 'failed')
          throw new KeywardFailure('refused', result.message ?? 'The check failed.', result.problem ?? undefined)
      }).catch((error: unknown) => {
        if (!(result && (error as Partial<StepFailure<Step>>)?.step === name)) throw error
      })
      return result!
    },
  }
}
