// Everything discovery found, as the Devices tab shows it (issue 17): the scan's
// summary line, then the groups people act on — consoles first, Home Assistant,
// UISP servers (with the subnet search) — then other devices by model, an
// address to add by hand, and the full table (how each was found) on request.
import { useMemo, useState, type ReactNode } from 'react'
import type { InventoryItem } from '../../../shared/inventory.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { keyward } from '../api.ts'
import { AddressEntry } from '../components/AddressEntry.tsx'
import { ConsoleCards, FOUND_BY, HomeAssistantCards, OtherDevices, UispServerCards } from '../devices/DeviceCards.tsx'
import { DiscoverySummary } from '../devices/DiscoverySummary.tsx'
import { groupInventory, stableTitles, type ShownTitle } from '../devices/model.ts'
import { UispSearch } from '../devices/UispSearch.tsx'
import { useDiscovery } from '../devices/use-discovery.ts'
import { formatMac } from '../format.ts'

const KIND: Record<InventoryItem['kind'], string> = {
  console: 'UniFi OS console',
  nvr: 'Network video recorder',
  device: 'Device',
  'uisp-server': 'UISP server',
  'home-assistant': 'Home Assistant',
}

/** Titles fixed when first shown (model.ts), carried from one inventory to the next (state from props). */
function useStableTitles(items: InventoryItem[]): ReadonlyMap<string, ShownTitle> {
  const [shown, setShown] = useState(() => ({ items, titles: stableTitles(new Map(), items) }))
  if (shown.items === items) return shown.titles
  const next = { items, titles: stableTitles(shown.titles, items) }
  setShown(next)
  return next.titles
}

export function InventoryView() {
  const discovery = useDiscovery()
  const { items, status } = discovery
  const list = useMemo(() => items ?? [], [items])
  const groups = useMemo(() => groupInventory(list), [list])
  const titles = useStableTitles(list)
  return (
    <section className="inventory-view" aria-labelledby="inventory-heading">
      <h2 id="inventory-heading" className="screen-heading">
        On your network
      </h2>
      <DiscoverySummary
        items={items}
        status={status}
        error={discovery.error}
        onScanAgain={() => void discovery.scanAgain()}
      />
      <Section id="consoles-heading" title="Consoles">
        {groups.consoles.length > 0 ? (
          <ConsoleCards items={groups.consoles} titles={titles} />
        ) : (
          <p className="muted">No console found yet. Enter its address below if you know it.</p>
        )}
      </Section>
      {groups.homeAssistants.length > 0 && (
        <Section id="ha-found-heading" title="Home Assistant">
          <HomeAssistantCards items={groups.homeAssistants} titles={titles} />
        </Section>
      )}
      <Section id="uisp-found-heading" title="UISP servers">
        {groups.uispServers.length > 0 ? (
          <UispServerCards items={groups.uispServers} titles={titles} />
        ) : (
          <p className="muted">A UISP server does not announce itself; Keyward can look for it address by address.</p>
        )}
        <UispSearch
          progress={status?.uispSearch ?? null}
          running={status?.running ?? false}
          onSearch={() => void discovery.searchUisp()}
          onCancel={() => void discovery.cancelUispSearch()}
        />
      </Section>
      {groups.others.length > 0 && (
        <Section id="others-heading" title="Other devices">
          <OtherDevices groups={groups.others} titles={titles} />
        </Section>
      )}
      <AddDevice />
      {list.length > 0 && <AllDevices items={list} />}
    </section>
  )
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="device-section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  )
}

/** A device discovery cannot see (another VLAN, a firewall): checked by its address. */
function AddDevice() {
  const [running, setRunning] = useState(false)
  const [error, setError] = useState<KeywardError | null>(null)
  const add = async (address: string): Promise<boolean> => {
    if (!keyward) return false
    setRunning(true)
    setError(null)
    const outcome = await keyward.inventory.addManual({ address })
    setRunning(false)
    if (!outcome.ok) {
      setError(outcome.error)
      return false
    }
    if (!outcome.value.ok) {
      const { code, message, detail } = outcome.value
      setError({ code, message, ...(detail ? { detail } : {}) })
      return false
    }
    return true
  }
  return (
    <AddressEntry
      heading="Add a device by its address"
      label="Device address"
      placeholder="192.168.1.1 or unvr.lan:443"
      running={running}
      error={error}
      onAdd={add}
    />
  )
}

/** Every card with how it was found: the technical view, closed by default. */
function AllDevices({ items }: { items: InventoryItem[] }) {
  return (
    <details className="all-devices">
      <summary>Everything found, with how each was found</summary>
      <div className="table-wrap">
        <table className="inventory-table" aria-label="Devices found">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Name</th>
              <th scope="col">Model</th>
              <th scope="col">Addresses</th>
              <th scope="col">MAC</th>
              <th scope="col">Apps on this host</th>
              <th scope="col">Found by</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id} data-id={i.id}>
                <td data-col="kind">{KIND[i.kind]}</td>
                <td data-col="name">{i.name ?? '—'}</td>
                <td data-col="model">{i.model ?? '—'}</td>
                <td data-col="addresses">{i.addresses.join(', ')}</td>
                <td data-col="mac">{i.mac ? formatMac(i.mac) : '—'}</td>
                <td data-col="apps">{i.apps.length ? [...i.apps].sort().join(', ') : '—'}</td>
                <td data-col="found">{i.foundBy.map((f) => FOUND_BY[f]).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}
