// The UISP requests' inputs: each kind of bad input is refused before any
// handler runs, with an error that names the field and what is wrong (and
// never echoes the value); a pasted key that passes the schema gets the
// parser's precise message. Good input reaches the handler.
import { afterAll, describe, expect, it } from 'vitest'
import { makeCore } from '../support/core.ts'

const core = makeCore()
afterAll(() => core.dispose())

const SERVER = '192.0.2.10:443'
const TOKEN_ID = 'd5b6d28a-9477-423b-9ed9-0c96b717e52f'

async function refusal(name: string, input: unknown) {
  const outcome = await core.invoke(name, input)
  if (outcome.ok) throw new Error(`${name} accepted ${JSON.stringify(input)}`)
  return outcome.error
}

describe('UISP inputs are validated with a specific error', () => {
  const cases: [string, string, unknown, RegExp][] = [
    [
      'a token name over 20 characters',
      'uisp.createToken',
      { key: SERVER, purpose: 'monitor', name: 'home-assistant-uisp-1' },
      /^name: at most 20 characters \(UISP’s limit for token names\)$/,
    ],
    [
      'a blank token name',
      'uisp.createToken',
      { key: SERVER, purpose: 'monitor', name: '   ' },
      /^name: a token needs a name$/,
    ],
    [
      'a control character in the name',
      'uisp.createToken',
      { key: SERVER, purpose: 'monitor', name: 'ha\nuisp' },
      /^name: no control characters$/,
    ],
    ['a purpose that is a scope', 'uisp.createToken', { key: SERVER, purpose: 'superadmin', name: 'ha' }, /^purpose: /],
    [
      'a scope instead of a purpose',
      'uisp.createToken',
      { key: SERVER, scope: 'admin', name: 'ha' },
      /purpose: .*|Unrecognized key.*scope/,
    ],
    [
      'a token id that is not a UUID',
      'uisp.revokeToken',
      { key: SERVER, tokenId: '../token' },
      /^tokenId: a UISP token id \(a UUID\)$/,
    ],
    [
      'a 2FA code with letters',
      'uisp.signIn',
      { key: SERVER, username: 'admin', password: 'pw', mfaCode: '12ab56' },
      /^mfaCode: a 6–8 digit code$/,
    ],
    ['an empty password', 'uisp.signIn', { key: SERVER, username: 'admin', password: '' }, /^password: /],
    ['a fingerprint in the wrong form', 'uisp.trust', { key: SERVER, sha256: 'ab:cd' }, /^sha256: /],
    ['an empty UISP key', 'uispKey.save', { text: '' }, /^text: paste a UISP key$/],
    ['a UISP key id with capitals', 'uispKey.check', { id: 'NOT-AN-ID' }, /^id: /],
    ['an unknown device kind', 'uispKey.registration', { device: { kind: 'unifi' } }, /^device\.kind: /],
    [
      'an extra device field',
      'uispKey.copyRegistration',
      { id: 'abc', device: { kind: 'edgeos', key: 'wss://x' } },
      /^device: .*key/,
    ],
    ['copying commands without a key', 'uispKey.copyRegistration', { device: { kind: 'edgeos' } }, /^id: /],
  ]
  for (const [label, name, input, detail] of cases) {
    it(`refuses ${label}`, async () => {
      const error = await refusal(name, input)
      expect(error.code).toBe('invalid-input')
      expect(error.message).toBe(`The ${name} request was malformed.`)
      expect(error.detail).toMatch(detail)
    })
  }

  it('never echoes a refused value back', async () => {
    const error = await refusal('uisp.signIn', {
      key: SERVER,
      username: 'admin',
      password: 'Secret-Pass-99',
      mfaCode: 'Secret-Code',
    })
    expect(JSON.stringify(error)).not.toContain('Secret-')
  })
})

describe('what passes the schema reaches the handler', () => {
  it('answers a malformed UISP key with the parser’s precise message, without the key', async () => {
    const key =
      "'wss://uisp.example:443+9exGQ9uBkKr4Kb2pxqfVZ0t8WnqzS_UyZ2H3kRb9GH_i7wAAAAA+allowSelfSignedCertificate'"
    const error = await refusal('uispKey.save', { text: key })
    expect(error).toMatchObject({ code: 'invalid-input', detail: 'quoted' })
    expect(error.message).toMatch(/quote/i)
    expect(error.message).not.toContain('9exGQ9uB')
    expect(error.message).not.toContain('uisp.example')
  })

  it('asks for a known server before signing in or making tokens', async () => {
    expect(
      await refusal('uisp.signIn', { key: SERVER, username: 'admin', password: 'pw', mfaCode: '123456' }),
    ).toMatchObject({ code: 'not-found', message: expect.stringMatching(/does not know that UISP server/) })
    expect(
      await refusal('uisp.createToken', { key: SERVER, purpose: 'register-devices', name: ' keyward-register ' }),
    ).toMatchObject({ code: 'not-found' })
    expect(await refusal('uisp.revokeToken', { key: SERVER, tokenId: TOKEN_ID })).toMatchObject({ code: 'not-found' })
  })

  it('shows registration commands without any key', async () => {
    const outcome = await core.invoke('uispKey.registration', { device: { kind: 'airos', firmware: 'XC.v8.7.4' } })
    expect(outcome).toMatchObject({
      ok: true,
      value: {
        kind: 'airos',
        variant: 'display',
        lines: ['unms.uri=<UISP key>', 'unms.uri.changed=<UISP key>', 'unms.status=enabled'],
      },
    })
  })
})
