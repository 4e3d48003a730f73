// "Continue on <the right console>": where the app really runs, from the key
// check's diagnosis (its rightHost) or the ranked hosts for the app (advice),
// and the button that picks it and continues there.
import type { UnifiApp } from '../../../shared/domain.ts'
import { useWizard } from './context.ts'
import type { Target } from './persisted.ts'

export interface RightHost {
  key: string
  name: string | null
}

/** The console that runs `app` when it is not `target`: the check's answer first, else the best-ranked host. */
export function useRightHost(target: Target, app: UnifiApp, given?: RightHost): RightHost | null {
  const advice = useWizard((s) => s.advice)
  if (given && given.key !== target.key) return given
  if (advice?.app !== app || advice.ranked[0]?.key === target.key) return null
  const best = advice.ranked.find((r) => r.key !== target.key)
  return best ? { key: best.key, name: best.name ?? best.host } : null
}

/** Picks the right console and continues there (its certificate, then sign-in); the plan's names are kept. */
export function ContinueOnButton({ host, primary }: { host: RightHost; primary?: boolean }) {
  const select = useWizard((s) => s.select)
  const continueWith = useWizard((s) => s.continueWith)
  return (
    <button
      type="button"
      className={`button ${primary ? 'primary' : 'secondary'}`}
      onClick={() => {
        select(host.key)
        void continueWith(host.key)
      }}
    >
      Continue on {host.name ?? host.key}
    </button>
  )
}
