import { useEffect } from 'react'
import type { KeyNotification } from '../../shared/domain.ts'
import type { KeywardStore } from './store.ts'
import { AddressForm } from './components/AddressForm.tsx'
import { KnownConsoles } from './components/KnownConsoles.tsx'
import { ProbeResult } from './components/ProbeResult.tsx'
import { KeysView } from './keys/KeysView.tsx'
import { useView, type View } from './route.ts'
import { Wizard } from './wizard/Wizard.tsx'
import { InventoryView } from './inventory/InventoryView.tsx'
import { UispKeysPanel } from './uisp/UispKeysPanel.tsx'

const TABS: { view: View; label: string }[] = [
  { view: 'new', label: 'New key' },
  { view: 'keys', label: 'Keys' },
  { view: 'network', label: 'Network' },
  { view: 'consoles', label: 'Consoles' },
]

export function App({ useStore }: { useStore: KeywardStore }) {
  const vault = useStore((s) => s.vault)
  const loadError = useStore((s) => s.loadError)
  const settingsStatus = useStore((s) => s.settingsStatus)
  const trayHost = useStore((s) => s.desktop?.trayHost ?? null)
  const notification = useStore((s) => s.notification)
  const dismissNotification = useStore((s) => s.dismissNotification)
  const load = useStore((s) => s.load)
  const [view, setView] = useView()

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
          {TABS.map((t) => (
            <button
              key={t.view}
              type="button"
              className="tab"
              aria-current={view === t.view ? 'page' : undefined}
              onClick={() => setView(t.view)}
            >
              {t.label}
            </button>
          ))}
        </nav>
      </header>
      <main className={view === 'keys' || view === 'network' ? 'wide' : undefined}>
        {vault && !vault.available && (
          <p className="callout callout-warn" role="alert">
            The system keychain is not available: {vault.problem} Keyward will not store keys until it is.
          </p>
        )}
        {settingsStatus?.recoveredFrom && (
          <p className="callout callout-warn" role="alert">
            Keyward’s settings file was damaged, so Keyward started with fresh settings. The damaged file was kept as{' '}
            <code>{settingsStatus.recoveredFrom}</code>. The keys themselves are still on your consoles and in the
            system keychain.
          </p>
        )}
        {trayHost && !trayHost.available && (
          <p className="callout callout-warn" role="status" data-testid="no-tray-host">
            Keyward’s tray icon cannot be shown on this desktop. It keeps checking your keys after you close this
            window; open Keyward again from your applications menu to come back. {trayHost.advice}
          </p>
        )}
        {loadError && (
          <p className="callout callout-warn" role="alert">
            {loadError.message}
          </p>
        )}
        {notification && view !== 'keys' && (
          <Notice
            notification={notification}
            onOpen={() => {
              dismissNotification()
              setView('keys')
            }}
            onDismiss={dismissNotification}
          />
        )}
        {view === 'new' ? (
          <Wizard />
        ) : view === 'keys' ? (
          <KeysView onNewKey={() => setView('new')} />
        ) : view === 'network' ? (
          <InventoryView />
        ) : (
          <Consoles useStore={useStore} />
        )}
      </main>
    </div>
  )
}

/** A key needs attention (the same event the shell turns into a system notification). */
function Notice({
  notification,
  onOpen,
  onDismiss,
}: {
  notification: KeyNotification
  onOpen: () => void
  onDismiss: () => void
}) {
  return (
    <div className="callout callout-warn notice-bar" role="status" data-testid="key-notification">
      <p className="callout-title">{notification.title}</p>
      <p>{notification.body}</p>
      <div className="actions">
        <button type="button" className="button small secondary" onClick={onOpen}>
          Open the key list
        </button>
        <button type="button" className="button small link" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
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
      <UispKeysPanel />
    </div>
  )
}
