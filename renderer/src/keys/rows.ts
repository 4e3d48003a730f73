// Per-key row state: which action runs on a key, its last error, its note and
// its results (the Home Assistant push answer, the fields to copy). One action per row at a time. Never a secret.
import type { CopyFieldsPlan, HaPushSummary } from '../../../shared/domain.ts'
import type { KeywardError } from '../../../shared/result.ts'

export type RowAction =
  'copy' | 'copy-password' | 'reveal' | 'check' | 'rotate' | 'revoke' | 'forget' | 'pause' | 'push' | 'fields'

export interface RowNote {
  tone: 'ok' | 'warn' | 'info'
  text: string
}

export interface RowState {
  busy: RowAction | null
  error: { action: RowAction; error: KeywardError } | null
  note: RowNote | null
  /** The last "Send to Home Assistant" answer, and which Home Assistant it came from. */
  push: (HaPushSummary & { haId?: string }) | null
  /** The fields to fill in Home Assistant by hand, while shown. */
  fields: CopyFieldsPlan | null
  /** The Home Assistant of the last push (its mode choice is offered there). */
  pushHa?: string | null
}

export const IDLE_ROW: RowState = {
  busy: null,
  error: null,
  note: null,
  push: null,
  fields: null,
  pushHa: null,
}

type Rows = Record<string, RowState>

/** The rows of the key list, read and written through the store's get/set. */
export class RowBook {
  constructor(
    private readonly read: () => Rows,
    private readonly write: (change: (rows: Rows) => Rows) => void,
  ) {}

  row(id: string): RowState {
    return this.read()[id] ?? IDLE_ROW
  }

  patch(id: string, change: Partial<RowState>): void {
    this.write((rows) => ({ ...rows, [id]: { ...(rows[id] ?? IDLE_ROW), ...change } }))
  }

  /** Starts an action on a row unless another one runs there. */
  begin(id: string, action: RowAction): boolean {
    if (this.row(id).busy) return false
    this.patch(id, { busy: action, error: null, note: null })
    return true
  }

  failed(id: string, action: RowAction, error: KeywardError): void {
    this.patch(id, { busy: null, error: { action, error } })
  }

  done(id: string, change: Partial<RowState> = {}): void {
    this.patch(id, { busy: null, ...change })
  }
}

/** The rows without the key that left the list. */
export function withoutRow(rows: Rows, id: string): Rows {
  const next = { ...rows }
  delete next[id]
  return next
}
