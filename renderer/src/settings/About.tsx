// Settings → Keychain (status, "Check again") and About (version, where to read more).
import { useEffect, useState } from 'react'
import type { KeywardError } from '../../../shared/result.ts'
import { keyward } from '../api.ts'
import type { KeywardStore } from '../store.ts'

/** Documentation links; their hosts are on the shell's external-link allow-list (electron/shell/external.ts). */
export const HELP_LINKS: { href: string; label: string }[] = [
  {
    href: 'https://developer.ui.com/',
    label: 'UniFi developer documentation: API keys and the Network and Protect APIs',
  },
  {
    href: 'https://www.home-assistant.io/integrations/unifiprotect/',
    label: 'Home Assistant: UniFi Protect integration',
  },
  { href: 'https://www.home-assistant.io/integrations/unifi/', label: 'Home Assistant: UniFi Network integration' },
]

export function KeychainPanel({ useStore }: { useStore: KeywardStore }) {
  const vault = useStore((s) => s.vault)
  const refreshVault = useStore((s) => s.refreshVault)
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState<KeywardError | null>(null)
  const retry = async () => {
    if (checking) return
    setChecking(true)
    setError(await refreshVault())
    setChecking(false)
  }
  const ok = vault?.available ?? false
  return (
    <section className="panel" aria-labelledby="keychain-heading" data-testid="keychain-panel">
      <h2 id="keychain-heading" className="panel-heading">
        Keychain
      </h2>
      <div className="status-line" role="status">
        <span className={`status-badge tone-${vault ? (ok ? 'ok' : 'danger') : 'warn'}`} data-testid="keychain-state">
          {vault ? (ok ? 'Available' : 'Not available') : 'Not checked yet'}
        </span>{' '}
        {vault && (
          <span className="muted">
            {ok
              ? `Keys and passwords are kept in ${vault.backend}.`
              : `${vault.problem ?? ''} Keyward does not store keys anywhere else, so it waits for the keychain.`}
          </span>
        )}
      </div>
      {error && <p className="row-note tone-danger">{error.message}</p>}
      <button
        type="button"
        className="button small secondary"
        aria-disabled={checking || undefined}
        onClick={() => void retry()}
      >
        {checking ? 'Checking…' : 'Check again'}
      </button>
    </section>
  )
}

export function AboutPanel() {
  const [version, setVersion] = useState<string | null>(null)
  useEffect(() => {
    void keyward?.app.about({}).then((r) => r.ok && setVersion(r.value.version))
  }, [])
  return (
    <section className="panel" aria-labelledby="about-heading">
      <h2 id="about-heading" className="panel-heading">
        About
      </h2>
      <p data-testid="app-version">Keyward {version ? `version ${version}` : ''}</p>
      <p className="muted">
        Makes API keys for UniFi consoles and UISP, checks them, and puts them into Home Assistant.
      </p>
      <h3>Help</h3>
      <ul className="help-links">
        {HELP_LINKS.map((l) => (
          <li key={l.href}>
            <a href={l.href} target="_blank" rel="noreferrer">
              {l.label}
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}
