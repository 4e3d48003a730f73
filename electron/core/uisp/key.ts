// The UISP key (the device connection string), parsed strictly and never shown
// whole. Grammar (uisp.md §4):
//   wss://<host>[:<port>]+<AESKEY>[+allowSelfSignedCertificate | +allowUntrustedCertificate]
//   - [source] UNMS lib/settings: `wss://${hostname}:${publicWsPort}+${aesKey}`; help.ui.com 115015772548:
//     wss://, hostname or IP, :443, AES key; the suffixes appear in real EdgeRouter configs [report] and in
//     52sadan97/uisp-auto-adopter .env.example [source].
//   - [inferred] parsing rules §4.1–5: split on `+` (base64url never contains `+`); part 1 matches
//     `^wss://[^/:+]+(:\d{1,5})?$`, port 443 when absent; part 2 is base64url (standard base64 without
//     `+` tolerated), observed as 48 characters = 36 bytes (a 32-byte key + 4 zero bytes); part 3 is
//     exactly one of the two suffixes; anything else is an error.
// Where the rules are [inferred] we accept both shapes and say so:
//   - 48-character keys are the observed form; other AES sizes (16/24/32 bytes) are accepted with a
//     warning, because §8 asks whether the form is stable across UISP versions.
//   - a 36-byte key whose last 4 bytes are not zero is accepted with a warning (3 samples only).
//   - IPv6: the §4 regex excludes `:` in the host, but a WSS URL carries IPv6 in brackets; we accept
//     `[v6]` and refuse a bare IPv6 address with its own error.
// No error message ever contains the AES part (nor the host: keys are shared with that obscured, §4).
import { isIPv4, isIPv6 } from 'node:net'

export const UISP_KEY_OPTIONS = ['allowSelfSignedCertificate', 'allowUntrustedCertificate'] as const
export type UispKeyOption = (typeof UISP_KEY_OPTIONS)[number]

/** What the key tells devices about the server certificate (uisp.md §4, §6). */
export type UispCertificatePolicy = 'verify' | 'allow-self-signed' | 'allow-untrusted'

export const UISP_KEY_DEFAULT_PORT = 443
/** The observed AES part: 48 base64url characters, 36 bytes (uisp.md §4 rule 3) [inferred]. */
export const UISP_AES_KEY_LENGTH = 48
/** Longer input is refused before any parsing (a key is ~120 characters). */
export const UISP_KEY_MAX_LENGTH = 1024

export interface UispKey {
  /** Host without brackets: an IPv4 address, an IPv6 address or a DNS name. */
  host: string
  hostKind: 'ipv4' | 'ipv6' | 'name'
  port: number
  /** False when the key has no `:port` and 443 is assumed (§4 rule 2). */
  explicitPort: boolean
  /** The secret. Never log it, never send it to the renderer. */
  aesKey: string
  option: UispKeyOption | null
  certificate: UispCertificatePolicy
  /** The key as devices need it: the input without surrounding blanks. Secret. */
  text: string
  warnings: UispKeyWarning[]
}

export type UispKeyWarningCode = 'default-port' | 'aes-key-unusual-length' | 'aes-key-unusual-tail' | 'trimmed'

export interface UispKeyWarning {
  code: UispKeyWarningCode
  message: string
}

export type UispKeyErrorCode =
  | 'not-text' // not a string at all
  | 'empty'
  | 'too-long'
  | 'quoted' // copied with the quotes of a config file
  | 'whitespace' // a space, tab or line break inside
  | 'control-character'
  | 'not-ascii' // e.g. a typographic dash, a non-breaking or zero-width space
  | 'aes-key-only' // only the AES part was pasted
  | 'missing-scheme'
  | 'wrong-scheme' // ws://, https://, WSS:// …
  | 'has-userinfo'
  | 'has-path'
  | 'missing-host'
  | 'bad-host'
  | 'ipv6-needs-brackets'
  | 'bad-port'
  | 'port-out-of-range'
  | 'empty-part' // "++", a leading or a trailing "+"
  | 'missing-aes-key'
  | 'option-before-key'
  | 'aes-bad-character'
  | 'aes-mixed-alphabet' // base64url "-_" mixed with standard base64 "/"
  | 'aes-bad-padding'
  | 'aes-not-base64'
  | 'aes-wrong-length'
  | 'aes-contains-plus' // standard base64 with "+", which the separator split
  | 'option-wrong-case'
  | 'unknown-option'
  | 'duplicate-option'
  | 'too-many-parts'

export interface UispKeyError {
  code: UispKeyErrorCode
  /** One sentence for the user; never contains the AES part or the host. */
  message: string
  /** Where the problem is. */
  part: 'whole' | 'address' | 'aes-key' | 'option'
}

export type UispKeyParse = { ok: true; key: UispKey } | { ok: false; error: UispKeyError }

const POLICY: Record<UispKeyOption, UispCertificatePolicy> = {
  allowSelfSignedCertificate: 'allow-self-signed',
  allowUntrustedCertificate: 'allow-untrusted',
}

const AES_ALPHABET = /^[A-Za-z0-9_\-/=]*$/
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/
const SHAPE =
  'A UISP key looks like wss://server:443+<48-character AES key>, optionally followed by +allowSelfSignedCertificate or +allowUntrustedCertificate.'

const fail = (code: UispKeyErrorCode, part: UispKeyError['part'], message: string): UispKeyParse => ({
  ok: false,
  error: { code, part, message },
})

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`

function partAt(text: string, index: number): UispKeyError['part'] {
  const plusses = [...text.slice(0, index)].filter((c) => c === '+').length
  return plusses === 0 ? 'address' : plusses === 1 ? 'aes-key' : 'option'
}

const PART_NAME: Record<UispKeyError['part'], string> = {
  whole: 'the key',
  address: 'the address part (before the first "+")',
  'aes-key': 'the AES key part',
  option: 'the certificate option',
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

const optionCaseless = (s: string): UispKeyOption | null =>
  UISP_KEY_OPTIONS.find((o) => o.toLowerCase() === s.toLowerCase()) ?? null

/** Decodes a base64/base64url AES part, or null when it is not canonical base64 of that alphabet. */
function decodeAes(aes: string): Buffer | null {
  const bare = aes.replace(/=+$/, '')
  if (bare.length % 4 === 1) return null
  const bytes = Buffer.from(bare.replace(/\//g, '_'), 'base64url')
  // Non-zero leftover bits (a mistyped last character) make the text non-canonical.
  return bytes.toString('base64url') === bare.replace(/\//g, '_') ? bytes : null
}

type AesVerdict = { ok: true; warnings: UispKeyWarning[] } | { ok: false; result: UispKeyParse }

function checkAes(aes: string): AesVerdict {
  const bad = (code: UispKeyErrorCode, message: string): AesVerdict => ({
    ok: false,
    result: fail(code, 'aes-key', message),
  })
  if (!AES_ALPHABET.test(aes)) {
    const at = [...aes].findIndex((c) => !/[A-Za-z0-9_\-/=]/.test(c))
    return bad(
      'aes-bad-character',
      `The ${ordinal(at + 1)} character of the AES key part is not allowed there: an AES key uses only letters, digits, "-" and "_".`,
    )
  }
  if (/[-_]/.test(aes) && aes.includes('/')) {
    return bad(
      'aes-mixed-alphabet',
      'The AES key part mixes "-" or "_" (base64url) with "/" (standard base64), so part of it was altered. Copy the key again from UISP.',
    )
  }
  const padding = aes.length - aes.replace(/=+$/, '').length
  if (aes.replace(/=+$/, '').includes('=') || padding > 2 || (padding > 0 && aes.length % 4 !== 0)) {
    return bad(
      'aes-bad-padding',
      'The AES key part has "=" where base64 does not allow it ("=" may only close the key, at most twice).',
    )
  }
  const bare = aes.replace(/=+$/, '')
  if (bare.length % 4 === 1) {
    return bad(
      'aes-not-base64',
      `The AES key part is not valid base64 (${aes.length} characters cannot encode whole bytes); it was probably cut or has an extra character. Copy the key again from UISP.`,
    )
  }
  // Length before canonical form: a key cut short is "too short", not "not base64".
  const size = Math.floor((bare.length * 6) / 8)
  if (![16, 24, 32, 36].includes(size)) {
    return bad(
      'aes-wrong-length',
      `The AES key part has ${aes.length} characters; a UISP key's AES part has ${UISP_AES_KEY_LENGTH}. It was probably cut short or has extra characters. Copy the key again from UISP.`,
    )
  }
  const bytes = decodeAes(aes)
  if (!bytes) {
    return bad(
      'aes-not-base64',
      'The AES key part is not valid base64: its last character does not fit, so it was probably mistyped. Copy the key again from UISP.',
    )
  }
  if (bytes.length === 36) {
    const tail = bytes.subarray(32)
    return tail.every((b) => b === 0)
      ? { ok: true, warnings: [] }
      : {
          ok: true,
          warnings: [
            {
              code: 'aes-key-unusual-tail',
              message: 'The AES key does not end the way known UISP keys do (…AAAAA); check that it was copied whole.',
            },
          ],
        }
  }
  return {
    ok: true,
    warnings: [
      {
        code: 'aes-key-unusual-length',
        message: `The AES key is ${aes.length} characters; known UISP keys have ${UISP_AES_KEY_LENGTH}. It may come from another UISP version: check it before relying on it.`,
      },
    ],
  }
}

type AddressVerdict =
  | { ok: true; host: string; hostKind: UispKey['hostKind']; port: number; explicitPort: boolean }
  | { ok: false; result: UispKeyParse }

function checkAddress(address: string, alone: boolean): AddressVerdict {
  const bad = (code: UispKeyErrorCode, message: string): AddressVerdict => ({
    ok: false,
    result: fail(code, 'address', message),
  })
  const schemeEnd = address.indexOf('://')
  if (schemeEnd < 0) {
    if (alone && address.length >= 16 && AES_ALPHABET.test(address) && !address.includes('.')) {
      return {
        ok: false,
        result: fail(
          'aes-key-only',
          'whole',
          `This looks like the AES key alone. Paste the whole UISP key, starting with wss://. ${SHAPE}`,
        ),
      }
    }
    return bad('missing-scheme', `The key must start with wss://. ${SHAPE}`)
  }
  const scheme = address.slice(0, schemeEnd)
  if (scheme !== 'wss') {
    const lower = scheme.toLowerCase()
    const message =
      lower === 'wss'
        ? 'The key must start with wss:// in lower case, exactly as UISP shows it.'
        : lower === 'ws'
          ? 'The key starts with ws://, an unencrypted address; a UISP key always starts with wss://.'
          : lower === 'https' || lower === 'http'
            ? `This is a web address, not a UISP key. ${SHAPE}`
            : `The key must start with wss://. ${SHAPE}`
    return bad('wrong-scheme', message)
  }
  let rest = address.slice(schemeEnd + 3)
  if (rest.includes('@'))
    return bad(
      'has-userinfo',
      'The address part contains "@" (a user name); a UISP key has only the server and port before the first "+".',
    )
  const cut = rest.search(/[/?#]/)
  if (cut >= 0) {
    return bad(
      'has-path',
      'The address part contains a path ("/", "?" or "#" after the server); a UISP key has only the server and port before the first "+".',
    )
  }
  if (rest === '') return bad('missing-host', 'The key has no server name or address after wss://.')

  let host: string
  let portText: string | null = null
  let hostKind: UispKey['hostKind']
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close < 0) return bad('bad-host', 'The address part opens "[" for an IPv6 address but never closes it.')
    host = rest.slice(1, close)
    if (!isIPv6(host)) return bad('bad-host', 'The address in brackets is not a valid IPv6 address.')
    hostKind = 'ipv6'
    rest = rest.slice(close + 1)
    if (rest !== '') {
      if (!rest.startsWith(':')) return bad('bad-port', 'After the IPv6 address only ":" and a port number may follow.')
      portText = rest.slice(1)
    }
  } else {
    const colons = [...rest].filter((c) => c === ':').length
    if (colons > 1) {
      const lastColon = rest.lastIndexOf(':')
      if (isIPv6(rest) || isIPv6(rest.slice(0, lastColon))) {
        return bad(
          'ipv6-needs-brackets',
          'An IPv6 address in a UISP key must be written in brackets, e.g. wss://[fd12:3456::1]:443.',
        )
      }
      return bad('bad-port', 'The address part has more than one ":"; only one port number may follow the server.')
    }
    const colon = rest.indexOf(':')
    host = colon < 0 ? rest : rest.slice(0, colon)
    portText = colon < 0 ? null : rest.slice(colon + 1)
    if (host === '') return bad('missing-host', 'The key has no server name or address between wss:// and the port.')
    if (/^[0-9.]+$/.test(host)) {
      if (!isIPv4(host))
        return bad('bad-host', 'The server address is not a valid IPv4 address (four numbers 0–255 separated by dots).')
      hostKind = 'ipv4'
    } else {
      const labels = host.split('.')
      if (host.length > 253 || !labels.every((l) => HOST_LABEL.test(l))) {
        return bad(
          'bad-host',
          'The server name is not a valid host name (letters, digits and "-" in dot-separated parts, no "_" or empty parts).',
        )
      }
      if (/^[0-9]+$/.test(labels[labels.length - 1]!))
        return bad('bad-host', 'The server name ends in a number but is not a valid IPv4 address.')
      hostKind = 'name'
    }
  }
  if (portText === null) return { ok: true, host, hostKind, port: UISP_KEY_DEFAULT_PORT, explicitPort: false }
  if (portText === '') return bad('bad-port', 'The address part ends with ":" but no port number follows.')
  if (!/^[0-9]+$/.test(portText)) return bad('bad-port', 'The port after ":" must be a number.')
  const port = Number(portText)
  if (portText.length > 5 || port < 1 || port > 65535)
    return bad(
      'port-out-of-range',
      `The port ${portText.length > 5 ? 'number is too long' : `${port} is out of range`}; a port is between 1 and 65535.`,
    )
  return { ok: true, host, hostKind, port, explicitPort: true }
}

/**
 * Parses a UISP key strictly. Never throws: every way a key can be wrong has
 * its own error code and sentence, and no message contains the key's secret.
 * Surrounding spaces and line breaks (from copying) are removed, with a warning.
 */
export function parseUispKey(input: unknown): UispKeyParse {
  if (typeof input !== 'string') return fail('not-text', 'whole', 'The UISP key must be text.')
  const text = input.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
  const warnings: UispKeyWarning[] =
    text.length !== input.length && text !== ''
      ? [{ code: 'trimmed', message: 'Spaces or line breaks around the key were removed.' }]
      : []
  if (text === '') return fail('empty', 'whole', `No UISP key was given. ${SHAPE}`)
  if (text.length > UISP_KEY_MAX_LENGTH)
    return fail(
      'too-long',
      'whole',
      `That is ${text.length} characters, far longer than a UISP key (about 120). ${SHAPE}`,
    )
  if (/^['"`]/.test(text) || /['"`]$/.test(text)) {
    return fail(
      'quoted',
      'whole',
      'Remove the quotes around the key: they come from a configuration file and are not part of the key.',
    )
  }
  // eslint-disable-next-line no-control-regex
  const nonAscii = text.search(/[^\x00-\x7f]/)
  if (nonAscii >= 0) {
    const part = partAt(text, nonAscii)
    return fail(
      'not-ascii',
      part,
      `${PART_NAME[part][0]!.toUpperCase()}${PART_NAME[part].slice(1)} contains a character that is not plain ASCII (often a typographic dash or an invisible space picked up while copying). Copy the key again from UISP.`,
    )
  }
  const blank = text.search(/[ \t\r\n]/)
  if (blank >= 0) {
    const part = partAt(text, blank)
    return fail(
      'whitespace',
      part,
      `${PART_NAME[part][0]!.toUpperCase()}${PART_NAME[part].slice(1)} contains a space or line break; a UISP key is one unbroken line.`,
    )
  }
  // eslint-disable-next-line no-control-regex
  const control = text.search(/[\x00-\x1f\x7f]/)
  if (control >= 0) {
    const part = partAt(text, control)
    return fail(
      'control-character',
      part,
      `${PART_NAME[part][0]!.toUpperCase()}${PART_NAME[part].slice(1)} contains an invisible control character. Copy the key again from UISP.`,
    )
  }

  const parts = text.split('+')
  if (parts.some((p) => p === '')) {
    const where = text.startsWith('+')
      ? 'starts with "+"'
      : text.endsWith('+')
        ? 'ends with "+"'
        : 'has two "+" in a row'
    const empty = parts.indexOf('')
    const part: UispKeyError['part'] = empty === 0 ? 'address' : empty === 1 ? 'aes-key' : 'option'
    return fail('empty-part', part, `The key ${where}; each "+" must separate two non-empty parts. ${SHAPE}`)
  }

  const address = checkAddress(parts[0]!, parts.length === 1)
  if (!address.ok) return address.result
  if (parts.length === 1)
    return fail('missing-aes-key', 'aes-key', `The key has no AES key after the address. ${SHAPE}`)

  const second = parts[1]!
  if (optionCaseless(second)) {
    return parts.length === 2
      ? fail('missing-aes-key', 'aes-key', `The key has a certificate option but no AES key. ${SHAPE}`)
      : fail(
          'option-before-key',
          'option',
          'The certificate option comes before the AES key; the AES key must come first, the option last.',
        )
  }

  // A standard-base64 key with "+" was split by the separator: re-joined, it decodes (§4 rule 1).
  if (parts.length >= 3 && !optionCaseless(parts[2]!)) {
    for (let end = parts.length; end >= 3; end--) {
      const joined = parts.slice(1, end).join('+')
      const tail = parts.slice(end)
      const bytes = /^[A-Za-z0-9+/=]+$/.test(joined) ? decodeAes(joined.replace(/\+/g, '-')) : null
      if (bytes && bytes.length === 36 && tail.length <= 1 && (tail.length === 0 || optionCaseless(tail[0]!))) {
        return fail(
          'aes-contains-plus',
          'aes-key',
          'The AES key part contains "+", which separates the parts of a UISP key; it seems to be in another encoding. Copy the key again from UISP.',
        )
      }
    }
  }

  const aes = checkAes(second)
  if (!aes.ok) return aes.result

  let option: UispKeyOption | null = null
  if (parts.length >= 3) {
    const third = parts[2]!
    const exact = UISP_KEY_OPTIONS.find((o) => o === third)
    if (parts.length > 3) {
      return parts.slice(2).every((p) => optionCaseless(p))
        ? fail(
            'duplicate-option',
            'option',
            'The key has more than one certificate option; keep exactly one (or none).',
          )
        : fail(
            'too-many-parts',
            'option',
            `The key has ${parts.length} parts separated by "+"; a UISP key has two or three. ${SHAPE}`,
          )
    }
    if (!exact) {
      const caseless = optionCaseless(third)
      if (caseless)
        return fail(
          'option-wrong-case',
          'option',
          `The certificate option must be written exactly ${caseless} (letter case matters).`,
        )
      const near = UISP_KEY_OPTIONS.find(
        (o) =>
          levenshtein(o.toLowerCase(), third.toLowerCase()) <= 4 ||
          (third.length >= 8 && o.toLowerCase().startsWith(third.toLowerCase())),
      )
      return fail(
        'unknown-option',
        'option',
        near
          ? `The part after the AES key is not a known certificate option; did you mean ${near}?`
          : 'The part after the AES key is not a known certificate option; it must be allowSelfSignedCertificate or allowUntrustedCertificate.',
      )
    }
    option = exact
  }
  if (!address.explicitPort)
    warnings.push({ code: 'default-port', message: `The key has no port; devices will use ${UISP_KEY_DEFAULT_PORT}.` })
  return {
    ok: true,
    key: {
      host: address.host,
      hostKind: address.hostKind,
      port: address.port,
      explicitPort: address.explicitPort,
      aesKey: second,
      option,
      certificate: option ? POLICY[option] : 'verify',
      text,
      warnings: [...warnings, ...aes.warnings],
    },
  }
}

const DOTS = '••••••'

/**
 * The key with the host and the AES part obscured (help.ui.com 115015772548
 * advises exactly that when sharing it), keeping what helps to recognise a key:
 * scheme, port and certificate option. Never throws; for text that is not a
 * valid key, everything that could be secret is obscured.
 */
export function maskUispKey(input: unknown): string {
  const parsed = parseUispKey(input)
  if (parsed.ok) {
    const k = parsed.key
    return `wss://${DOTS}${k.explicitPort ? `:${k.port}` : ''}+${DOTS}${k.option ? `+${k.option}` : ''}`
  }
  if (typeof input !== 'string') return DOTS
  const parts = input.trim().split('+')
  const first = parts[0] ?? ''
  const port = /:(\d{1,5})$/.exec(first)?.[1]
  const head = first.startsWith('wss://') ? `wss://${DOTS}${port ? `:${port}` : ''}` : DOTS
  const tail = parts.slice(1).map((p) => (UISP_KEY_OPTIONS.includes(p as UispKeyOption) ? p : DOTS))
  return [head, ...tail].join('+')
}

/** True when two keys send devices to the same place with the same AES key and option (e.g. to notice a regenerated key). */
export function sameUispKey(a: UispKey, b: UispKey): boolean {
  return (
    a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port && a.aesKey === b.aesKey && a.option === b.option
  )
}
