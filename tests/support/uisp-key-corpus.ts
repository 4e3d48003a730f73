// The UISP key corpus (uisp.md §4), shared by the parser's unit test and the
// hostile-input corpus: every valid shape (host kinds × ports × AES encodings ×
// certificate options) and every malformation class applied to several base
// keys, each with its expected error code and the part of the key it names.
import { createHash } from 'node:crypto'
import type { UispKeyErrorCode } from '../../electron/core/uisp/key.ts'

export const bytes = (seed: string, n: number) => createHash('sha512').update(seed).digest().subarray(0, n)
/** The observed form: 32 bytes + 4 zero bytes, base64url, 48 characters. */
export const aes = (seed: string) => Buffer.concat([bytes(seed, 32), Buffer.alloc(4)]).toString('base64url')
export const seedWhere = (test: (b: Buffer) => boolean): Buffer => {
  for (let i = 0; ; i++) {
    const b = Buffer.concat([bytes(`seed-${i}`, 32), Buffer.alloc(4)])
    if (test(b)) return b
  }
}
export const STD_SLASH = seedWhere(
  (b) => b.toString('base64').includes('/') && !b.toString('base64').includes('+'),
).toString('base64')
export const STD_PLUS = seedWhere(
  (b) => /^[^+].*\+.*[^+]$/.test(b.toString('base64')) && !b.toString('base64').includes('++'),
).toString('base64')
/** Standard base64 of `n` bytes that happens to have no "+" (which would split the key). */
export const stdNoPlus = (seed: string, n: number) => {
  for (let i = 0; ; i++) {
    const text = bytes(`${seed}-${i}`, n).toString('base64')
    if (!text.includes('+')) return text
  }
}
export const URL_DASH = seedWhere((b) => /[-_]/.test(b.toString('base64url'))).toString('base64url')

export interface Valid {
  text: string
  host: string
  hostKind: 'ipv4' | 'ipv6' | 'name'
  port: number
  explicitPort: boolean
  option: string | null
  aes: string
  warnings: string[]
}

// ---- valid keys ---------------------------------------------------------------

export const HOSTS: [text: string, host: string, kind: Valid['hostKind']][] = [
  ['10.0.154.3', '10.0.154.3', 'ipv4'],
  ['192.168.1.1', '192.168.1.1', 'ipv4'],
  ['uisp.example.com', 'uisp.example.com', 'name'],
  ['localhost', 'localhost', 'name'],
  ['a-b.c-d.example', 'a-b.c-d.example', 'name'],
  ['[2001:db8::1]', '2001:db8::1', 'ipv6'],
  ['[::1]', '::1', 'ipv6'],
]
export const PORTS: [text: string, port: number][] = [
  [':443', 443],
  [':8443', 8443],
  [':9443', 9443],
  ['', 443],
  [':1', 1],
  [':65535', 65535],
]
export const OPTIONS = [null, 'allowSelfSignedCertificate', 'allowUntrustedCertificate'] as const
export const AES_FORMS: [name: string, value: string, warnings: string[]][] = [
  ['observed 48-char base64url', aes('main'), []],
  ['base64url with - or _', URL_DASH, []],
  ['standard base64 without +', STD_SLASH, []],
  [
    '36 bytes with a non-zero tail',
    Buffer.concat([bytes('tail', 32), Buffer.from([1, 2, 3, 4])]).toString('base64url'),
    ['aes-key-unusual-tail'],
  ],
  ['32 bytes, 43 chars', bytes('k32', 32).toString('base64url'), ['aes-key-unusual-length']],
  ['32 bytes, padded', stdNoPlus('k32p', 32), ['aes-key-unusual-length']],
  ['16 bytes, padded', stdNoPlus('k16p', 16), ['aes-key-unusual-length']],
  ['16 bytes', bytes('k16', 16).toString('base64url'), ['aes-key-unusual-length']],
  ['24 bytes', bytes('k24', 24).toString('base64url'), ['aes-key-unusual-length']],
]

export const valid: Valid[] = []
for (const [hostText, host, hostKind] of HOSTS) {
  for (const [portText, port] of PORTS) {
    for (const option of OPTIONS) {
      const value = aes(`${hostText}${portText}${option}`)
      valid.push({
        text: `wss://${hostText}${portText}+${value}${option ? `+${option}` : ''}`,
        host,
        hostKind,
        port,
        explicitPort: portText !== '',
        option,
        aes: value,
        warnings: portText === '' ? ['default-port'] : [],
      })
    }
  }
}
for (const [, value, warnings] of AES_FORMS) {
  for (const option of OPTIONS) {
    valid.push({
      text: `wss://10.0.154.3:9443+${value}${option ? `+${option}` : ''}`,
      host: '10.0.154.3',
      hostKind: 'ipv4',
      port: 9443,
      explicitPort: true,
      option,
      aes: value,
      warnings,
    })
  }
}

// ---- malformations --------------------------------------------------------------

export interface Base {
  address: string
  aes: string
  option: string | null
}
export const BASES: Base[] = [
  { address: 'wss://10.0.154.3:9443', aes: aes('b1'), option: 'allowSelfSignedCertificate' },
  { address: 'wss://uisp.example.com:443', aes: aes('b2'), option: null },
  { address: 'wss://[2001:db8::7]:8443', aes: aes('b3'), option: 'allowUntrustedCertificate' },
]
export const join = (b: Base, over: Partial<Base> = {}) => {
  const k = { ...b, ...over }
  return `${k.address}+${k.aes}${k.option ? `+${k.option}` : ''}`
}
export const host = (b: Base) => b.address.slice('wss://'.length).replace(/:\d+$/, '')
export const port = (b: Base) => /:(\d+)$/.exec(b.address)![1]!
export const swapHost = (b: Base, h: string) => `wss://${h}:${port(b)}`

export type Case = [
  name: string,
  make: (b: Base) => unknown,
  code: UispKeyErrorCode,
  part: 'whole' | 'address' | 'aes-key' | 'option',
]
export const MALFORMED: Case[] = [
  // the whole text
  ['an empty string', () => '', 'empty', 'whole'],
  ['blanks only', () => ' \n\t ', 'empty', 'whole'],
  ['far too long', (b) => join(b, { aes: b.aes.repeat(30) }), 'too-long', 'whole'],
  ['single quotes from a config file', (b) => `'${join(b)}'`, 'quoted', 'whole'],
  ['double quotes', (b) => `"${join(b)}"`, 'quoted', 'whole'],
  ['a leading quote only', (b) => `'${join(b)}`, 'quoted', 'whole'],
  [
    'a space in the address',
    (b) => join(b, { address: b.address.replace('wss://', 'wss:// ') }),
    'whitespace',
    'address',
  ],
  [
    'a space in the AES key',
    (b) => join(b, { aes: `${b.aes.slice(0, 20)} ${b.aes.slice(20)}` }),
    'whitespace',
    'aes-key',
  ],
  [
    'a line break in the AES key',
    (b) => join(b, { aes: `${b.aes.slice(0, 24)}\n${b.aes.slice(24)}` }),
    'whitespace',
    'aes-key',
  ],
  ['a tab before the option', (b) => `${b.address}+${b.aes}+\tallowSelfSignedCertificate`, 'whitespace', 'option'],
  [
    'a NUL character',
    (b) => join(b, { aes: `${b.aes.slice(0, 10)}\x00${b.aes.slice(10)}` }),
    'control-character',
    'aes-key',
  ],
  ['a bell character in the address', (b) => join(b, { address: `${b.address}\x07` }), 'control-character', 'address'],
  ['an en dash in the host', (b) => join(b, { address: swapHost(b, 'uisp\u2013lab.example') }), 'not-ascii', 'address'],
  [
    'a non-breaking space in the AES key',
    (b) => join(b, { aes: `${b.aes.slice(0, 30)}\u00a0${b.aes.slice(30)}` }),
    'not-ascii',
    'aes-key',
  ],
  [
    'a zero-width space in the option',
    (b) => `${b.address}+${b.aes}+allowSelf\u200bSignedCertificate`,
    'not-ascii',
    'option',
  ],
  ['a full-width plus', (b) => `${b.address}\uff0b${b.aes}`, 'not-ascii', 'address'],
  // the address part
  ['only the AES key', (b) => b.aes, 'aes-key-only', 'whole'],
  ['no scheme', (b) => join(b, { address: b.address.slice('wss://'.length) }), 'missing-scheme', 'address'],
  [
    'a scheme without //',
    (b) => join(b, { address: b.address.replace('wss://', 'wss:') }),
    'missing-scheme',
    'address',
  ],
  [
    'ws:// instead of wss://',
    (b) => join(b, { address: b.address.replace('wss://', 'ws://') }),
    'wrong-scheme',
    'address',
  ],
  [
    'https:// (the web address)',
    (b) => join(b, { address: b.address.replace('wss://', 'https://') }),
    'wrong-scheme',
    'address',
  ],
  ['upper-case WSS://', (b) => join(b, { address: b.address.replace('wss://', 'WSS://') }), 'wrong-scheme', 'address'],
  ['ftp://', (b) => join(b, { address: b.address.replace('wss://', 'ftp://') }), 'wrong-scheme', 'address'],
  ['a user name', (b) => join(b, { address: b.address.replace('wss://', 'wss://admin@') }), 'has-userinfo', 'address'],
  ['a path', (b) => join(b, { address: `${b.address}/ws` }), 'has-path', 'address'],
  ['a trailing slash', (b) => join(b, { address: `${b.address}/` }), 'has-path', 'address'],
  ['a query', (b) => join(b, { address: `${b.address}?x=1` }), 'has-path', 'address'],
  ['a fragment', (b) => join(b, { address: `${b.address}#top` }), 'has-path', 'address'],
  ['no host, only a port', (b) => join(b, { address: `wss://:${port(b)}` }), 'missing-host', 'address'],
  ['nothing after wss://', (b) => join(b, { address: 'wss://' }), 'missing-host', 'address'],
  ['an IPv4 octet above 255', (b) => join(b, { address: swapHost(b, '256.1.1.1') }), 'bad-host', 'address'],
  ['three IPv4 octets', (b) => join(b, { address: swapHost(b, '10.0.154') }), 'bad-host', 'address'],
  [
    'an underscore in the host name',
    (b) => join(b, { address: swapHost(b, 'uisp_server.lan') }),
    'bad-host',
    'address',
  ],
  ['a label starting with -', (b) => join(b, { address: swapHost(b, '-uisp.lan') }), 'bad-host', 'address'],
  ['an empty label', (b) => join(b, { address: swapHost(b, 'uisp..lan') }), 'bad-host', 'address'],
  ['a trailing dot', (b) => join(b, { address: swapHost(b, 'uisp.lan.') }), 'bad-host', 'address'],
  ['a numeric last label', (b) => join(b, { address: swapHost(b, 'uisp.123') }), 'bad-host', 'address'],
  ['a bracketed non-IPv6', (b) => join(b, { address: swapHost(b, '[uisp.lan]') }), 'bad-host', 'address'],
  ['an unclosed bracket', (b) => join(b, { address: 'wss://[2001:db8::1' }), 'bad-host', 'address'],
  [
    'a bare IPv6 address with a port',
    (b) => join(b, { address: `wss://2001:db8::1:${port(b)}` }),
    'ipv6-needs-brackets',
    'address',
  ],
  ['a bare IPv6 address', (b) => join(b, { address: 'wss://fe80::1' }), 'ipv6-needs-brackets', 'address'],
  ['a colon without a port', (b) => join(b, { address: `wss://${host(b)}:` }), 'bad-port', 'address'],
  ['a port with letters', (b) => join(b, { address: `wss://${host(b)}:44a` }), 'bad-port', 'address'],
  ['a named port', (b) => join(b, { address: `wss://${host(b)}:https` }), 'bad-port', 'address'],
  [
    'two ports',
    (b) => join(b, { address: `wss://${host(b).replace(/^\[|\]$/g, '') === host(b) ? host(b) : 'uisp.lan'}:443:443` }),
    'bad-port',
    'address',
  ],
  ['junk after an IPv6 bracket', (b) => join(b, { address: 'wss://[2001:db8::1]443' }), 'bad-port', 'address'],
  ['port 0', (b) => join(b, { address: `wss://${host(b)}:0` }), 'port-out-of-range', 'address'],
  ['port 65536', (b) => join(b, { address: `wss://${host(b)}:65536` }), 'port-out-of-range', 'address'],
  ['port 99999', (b) => join(b, { address: `wss://${host(b)}:99999` }), 'port-out-of-range', 'address'],
  ['a six-digit port', (b) => join(b, { address: `wss://${host(b)}:123456` }), 'port-out-of-range', 'address'],
  // the separators and parts
  ['a trailing +', (b) => `${join(b)}+`, 'empty-part', 'option'],
  ['a leading +', (b) => `+${join(b)}`, 'empty-part', 'address'],
  ['two + in a row', (b) => `${b.address}++${b.aes}`, 'empty-part', 'aes-key'],
  ['no AES key at all', (b) => b.address, 'missing-aes-key', 'aes-key'],
  ['an option but no AES key', (b) => `${b.address}+allowSelfSignedCertificate`, 'missing-aes-key', 'aes-key'],
  [
    'the option before the AES key',
    (b) => `${b.address}+allowUntrustedCertificate+${b.aes}`,
    'option-before-key',
    'option',
  ],
  // the AES key
  ['an ! in the AES key', (b) => join(b, { aes: `${b.aes.slice(0, 47)}!` }), 'aes-bad-character', 'aes-key'],
  [
    'a dot in the AES key',
    (b) => join(b, { aes: `${b.aes.slice(0, 10)}.${b.aes.slice(11)}` }),
    'aes-bad-character',
    'aes-key',
  ],
  [
    'a colon in the AES key',
    (b) => join(b, { aes: `${b.aes.slice(0, 3)}:${b.aes.slice(4)}` }),
    'aes-bad-character',
    'aes-key',
  ],
  [
    'a percent-encoded AES key',
    (b) => join(b, { aes: `${b.aes.slice(0, 20)}%2B${b.aes.slice(23)}` }),
    'aes-bad-character',
    'aes-key',
  ],
  [
    'mixed base64 alphabets',
    (b) => join(b, { aes: `${b.aes.slice(0, 5)}-${b.aes.slice(6, 10)}/${b.aes.slice(11)}` }),
    'aes-mixed-alphabet',
    'aes-key',
  ],
  [
    '= in the middle',
    (b) => join(b, { aes: `${b.aes.slice(0, 20)}=${b.aes.slice(21)}` }),
    'aes-bad-padding',
    'aes-key',
  ],
  ['three = at the end', (b) => join(b, { aes: `${b.aes.slice(0, 45)}===` }), 'aes-bad-padding', 'aes-key'],
  [
    '= making a length not a multiple of 4',
    (b) => join(b, { aes: `${b.aes.slice(0, 46)}=` }),
    'aes-bad-padding',
    'aes-key',
  ],
  ['one character too many (49)', (b) => join(b, { aes: `${b.aes}A` }), 'aes-not-base64', 'aes-key'],
  ['a mistyped last character (non-canonical)', (b) => join(b, { aes: noncanonical(b) }), 'aes-not-base64', 'aes-key'],
  ['cut by one character (47)', (b) => join(b, { aes: b.aes.slice(0, 47) }), 'aes-wrong-length', 'aes-key'],
  ['cut in half', (b) => join(b, { aes: b.aes.slice(0, 24) }), 'aes-wrong-length', 'aes-key'],
  ['a very short AES key', (b) => join(b, { aes: b.aes.slice(0, 8) }), 'aes-wrong-length', 'aes-key'],
  ['an AES key twice as long', (b) => join(b, { aes: b.aes + b.aes.slice(0, 16) }), 'aes-wrong-length', 'aes-key'],
  ['standard base64 with +', (b) => join(b, { aes: STD_PLUS }), 'aes-contains-plus', 'aes-key'],
  // the certificate option
  ['an all-lower-case option', (b) => join(b, { option: 'allowselfsignedcertificate' }), 'option-wrong-case', 'option'],
  ['an all-upper-case option', (b) => join(b, { option: 'ALLOWUNTRUSTEDCERTIFICATE' }), 'option-wrong-case', 'option'],
  ['a shortened option', (b) => join(b, { option: 'allowSelfSigned' }), 'unknown-option', 'option'],
  ['a plural option', (b) => join(b, { option: 'allowSelfSignedCertificates' }), 'unknown-option', 'option'],
  ['a made-up option', (b) => join(b, { option: 'insecure' }), 'unknown-option', 'option'],
  ['a digit option', (b) => join(b, { option: '1' }), 'unknown-option', 'option'],
  [
    'both options',
    (b) => `${b.address}+${b.aes}+allowSelfSignedCertificate+allowUntrustedCertificate`,
    'duplicate-option',
    'option',
  ],
  [
    'the same option twice',
    (b) => `${b.address}+${b.aes}+allowSelfSignedCertificate+allowSelfSignedCertificate`,
    'duplicate-option',
    'option',
  ],
  [
    'junk after the option',
    (b) => `${b.address}+${b.aes}+allowSelfSignedCertificate+extra`,
    'too-many-parts',
    'option',
  ],
]
export function noncanonical(b: Base): string {
  // 32 bytes in 43 characters leave 2 spare bits; setting one changes nothing decoded but breaks canonical form.
  const k = bytes(b.aes, 32).toString('base64url')
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  return k.slice(0, 42) + alphabet[alphabet.indexOf(k[42]!) ^ 1]
}
export const NOT_TEXT: [string, unknown][] = [
  ['a number', 42],
  ['null', null],
  ['undefined', undefined],
  ['an object', { key: 'wss://a:1+b' }],
  ['an array', ['wss://']],
  ['a buffer', Buffer.from('wss://')],
]
