import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { keyward } from './api.ts'
import { App } from './App.tsx'
import { KeysContext } from './keys/context.ts'
import { createKeysStore } from './keys/store.ts'
import { createKeywardStore } from './store.ts'
import { WizardContext } from './wizard/context.ts'
import { createWizardStore } from './wizard/store.ts'
import { UispWizardContext } from './wizard/uisp/context.ts'
import { createUispWizardStore } from './wizard/uisp/store.ts'
import './styles.css'

const root = createRoot(document.getElementById('root')!)
if (keyward) {
  const useStore = createKeywardStore(keyward)
  const useWizardStore = createWizardStore(keyward)
  const useKeysStore = createKeysStore(keyward)
  const useUispWizardStore = createUispWizardStore(keyward)
  root.render(
    <StrictMode>
      <WizardContext.Provider value={useWizardStore}>
        <UispWizardContext.Provider value={useUispWizardStore}>
          <KeysContext.Provider value={useKeysStore}>
            <App useStore={useStore} />
          </KeysContext.Provider>
        </UispWizardContext.Provider>
      </WizardContext.Provider>
    </StrictMode>,
  )
} else {
  root.render(
    <main>
      <h1>Keyward</h1>
      <p role="alert">
        This page needs the session link that Keyward’s browser host printed when it started (it ends in #token=…).
      </p>
    </main>,
  )
}
