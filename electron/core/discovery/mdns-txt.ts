// What an mDNS answer says, in the inventory's words: bounded TXT parsing and the
// `_home-assistant._tcp` record → HA card translation (discovery.md §6, §9a). Pure; mdns.ts
// (the browser) hands each assembled service here through the discovery session.
import { isIP } from 'node:net'
import type { HomeAssistantDetails } from '../../../shared/inventory.ts'
import { addressKey } from '../../../shared/format.ts'
import { cleanOptional, cleanText } from './clean.ts'
import { text } from './ubnt.ts'

const MAX_TXT_ENTRIES = 64

/** One service instance as the browser saw it (its TXT strings still raw). */
export interface MdnsService {
  /** Service type without underscores, e.g. "home-assistant". */
  type: string
  fqdn: string
  instance: string
  host: string | null
  port: number | null
  addresses: string[]
  /** Source address of the answering packet. */
  referer: string | null
  rawTxt: Buffer[]
}

export interface ParsedTxt {
  /** Lower-case keys (RFC 6763 §6.4: case-insensitive); first occurrence wins. */
  txt: Record<string, string>
  rawTxt: string[]
}

/** Bounded TXT parsing: ≤ 64 strings, each ≤ 255 bytes as DNS allows. */
export function parseTxt(raw: unknown): ParsedTxt {
  const strings: Uint8Array[] = Array.isArray(raw)
    ? raw.filter((b): b is Uint8Array => b instanceof Uint8Array)
    : raw instanceof Uint8Array
      ? [raw]
      : []
  const txt: Record<string, string> = {}
  const rawTxt: string[] = []
  for (const s of strings.slice(0, MAX_TXT_ENTRIES)) {
    const bytes = s.subarray(0, 255)
    rawTxt.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'))
    if (bytes.length === 0) continue
    const eq = bytes.indexOf(0x3d)
    const key = text(eq < 0 ? bytes : bytes.subarray(0, eq), 64).toLowerCase()
    if (key === '' || Object.hasOwn(txt, key)) continue
    // Own data property even for "__proto__": never touches the prototype.
    const value = eq < 0 ? '' : text(bytes.subarray(eq + 1))
    Object.defineProperty(txt, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return { txt, rawTxt }
}

const nonEmpty = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v)

const bare = (host: string): string => host.replace(/^\[|\]$/g, '').toLowerCase()

/** An announced http(s) URL → `scheme://host:port` with the port always written (443/80 when the URL has none). */
function explicitOrigin(url: URL): string {
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
  return `${url.protocol}//${addressKey(bare(url.hostname), port)}`
}

/**
 * Where to connect to an announced HA. mDNS is unauthenticated (discovery.md §6): the TXT
 * `internal_url`/`base_url` is used only when its host is the packet's source address;
 * otherwise the URL is ignored (and marked) and the source address with the SRV port is used.
 * The scheme of an ignored https URL is kept (home-assistant.md §5): an HA that serves TLS
 * itself answers only TLS on its port, so `http://` there would fail; trust comes from the
 * certificate the user confirms on first contact, never from the announcement.
 */
export function announcedTarget(
  source: string | null,
  port: number | null,
  urls: (string | null)[],
): { connectUrl: string | null; urlIgnored: boolean } {
  let urlIgnored = false
  let scheme = 'http'
  for (const announced of urls) {
    if (!announced) continue
    let parsed: URL
    try {
      parsed = new URL(announced)
    } catch {
      continue
    }
    if (!/^https?:$/.test(parsed.protocol)) continue
    if (source && bare(parsed.hostname) === bare(source))
      return { connectUrl: explicitOrigin(parsed), urlIgnored: false }
    if (!urlIgnored && parsed.protocol === 'https:') scheme = 'https'
    urlIgnored = true
  }
  if (!source) return { connectUrl: null, urlIgnored }
  return { connectUrl: `${scheme}://${addressKey(source, port ?? 8123)}`, urlIgnored }
}

/** `_home-assistant._tcp` TXT keys (discovery.md §9a; HA's zeroconf component). */
export function homeAssistantDetails(service: MdnsService): HomeAssistantDetails {
  const { txt, rawTxt } = parseTxt(service.rawTxt)
  const internalUrl = nonEmpty(txt.internal_url)
  const baseUrl = nonEmpty(txt.base_url)
  const source = service.referer && isIP(service.referer) ? service.referer : null
  return {
    source,
    ...announcedTarget(source, service.port, [internalUrl, baseUrl]),
    sameUuidElsewhere: [],
    instance: service.instance,
    fqdn: cleanText(service.fqdn),
    host: cleanOptional(service.host),
    port: service.port,
    uuid: nonEmpty(txt.uuid),
    version: nonEmpty(txt.version),
    locationName: nonEmpty(txt.location_name),
    baseUrl,
    internalUrl,
    externalUrl: nonEmpty(txt.external_url),
    txt,
    rawTxt,
  }
}
