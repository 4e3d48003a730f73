// The Devices tab's groups (issue 17 "grouped with consoles first and
// actionable"): consoles with their apps and "Make a key here", Home Assistant
// with "Connect this Home Assistant", UISP servers with "Make a UISP key", then
// every other device compactly, by model. Titles are stable (model.ts
// stableTitles); how a device was found (protocol names) and on which addresses
// is in each card's details element only.
import { useId, type ReactNode } from 'react'
import type { DiscoveryMethod, InventoryItem } from '../../../shared/inventory.ts'
import { AppIcon } from '../components/AppIcon.tsx'
import { formatMac } from '../format.ts'
import { openView } from '../route.ts'
import { APP_NAME, consoleKey, laterName, type OtherGroup, type ShownTitle } from './model.ts'

/** How a device was found, for the details element only. */
export const FOUND_BY: Record<DiscoveryMethod, string> = {
  'ubnt-v1': 'UBNT discovery v1 (UDP 10001)',
  'ubnt-v2': 'UBNT discovery v2 (UDP 10001)',
  airos: 'airOS announcement (UDP 10002)',
  mdns: 'mDNS',
  https: 'HTTPS',
  manual: 'typed in',
}

export type Titles = ReadonlyMap<string, ShownTitle>

const titleOf = (titles: Titles, item: InventoryItem): string => titles.get(item.id)?.title ?? item.name ?? item.id

function Details({ item, titles, children }: { item: InventoryItem; titles: Titles; children?: ReactNode }) {
  const other = laterName(item, titles.get(item.id))
  return (
    <details className="device-details">
      <summary>Details</summary>
      <dl>
        {other && (
          <>
            <dt>Also called</dt>
            <dd>{other}</dd>
          </>
        )}
        {children}
        <dt>Addresses</dt>
        <dd className="mono">{item.addresses.join(', ') || 'none yet'}</dd>
        {item.mac && (
          <>
            <dt>MAC address</dt>
            <dd className="mono">{formatMac(item.mac)}</dd>
          </>
        )}
        {item.version && (
          <>
            <dt>Version</dt>
            <dd>{item.version}</dd>
          </>
        )}
        <dt>Found by</dt>
        <dd>{item.foundBy.map((f) => FOUND_BY[f]).join(', ')}</dd>
      </dl>
    </details>
  )
}

/** What a card offers: one button, described by the card's title. */
interface CardAction {
  label: string
  go: () => void
}

function Card({
  item,
  titles,
  testId,
  line,
  action,
  note,
}: {
  item: InventoryItem
  titles: Titles
  testId: string
  line: ReactNode
  action: CardAction | null
  note?: ReactNode
}) {
  const titleId = useId()
  return (
    <li className="device-card" data-testid={testId} data-id={item.id}>
      <div className="device-card-head">
        <h4 id={titleId} className="device-title">
          {titleOf(titles, item)}
        </h4>
        {item.model && <span className="model">{item.model}</span>}
      </div>
      <div className="device-line">{line}</div>
      <div className="device-actions">
        {note}
        {action && (
          <button type="button" className="button secondary" aria-describedby={titleId} onClick={action.go}>
            {action.label}
          </button>
        )}
      </div>
      <Details item={item} titles={titles} />
    </li>
  )
}

/** The apps a console runs, each with its glyph; or why none are listed. */
function Apps({ item }: { item: InventoryItem }) {
  if (item.apps.length === 0) return <>{item.httpsPort === null ? 'apps not checked yet' : 'no apps answered'}</>
  return (
    <>
      {item.apps.map((a, i) => (
        <span key={a} className="device-app">
          {i > 0 && ', '}
          <AppIcon app={a} /> {APP_NAME[a]}
        </span>
      ))}
    </>
  )
}

/** What one card says and offers, besides its title and details. */
interface CardBody {
  line: ReactNode
  action: CardAction | null
  note?: ReactNode
}

function CardList({
  items,
  titles,
  testId,
  body,
}: {
  items: InventoryItem[]
  titles: Titles
  testId: string
  body: (item: InventoryItem) => CardBody
}) {
  return (
    <ul className="device-cards">
      {items.map((item) => (
        <Card key={item.id} item={item} titles={titles} testId={testId} {...body(item)} />
      ))}
    </ul>
  )
}

function consoleBody(item: InventoryItem): CardBody {
  const key = consoleKey(item)
  const legacy = item.platform === 'legacy-network'
  return {
    line: (
      <>
        {item.kind === 'nvr' ? 'Video recorder' : 'Console'}
        {item.address && <span className="mono"> · {item.address}</span>}
        <span className="device-apps">
          {' · '}
          <Apps item={item} />
        </span>
      </>
    ),
    note: legacy && <p className="muted">The self-hosted Network application has no local API keys.</p>,
    action:
      key && !legacy
        ? { label: 'Make a key here', go: () => openView('new', `console=${encodeURIComponent(key)}`) }
        : null,
  }
}

function homeAssistantBody(item: InventoryItem): CardBody {
  const url = item.homeAssistant?.connectUrl ?? null
  return {
    line: (
      <>
        Home Assistant{item.version ? ` ${item.version}` : ''}
        {url && <span className="mono"> · {url}</span>}
      </>
    ),
    action: {
      label: 'Connect this Home Assistant',
      go: () => openView('settings', `focus=ha-connect${url ? `&ha=${encodeURIComponent(url)}` : ''}`),
    },
  }
}

function uispServerBody(item: InventoryItem): CardBody {
  const key = consoleKey(item)
  return {
    line: (
      <>
        UISP server{item.uisp?.version ? ` ${item.uisp.version}` : ''}
        {key && <span className="mono"> · {key}</span>}
      </>
    ),
    action: key ? { label: 'Make a UISP key', go: () => openView('new', `uisp=${encodeURIComponent(key)}`) } : null,
  }
}

export const ConsoleCards = ({ items, titles }: { items: InventoryItem[]; titles: Titles }) => (
  <CardList items={items} titles={titles} testId="console-card" body={consoleBody} />
)

export const HomeAssistantCards = ({ items, titles }: { items: InventoryItem[]; titles: Titles }) => (
  <CardList items={items} titles={titles} testId="ha-card" body={homeAssistantBody} />
)

export const UispServerCards = ({ items, titles }: { items: InventoryItem[]; titles: Titles }) => (
  <CardList items={items} titles={titles} testId="uisp-card" body={uispServerBody} />
)

/** Everything else, one line per model: "U7PG2 · 12", its devices listed on request. */
export function OtherDevices({ groups, titles }: { groups: OtherGroup[]; titles: Titles }) {
  return (
    <ul className="device-groups">
      {groups.map((g) => (
        <li key={g.label} className="device-group" data-testid="device-group">
          <details>
            <summary>
              <span className="device-group-label">{g.label}</span>{' '}
              <span className="device-group-count">{g.items.length}</span>
            </summary>
            <ul className="device-group-items">
              {g.items.map((item) => (
                <li key={item.id}>
                  <span>{titleOf(titles, item)}</span>
                  {item.address && <span className="mono muted"> {item.address}</span>}
                  {item.state === 'default' && <span className="muted"> · not set up yet</span>}
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  )
}
