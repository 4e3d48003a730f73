import { useWizard } from './context.ts'
import { APPS } from './model.ts'
import { Screen } from './parts.tsx'

export function GoalStep() {
  const chooseApp = useWizard((s) => s.chooseApp)
  const current = useWizard((s) => s.app)
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
              </span>
              <span className="chevron" aria-hidden="true">›</span>
            </button>
          </li>
        ))}
      </ul>
    </Screen>
  )
}
