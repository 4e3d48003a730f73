// Feeding the contract's handlers malformed input must yield validation errors
// as values, never a crash or a thrown exception.
import { afterAll, describe, expect, it } from 'vitest'
import { requestNames } from '../../shared/contract.ts'
import { makeCore } from '../support/core.ts'

const core = makeCore()
afterAll(() => core.dispose())

const huge = 'x'.repeat(5_000_000)
const deep = (() => {
  let v: Record<string, unknown> = {}
  for (let i = 0; i < 10_000; i++) v = { a: v }
  return v
})()

const malformed: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a string', 'console'],
  ['an array', [1, 2, 3]],
  ['a function-like object', { then: 'not a promise' }],
  ['a prototype-pollution key', JSON.parse('{"__proto__": {"polluted": true}}')],
  ['a huge string field', { address: huge }],
  ['a deeply nested object', deep],
  ['wrong field types', { address: 12, clipboardClearSeconds: 'soon', checkIntervalMinutes: null }],
]

describe('the dispatcher answers every malformed request with an error value', () => {
  // One behaviour per malformed shape, checked on every request (an unknown field per request is in
  // hostile-inputs.test.ts, with the per-field rows).
  for (const [label, input] of malformed) {
    it(`every request refuses ${label}: invalid-input naming the request, the value never echoed`, async () => {
      const accepted: string[] = []
      for (const name of requestNames) {
        const outcome = await core.invoke(name, input)
        if (outcome.ok) {
          accepted.push(name)
          continue
        }
        expect(outcome.error.code, name).toBe('invalid-input')
        expect(outcome.error.message, name).toContain(name)
        expect(JSON.stringify(outcome).length, name).toBeLessThan(2000)
      }
      expect(accepted).toEqual([])
    })
  }

  it('refuses unknown request names, including inherited property names', async () => {
    for (const name of [
      'console.delete',
      '',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      42,
      null,
      {},
      huge,
    ]) {
      const outcome = await core.invoke(name, {})
      expect(outcome.ok).toBe(false)
      if (!outcome.ok) {
        expect(outcome.error.code).toBe('unknown-request')
        expect(outcome.error.message.length).toBeLessThan(200)
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('validates values, not just types', async () => {
    const outcome = await core.invoke('preferences.set', { clipboardClearSeconds: 1 })
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.error.detail).toMatch(/clipboardClearSeconds/)
    const good = await core.invoke('preferences.set', { clipboardClearSeconds: 45 })
    expect(good).toEqual({ ok: true, value: expect.objectContaining({ clipboardClearSeconds: 45 }) })
  })

  it('turns a bad console address into a specific error, not a crash', async () => {
    const outcome = await core.invoke('console.probe', { address: 'ftp://10.0.0.1' })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })
})

describe('preferences', () => {
  const prefsCore = makeCore()
  afterAll(() => prefsCore.dispose())
  it('start at login is off until the user turns it on, and the change is announced', async () => {
    const seen: unknown[] = []
    prefsCore.subscribe('preferences.changed', (p) => seen.push(p))
    expect(await prefsCore.invoke('preferences.get', {})).toMatchObject({ ok: true, value: { startAtLogin: false } })
    expect(await prefsCore.invoke('preferences.set', { startAtLogin: true })).toMatchObject({
      ok: true,
      value: { startAtLogin: true },
    })
    expect(seen).toEqual([expect.objectContaining({ startAtLogin: true })])
    expect(await prefsCore.invoke('preferences.set', { startAtLogin: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
  })
})
