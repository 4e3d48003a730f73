// The app shell: tabs along the user's nouns (Overview, Keys, Devices, Settings)
// with "New key" as the primary action, and the app-wide callouts. Without a
// fragment the app opens on the Overview when keys exist, on the wizard when
// there are none or a key is being made (a wizard flow under way).
import { lazy, Suspense, useEffect } from 'react'
import type { KeyNotification } from '../../shared/domain.ts'
import { AppIcon } from './components/AppIcon.tsx'
import { useKeys } from './keys/context.ts'
import { Overview } from './overview/Overview.tsx'
import { openView, useView, type Route, type View } from './route.ts'
import type { KeywardStore } from './store.ts'
import { useWizard } from './wizard/context.ts'
import { useUispWizard } from './wizard/uisp/context.ts'

// The Overview loads with the app; every other screen is its own chunk, fetched (from the app's own
// scheme, allowed by script-src 'self') the first time it opens: the script a window parses at start stays
// small (`npm run bench`: rendererBundle).
const Audit = lazy(() => import('./audit/Audit.tsx').then((m) => ({ default: m.Audit })))
const Devices = lazy(() => import('./devices/Devices.tsx').then((m) => ({ default: m.Devices })))
const KeysView = lazy(() => import('./keys/KeysView.tsx').then((m) => ({ default: m.KeysView })))
const Settings = lazy(() => import('./settings/Settings.tsx').then((m) => ({ default: m.Settings })))
const Wizard = lazy(() => import('./wizard/Wizard.tsx').then((m) => ({ default: m.Wizard })))

const TABS: { view: View; label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'keys', label: 'Keys' },
  { view: 'devices', label: 'Devices' },
  { view: 'settings', label: 'Settings' },
]

/** 'home' (no fragment) → the Overview with keys, else the wizard; null while the keys load. */
function useHome(route: Route): View | null {
  const keys = useKeys((s) => s.keys)
  const loaded = useKeys((s) => s.loaded)
  const failed = useKeys((s) => s.error !== null)
  const load = useKeys((s) => s.load)
  const wizardUnderWay = useWizard((s) => s.step !== 'goal')
  const uispUnderWay = useUispWizard((s) => s.step !== 'off')
  useEffect(() => {
    if (route === 'home') void load()
  }, [route, load])
  if (route !== 'home') return route
  if (wizardUnderWay || uispUnderWay) return 'new'
  if (!loaded) return failed ? 'new' : null
  return keys.length > 0 ? 'overview' : 'new'
}

export function App({ useStore }: { useStore: KeywardStore }) {
  const notification = useStore((s) => s.notification)
  const dismissNotification = useStore((s) => s.dismissNotification)
  const load = useStore((s) => s.load)
  const [route, setView] = useView()
  const view = useHome(route)
  const demo = useStore((s) => s.desktop?.demo === true)

  useEffect(() => {
    void load()
  }, [load])

  return (
    <div className="app">
      {demo && (
        <aside className="demo-banner" aria-label="Demo" data-testid="demo-banner">
          Demo: simulated lab, nothing leaves this computer
        </aside>
      )}
      <header className="app-header">
        <div className="brand">
          <AppIcon app="keyward" className="brand-mark" />
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
          <button
            type="button"
            className="button primary new-key"
            aria-current={view === 'new' ? 'page' : undefined}
            onClick={() => setView('new')}
          >
            New key
          </button>
        </nav>
      </header>
      <main className={view === 'keys' || view === 'devices' ? 'wide' : undefined}>
        <AppCallouts useStore={useStore} />
        {notification && view !== 'keys' && view !== 'overview' && (
          <Notice
            notification={notification}
            onOpen={() => {
              dismissNotification()
              setView('keys')
            }}
            onDismiss={dismissNotification}
          />
        )}
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Screen view={view} useStore={useStore} go={setView} />
        </Suspense>
      </main>
    </div>
  )
}

function Screen({ view, useStore, go }: { view: View | null; useStore: KeywardStore; go: (view: View) => void }) {
  switch (view) {
    case null:
      return <p className="muted">Loading…</p>
    case 'overview':
      return (
        <Overview useStore={useStore} go={go} openKey={(id) => openView('keys', `key=${encodeURIComponent(id)}`)} />
      )
    case 'new':
      return <Wizard />
    case 'keys':
      return <KeysView onNewKey={() => go('new')} />
    case 'devices':
      return <Devices />
    case 'settings':
      return <Settings useStore={useStore} />
    case 'audit':
      return <Audit />
  }
}

/** The keychain, a damaged settings file, a desktop without a tray, a failed load: said on every screen. */
function AppCallouts({ useStore }: { useStore: KeywardStore }) {
  const vault = useStore((s) => s.vault)
  const loadError = useStore((s) => s.loadError)
  const settingsStatus = useStore((s) => s.settingsStatus)
  const trayHost = useStore((s) => s.desktop?.trayHost ?? null)
  return (
    <>
      {vault && !vault.available && (
        <p className="callout callout-warn" role="alert">
          The system keychain is not available: {vault.problem} Keyward will not store keys until it is.
        </p>
      )}
      {settingsStatus?.recoveredFrom && (
        <p className="callout callout-warn" role="alert">
          Keyward’s settings file was damaged, so Keyward started with fresh settings. The damaged file was kept as{' '}
          <code>{settingsStatus.recoveredFrom}</code>. The keys themselves are still on your consoles and in the system
          keychain.
        </p>
      )}
      {trayHost && !trayHost.available && (
        <p className="callout callout-warn" role="status" data-testid="no-tray-host">
          Keyward’s tray icon cannot be shown on this desktop. It keeps checking your keys after you close this window;
          open Keyward again from your applications menu to come back. {trayHost.advice}
        </p>
      )}
      {loadError && (
        <p className="callout callout-warn" role="alert">
          {loadError.message}
        </p>
      )}
    </>
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
