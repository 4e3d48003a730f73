// Discovery's notices for the user (shared/inventory.ts DiscoveryNotice), split
// out of index.ts. Fixed notices are added once; the flood notices (issue 14
// §8) are worked out when status is read, from running counts, so a flood costs
// no string work per dropped packet.
import type { DiscoveryNotice, DiscoveryNoticeCode } from '../../../shared/inventory.ts'

const MAX_NOTICES = 32

export interface FloodCounts {
  /** Packets dropped by the per-source limits, and the address dropped last. */
  rateLimited: number
  lastDropped: string | null
  /** Cards evicted or refused because the inventory was full. */
  overflow: number
  maxCards: number
  mdnsRefused: number
}

export class Notices {
  private readonly list: DiscoveryNotice[] = []
  private readonly firstAt = new Map<string, string>()

  add(code: DiscoveryNoticeCode, message: string, iface: string | null = null): void {
    if (this.list.some((n) => n.code === code && n.message === message && n.interface === iface)) return
    this.list.push({ code, message, interface: iface, at: new Date().toISOString() })
    if (this.list.length > MAX_NOTICES) this.list.shift()
  }

  /** The fixed notices, then one per kind of flood seen so far (dated when first noticed). */
  current(flood: FloodCounts): DiscoveryNotice[] {
    const out = this.list.map((n) => ({ ...n }))
    const computed = (code: DiscoveryNoticeCode, tag: string, message: string): void => {
      if (!this.firstAt.has(tag)) this.firstAt.set(tag, new Date().toISOString())
      out.push({ code, message, interface: null, at: this.firstAt.get(tag)! })
    }
    if (flood.rateLimited > 0) {
      const last = flood.lastDropped ? ` (most recently ${flood.lastDropped})` : ''
      computed(
        'rate-limited',
        'rate',
        `Ignored ${flood.rateLimited} discovery packet(s) from addresses sending ` +
          `more a second than any device needs${last}; something on this network is flooding it.`,
      )
    }
    if (flood.overflow > 0 || flood.mdnsRefused > 0) {
      const parts = [
        flood.overflow > 0
          ? `more devices than Keyward keeps (${flood.maxCards}); the ones seen least recently ` +
            'were dropped to make room'
          : '',
        flood.mdnsRefused > 0
          ? `${flood.mdnsRefused} mDNS service(s) beyond what Keyward follows per network ` +
            'and sender, which were ignored'
          : '',
      ].filter(Boolean)
      computed('inventory-full', 'full', `The network announced ${parts.join(', and ')}.`)
    }
    return out
  }
}

/** Send errors that mean this computer refused the request, not that a device is missing. */
const BLOCKED_SEND = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM'])

/**
 * What to tell the user when discovery's requests could not leave this computer, or null when
 * `code` is not such a refusal. discovery.md §7: macOS 15+ Local Network Privacy fails LAN unicast,
 * broadcast and multicast sends with EHOSTUNREACH until the app is allowed; elsewhere the same codes
 * come from a firewall or routing rule.
 */
export function sendBlockedMessage(code: string | null, platform: NodeJS.Platform): string | null {
  if (code === null || !BLOCKED_SEND.has(code)) return null
  if (platform === 'darwin')
    return (
      'macOS is not letting Keyward reach devices on your network, so discovery cannot find anything. ' +
      'Allow Keyward in System Settings → Privacy & Security → Local Network, then scan again.'
    )
  return (
    'This computer refused to send discovery requests to the network (a firewall or routing rule blocks ' +
    `them: ${code}), so devices cannot answer. Allow Keyward through the firewall, then scan again.`
  )
}
