// Turns (name, untrusted input) into an Outcome. The single gate every
// transport goes through: unknown names and malformed input are answered with
// errors as values; a handler that throws never crashes the process and never
// leaks its stack or input to the caller.
import type { z } from 'zod'
import { isRequestName, type RequestName, type RequestResult } from '../../shared/contract.ts'
import { inputs, type Inputs } from '../../shared/schemas.ts'
import { fail, KeywardFailure, ok, type Outcome } from '../../shared/result.ts'
import type { Logger } from './log.ts'

export type Handlers = {
  [N in RequestName]: (input: z.output<Inputs[N]>) => Promise<RequestResult<N>> | RequestResult<N>
}

export type Dispatch = (name: unknown, input: unknown) => Promise<Outcome<unknown>>

const MAX_DETAIL = 400

/** A short, value-free description of what failed validation (never echoes input values). */
function describeIssues(error: z.ZodError): string {
  const text = error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ')
  return text.length > MAX_DETAIL ? text.slice(0, MAX_DETAIL) + '…' : text
}

export function createDispatch(handlers: Handlers, log: Logger): Dispatch {
  return async (name, input) => {
    if (!isRequestName(name)) {
      const shown = typeof name === 'string' ? name.slice(0, 64) : typeof name
      return fail('unknown-request', `Keyward has no request called "${shown}".`)
    }
    const parsed = inputs[name].safeParse(input)
    if (!parsed.success) {
      return fail('invalid-input', `The ${name} request was malformed.`, describeIssues(parsed.error))
    }
    try {
      const handler = handlers[name] as (input: unknown) => unknown
      return ok(await handler(parsed.data))
    } catch (error) {
      if (error instanceof KeywardFailure) return { ok: false, error: error.toError() }
      log.error('request failed', { request: name, error })
      return fail('internal', `Keyward hit an unexpected problem while handling ${name}.`)
    }
  }
}
