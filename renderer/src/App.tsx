import { useEffect, useState } from 'react'
import type { KeywardStore } from './store.ts'
import { AddressForm } from './components/AddressForm.tsx'
import { KnownConsoles } from './components/KnownConsoles.tsx'
import { ProbeResult } from './components/ProbeResult.tsx'
import { Wizard } from './wizard/Wizard.tsx'

type View = 'wizard' | 'consoles'

export function App({ useStore }: { useStore: KeywardStore }) {
  const vault = useStore((s) => s.vault)
  const loadError = useStore((s) => s.loadError)
  const load = useStore((s) => s.load)
  const [view, setView] = useState<View>('wizard')

  useEffect(() => {
    void load()
  }, [load])

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1 className="brand-name">Keyward</h1>
        </div>
        <nav aria-label="Sections" className="sections">
          <button type="button" className="tab" aria-current={view === 'wizard' ? 'page' : undefined} onClick={() => setView('wizard')}>
            New key
          </button>
          <button type="button" className="tab" aria-current={view === 'consoles' ? 'page' : undefined} onClick={() => setView('consoles')}>
            Consoles
          </button>
        </nav>
      </header>
      <main>
        {vault && !vault.available && (
          <p className="callout callout-warn" role="alert">
            The system keychain is not available: {vault.problem} Keyward will not store keys until it is.
          </p>
        )}
        {loadError && (
          <p className="callout callout-warn" role="alert">
            {loadError.message}
          </p>
        )}
        {view === 'wizard' ? <Wizard /> : <Consoles useStore={useStore} />}
      </main>
    </div>
  )
}

/** Check any console by address and see the ones Keyward knows (the first slice's screen). */
function Consoles({ useStore }: { useStore: KeywardStore }) {
  const probe = useStore((s) => s.probe)
  const consoles = useStore((s) => s.consoles)
  const probeAddress = useStore((s) => s.probeAddress)
  return (
    <div className="consoles-view">
      <p className="lead">API keys for your UniFi consoles, made on the right host and checked.</p>
      <AddressForm busy={probe.status === 'running'} onSubmit={(a) => void probeAddress(a)} />
      <ProbeResult probe={probe} />
      <KnownConsoles consoles={consoles} />
    </div>
  )
}
