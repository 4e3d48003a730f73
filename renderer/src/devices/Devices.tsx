// The Devices tab: everything discovery found, grouped with consoles first and
// each with what to do there (InventoryView), and the UISP key tool: a UISP key
// is what a device needs to join a UISP server, and its registration commands are
// for devices found here, so it lives beside them.
import { InventoryView } from '../inventory/InventoryView.tsx'
import { UispKeysPanel } from '../uisp/UispKeysPanel.tsx'
import './devices.css'

export function Devices() {
  return (
    <div className="devices-view">
      <InventoryView />
      <UispKeysPanel />
    </div>
  )
}
