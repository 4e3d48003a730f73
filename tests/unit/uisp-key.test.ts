// The UISP key parser against a systematically generated corpus (uisp.md §4):
// every valid shape (host kinds × ports × AES encodings × certificate options)
// and every malformation class applied to several base keys, each with its
// expected result. Nothing may throw, and no error message or mask may carry
// the AES part or the host.
import { describe, expect, it } from 'vitest'
import {
  maskUispKey,
  parseUispKey,
  sameUispKey,
  type UispKeyErrorCode,
  type UispKeyParse,
} from '../../electron/core/uisp/key.ts'
import { aes, BASES, host, MALFORMED, NOT_TEXT, STD_PLUS, valid } from '../support/uisp-key-corpus.ts'

function expectNoLeak(result: UispKeyParse | string, secrets: string[]): void {
  const text = typeof result === 'string' ? result : result.ok ? '' : result.error.message
  for (const secret of secrets) {
    if (secret.length < 6) continue
    // No 8-character run of a secret may appear (the AES part, and the host in errors).
    for (let i = 0; i + 8 <= secret.length; i += 4) expect(text).not.toContain(secret.slice(i, i + 8))
  }
}

const safeParse = (input: unknown): UispKeyParse => {
  let result: UispKeyParse | undefined
  expect(() => {
    result = parseUispKey(input)
  }).not.toThrow()
  return result!
}

describe('parseUispKey: valid keys', () => {
  it('has a corpus of at least 150 valid keys', () => expect(valid.length).toBeGreaterThanOrEqual(150))

  it.each(valid.map((v) => [v.text.replace(/\+[^+]{16,}/, '+<aes>'), v] as const))('accepts %s', (_name, v) => {
    const result = safeParse(v.text)
    expect(result).toEqual({
      ok: true,
      key: {
        host: v.host,
        hostKind: v.hostKind,
        port: v.port,
        explicitPort: v.explicitPort,
        aesKey: v.aes,
        option: v.option,
        certificate:
          v.option === null
            ? 'verify'
            : v.option === 'allowSelfSignedCertificate'
              ? 'allow-self-signed'
              : 'allow-untrusted',
        text: v.text,
        warnings: v.warnings.map((code) => ({ code, message: expect.any(String) })),
      },
    })
  })

  it('removes blanks around a pasted key, with a warning', () => {
    const text = `wss://10.0.154.3:9443+${aes('x')}+allowSelfSignedCertificate`
    for (const padded of [`  ${text}`, `${text}\n`, `\t${text}\r\n`]) {
      const result = safeParse(padded)
      expect(result.ok && result.key.text).toBe(text)
      expect(result.ok && result.key.warnings.map((w) => w.code)).toEqual(['trimmed'])
    }
  })

  it('accepts the published sample shapes (uisp.md §4)', () => {
    // 9exGQ9uB…GH_i7wAAAAA: 48 characters ending in the zero tail.
    const sample = `9exGQ9uB${'x'.repeat(29)}GH_i7wAAAAA`
    expect(sample).toHaveLength(48)
    for (const option of ['allowSelfSignedCertificate', 'allowUntrustedCertificate']) {
      expect(safeParse(`wss://10.0.154.3:9443+${sample}+${option}`).ok).toBe(true)
    }
  })
})

describe('parseUispKey: malformed keys', () => {
  const corpus = MALFORMED.flatMap(([name, make, code, part]) =>
    BASES.map((b, i) => [`${name} (base ${i + 1})`, make(b), code, part, b] as const),
  )

  it('has a corpus of at least 200 malformed keys covering every error code', () => {
    expect(corpus.length + NOT_TEXT.length).toBeGreaterThanOrEqual(200)
    const codes = new Set<string>([...MALFORMED.map((c) => c[2]), 'not-text'])
    const all: UispKeyErrorCode[] = [
      'not-text',
      'empty',
      'too-long',
      'quoted',
      'whitespace',
      'control-character',
      'not-ascii',
      'aes-key-only',
      'missing-scheme',
      'wrong-scheme',
      'has-userinfo',
      'has-path',
      'missing-host',
      'bad-host',
      'ipv6-needs-brackets',
      'bad-port',
      'port-out-of-range',
      'empty-part',
      'missing-aes-key',
      'option-before-key',
      'aes-bad-character',
      'aes-mixed-alphabet',
      'aes-bad-padding',
      'aes-not-base64',
      'aes-wrong-length',
      'aes-contains-plus',
      'option-wrong-case',
      'unknown-option',
      'duplicate-option',
      'too-many-parts',
    ]
    expect([...codes].sort()).toEqual([...all].sort())
  })

  it.each(corpus)('refuses %s', (_name, input, code, part, base) => {
    const result = safeParse(input)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe(code)
    expect(result.error.part).toBe(part)
    expect(result.error.message).toMatch(/^[A-Z].*[.?]$/)
    expectNoLeak(result, [base.aes, STD_PLUS, host(base).replace(/^\[|\]$/g, '')])
  })

  it.each(NOT_TEXT)('refuses %s as not-text', (_name, input) => {
    expect(safeParse(input)).toMatchObject({ ok: false, error: { code: 'not-text', part: 'whole' } })
  })

  it('names the near-miss option it expected', () => {
    const result = safeParse(`wss://10.0.0.1:443+${aes('n')}+allowSelfSignedCertificates`)
    expect(!result.ok && result.error.message).toMatch(/did you mean allowSelfSignedCertificate\?/)
    const cut = safeParse(`wss://10.0.0.1:443+${aes('n')}+allowUntrusted`)
    expect(!cut.ok && cut.error.message).toMatch(/did you mean allowUntrustedCertificate\?/)
    const other = safeParse(`wss://10.0.0.1:443+${aes('n')}+insecure`)
    expect(!other.ok && other.error.message).not.toMatch(/did you mean/)
  })

  it('says where in the AES key a bad character is, without showing it', () => {
    const key = aes('pos')
    const result = safeParse(`wss://10.0.0.1:443+${key.slice(0, 11)}*${key.slice(12)}`)
    expect(!result.ok && result.error.message).toMatch(/The 12th character of the AES key part/)
  })
})

describe('maskUispKey', () => {
  const samples = [...valid.slice(0, 40), ...valid.slice(-10)]
  it.each(samples.map((v) => [v.text.replace(/\+[^+]{16,}/, '+<aes>'), v] as const))(
    'obscures host and AES part of %s',
    (_name, v) => {
      const masked = maskUispKey(v.text)
      expect(masked.startsWith('wss://••••••')).toBe(true)
      expect(masked).toContain(v.explicitPort ? `:${v.port}+` : '••••••+')
      if (v.option) expect(masked.endsWith(`+${v.option}`)).toBe(true)
      expectNoLeak(masked, [v.aes, v.host])
      expect(masked).not.toContain(v.host)
    },
  )

  it('obscures whatever could be secret in text that is not a valid key', () => {
    const key = aes('m')
    for (const text of [
      `wss://secret-host.lan:443+${key.slice(0, 40)}`,
      key,
      `https://secret-host.lan+${key}+allowSelfSignedCertificate`,
      '',
    ]) {
      const masked = maskUispKey(text)
      expect(masked).not.toContain('secret-host')
      expectNoLeak(masked, [key])
    }
    expect(maskUispKey(`wss://secret-host.lan:8443+${key.slice(0, 40)}+allowUntrustedCertificate`)).toBe(
      'wss://••••••:8443+••••••+allowUntrustedCertificate',
    )
    expect(maskUispKey(42)).toBe('••••••')
  })
})

describe('sameUispKey', () => {
  it('compares host (case-insensitively), port, AES part and option', () => {
    const k = (text: string) => {
      const r = parseUispKey(text)
      if (!r.ok) throw new Error(r.error.message)
      return r.key
    }
    const a = aes('same')
    expect(sameUispKey(k(`wss://UISP.lan:443+${a}`), k(`wss://uisp.lan:443+${a}`))).toBe(true)
    expect(sameUispKey(k(`wss://uisp.lan:443+${a}`), k(`wss://uisp.lan:443+${aes('other')}`))).toBe(false)
    expect(sameUispKey(k(`wss://uisp.lan:443+${a}`), k(`wss://uisp.lan:8443+${a}`))).toBe(false)
    expect(sameUispKey(k(`wss://uisp.lan:443+${a}`), k(`wss://uisp.lan:443+${a}+allowSelfSignedCertificate`))).toBe(
      false,
    )
  })
})
