// Everything discovery found, one row per device (the inventory's cards):
// consoles and NVRs with the apps on each host, UniFi/UISP devices, UISP
// servers and Home Assistant, with how each was found. Live as results arrive.
import { useEffect, useState } from 'react'
import type { DiscoveryStatus, InventoryItem, InventoryKind } from '../../../shared/inventory.ts'
import type { KeywardError } from '../../../shared/result.ts'
import { keyward } from '../api.ts'
import { formatMac } from '../format.ts'

const KIND: Record<InventoryKind, string> = {
  console: 'UniFi OS console',
  nvr: 'Network video recorder',
  device: 'Device',
  'uisp-server': 'UISP server',
  'home-assistant': 'Home Assistant',
}
const COUNTED: Record<InventoryKind, [string, string]> = {
  console: ['UniFi OS console', 'UniFi OS consoles'],
  nvr: ['video recorder', 'video recorders'],
  device: ['device', 'devices'],
  'uisp-server': ['UISP server', 'UISP servers'],
  'home-assistant': ['Home Assistant', 'Home Assistants'],
}
const FOUND: Record<string, string> = {
  'ubnt-v1': 'UBNT v1',
  'ubnt-v2': 'UBNT v2',
  airos: 'airOS',
  mdns: 'mDNS',
  https: 'HTTPS',
  manual: 'typed in',
}

export function InventoryView() {
  const [items, setItems] = useState<InventoryItem[] | null>(null)
  const [status, setStatus] = useState<DiscoveryStatus | null>(null)
  const [error, setError] = useState<KeywardError | null>(null)

  useEffect(() => {
    if (!keyward) return
    const api = keyward
    const offItems = api.on('inventory.changed', setItems)
    const offStatus = api.on('discovery.changed', setStatus)
    void (async () => {
      const current = await api.discovery.status({})
      const started = current.ok && !current.value.running ? await api.discovery.start({}) : current
      if (started.ok) setStatus(started.value)
      else setError(started.error)
      const list = await api.inventory.list({})
      if (list.ok) setItems((prev) => prev ?? list.value)
    })()
    return () => {
      offItems()
      offStatus()
    }
  }, [])

  const counts = (items ?? []).reduce<Record<string, number>>(
    (acc, i) => ({ ...acc, [i.kind]: (acc[i.kind] ?? 0) + 1 }),
    {},
  )
  return (
    <section className="inventory-view" aria-labelledby="inventory-heading">
      <h2 id="inventory-heading" className="screen-heading">
        On your network
      </h2>
      <p className="lead" aria-live="polite">
        {error
          ? error.message
          : items === null
            ? 'Looking…'
            : items.length === 0
              ? status?.scanning
                ? 'Looking… nothing has answered yet.'
                : 'Nothing found yet. Consoles answer within a few seconds; check that this computer is on the same network.'
              : `${items.length} found: ${Object.entries(counts)
                  .map(([k, n]) => `${n} ${COUNTED[k as InventoryKind][n === 1 ? 0 : 1]}`)
                  .join(', ')}${status?.scanning ? ' — still looking' : ''}.`}
      </p>
      {status?.notices.map((n) => (
        <p key={`${n.code}-${n.interface ?? ''}`} className="callout callout-warn" role="note">
          {n.message}
        </p>
      ))}
      {items && items.length > 0 && (
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
                  <td data-col="found">{i.foundBy.map((f) => FOUND[f] ?? f).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
