// Which network interfaces discovery may use. IPv4 only: UBNT v2 and airOS are
// IPv4, HA advertises A records, and UBNT's IPv6 (ff02::1, v1 only, §1.1) is
// left for later. By default skip loopback, link-local, VPN tunnels and
// container/VM bridges; the user can still pick any of them by name.
import os from 'node:os'
import type { DiscoveryInterface } from '../../../shared/inventory.ts'

export type InterfaceSource = () => NodeJS.Dict<os.NetworkInterfaceInfo[]>

const VPN = /^(tun|tap|wg|utun|ppp|tailscale|zt|ipsec|gpd|nordlynx|proton|mullvad)/i
const VIRTUAL = /^(docker|br-|veth|virbr|vmnet|vboxnet|cni|flannel|cali|podman|lxc|lxd|vnet|zcc)/i

export function ipv4ToNumber(address: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address)
  if (!m) return null
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return null
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!
}

export function numberToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

export function prefixFromNetmask(netmask: string): number | null {
  const n = ipv4ToNumber(netmask)
  if (n === null) return null
  let prefix = 0
  while (prefix < 32 && n & (0x80000000 >>> prefix)) prefix++
  // Non-contiguous masks are not real netmasks.
  return (n << prefix) >>> 0 === 0 || prefix === 32 ? prefix : null
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)

export function broadcastOf(address: string, prefix: number): string | null {
  const n = ipv4ToNumber(address)
  if (n === null || prefix >= 31) return null
  return numberToIpv4((n | ~maskOf(prefix)) >>> 0)
}

export function inSubnet(address: string, network: string, prefix: number): boolean {
  const a = ipv4ToNumber(address)
  const b = ipv4ToNumber(network)
  if (a === null || b === null) return false
  const mask = maskOf(prefix)
  return (a & mask) >>> 0 === (b & mask) >>> 0
}

/** Host addresses of a subnet (no network/broadcast), or null above `maxHosts`. */
export function subnetHosts(address: string, prefix: number, maxHosts: number): string[] | null {
  const n = ipv4ToNumber(address)
  if (n === null || prefix >= 31) return null
  const size = 2 ** (32 - prefix)
  if (size - 2 > maxHosts) return null
  const base = (n & maskOf(prefix)) >>> 0
  const out: string[] = []
  for (let i = 1; i < size - 1; i++) out.push(numberToIpv4(base + i))
  return out
}

function skipReason(name: string, info: os.NetworkInterfaceInfo): string | null {
  if (info.internal || info.address.startsWith('127.')) return 'loopback'
  if (info.address.startsWith('169.254.')) return 'link-local address only'
  if (VPN.test(name)) return 'looks like a VPN tunnel'
  if (VIRTUAL.test(name)) return 'looks like a container or VM network'
  return null
}

/** IPv4 interfaces, recommended ones first, in the order the OS lists them. */
export function listInterfaces(source: InterfaceSource = os.networkInterfaces): DiscoveryInterface[] {
  const out: DiscoveryInterface[] = []
  let table: NodeJS.Dict<os.NetworkInterfaceInfo[]>
  try {
    table = source()
  } catch {
    return []
  }
  for (const [name, infos] of Object.entries(table)) {
    for (const info of infos ?? []) {
      // Node 18.0–18.3 reported family as a number.
      if (info.family !== 'IPv4' && (info.family as unknown) !== 4) continue
      const prefix = prefixFromNetmask(info.netmask) ?? 32
      const reason = skipReason(name, info)
      out.push({
        name,
        address: info.address,
        prefixLength: prefix,
        broadcast: broadcastOf(info.address, prefix),
        mac: info.mac && info.mac !== '00:00:00:00:00:00' ? info.mac.replace(/:/g, '').toUpperCase() : null,
        recommended: reason === null && prefix < 31,
        skipReason: reason ?? (prefix >= 31 ? 'point-to-point link' : null),
      })
    }
  }
  return out.sort((a, b) => Number(b.recommended) - Number(a.recommended))
}

/**
 * The interfaces to use: every address of the named interfaces (a name may
 * also be given as one of its addresses), or the recommended ones.
 */
export function chooseInterfaces(
  all: DiscoveryInterface[],
  wanted: readonly string[] | undefined,
): { chosen: DiscoveryInterface[]; missing: string[] } {
  if (!wanted || wanted.length === 0) return { chosen: all.filter((i) => i.recommended), missing: [] }
  const chosen: DiscoveryInterface[] = []
  const missing: string[] = []
  for (const w of wanted) {
    const hits = all.filter((i) => i.name === w || i.address === w)
    if (hits.length === 0) missing.push(w)
    for (const h of hits) if (!chosen.includes(h)) chosen.push(h)
  }
  return { chosen, missing }
}
