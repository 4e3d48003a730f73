import { useMemo } from 'react'
import { useWizard } from './context.ts'
import { buildCards, consoleLabel } from './model.ts'
import { Screen } from './parts.tsx'
import { appsFor, presetApps } from './target.ts'
import { useUispWizard } from './uisp/context.ts'

export function GoalStep() {
  const chooseApp = useWizard((s) => s.chooseApp)
  const current = useWizard((s) => s.app)
  const startUisp = useUispWizard((s) => s.start)
  const preset = useWizard((s) => s.preset)
  const inventory = useWizard((s) => s.inventory)
  const known = useWizard((s) => s.known)
  const probes = useWizard((s) => s.probes)
  const cards = useMemo(() => buildCards(inventory, known, probes), [inventory, known, probes])
  const apps = appsFor(presetApps(preset, cards, probes))
  return (
    <Screen id="goal" title="What do you want to connect?">
      <p className="lead">
        Keyward finds the console that really runs the app, makes a key there for a dedicated user, checks that the key
        works and keeps it in this computer’s keychain.
      </p>
      {preset && <ChosenConsole preset={preset} name={cards.find((c) => c.key === preset)?.name ?? null} />}
      <ul className="choices">
        {apps.map((a) => (
          <li key={a.app}>
            <button
              type="button"
              className={`choice${current === a.app ? ' choice-last' : ''}`}
              onClick={() => chooseApp(a.app)}
            >
              <span className={`app-mark app-${a.app}`} aria-hidden="true" />
              <span className="choice-body">
                <span className="choice-title">{a.name}</span>
                <span className="choice-text">
                  {a.purpose} <span className="choice-meta">Makes an {a.credential}.</span>
                </span>
                <span className="choice-text choice-ha" data-testid={`goal-ha-${a.app}`}>
                  {a.haIntegration}
                </span>
              </span>
              <span className="chevron" aria-hidden="true">
                ›
              </span>
            </button>
          </li>
        ))}
        {!preset && (
          <li>
            <button type="button" className="choice" onClick={startUisp}>
              <span className="app-mark app-uisp" aria-hidden="true" />
              <span className="choice-body">
                <span className="choice-title">UISP</span>
                <span className="choice-text">
                  Your UISP server’s API for dashboards, Home Assistant or scripts; or its UISP key to register devices.{' '}
                  <span className="choice-meta">Makes an API token.</span>
                </span>
              </span>
              <span className="chevron" aria-hidden="true">
                ›
              </span>
            </button>
          </li>
        )}
      </ul>
    </Screen>
  )
}

/** The console "Make a key here" chose on the Devices tab, and the way back to choosing it later. */
function ChosenConsole({ preset, name }: { preset: string; name: string | null }) {
  const clearAim = useWizard((s) => s.clearAim)
  return (
    <div className="callout callout-info" role="note" aria-label="Chosen console" data-testid="goal-console">
      <p>
        The key will be made on <strong>{consoleLabel({ name, key: preset })}</strong>{' '}
        <span className="mono">({preset})</span>. Choose the app it is for.
      </p>
      <button type="button" className="button small secondary" onClick={clearAim}>
        Choose the console later
      </button>
    </div>
  )
}
