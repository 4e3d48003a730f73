// The Done screen both wizard paths share: the "Verified." callout, the masked
// credential (the full one stays in the keychain), the facts of what was made,
// then what the path offers next. What differs between a UniFi key and a UISP
// token — the wording, the facts, the Home Assistant or copy part, the buttons —
// comes in as props.
import type { ReactNode } from 'react'
import { Actions, Callout, Screen } from './parts.tsx'

/** A date the user reads, e.g. "1 June 2027" in their locale; null stays null. */
export const longDate = (iso: string | null): string | null =>
  iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' }) : null

/** Done with nothing verified to show (a reopened window, a cleared outcome): start over. */
export function NothingToShow({ id, onStartOver }: { id: string; onStartOver(): void }) {
  return (
    <Screen id={id} title="Nothing to show yet">
      <Actions>
        <button type="button" className="button primary" onClick={onStartOver}>
          Start over
        </button>
      </Actions>
    </Screen>
  )
}

export interface DoneScreenProps {
  /** The screen id (`done`, `uisp-done`). */
  id: string
  title: string
  /** The sentence after "Verified." (who accepted it, how fast). */
  verified: ReactNode
  /** What the user came for, first after "Verified." (Send to Home Assistant, Copy). */
  lead?: ReactNode
  /** Callouts right after the lead (what Home Assistant will miss). */
  notes?: ReactNode
  /** The masked row: its label ("Key", "Token"), the credential's name in the hint ("API key", "token"), the value. */
  masked: { label: string; credential: string; value: string | null }
  /** The facts rows (`dt`/`dd`) after the masked one. */
  facts: ReactNode
  /** What comes between the facts and the buttons. */
  after?: ReactNode
  actions: ReactNode
}

export function DoneScreen({ id, title, verified, lead, notes, masked, facts, after, actions }: DoneScreenProps) {
  return (
    <Screen id={id} title={title}>
      <Callout tone="ok" label="Verified">
        <p data-testid="verified">
          <strong>Verified.</strong> {verified}
        </p>
      </Callout>
      {lead}
      {notes}
      <dl className="facts">
        <dt>{masked.label}</dt>
        <dd>
          <span className="mono masked" data-testid="masked-key">
            {masked.value ?? 'stored'}
          </span>
          <span className="hint block">Shown shortened; the full {masked.credential} stays in the keychain.</span>
        </dd>
        {facts}
      </dl>
      {after}
      <Actions>{actions}</Actions>
    </Screen>
  )
}
