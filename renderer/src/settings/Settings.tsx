// The Settings tab: preferences, Home Assistant connections, trusted consoles and
// servers, the keychain, and About. Each section is its own component.
import { useEffect } from 'react'
import { useKeys } from '../keys/context.ts'
import type { KeywardStore } from '../store.ts'
import { AboutPanel, KeychainPanel } from './About.tsx'
import { HomeAssistantSettings } from './HomeAssistantSettings.tsx'
import { PreferencesPanel } from './Preferences.tsx'
import { TrustedHosts } from './TrustedHosts.tsx'

export function Settings({ useStore }: { useStore: KeywardStore }) {
  const load = useKeys((s) => s.load)
  useEffect(() => {
    void load() // Home Assistant connections and the keys that depend on each console
  }, [load])
  return (
    <div className="settings-view">
      <h2 className="visually-hidden">Settings</h2>
      <PreferencesPanel browserHost={!window.keyward} />
      <HomeAssistantSettings />
      <TrustedHosts useStore={useStore} />
      <p className="panel">
        <a href="#/audit">Audit every key and account on your consoles</a>: what is stale, what Keyward did.
      </p>
      <KeychainPanel useStore={useStore} />
      <AboutPanel />
    </div>
  )
}
