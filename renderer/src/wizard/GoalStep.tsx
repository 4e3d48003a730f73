import { useWizard } from './context.ts'
import { APPS } from './model.ts'
import { Screen } from './parts.tsx'
import { useUispWizard } from './uisp/context.ts'

export function GoalStep() {
  const chooseApp = useWizard((s) => s.chooseApp)
  const current = useWizard((s) => s.app)
  const startUisp = useUispWizard((s) => s.start)
  return (
    <Screen id="goal" title="What do you want to connect?">
      <p className="lead">
        Keyward finds the console that really runs the app, makes a key there for a dedicated user, checks that the key
        works and keeps it in this computer’s keychain.
      </p>
      <ul className="choices">
        {APPS.map((a) => (
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
      </ul>
    </Screen>
  )
}
