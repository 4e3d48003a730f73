// Hostile-input corpus, part 2: what users and the network hand Keyward other
// than replies — typed console addresses and Home Assistant URLs, UISP keys
// (pasted, or served by a server), every contract request with wrong types and
// oversize strings, airOS datagrams and mDNS TXT records. One row per case,
// each with its specific error; nothing leaves this machine (addresses that
// pass validation are never in these tables).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { parseAirosPacket } from '../../electron/core/discovery/airos.ts'
import { parseTxt } from '../../electron/core/discovery/mdns.ts'
import { normalizeBaseUrl } from '../../electron/core/homeassistant/client.ts'
import { normalizeAddress } from '../../electron/core/net/address.ts'
import { checkUispKey, fetchUispKey } from '../../electron/core/uisp/connection.ts'
import { parseUispKey } from '../../electron/core/uisp/key.ts'
import { UispTokenCaller } from '../../electron/core/uisp/session.ts'
import { requestNames, type RequestName } from '../../shared/contract.ts'
import { inputs, MAX_TEXT } from '../../shared/schemas.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { SAMPLE_P_PYAIROS } from '../simulators/ubnt/fixtures.ts'
import { makeCore } from '../support/core.ts'
import { startHostileServer, type HostileServer } from '../support/hostile-server.ts'
import { BASES, MALFORMED } from '../support/uisp-key-corpus.ts'

const core = makeCore()
let server: HostileServer
beforeAll(async () => {
  server = await startHostileServer()
})
afterAll(async () => {
  core.dispose()
  await server.close()
})

function thrown(fn: () => unknown): KeywardFailure {
  try {
    fn()
  } catch (error) {
    if (error instanceof KeywardFailure) return error
    throw error
  }
  throw new Error('expected a failure')
}

// ---- console addresses -------------------------------------------------------------------
const BAD_ADDRESSES: [input: string, message: RegExp][] = [
  ['', /Enter the address of a console/],
  [' \t ', /Enter the address of a console/],
  ['\n', /Enter the address of a console/],
  ['a'.repeat(301), /too long to be a host name or IP address/],
  ['1'.repeat(5000), /too long/],
  ['my console', /cannot contain spaces/],
  ['10.0.0.1 /x', /cannot contain spaces/],
  ['10.0.0.1\u00a0.5', /cannot contain spaces/],
  ['ftp://10.0.0.1', /"ftp:\/\/" is not a web address/],
  ['file:///etc/passwd', /"file:\/\/" is not a web address/],
  ['javascript://alert(1)', /"javascript:\/\/" is not a web address/],
  ['ssh://root@10.0.0.1', /"ssh:\/\/" is not a web address/],
  ['wss://10.0.0.1', /"wss:\/\/" is not a web address/],
  ['https://', /no host name or IP address/],
  ['https:///path', /no host name or IP address/],
  ['user:pass@', /no host name or IP address/],
  ['@', /no host name or IP address/],
  ['10.0.0.1:0', /Port 0 is outside 1–65535/],
  ['10.0.0.1:65536', /Port 65536 is outside 1–65535/],
  ['10.0.0.1:99999', /Port 99999 is outside 1–65535/],
  ['10.0.0.1:', /"" is not a port number/],
  ['10.0.0.1:https', /"https" is not a port number/],
  ['10.0.0.1:-1', /"-1" is not a port number/],
  ['10.0.0.1:123456', /"123456" is not a port number/],
  ['10.0.0.1:0x1bb', /"0x1bb" is not a port number/],
  ['300.1.1.1', /"300\.1\.1\.1" is not a valid IPv4 address/],
  ['10.0.0', /"10\.0\.0" is not a valid IPv4 address/],
  ['10.0.0.1.5', /not a valid IPv4 address/],
  ['1.2.3.04', /not a valid IPv4 address/],
  ['bad_host!.lan', /not a valid host name/],
  ['-unvr.lan', /not a valid host name/],
  ['unvr..lan', /not a valid host name/],
  ['unvr-.lan', /not a valid host name/],
  [`${'a'.repeat(64)}.lan`, /not a valid host name/],
  ['unvr\u200b.lan', /not a valid host name/],
  ['ünvr.lan', /not a valid host name/],
  ['<script>', /not a valid host name/],
  ['%0d%0aHost:evil', /not a valid host name/],
  ['[fe80::1', /missing its closing "\]"/],
  ['[zz::1]', /"zz::1" is not a valid IPv6 address/],
  ['[10.0.0.1]', /is not a valid IPv6 address/],
  ['[::1]x', /Unexpected text after the IPv6 address/],
  ['[::1]:99999', /Port 99999 is outside/],
  ['fe80::1::2', /is not a valid IPv6 address/],
  ['1:2:3:4:5:6:7:8:9', /is not a valid IPv6 address/],
]

describe('typed console addresses', () => {
  it.each(BAD_ADDRESSES)('normalizeAddress(%j) → invalid-input', (input, message) => {
    const error = thrown(() => normalizeAddress(input))
    expect(error.code).toBe('invalid-input')
    expect(error.message).toMatch(message)
    expect(error.message.length).toBeLessThan(400)
  })

  it.each(BAD_ADDRESSES.filter(([input]) => input.length <= MAX_TEXT))(
    'console.probe %j → the same invalid-input, nothing sent',
    async (input, message) => {
      // invalid-input is decided before any socket opens (a probe that sent something would fail otherwise).
      const outcome = await core.invoke('console.probe', { address: input })
      expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-input', message } })
    },
  )
})

// ---- Home Assistant URLs -------------------------------------------------------------------
const BAD_HA_URLS: [input: string, message: RegExp][] = [
  ['', /Enter the address of Home Assistant/],
  ['   ', /Enter the address of Home Assistant/],
  ['h'.repeat(301), /That address is too long/],
  ['home assistant.local', /cannot contain spaces/],
  ['ftp://ha.local', /over http:\/\/ or https:\/\/, not "ftp:\/\/"/],
  ['ws://ha.local:8123', /not "ws:\/\/"/],
  ['wss://ha.local', /not "wss:\/\/"/],
  ['file:///config', /not "file:\/\/"/],
  ['javascript://x', /not "javascript:\/\/"/],
  ['http://user:pass@ha.local', /Leave the user name and password out of the address/],
  ['admin@ha.local:8123', /Leave the user name and password out/],
  ['http://', /no host name or IP address/],
  ['https://:8123', /not a valid host name|no host name/],
  ['ha.local:0', /Port 0 is outside 1–65535/],
  ['ha.local:65536', /Port 65536 is outside/],
  ['ha.local:port', /"port" is not a port number/],
  ['ha.local:81 23', /cannot contain spaces/],
  ['ha.local:-8123', /"-8123" is not a port number/],
  ['999.1.1.1', /"999\.1\.1\.1" is not a valid IPv4 address/],
  ['192.168.1', /not a valid IPv4 address/],
  ['ha!.local', /not a valid host name/],
  ['-ha.local', /not a valid host name/],
  ['ha..local', /not a valid host name/],
  ['hä.local', /not a valid host name/],
  ['[fe80::1', /missing its closing "\]"/],
  ['[gg::1]:8123', /is not a valid IPv6 address/],
  ['[::1]8123', /Unexpected text after the IPv6 address/],
  ['http://[::1', /missing its closing "\]"/],
  ['fe80::1::1', /is not a valid IPv6 address/],
]
const HA_TOKEN = 'a-long-lived-token-0123456789'

describe('Home Assistant base URLs', () => {
  it.each(BAD_HA_URLS)('normalizeBaseUrl(%j) → invalid-input', (input, message) => {
    const error = thrown(() => normalizeBaseUrl(input))
    expect(error.code).toBe('invalid-input')
    expect(error.message).toMatch(message)
  })

  it.each(BAD_HA_URLS.filter(([input]) => input !== '' && input.length <= MAX_TEXT))(
    'ha.connect %j → invalid-input before any request or keychain write',
    async (input, message) => {
      const outcome = await core.invoke('ha.connect', { url: input, token: HA_TOKEN })
      expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-input', message } })
      expect(await core.invoke('ha.list', {})).toEqual({ ok: true, value: [] })
    },
  )
})

// ---- UISP keys (the parser's own corpus, through the real entry points) ---------------------------
// One row per kind of malformation (the parser's own test runs each on every base key, uisp-key.test.ts):
// here the behaviour is that the real entry point refuses it before any connection.
const badKeys = MALFORMED.map(([name, make, code]) => [name, make(BASES[0]!), code] as const)

describe('UISP keys', () => {
  it.each(badKeys)('checkUispKey: %s → invalid_key, nothing contacted', async (_name, input, code) => {
    const check = await checkUispKey(input as string, { timeoutMs: 200 })
    const parsed = parseUispKey(input)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.error.code).toBe(code)
    // host null and invalid_key: refused by the parser, before any connection.
    expect(check).toMatchObject({ status: 'failed', host: null, problem: 'invalid_key', message: parsed.error.message })
  })

  // A UISP server that hands out a broken key: fetchUispKey says so with the parser's code.
  it.each(
    MALFORMED.filter(([, make]) => {
      const text = make(BASES[0]!)
      return typeof text === 'string' && text.trim() !== '' && !/^["']/.test(text.trim())
    }).map(([name, make, code]) => [name, make(BASES[0]!) as string, code] as const),
  )('served by the server: %s → bad-reply', async (_name, text, code) => {
    server.setBody({ path: '/nms/api/v2.1/nms/connection', body: text })
    try {
      const caller = new UispTokenCaller(
        { host: '127.0.0.1', port: server.port, pin: server.sha256, label: 'UISP (127.0.0.1)' },
        'uisp-token',
        { timeoutMs: 500 },
      )
      const error = await fetchUispKey(caller).then(
        () => null,
        (e: unknown) => e as KeywardFailure,
      )
      expect(error).toBeInstanceOf(KeywardFailure)
      expect(error!.code).toBe('bad-reply')
      expect(error!.detail).toBe(code)
      expect(error!.message).toMatch(/^The UISP key that UISP \(127\.0\.0\.1\) sent is not valid: /)
    } finally {
      server.set(null)
    }
  })
})

// ---- the contract: every request, every field, wrong types and oversize strings ----------------------
const KEY = '10.0.0.1:443'
const BASE_INPUT: Partial<Record<RequestName, Record<string, unknown>>> = {
  'console.probe': { address: '10.0.0.1' },
  'console.trust': { key: KEY, sha256: Array(32).fill('AB').join(':') },
  'console.signIn': { key: KEY, username: 'admin', password: 'pw', mfaCode: '123456' },
  'console.signOut': { key: KEY },
  'console.forget': { key: KEY },
  'hosts.forApp': { app: 'protect', picked: KEY },
  'provision.plan': { key: KEY, app: 'protect' },
  'provision.run': {
    key: KEY,
    app: 'protect',
    mode: 'dedicated-user',
    username: 'keyward',
    keyName: 'Keyward',
    accessValidityDays: 30,
  },
  'provision.resume': { id: 'abc' },
  'provision.cleanup': { id: 'abc' },
  'discovery.start': { interfaces: ['eth0'] },
  'inventory.addManual': { address: '10.0.0.1' },
  'keys.check': { ids: ['k1'] },
  'keys.pause': { id: 'k1', paused: true },
  'keys.forget': { id: 'k1' },
  'keys.copy': { id: 'k1' },
  'keys.reveal': { id: 'k1' },
  'keys.rotate': { id: 'k1' },
  'keys.revoke': { id: 'k1' },
  'ha.connect': { url: 'http://ha.local:8123', token: HA_TOKEN },
  'ha.forget': { id: 'h1' },
  'ha.continue': { id: 'h1' },
  'ha.push': { keyId: 'k1', haId: 'h1', mode: 'api_key', siteId: '0c6f1d52-8a3e-4c1e-9f4b-2d7a5e9b1c01' },
  'ha.pushOptions': { keyId: 'k1', haId: 'h1' },
  'ha.consent': { keyId: 'k1', haId: 'h1', sentence: 'Send the password of “keyward-ha” …' },
  'ha.copyFields': { keyId: 'k1', haId: 'h1' },
  'ha.fit': { haId: 'h1', app: 'network' },
  'keys.viewing': { open: true },
  'preferences.set': { clipboardClearSeconds: 30, checkIntervalMinutes: 15, startAtLogin: false, expiryLeadDays: 7 },
  'keys.usage': { force: true },
  'keys.copyPassword': { id: 'k1' },
  'uisp.probe': { address: '10.0.0.2' },
  'uisp.trust': { key: KEY, sha256: Array(32).fill('AB').join(':') },
  'uisp.signIn': { key: KEY, username: 'admin', password: 'pw', mfaCode: '123456' },
  'uisp.signOut': { key: KEY },
  'uisp.forget': { key: KEY },
  'uisp.plan': { key: KEY },
  'uisp.createToken': { key: KEY, purpose: 'monitor', name: 'ha-uisp' },
  'uisp.resumeToken': { id: 'abc' },
  'uisp.listTokens': { key: KEY },
  'uisp.revokeToken': { key: KEY, tokenId: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
  'uispKey.save': { text: 'wss://uisp.local:443+abc' },
  'uispKey.fromServer': { key: KEY },
  'uispKey.check': { id: 'k1' },
  'uispKey.copy': { id: 'k1' },
  'uispKey.forget': { id: 'k1' },
  'uispKey.registration': { id: 'k1', device: { kind: 'edgeos' } },
  'uispKey.copyRegistration': { id: 'k1', device: { kind: 'edgeos' } },
  'audit.open': { consoles: [KEY], uispServers: [KEY], unusedDays: 90 },
  'audit.cleanup': { ids: ['unused|x'], confirmation: 'Clean up 1 finding.' },
  'activity.list': { hostKey: KEY, keyId: 'k1' },
  'activity.export': { format: 'csv', hostKey: KEY, keyId: 'k1' },
}

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType }
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def
const unwrap = (schema: z.ZodType): z.ZodType =>
  defOf(schema).type === 'optional' ? unwrap(defOf(schema).innerType!) : schema
const OVERSIZE = 'x'.repeat(Math.max(MAX_TEXT, 4096) + 1)

/** Values of the wrong type (and oversize strings) for a field of this schema. */
function wrongValues(schema: z.ZodType): [label: string, value: unknown][] {
  const base = unwrap(schema)
  switch (defOf(base).type) {
    case 'string':
      return [
        ['a number', 42],
        ['null', null],
        ['a boolean', true],
        ['an object', { toString: 'x' }],
        ['an array of strings', ['a']],
        ['an oversize string', OVERSIZE],
      ]
    case 'number':
      return [
        ['a numeric string', '30'],
        ['null', null],
        ['a boolean', false],
        ['a fraction', 1.5],
        ['a huge number', 1e300],
        ['an oversize string', OVERSIZE],
      ]
    case 'boolean':
      return [
        ['the string "true"', 'true'],
        ['1', 1],
        ['null', null],
        ['an object', {}],
      ]
    case 'enum':
      return [
        ['a wrong-case value', 'PROTECT'],
        ['a number', 0],
        ['null', null],
        ['an oversize string', OVERSIZE],
      ]
    case 'array':
      return [
        ['a bare string', 'eth0'],
        ['an array of numbers', [42]],
        ['an array of oversize strings', [OVERSIZE]],
        ['a 5000-item array', Array(5000).fill('k1')],
        ['null', null],
      ]
    default:
      return [
        ['null', null],
        ['an oversize string', OVERSIZE],
      ]
  }
}

const shapeOf = (name: RequestName): Record<string, z.ZodType> =>
  (inputs[name] as unknown as { shape: Record<string, z.ZodType> }).shape
/** Every (request, field, wrong value) row, grouped by the kind of field: one behaviour per kind. */
const fieldRows = requestNames.flatMap((name) =>
  Object.entries(shapeOf(name)).flatMap(([field, schema]) =>
    wrongValues(schema).map(([label, value]) => ({ kind: defOf(unwrap(schema)).type, name, field, label, value })),
  ),
)
const fieldKinds = [...new Set(fieldRows.map((r) => r.kind))]
const extraInputs: [label: string, extra: (name: RequestName) => unknown][] = [
  ['an unknown field', (name) => ({ ...BASE_INPUT[name], sneaky: 1 })],
  ['an oversize unknown field', (name) => ({ ...BASE_INPUT[name], ['k'.repeat(300)]: OVERSIZE })],
]

describe('contract inputs through core.invoke', () => {
  it('has a valid base input for every request with fields', () => {
    const missing = requestNames.filter((name) => Object.keys(shapeOf(name)).length > 0 && !BASE_INPUT[name])
    expect(missing).toEqual([])
  })

  it.each(fieldKinds)(
    'every %s field of every request refuses wrong types and oversize values, naming the field',
    async (kind) => {
      const rows = fieldRows.filter((r) => r.kind === kind)
      expect(rows.length).toBeGreaterThan(0)
      for (const { name, field, label, value } of rows) {
        const outcome = await core.invoke(name, { ...BASE_INPUT[name], [field]: value })
        const where = `${name}.${field} as ${label}`
        expect(outcome.ok, where).toBe(false)
        if (outcome.ok) continue
        expect(outcome.error.code, where).toBe('invalid-input')
        expect(outcome.error.message, where).toBe(`The ${name} request was malformed.`)
        expect(outcome.error.detail, where).toMatch(new RegExp(`^${field}(\\.\\d+)?: `))
        // Never echoes the offending value.
        expect(JSON.stringify(outcome), where).not.toContain(OVERSIZE.slice(0, 64))
      }
    },
  )

  it.each(extraInputs)('every request refuses %s', async (_label, extra) => {
    for (const name of requestNames) {
      const outcome = await core.invoke(name, extra(name))
      expect(outcome, name).toMatchObject({
        ok: false,
        error: { code: 'invalid-input', message: `The ${name} request was malformed.` },
      })
      if (!outcome.ok) expect(outcome.error.detail, name).toMatch(/Unrecognized key/)
      expect(JSON.stringify(outcome), name).not.toContain(OVERSIZE.slice(0, 64))
    }
  })
})

// ---- airOS datagrams (UDP 10002) and mDNS TXT records ----------------------------------------------
const pyairos = Buffer.from(SAMPLE_P_PYAIROS)
const AIROS: [name: string, packet: Buffer, expected: RegExp][] = [
  ['an empty datagram', Buffer.alloc(0), /^invalid: 0-byte packet is shorter than the 4-byte header$/],
  ['one byte', Buffer.from([1]), /^invalid: 1-byte packet/],
  ['three bytes', Buffer.from([1, 6, 0]), /^invalid: 3-byte packet/],
  ['an empty v1/6 header', Buffer.from([1, 6, 0, 0]), /^invalid: empty packet 1\/6$/],
  ['a header of an unknown version', Buffer.from([3, 6, 0, 2, 0, 0]), /^invalid: unknown header version 3 command 6$/],
  ['an unknown command', Buffer.from([1, 0x7f, 0, 2, 0, 0]), /^invalid: unknown header version 1 command 127$/],
  ['the v1 discovery request', Buffer.from([1, 0, 0, 0]), /^request$/],
  [
    'a length past the end',
    Buffer.from([1, 6, 0xff, 0xff, 0x0b, 0, 1, 0x41]),
    /^reply: .*header says 65535 bytes of fields, only 4 arrived/,
  ],
  [
    'a field running past the end',
    Buffer.from([1, 6, 0, 4, 0x0b, 0, 9, 0x41]),
    /^reply: .*claims 9 bytes but only 1 remain/,
  ],
  [
    'bytes after the declared length',
    Buffer.from([1, 6, 0, 4, 0x0b, 0, 1, 0x41, 0xde, 0xad]),
    /^reply: .*2 byte\(s\) after the declared length ignored/,
  ],
  [
    'a python-airos header with the MAC cut short',
    Buffer.concat([pyairos.subarray(0, 6), Buffer.from([0x06, 0xaa, 0xbb])]),
    /^invalid: /,
  ],
  [
    'a python-airos header and an unknown field type',
    Buffer.concat([pyairos.subarray(0, 6), Buffer.from([0x77, 0, 1, 0])]),
    /^invalid: /,
  ],
  [
    'a python-airos form with a length past the end',
    Buffer.concat([pyairos.subarray(0, 6), Buffer.from([0x06, 1, 2, 3, 4, 5, 6, 0x0b, 0xff, 0xff, 0x41])]),
    /^invalid: /,
  ],
  ['the largest UDP payload of zeros', Buffer.alloc(65507), /^invalid: empty packet 0\/0$/],
]
const describePacket = (packet: Buffer): string => {
  const p = parseAirosPacket(packet)
  return p.kind === 'invalid'
    ? `invalid: ${p.reason}`
    : p.kind === 'request'
      ? 'request'
      : `reply: ${p.reply.problems.join('; ')}`
}

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s))
const TXT: [name: string, raw: unknown, check: (t: ReturnType<typeof parseTxt>) => void][] = [
  ['not a list', 'version=1', (t) => expect(t).toEqual({ txt: {}, rawTxt: [] })],
  ['null', null, (t) => expect(t).toEqual({ txt: {}, rawTxt: [] })],
  ['numbers instead of buffers', [1, 2, 3], (t) => expect(t.rawTxt).toEqual([])],
  ['a string longer than DNS allows', [b(`version=${'9'.repeat(1000)}`)], (t) => expect(t.rawTxt[0]!.length).toBe(510)],
  ['a key only', [b('requires_api_password')], (t) => expect(t.txt).toEqual({ requires_api_password: '' })],
  ['an empty key', [b('=value')], (t) => expect(t.txt).toEqual({})],
  ['a duplicate key in other case', [b('version=1'), b('VERSION=2')], (t) => expect(t.txt).toEqual({ version: '1' })],
  [
    'a __proto__ key',
    [b('__proto__=x')],
    (t) => {
      expect(Object.getPrototypeOf(t.txt)).toBe(Object.prototype)
      expect(Object.hasOwn(t.txt, '__proto__')).toBe(true)
    },
  ],
  [
    'control and bidi characters',
    [b('location_name=Home\u202e\u0007\u001b[31m')],
    // eslint-disable-next-line no-control-regex
    (t) => expect(t.txt.location_name).not.toMatch(/[\u0000-\u001f\u202e]/),
  ],
  ['invalid UTF-8', [b([0x76, 0x3d, 0xc3, 0x28, 0xff])], (t) => expect(t.txt.v).toContain('\uFFFD')],
  ['1000 entries', Array.from({ length: 1000 }, (_, i) => b(`k${i}=v`)), (t) => expect(t.rawTxt).toHaveLength(64)],
  [
    'a key far over 64 characters',
    [b(`${'k'.repeat(300)}=v`)],
    (t) => expect(Object.keys(t.txt)[0]!.length).toBeLessThanOrEqual(64),
  ],
]

describe('discovery datagrams and records', () => {
  it.each(AIROS)('airOS: %s', (_name, packet, expected) => {
    expect(describePacket(packet)).toMatch(expected)
  })

  it.each(TXT)('mDNS TXT: %s', (_name, raw, check) => {
    check(parseTxt(raw))
  })
})
