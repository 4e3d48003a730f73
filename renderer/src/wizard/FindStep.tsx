import { useEffect, useId, useMemo, useState } from 'react'
import type { UnifiApp } from '../../../shared/domain.ts'
import type { DiscoveryStatus } from '../../../shared/inventory.ts'
import { AddressEntry } from '../components/AddressEntry.tsx'
import { useWizard } from './context.ts'
import { appName, appShort, buildCards, otherFinds, type ConsoleCard, type ProbeEntry } from './model.ts'
import { Actions, Callout, ErrorCallout, Screen } from './parts.tsx'

export function FindStep() {
  const app = useWizard((s) => s.app)!
  const inventory = useWizard((s) => s.inventory)
  const known = useWizard((s) => s.known)
  const probes = useWizard((s) => s.probes)
  const advice = useWizard((s) => s.advice)
  const selectedKey = useWizard((s) => s.selectedKey)
  const selectedBy = useWizard((s) => s.selectedBy)
  const busy = useWizard((s) => s.busy)
  const error = useWizard((s) => s.error)
  const startFinding = useWizard((s) => s.startFinding)
  const select = useWizard((s) => s.select)
  const continueWith = useWizard((s) => s.continueWith)
  const goTo = useWizard((s) => s.goTo)
  const [loaded, setLoaded] = useState(false)

  useEffect(() => {
    let live = true
    void startFinding().finally(() => {
      if (live) setLoaded(true)
    })
    return () => {
      live = false
    }
  }, [startFinding])

  const cards = useMemo(() => orderCards(buildCards(inventory, known, probes)), [inventory, known, probes])
  const others = useMemo(() => otherFinds(inventory), [inventory])
  const selected = cards.find((c) => c.key === selectedKey) ?? null
  const adviceForApp = advice?.app === app ? advice : null
  const best = adviceForApp?.ranked[0] ?? null
  const warning =
    selectedBy === 'user' && selectedKey && best && best.key !== selectedKey
      ? (adviceForApp?.pickedWarning ?? null)
      : null

  return (
    <Screen id="find" title={`Which console runs ${appShort(app)}?`}>
      <p className="lead">
        Every console keeps its own keys, so the key must be made on the one that runs {appName(app)} for you. Keyward
        looks on your network and picks it.
      </p>
      <DiscoveryBar loaded={loaded} consoles={cards.length} others={others} />

      <ConsoleList
        loaded={loaded}
        cards={cards}
        app={app}
        probes={probes}
        selectedKey={selectedKey}
        ranked={adviceForApp?.ranked ?? null}
        bestKey={best?.key ?? null}
        onSelect={select}
      />

      <DiscoveryNotices />

      <div className="warning-slot" aria-live="polite">
        {warning && best && <PickedWarning warning={warning} best={best} onUse={() => select(best.key)} />}
      </div>

      <ManualAddress />

      {error && (
        <ErrorCallout
          error={error}
          title={
            error.code === 'unsupported' ? 'Keyward cannot make keys there' : 'Keyward could not reach that console'
          }
        />
      )}

      <FindActions selected={selected} busy={busy} onBack={() => goTo('goal')} onContinue={continueWith} />
    </Screen>
  )
}

/**
 * A stable order (name, then address), so cards never jump under the pointer
 * while checks and advice arrive; the recommendation is a badge and the selection.
 */
function orderCards(cards: ConsoleCard[]): ConsoleCard[] {
  const label = (c: ConsoleCard) => (c.name ?? c.key ?? c.id).toLowerCase()
  return [...cards].sort((a, b) => label(a).localeCompare(label(b)) || (a.key ?? a.id).localeCompare(b.key ?? b.id))
}

function DiscoveryBar({ loaded, consoles, others }: { loaded: boolean; consoles: number; others: string | null }) {
  const discovery = useWizard((s) => s.discovery)
  const rescan = useWizard((s) => s.rescan)
  const scanning = !loaded || (discovery?.scanning ?? false)
  return (
    <div className="discovery">
      <div className="discovery-line">
        <span className={`pulse${scanning ? ' on' : ''}`} aria-hidden="true" />
        <p role="status" className="discovery-status">
          {statusText(discovery, scanning, consoles)}
          {others && <span className="muted"> Also on the network: {others}.</span>}
        </p>
        <button type="button" className="button link" onClick={() => void rescan()} disabled={scanning}>
          Scan again
        </button>
      </div>
    </div>
  )
}

/** Port busy, no interface, mDNS trouble…: below the list, so cards never move when one arrives. */
function DiscoveryNotices() {
  const discovery = useWizard((s) => s.discovery)
  const discoveryError = useWizard((s) => s.discoveryError)
  const notices = discovery?.notices ?? []
  return (
    <>
      {discoveryError && <ErrorCallout error={discoveryError} title="Discovery could not start" />}
      {notices.length > 0 && (
        <Callout tone="warn" title="Discovery may miss devices" label="Discovery notices">
          <ul className="notices">
            {notices.map((n) => (
              <li key={`${n.code}-${n.interface ?? ''}-${n.message}`}>{n.message}</li>
            ))}
          </ul>
        </Callout>
      )}
    </>
  )
}

function statusText(status: DiscoveryStatus | null, scanning: boolean, consoles: number): string {
  const where = status && status.interfaces.length > 0 ? ` on ${status.interfaces.join(', ')}` : ''
  const found = consoles === 0 ? 'No consoles yet.' : `${consoles} console${consoles === 1 ? '' : 's'} found.`
  if (scanning) return `Looking for consoles${where}… ${consoles > 0 ? found : ''}`.trim()
  if (!status?.running) return `Discovery is off. ${found}`
  return `Listening${where}. ${found}`
}

function EmptyState({ loaded }: { loaded: boolean }) {
  if (!loaded) {
    return (
      <div className="empty-state" aria-hidden="true">
        <div className="skeleton" />
        <div className="skeleton" />
      </div>
    )
  }
  return (
    <div className="empty-state">
      <p className="empty-title">Nothing found yet.</p>
      <ul className="hints">
        <li>
          Your computer and the console must be on the same network (the same VLAN); discovery does not cross routers.
        </li>
        <li>A firewall between them can block UniFi discovery (UDP port 10001).</li>
        <li>Enter the console’s address below: the one you open in a browser, such as 192.168.1.1.</li>
      </ul>
    </div>
  )
}

function ConsoleOption({
  card,
  app,
  probe,
  selected,
  recommendation,
  best,
  onSelect,
}: {
  card: ConsoleCard
  app: UnifiApp
  probe: ProbeEntry | undefined
  selected: boolean
  recommendation: Recommendation | null
  best: boolean
  onSelect(key: string): void
}) {
  const base = `card-${card.id.replace(/[^A-Za-z0-9_-]/g, '_')}`
  const disabled = card.key === null || card.unsupported
  return (
    <label
      className={`console-option${selected ? ' selected' : ''}${disabled ? ' disabled' : ''}`}
      data-testid="console-card"
    >
      <input
        type="radio"
        name="console"
        value={card.key ?? ''}
        checked={selected}
        disabled={disabled}
        onChange={() => card.key && onSelect(card.key)}
        aria-labelledby={`${base}-title`}
        aria-describedby={`${base}-details`}
      />
      <span className="option-body">
        <span className="option-head">
          <span className="option-title" id={`${base}-title`}>
            {card.name ?? card.key ?? 'Unnamed console'}
          </span>
          {card.model && <span className="model">{card.model}</span>}
          {best && <span className="badge badge-ok">Recommended</span>}
        </span>
        <span className="option-details" id={`${base}-details`}>
          <span className="option-line">
            <span className="k">Address</span> <span className="mono">{card.key ?? 'not known yet'}</span>
          </span>
          <AppsLine card={card} app={app} />
          <span className="option-line wide">
            <span className="k">Found by</span> {card.foundBy.join(', ')}
          </span>
          <span className="option-line reason">{reasonText(card, app, probe, recommendation)}</span>
        </span>
      </span>
    </label>
  )
}

type Recommendation = { reason: string; cameras?: number }

function ConsoleList({
  loaded,
  cards,
  app,
  probes,
  selectedKey,
  ranked,
  bestKey,
  onSelect,
}: {
  loaded: boolean
  cards: ConsoleCard[]
  app: UnifiApp
  probes: Record<string, ProbeEntry>
  selectedKey: string | null
  ranked: (Recommendation & { key: string })[] | null
  bestKey: string | null
  onSelect(key: string): void
}) {
  return (
    <fieldset className="console-list" aria-busy={!loaded}>
      <legend>Consoles</legend>
      {cards.length === 0 ? (
        <EmptyState loaded={loaded} />
      ) : (
        <ul>
          {cards.map((card) => (
            <li key={card.key ?? card.id}>
              <ConsoleOption
                card={card}
                app={app}
                probe={card.key ? probes[card.key] : undefined}
                selected={card.key !== null && card.key === selectedKey}
                recommendation={ranked?.find((r) => r.key === card.key) ?? null}
                best={bestKey === card.key}
                onSelect={onSelect}
              />
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}

function FindActions({
  selected,
  busy,
  onBack,
  onContinue,
}: {
  selected: ConsoleCard | null
  busy: boolean
  onBack: () => void
  onContinue: (key: string) => Promise<unknown>
}) {
  const continueHint = useId()
  return (
    <Actions>
      <button type="button" className="button secondary" onClick={onBack}>
        Back
      </button>
      <button
        type="button"
        className="button primary"
        disabled={!selected || busy}
        aria-describedby={selected ? undefined : continueHint}
        onClick={() => selected?.key && void onContinue(selected.key)}
      >
        {busy ? 'Checking…' : selected ? `Continue with ${selected.name ?? selected.key}` : 'Continue'}
      </button>
      {!selected && (
        <span id={continueHint} className="hint actions-hint">
          Choose a console, or enter its address.
        </span>
      )}
    </Actions>
  )
}

function AppsLine({ card, app }: { card: ConsoleCard; app: UnifiApp }) {
  return (
    <span className="option-line">
      <span className="k">Apps</span>{' '}
      {!card.appsKnown ? (
        'not checked yet'
      ) : card.apps.length === 0 ? (
        'none answered'
      ) : (
        <span className="apps">
          {card.apps.map((a) => (
            <span key={a} className={`app-chip${a === app ? ' match' : ''}`}>
              {appShort(a)}
            </span>
          ))}
        </span>
      )}
    </span>
  )
}

/** The card's last line: why it cannot be used, its check, or why it is (not) the one. */
function reasonText(
  card: ConsoleCard,
  app: UnifiApp,
  probe: ProbeEntry | undefined,
  recommendation: Recommendation | null,
): string {
  const runsApp = card.apps.includes(app)
  return card.unsupported
    ? 'The self-hosted Network application (being retired): it has no local API keys. ' +
        'Move to UniFi OS Server, or give Home Assistant a username and password or a Site Manager key.'
    : probe?.status === 'running'
      ? 'Checking this console…'
      : probe?.status === 'failed'
        ? `Could not check it: ${probe.error.message}`
        : recommendation
          ? recommendation.reason
          : card.appsKnown && !runsApp
            ? `${appShort(app)} is not installed here.`
            : '\u00a0'
}

function PickedWarning({
  warning,
  best,
  onUse,
}: {
  warning: string
  best: { name?: string | null; host: string }
  onUse: () => void
}) {
  return (
    <Callout tone="warn" title="That is probably not the right console" label="Wrong console">
      <p data-testid="picked-warning">{warning}</p>
      <button type="button" className="button secondary" onClick={onUse}>
        Use {best.name ?? best.host} instead
      </button>
    </Callout>
  )
}

function ManualAddress() {
  const manual = useWizard((s) => s.manual)
  const addAddress = useWizard((s) => s.addAddress)
  return (
    <AddressEntry
      label="Console address"
      placeholder="192.168.1.1 or unvr.lan:443"
      running={manual.running}
      error={manual.error}
      onAdd={addAddress}
    />
  )
}
