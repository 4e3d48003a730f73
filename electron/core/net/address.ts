// Normalises what a user types into a console address. People paste
// "https://192.168.1.1/protect/dashboard", " unvr.lan:443 ", "[fe80::1]:8443":
// keep host and port, drop scheme, path, query, credentials and stray spaces.
import { isIP } from 'node:net'
import type { ConsoleAddress } from '../../../shared/domain.ts'
import { NETWORK_APP_PORT, UOS_SERVER_PORT } from '../../../shared/labels.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { addressKey } from '../../../shared/format.ts'

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i
/** mDNS and some home routers hand out names with underscores (Home Assistant accepts them). */
const HOSTNAME_UNDERSCORE =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*\.?$/i

const bad = (message: string) => new KeywardFailure('invalid-input', message)

export function normalizeAddress(raw: string, defaultPort = 443): ConsoleAddress {
  let text = raw.trim()
  if (text === '') throw bad('Enter the address of a console, for example 192.168.1.1.')
  if (text.length > 300) throw bad('That address is too long to be a host name or IP address.')
  if (/\s/.test(text)) throw bad('An address cannot contain spaces.')

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)
  if (scheme) {
    const s = scheme[1]!.toLowerCase()
    if (s !== 'https' && s !== 'http') throw bad(`Keyward talks HTTPS to consoles; "${s}://" is not a web address.`)
    text = text.slice(scheme[0].length)
  }
  // Drop path, query and fragment, then any "user:pass@" (never kept, never logged).
  text = text.replace(/[/?#].*$/s, '')
  text = text.slice(text.lastIndexOf('@') + 1)
  if (text === '') throw bad('The address has no host name or IP address.')

  const { host, port } = parseHostPort(text, defaultPort, { zone: true })
  return { host, port, key: addressKey(host, port) }
}

/**
 * The ports a UniFi console answers HTTPS on, in the order to try them when the user typed none:
 * a console 443, UniFi OS Server 11443, the retired self-hosted Network application 8443
 * (unifi-os.md §1 Ports, from the Art-of-WiFi README; aiounifi tests use :8443).
 */
export const CONSOLE_PORTS: readonly number[] = [443, UOS_SERVER_PORT, NETWORK_APP_PORT]

/** What the user typed → the addresses to try: the one typed, or, for a bare host, one per console port. */
export function consoleCandidates(raw: string): ConsoleAddress[] {
  const typed = normalizeAddress(raw, 0)
  if (typed.port !== 0) return [typed]
  return CONSOLE_PORTS.map((port) => ({ host: typed.host, port, key: addressKey(typed.host, port) }))
}

export interface HostPortOptions {
  /** Allow "_" in host names. */
  underscore?: boolean
  /** Allow an IPv6 zone ("fe80::1%eth0"). */
  zone?: boolean
  /** "host:" means the default port rather than a mistake. */
  emptyPortIsDefault?: boolean
}

/**
 * "host", "host:port", "[v6]:port" or a bare "v6", once scheme, path and credentials are gone →
 * a validated host (names lower-cased, trailing dot dropped) and port.
 */
export function parseHostPort(
  text: string,
  defaultPort: number,
  options: HostPortOptions = {},
): { host: string; port: number } {
  const v6 = (h: string) => isIP(options.zone ? h.split('%')[0]! : h) === 6
  let host: string
  let portText: string | undefined
  if (text.startsWith('[')) {
    const end = text.indexOf(']')
    if (end < 0) throw bad('An IPv6 address in brackets is missing its closing "]".')
    host = text.slice(1, end)
    const rest = text.slice(end + 1)
    if (rest !== '' && !rest.startsWith(':')) throw bad('Unexpected text after the IPv6 address.')
    portText = rest === '' ? undefined : rest.slice(1)
    if (!v6(host)) throw bad(`"${host}" is not a valid IPv6 address.`)
  } else if ((text.match(/:/g) ?? []).length > 1) {
    // A bare IPv6 address without brackets cannot carry a port.
    host = text
    if (!v6(host)) throw bad(`"${host}" is not a valid IPv6 address.`)
  } else {
    const colon = text.indexOf(':')
    host = colon < 0 ? text : text.slice(0, colon)
    portText = colon < 0 ? undefined : text.slice(colon + 1)
    if (isIP(host) === 0) {
      if (/^[0-9.]+$/.test(host)) throw bad(`"${host}" is not a valid IPv4 address.`)
      if (!(options.underscore ? HOSTNAME_UNDERSCORE : HOSTNAME).test(host))
        throw bad(`"${host}" is not a valid host name.`)
      host = host.toLowerCase().replace(/\.$/, '')
    }
  }
  let port = defaultPort
  if (portText !== undefined && !(options.emptyPortIsDefault && portText === '')) {
    if (!/^\d{1,5}$/.test(portText)) throw bad(`"${portText}" is not a port number.`)
    port = Number(portText)
    if (port < 1 || port > 65535) throw bad(`Port ${port} is outside 1–65535.`)
  }
  return { host, port }
}
