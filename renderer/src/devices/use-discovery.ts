// The Devices tab's view of discovery: the inventory and the core's status, kept
// current by the core's events (`inventory.changed`, `discovery.changed`) — the
// same events the wizard's Find step reads, so both agree on whether a scan runs.
import { useCallback, useEffect, useState } from 'react'
import type { DiscoveryStatus, InventoryItem } from '../../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../../shared/result.ts'
import { keyward } from '../api.ts'

export interface DiscoveryView {
  items: InventoryItem[] | null
  status: DiscoveryStatus | null
  error: KeywardError | null
  scanAgain(): Promise<void>
  searchUisp(): Promise<void>
  cancelUispSearch(): Promise<void>
}

export function useDiscovery(): DiscoveryView {
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

  const settle = useCallback((outcome: Outcome<DiscoveryStatus>) => {
    if (outcome.ok) {
      setStatus(outcome.value)
      setError(null)
    } else setError(outcome.error)
  }, [])

  const scanAgain = useCallback(async () => {
    if (!keyward) return
    const scanned = await keyward.discovery.scan({})
    // Stopped meanwhile (another window): start it, which scans.
    settle(scanned.ok ? scanned : await keyward.discovery.start({}))
  }, [settle])

  const searchUisp = useCallback(async () => {
    if (keyward) settle(await keyward.discovery.searchUisp({}))
  }, [settle])

  const cancelUispSearch = useCallback(async () => {
    if (keyward) settle(await keyward.discovery.cancelUispSearch({}))
  }, [settle])

  return { items, status, error, scanAgain, searchUisp, cancelUispSearch }
}
