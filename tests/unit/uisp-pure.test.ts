// Pure pieces of the UISP client: device registration commands (uisp.md §5),
// scopes and purposes (§2), token expiry and the 2FA token's `exp` (§1).
import { describe, expect, it } from 'vitest'
import {
  firmwareNumber,
  leastScopeFor,
  registrationCommands,
  scopeCovers,
  tokenNameProblem,
  twoFactorExpiry,
  uispExpiry,
  UISP_KEY_PLACEHOLDER,
  UISP_SCOPES,
  UISP_TOKEN_PURPOSES,
} from '../../electron/core/uisp/index.ts'

const AES = Buffer.concat([Buffer.alloc(32, 0x5a), Buffer.alloc(4)]).toString('base64url')
const KEY = `wss://10.0.154.3:9443+${AES}+allowSelfSignedCertificate`

describe('registrationCommands', () => {
  it('gives the EdgeOS script of UNMS erouter.js, with the key quoted as in stored configs', () => {
    const copy = registrationCommands({ kind: 'edgeos' }, KEY, 'copy')
    expect(copy).toMatchObject({ ok: true, commands: { kind: 'edgeos', variant: 'copy', form: 'shell' } })
    expect(copy.ok && copy.commands.lines).toEqual([
      'configure',
      'delete service unms disable',
      `set service unms connection '${KEY}'`,
      'commit',
      'save',
      'exit',
    ])
    expect(copy.ok && copy.commands.text).toBe(copy.ok && copy.commands.lines.join('\n'))
    const script = registrationCommands({ kind: 'edgeos', mode: 'script' }, KEY, 'copy')
    expect(script.ok && script.commands.lines[0]).toBe('source /opt/vyatta/etc/functions/script-template')
  })

  it('shows a placeholder instead of the key in the display variant, for every device kind', () => {
    for (const kind of ['edgeos', 'airos', 'ubios'] as const) {
      for (const key of [KEY, null]) {
        const display = registrationCommands({ kind }, key)
        expect(display.ok).toBe(true)
        if (!display.ok) continue
        expect(display.commands.variant).toBe('display')
        expect(display.commands.text).toContain(UISP_KEY_PLACEHOLDER)
        expect(display.commands.text).not.toContain(AES)
        expect(display.commands.text).not.toContain('10.0.154.3')
      }
    }
  })

  it('gives the airOS system.cfg keys: uri, uri.changed (airMAX AC) and status', () => {
    const ac = registrationCommands({ kind: 'airos', firmware: 'XC.v8.7.11' }, KEY, 'copy')
    expect(ac.ok && ac.commands.lines).toEqual([`unms.uri=${KEY}`, `unms.uri.changed=${KEY}`, 'unms.status=enabled'])
    expect(ac.ok && ac.commands.form).toBe('config-lines')
    const m = registrationCommands({ kind: 'airos', firmware: 'XM.v6.3.6' }, KEY, 'copy')
    expect(m.ok && m.commands.lines).toEqual([`unms.uri=${KEY}`, 'unms.status=enabled'])
    const explicit = registrationCommands({ kind: 'airos', airmax: 'm' }, KEY, 'copy')
    expect(explicit.ok && explicit.commands.source).toMatch(/M\.js/)
  })

  it('gives the UBIOS udapi command with the key inside JSON', () => {
    const result = registrationCommands({ kind: 'ubios' }, KEY, 'copy')
    expect(result.ok && result.commands.lines).toEqual([
      `/usr/bin/ubios-udapi-client -X PUT -d '{"connectionString": "${KEY}"}' /v2.1/nms/connection`,
    ])
    expect(result.ok && result.commands.source).toMatch(/reported/)
  })

  it('warns about firmware older than UISP keys need (help.ui.com 115015772548)', () => {
    const cases: [Parameters<typeof registrationCommands>[0], boolean][] = [
      [{ kind: 'edgeos', firmware: 'v1.9.1' }, true],
      [{ kind: 'edgeos', firmware: 'v1.9.7' }, false],
      [{ kind: 'edgeos', firmware: 'v2.0.9-hotfix.7' }, false],
      [{ kind: 'airos', firmware: 'XC.v8.4.0' }, true],
      [{ kind: 'airos', firmware: 'XC.v8.4.1' }, false],
      [{ kind: 'airos', firmware: 'XM.v6.1.2' }, true],
      [{ kind: 'airos', firmware: 'XW.v6.3.11' }, false],
      [{ kind: 'ubios', firmware: '1.0.0' }, false],
      [{ kind: 'edgeos', firmware: 'unknown' }, false],
    ]
    for (const [device, warned] of cases) {
      const result = registrationCommands(device, null)
      expect(result.ok && result.commands.warnings.length > 0, JSON.stringify(device)).toBe(warned)
    }
    expect(firmwareNumber('v2.0.9-hotfix.7')).toBe('2.0.9')
    expect(firmwareNumber('XC.v8.7.4.45')).toBe('8.7.4.45')
  })

  it('refuses an invalid key, and the copy variant without a key', () => {
    expect(registrationCommands({ kind: 'edgeos' }, `wss://10.0.154.3:9443+${AES.slice(0, 40)}`, 'copy')).toMatchObject(
      { ok: false, error: { code: 'aes-wrong-length' } },
    )
    expect(registrationCommands({ kind: 'edgeos' }, `wss://10.0.154.3:9443+${AES.slice(0, 40)}`)).toMatchObject({
      ok: false,
    })
    expect(registrationCommands({ kind: 'ubios' }, null, 'copy')).toMatchObject({ ok: false, error: { code: 'empty' } })
  })

  it('notes what the certificate option means for the device', () => {
    const untrusted = registrationCommands(
      { kind: 'edgeos' },
      KEY.replace('allowSelfSignedCertificate', 'allowUntrustedCertificate'),
    )
    expect(untrusted.ok && untrusted.commands.notes.join(' ')).toMatch(/any server certificate/)
  })
})

describe('scopes and purposes', () => {
  it('asks for the least scope that serves the purpose, never superadmin', () => {
    expect(leastScopeFor('monitor')).toBe('guest')
    expect(leastScopeFor('register-devices')).toBe('admin')
    for (const purpose of Object.values(UISP_TOKEN_PURPOSES)) expect(purpose.scope).not.toBe('superadmin')
    expect(scopeCovers('admin', 'guest')).toBe(true)
    expect(scopeCovers('guest', 'admin')).toBe(false)
    expect(scopeCovers('superadmin', 'admin')).toBe(true)
    for (const scope of Object.values(UISP_SCOPES)) expect(scope.allows.length).toBeGreaterThan(20)
  })

  it('checks token names like UISP does (≤ 20 characters)', () => {
    expect(tokenNameProblem('keyward-monitor')).toBeNull()
    expect(tokenNameProblem('x'.repeat(20))).toBeNull()
    expect(tokenNameProblem('x'.repeat(21))).toMatch(/at most 20 characters; this one has 21/)
    expect(tokenNameProblem('  ')).toMatch(/needs a name/)
    expect(tokenNameProblem('a\nb')).toMatch(/control/)
  })
})

describe('expiry', () => {
  const now = Date.parse('2026-11-22T12:00:00Z')
  it.each([
    [null, 'never'],
    ['2026-11-22T11:59:59Z', 'expired'],
    ['2026-11-22T12:00:00Z', 'expired'],
    ['2026-11-25T12:00:00Z', 'expiring'],
    ['2026-11-29T12:00:00Z', 'expiring'],
    ['2026-12-30T12:00:00Z', 'valid'],
  ] as const)('a token expiring at %s is %s', (at, state) => expect(uispExpiry(at, now)).toBe(state))

  it('reads the TwoFactorToken exp in ms, seconds or as a date, with a fallback', () => {
    expect(twoFactorExpiry(now + 60_000, now)).toBe(now + 60_000)
    expect(twoFactorExpiry((now + 60_000) / 1000, now)).toBe(now + 60_000)
    expect(twoFactorExpiry('2026-11-22T12:05:00Z', now)).toBe(now + 300_000)
    expect(twoFactorExpiry(undefined, now)).toBe(now + 300_000)
  })
})
