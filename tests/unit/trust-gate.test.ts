// The gate the UniFi and UISP services share (console/trust.ts): no credential to a host whose
// certificate the user has not confirmed, and a re-trust or forget drops the host's session here.
import { describe, expect, it } from 'vitest'
import { dropHostSessions, requireConfirmed } from '../../electron/core/console/trust.ts'
import { KeywardFailure } from '../../shared/result.ts'

describe('requireConfirmed', () => {
  it('lets a confirmed host through unchanged', () => {
    const record = { key: '10.0.0.1:443' }
    expect(requireConfirmed(record, true, 'UISP at 10.0.0.1:443', 'UISP server')).toBe(record)
  })

  it('refuses an unconfirmed host, saying nothing was sent and what to do', () => {
    let caught: unknown
    try {
      requireConfirmed({ key: 'c' }, false, 'Dream Machine (10.0.0.1)', 'console')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(KeywardFailure)
    expect((caught as KeywardFailure).code).toBe('certificate-unconfirmed')
    expect((caught as KeywardFailure).message).toContain('Keyward has sent nothing to Dream Machine (10.0.0.1)')
    expect((caught as KeywardFailure).message).toContain('compare the fingerprint')
  })
})

describe('dropHostSessions', () => {
  const session = () => {
    const s = { discarded: 0, discard: () => void s.discarded++ }
    return s
  }

  it("discards the host's session without a logout and keeps the others", () => {
    const a = session()
    const b = session()
    const sessions = new Map([
      ['10.0.0.1:443', a],
      ['10.0.0.2:443', b],
    ])
    dropHostSessions(sessions, '10.0.0.1:443', { host: '10.0.0.1', port: 443 })
    expect(a.discarded).toBe(1)
    expect(b.discarded).toBe(0)
    expect([...sessions.keys()]).toEqual(['10.0.0.2:443'])
  })

  it('copes with a host that has no session and no record any more', () => {
    const sessions = new Map<string, ReturnType<typeof session>>()
    expect(() => dropHostSessions(sessions, '10.0.0.9:443', undefined)).not.toThrow()
    expect(sessions.size).toBe(0)
  })
})
