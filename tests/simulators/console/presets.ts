// Console identities the simulator can impersonate. Values follow unifi-os.md §1
// (`/api/system` fields, ports); MACs use real Ubiquiti OUIs but are made up.
import { createHash } from 'node:crypto'

export type ConsoleApp = 'network' | 'protect' | 'access'
export type ConsoleKind = 'unifi-os' | 'legacy-network'

export interface ConsoleConfig {
  preset: PresetName
  /** `/api/system` hardware.shortname */
  model: string
  name: string
  /** 12 upper-case hex chars, no separators (as `/api/system` reports it). */
  mac: string
  /** `<hex>.id.ui.direct` */
  directConnectDomain: string
  apps: ConsoleApp[]
  kind: ConsoleKind
  defaultPort: number
  isSsoEnabled: boolean
  isSingleUser: boolean
}

/** What a caller may change on top of a preset. */
export type ConsoleOverrides = Partial<Omit<ConsoleConfig, 'preset' | 'kind'>>

export type PresetName = 'udm-pro' | 'unvr' | 'udm-se' | 'ckg2-plus' | 'legacy-network'

export const presets: Readonly<Record<PresetName, Readonly<ConsoleConfig>>> = {
  'udm-pro': {
    preset: 'udm-pro', model: 'UDMPRO', name: 'Dream Machine Pro', mac: '245A4CDD6616',
    directConnectDomain: directConnectDomainFor('245A4CDD6616'), apps: ['network', 'protect'],
    kind: 'unifi-os', defaultPort: 443, isSsoEnabled: true, isSingleUser: false,
  },
  unvr: {
    preset: 'unvr', model: 'UNVR', name: 'NVR', mac: '70A7411B2C3D',
    directConnectDomain: directConnectDomainFor('70A7411B2C3D'), apps: ['protect'],
    kind: 'unifi-os', defaultPort: 443, isSsoEnabled: true, isSingleUser: false,
  },
  'udm-se': {
    preset: 'udm-se', model: 'UDMPROSE', name: 'Dream Machine SE', mac: '784558A1B2C3',
    directConnectDomain: directConnectDomainFor('784558A1B2C3'), apps: ['network', 'protect'],
    kind: 'unifi-os', defaultPort: 443, isSsoEnabled: false, isSingleUser: false,
  },
  'ckg2-plus': {
    preset: 'ckg2-plus', model: 'UCKP', name: 'Cloud Key Gen2 Plus', mac: '74ACB9112233',
    directConnectDomain: directConnectDomainFor('74ACB9112233'), apps: ['network', 'protect'],
    kind: 'unifi-os', defaultPort: 443, isSsoEnabled: false, isSingleUser: true,
  },
  // Self-hosted Network application (no UniFi OS): `/` redirects to `/manage`, port 8443.
  'legacy-network': {
    preset: 'legacy-network', model: 'NETWORK-APP', name: 'UniFi Network Application', mac: 'F4E2C6445566',
    directConnectDomain: directConnectDomainFor('F4E2C6445566'), apps: ['network'],
    kind: 'legacy-network', defaultPort: 8443, isSsoEnabled: false, isSingleUser: false,
  },
}

export function isPresetName(value: string): value is PresetName {
  return Object.hasOwn(presets, value)
}

/** "24:5a:4c:dd:66:16" → "245A4CDD6616"; throws unless 12 hex digits remain. */
export function normalizeMac(mac: string): string {
  const out = mac.replace(/[:.-]/g, '').toUpperCase()
  if (!/^[0-9A-F]{12}$/.test(out)) throw new Error(`invalid MAC: ${JSON.stringify(mac)}`)
  return out
}

/** Deterministic stand-in for the real (opaque) id: MAC plus a hash-derived suffix. */
export function directConnectDomainFor(mac: string): string {
  const suffix = createHash('sha256').update(mac).digest('hex').slice(0, 20)
  return `${mac.toLowerCase()}${suffix}.id.ui.direct`
}

/** A fresh, mutable config from a preset. A new MAC also gets a matching directConnectDomain. */
export function createConsoleConfig(preset: PresetName, overrides: ConsoleOverrides = {}): ConsoleConfig {
  const base = presets[preset]
  const mac = overrides.mac === undefined ? base.mac : normalizeMac(overrides.mac)
  return {
    ...base,
    apps: [...base.apps],
    directConnectDomain: mac === base.mac ? base.directConnectDomain : directConnectDomainFor(mac),
    ...overrides,
    mac,
  }
}
