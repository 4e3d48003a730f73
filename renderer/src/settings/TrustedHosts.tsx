// Settings → Trusted consoles and servers: every console and UISP server whose
// certificate Keyward keeps, with "Check certificate" (probe again; when it is new
// or changed, show it to compare and trust only on the user's word: console.trust /
// uisp.trust with the fingerprint shown) and "Forget" (confirmed first: console.forget /
// uisp.forget). Below, "Add a console by address" (the old Consoles screen's probe).
import { useEffect, useRef, useState } from 'react'
import type { UispServerRecord } from '../../../shared/domain.ts'
import { keyward } from '../api.ts'
import { AddressForm } from '../components/AddressForm.tsx'
import { ProbeResult } from '../components/ProbeResult.tsx'
import { fingerprintLines } from '../format.ts'
import { useKeys } from '../keys/context.ts'
import { ConfirmActions, Dialog } from '../keys/Dialog.tsx'
import type { KeywardStore } from '../store.ts'
import { forgetConsequences, shortFingerprint, trustedHosts, type TrustedHost } from './trusted.ts'

type Check =
  | { phase: 'checking' }
  | { phase: 'same' }
  | { phase: 'compare'; sha256: string; changed: boolean }
  | { phase: 'failed'; message: string }

export function TrustedHosts({ useStore }: { useStore: KeywardStore }) {
  const consoles = useStore((s) => s.consoles)
  const probe = useStore((s) => s.probe)
  const probeAddress = useStore((s) => s.probeAddress)
  const keys = useKeys((s) => s.keys)
  const [servers, setServers] = useState<UispServerRecord[]>([])
  const [forgetting, setForgetting] = useState<TrustedHost | null>(null)
  const [status, setStatus] = useState<string | null>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)

  // UISP servers have no change event: read on open and after a forget.
  const [serversRead, setServersRead] = useState(0)
  useEffect(() => {
    let live = true
    void keyward?.uisp.servers({}).then((r) => {
      if (live && r.ok) setServers(r.value)
    })
    return () => {
      live = false
    }
  }, [serversRead])

  const hosts = trustedHosts(consoles, servers, keys)
  const consoleRows = hosts.filter((h) => h.kind === 'console')
  const serverRows = hosts.filter((h) => h.kind === 'uisp')
  const forgotten = (host: TrustedHost) => {
    setForgetting(null)
    setStatus(`Forgot ${host.name}.`)
    setServersRead((n) => n + 1)
    headingRef.current?.focus()
  }

  return (
    <section className="panel" aria-labelledby="trusted-heading" data-testid="trusted-hosts">
      <h2 id="trusted-heading" ref={headingRef} tabIndex={-1} className="panel-heading">
        Trusted consoles and servers
      </h2>
      <p className="lead">
        Keyward sends a password or key only to a device whose certificate you confirmed. Check one again after you
        replaced its certificate; forget one you no longer use.
      </p>
      {consoleRows.length === 0 ? (
        <p className="empty">No consoles yet. Make a key, or add one by address below.</p>
      ) : (
        <HostList label="Known consoles" hosts={consoleRows} onForget={setForgetting} onTrusted={setStatus} />
      )}
      {serverRows.length > 0 && (
        <HostList label="UISP servers" hosts={serverRows} onForget={setForgetting} onTrusted={setStatus} />
      )}
      <div className="list-message" role="status">
        {status && (
          <p className="row-note tone-ok" data-testid="trusted-status">
            {status}
          </p>
        )}
      </div>
      <details className="why add-console">
        <summary>Add a console by address</summary>
        <AddressForm
          busy={probe.status === 'running'}
          error={probe.status === 'failed' ? probe.error : null}
          onSubmit={(a) => void probeAddress(a)}
        />
        <ProbeResult probe={probe} />
      </details>
      {forgetting && (
        <ForgetDialog
          host={forgetting}
          onClose={() => setForgetting(null)}
          onDone={forgotten}
          fallbackFocus={() => headingRef.current}
        />
      )}
    </section>
  )
}

function HostList(props: {
  label: string
  hosts: TrustedHost[]
  onForget: (host: TrustedHost) => void
  onTrusted: (text: string) => void
}) {
  return (
    <ul className="trusted-list" aria-label={props.label}>
      {props.hosts.map((h) => (
        <HostItem key={h.key} host={h} onForget={() => props.onForget(h)} onTrusted={props.onTrusted} />
      ))}
    </ul>
  )
}

function HostItem({
  host,
  onForget,
  onTrusted,
}: {
  host: TrustedHost
  onForget: () => void
  onTrusted: (text: string) => void
}) {
  const [check, setCheck] = useState<Check | null>(null)
  const recheck = async () => {
    if (!keyward || check?.phase === 'checking') return
    setCheck({ phase: 'checking' })
    const r =
      host.kind === 'console'
        ? await keyward.console.probe({ address: host.key })
        : await keyward.uisp.probe({ address: host.key })
    if (!r.ok) return setCheck({ phase: 'failed', message: r.error.message })
    const sha256 = r.value.certificate.sha256
    setCheck(
      sha256 === host.sha256 && host.confirmed
        ? { phase: 'same' }
        : { phase: 'compare', sha256, changed: sha256 !== host.sha256 },
    )
  }
  const trust = async (sha256: string) => {
    if (!keyward) return
    const r =
      host.kind === 'console'
        ? await keyward.console.trust({ key: host.key, sha256 })
        : await keyward.uisp.trust({ key: host.key, sha256 })
    if (!r.ok) return setCheck({ phase: 'failed', message: r.error.message })
    setCheck(null)
    onTrusted(`Keyward now trusts the certificate ${host.name} presents.`)
  }
  return (
    <li className="trusted-item" data-testid="trusted-host" data-key={host.key}>
      <div className="trusted-body">
        <strong>{host.name}</strong> <span className="muted">{host.what}</span>
        <span className={`status-badge tone-${host.confirmed ? 'ok' : 'warn'}`}>
          {host.confirmed ? 'Certificate confirmed' : 'Certificate not confirmed'}
        </span>
        <p className="muted small">
          <span className="mono">{host.key}</span> · <span className="mono">{shortFingerprint(host.sha256)}</span>
          {host.keys > 0 && ` · ${host.keys} key${host.keys === 1 ? '' : 's'}`}
        </p>
        {host.accessPin && (
          <p className="muted small" data-testid="access-pin">
            Access’s API port has its own certificate, confirmed:{' '}
            <span className="mono" title={host.accessPin}>
              {shortFingerprint(host.accessPin)}
            </span>
          </p>
        )}
        <CheckResult check={check} host={host} onTrust={(sha) => void trust(sha)} />
      </div>
      <div className="trusted-actions">
        <button type="button" className="button small secondary" onClick={() => void recheck()}>
          Check certificate<span className="visually-hidden"> of {host.name}</span>
        </button>
        <button type="button" className="button small secondary danger" onClick={onForget}>
          Forget<span className="visually-hidden"> {host.name}</span>
        </button>
      </div>
    </li>
  )
}

function CheckResult({
  check,
  host,
  onTrust,
}: {
  check: Check | null
  host: TrustedHost
  onTrust: (sha256: string) => void
}) {
  const { name } = host
  if (!check) return null
  if (check.phase === 'checking') return <p className="row-busy">Contacting {name}…</p>
  if (check.phase === 'failed') return <p className="row-note tone-danger">{check.message}</p>
  if (check.phase === 'same')
    return <p className="row-note tone-ok">{name} still presents the certificate you trusted.</p>
  const [a, b] = fingerprintLines(check.sha256)
  return (
    <div className={`callout callout-${check.changed ? 'danger' : 'info'}`}>
      <p className="callout-title">
        {check.changed ? `The certificate of ${name} has changed` : `Confirm the certificate of ${name}`}
      </p>
      <p>Compare this fingerprint with the one the device shows (its settings, or its web page in a browser):</p>
      <p className="fingerprint mono" aria-label={`Certificate fingerprint ${check.sha256}`}>
        <span>{a}</span> <span>{b}</span>
      </p>
      {host.accessPin && (
        <p data-testid="access-pin-drops">
          Trusting it also forgets the certificate you confirmed for Access’s API port: the next check of an Access key
          asks you to confirm that one again.
        </p>
      )}
      <button type="button" className="button small primary" onClick={() => onTrust(check.sha256)}>
        It matches: trust it
      </button>
    </div>
  )
}

function ForgetDialog(props: {
  host: TrustedHost
  onClose: () => void
  onDone: (host: TrustedHost) => void
  fallbackFocus: () => HTMLElement | null
}) {
  const { host } = props
  const [problem, setProblem] = useState<string | null>(null)
  const [working, setWorking] = useState(false)
  const confirm = async () => {
    if (!keyward || working) return
    setWorking(true)
    const r =
      host.kind === 'console'
        ? await keyward.console.forget({ key: host.key })
        : await keyward.uisp.forget({ key: host.key })
    setWorking(false)
    if (!r.ok) return setProblem(r.error.message)
    props.onDone(host)
  }
  return (
    <Dialog
      title={`Forget ${host.name}?`}
      tone="danger"
      onClose={props.onClose}
      fallbackFocus={props.fallbackFocus}
      testId="forget-host-dialog"
      description={
        <ul className="consequences">
          {forgetConsequences(host).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      }
    >
      {problem && (
        <p className="callout callout-danger" role="alert">
          {problem}
        </p>
      )}
      <ConfirmActions
        onCancel={props.onClose}
        onConfirm={() => void confirm()}
        working={working}
        label={working ? 'Forgetting…' : `Forget ${host.name}`}
      />
    </Dialog>
  )
}
