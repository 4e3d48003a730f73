import { useEffect } from 'react'
import type { KeywardStore } from './store.ts'
import { AddressForm } from './components/AddressForm.tsx'
import { KnownConsoles } from './components/KnownConsoles.tsx'
import { ProbeResult } from './components/ProbeResult.tsx'

export function App({ useStore }: { useStore: KeywardStore }) {
  const probe = useStore((s) => s.probe)
  const consoles = useStore((s) => s.consoles)
  const vault = useStore((s) => s.vault)
  const loadError = useStore((s) => s.loadError)
  const load = useStore((s) => s.load)
  const probeAddress = useStore((s) => s.probeAddress)

  useEffect(() => {
    void load()
  }, [load])

  return (
    <main>
      <header>
        <h1>Keyward</h1>
        <p className="muted">API keys for your UniFi consoles, made on the right host and checked.</p>
      </header>
      {vault && !vault.available && (
        <p className="warning" role="alert">
          The system keychain is not available: {vault.problem} Keyward will not store keys until it is.
        </p>
      )}
      {loadError && (
        <p className="warning" role="alert">
          {loadError.message}
        </p>
      )}
      <AddressForm busy={probe.status === 'running'} onSubmit={(a) => void probeAddress(a)} />
      <ProbeResult probe={probe} />
      <KnownConsoles consoles={consoles} />
    </main>
  )
}
