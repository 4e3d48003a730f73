// nmap's `ubiquiti-discovery` NSE script as an independent decoder (discovery.md
// §1.8, §9a): arguments to run it and a parser for its XML output. nmap reads
// v1 replies and v2 cmd 6/9/11 only, over a connected UDP socket, so it cannot
// see v0 replies, replies from another source port (the UNVR form) or replies
// sent to the broadcast address (airOS) — a useful contrast, not a bug of ours.

export interface NmapHost {
  address: string
  protocol?: string
  hostname?: string
  /** 0x0C */
  product?: string
  /** 0x14 or 0x15, whichever came last */
  model?: string
  firmware?: string
  /** 0x16, else `%.(v%d+%.%d+%.%d+)` out of the firmware */
  version?: string
  config_status?: string
  uptime_seconds?: string
  mac_addresses?: string[]
  interface_to_ip?: Record<string, string[]>
}

/**
 * `-n`: no reverse DNS (seconds otherwise, §9a); `-Pn`: no ping. `extra` e.g.
 * `--max-retries 1` (consoles only echo nmap's UDP-scan payload from another
 * port, so nmap retransmits to them before deciding "open|filtered").
 */
export function nmapArgs(targets: string[], extra: string[] = []): string[] {
  return ['-n', '-Pn', '-sU', '-p', '10001', ...extra, '--script', 'ubiquiti-discovery', '-oX', '-', ...targets]
}

const attr = (s: string, name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(s)?.[1]
const unxml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(x?)([0-9a-f]+);/gi, (_, x: string, n: string) => String.fromCharCode(parseInt(n, x ? 16 : 10)))
    .replace(/&amp;/g, '&')

/** Hosts with a ubiquiti-discovery script result, sorted by address. */
export function parseNmapXml(xml: string): NmapHost[] {
  const out: NmapHost[] = []
  for (const block of xml.split('<host ').slice(1)) {
    const address = attr(/<address [^>]*addrtype="ipv4"[^>]*>/.exec(block)?.[0] ?? '', 'addr')
    const script = /<script id="ubiquiti-discovery"[^>]*>([\s\S]*?)<\/script>/.exec(block)?.[1]
    if (!address || !script) continue
    const host: NmapHost = { address }
    // Top-level elems only (nested tables hold MACs and IPs).
    const flat = script.replace(/<table[\s\S]*<\/table>/, '')
    for (const m of flat.matchAll(/<elem key="([a-z_]+)">([^<]*)<\/elem>/g)) {
      ;(host as unknown as Record<string, string>)[m[1]!] = unxml(m[2]!)
    }
    const macs = /<table key="mac_addresses">([\s\S]*?)<\/table>/.exec(script)?.[1]
    if (macs) host.mac_addresses = [...macs.matchAll(/<elem>([^<]*)<\/elem>/g)].map((m) => m[1]!)
    const ifaces = /<table key="interface_to_ip">([\s\S]*?<\/table>)\s*<\/table>/.exec(script)?.[1]
    if (ifaces) {
      host.interface_to_ip = {}
      for (const t of ifaces.matchAll(/<table key="([^"]+)">([\s\S]*?)<\/table>/g)) {
        host.interface_to_ip[t[1]!] = [...t[2]!.matchAll(/<elem>([^<]*)<\/elem>/g)].map((m) => m[1]!)
      }
    }
    out.push(host)
  }
  return out.sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }))
}

/** "24:5a:4c:dd:66:16" or "245a4cdd6616" → "245A4CDD6616". */
export const normalizeMac = (mac: string): string => mac.replace(/[^0-9a-f]/gi, '').toUpperCase()
