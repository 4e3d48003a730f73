// Which inventory devices the UISP registration helper has commands for
// (uisp.md §5): EdgeOS routers, airOS radios, UISP routers (UBIOS). UniFi
// devices are adopted by a UniFi console, not by UISP.
import type { InventoryItem } from '../../../shared/inventory.ts'

export interface RegistrableDevice {
  id: string
  label: string
  device: { kind: 'edgeos' | 'airos' | 'ubios'; firmware?: string }
}

/** airOS firmware strings start with the platform: XM/XW (airMAX M), WA/XC/2XC (airMAX AC), TI… */
const AIROS_FIRMWARE = /^(XM|XW|XC|WA|2XC|2WA|TI)\./i
/** EdgeOS firmware: "e50.v2.0.9…", "e300.v1.10…"; models ER-X, ERLite-3, ERPoe-5, EP-R6… */
const EDGEOS_FIRMWARE = /^e\d{2,4}\./i
const EDGEOS_MODEL = /^(ER-|ERLite|ERPoe|ERPro|EP-R)/i

export function registrableDevice(item: InventoryItem): RegistrableDevice | null {
  if (item.kind !== 'device') return null
  const firmware = item.firmware ?? item.version ?? undefined
  const name = item.name ?? item.model ?? item.address ?? item.id
  const label = `${name}${item.model && item.model !== name ? ` (${item.model})` : ''}${item.address ? ` · ${item.address}` : ''}`
  const withFirmware = (kind: RegistrableDevice['device']['kind']): RegistrableDevice => ({
    id: item.id,
    label,
    device: { kind, ...(firmware ? { firmware } : {}) },
  })
  if (item.uispDevice) {
    // UISP routers run UBIOS (uisp.md §5, reported); other UISP-firmware devices have no known command.
    return /^UISP-R/i.test(item.uispDevice.model ?? item.model ?? '') ? withFirmware('ubios') : null
  }
  if (item.foundBy.includes('airos') || (firmware && AIROS_FIRMWARE.test(firmware))) return withFirmware('airos')
  if (EDGEOS_MODEL.test(item.model ?? '') || (firmware && EDGEOS_FIRMWARE.test(firmware))) return withFirmware('edgeos')
  return null
}
