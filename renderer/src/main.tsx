import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { keyward } from './api.ts'
import { App } from './App.tsx'
import { createKeywardStore } from './store.ts'
import { WizardContext } from './wizard/context.ts'
import { createWizardStore } from './wizard/store.ts'
import './styles.css'

const root = createRoot(document.getElementById('root')!)
if (keyward) {
  const useStore = createKeywardStore(keyward)
  const useWizardStore = createWizardStore(keyward)
  root.render(
    <StrictMode>
      <WizardContext.Provider value={useWizardStore}>
        <App useStore={useStore} />
      </WizardContext.Provider>
    </StrictMode>,
  )
} else {
  root.render(
    <main>
      <h1>Keyward</h1>
      <p role="alert">
        This page needs the session link that Keyward’s browser host printed when it started (it ends in
        #token=…).
      </p>
    </main>,
  )
}
