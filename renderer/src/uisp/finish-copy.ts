// Copying a secret the core handed back because it could not use a system clipboard itself (the
// UISP key and its registration commands): the renderer copies it and clears it after the same time.
import type { CopyResult } from '../../../shared/domain.ts'
import type { Outcome } from '../../../shared/result.ts'
import { copyAndClear } from '../keys/clipboard.ts'

export type Note = { tone: 'ok' | 'danger' | 'warn'; text: string }

/** Copies a CopyResult the core could not put on a system clipboard itself. */
export async function finishCopy(outcome: Outcome<CopyResult>, what: string): Promise<Note> {
  if (!outcome.ok) return { tone: 'danger', text: outcome.error.message }
  if (!outcome.value.copied) {
    try {
      await copyAndClear(outcome.value.secret, outcome.value.clearsInSeconds)
    } catch {
      return { tone: 'danger', text: 'This browser did not let Keyward use the clipboard.' }
    }
  }
  return {
    tone: 'ok',
    text: `Copied ${what}. Keyward clears the clipboard in ${outcome.value.clearsInSeconds} s if it still holds it.`,
  }
}
