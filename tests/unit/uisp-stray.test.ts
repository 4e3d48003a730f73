// Which listed UISP tokens a resumed flow takes for its own lost token (uisp.md §2; provision.ts strayOfFlow):
// its `meta` marker, or, with no `meta` at all, the flow's exact name on an unheld, unused token made after
// the flow began. Anything else is left alone.
import { describe, expect, it } from 'vitest'
import { strayOfFlow } from '../../electron/core/uisp/provision.ts'
import type { UispTokenInfo } from '../../shared/domain.ts'

const flow = { id: 'f1', name: 'ha-uisp', createdAt: '2026-05-01T12:00:00.000Z' }
const token = (over: Partial<UispTokenInfo> = {}): UispTokenInfo => ({
  id: 't1',
  name: 'ha-uisp',
  scope: 'guest',
  expiresAt: null,
  maxExpiresAt: null,
  createdAt: '2026-05-01T12:00:05.000Z',
  lastUsed: null,
  meta: null,
  userId: 'u1',
  transient: false,
  currentSession: false,
  ...over,
})
const none = new Set<string>()

describe('strayOfFlow', () => {
  it('takes the token carrying the flow’s marker, whatever its name', () => {
    expect(strayOfFlow(flow, token({ meta: 'Keyward f1', name: 'renamed' }), none)).toBe(true)
  })

  it('without meta, takes an unused, unheld token of the flow’s name made after it began', () => {
    expect(strayOfFlow(flow, token(), none)).toBe(true)
    expect(strayOfFlow(flow, token({ meta: '' }), none)).toBe(true)
    // Stamped used at creation (a server may): still never used since.
    expect(strayOfFlow(flow, token({ lastUsed: '2026-05-01T12:00:05.000Z' }), none)).toBe(true)
    // The server's clock half an hour behind ours.
    expect(strayOfFlow(flow, token({ createdAt: '2026-05-01T11:30:00.000Z' }), none)).toBe(true)
  })

  it('leaves every other token alone', () => {
    expect(strayOfFlow(flow, token({ meta: 'Keyward f2' }), none)).toBe(false) // another flow's
    expect(strayOfFlow(flow, token({ meta: 'made by hand' }), none)).toBe(false)
    expect(strayOfFlow(flow, token({ name: 'ha-uisp-2' }), none)).toBe(false)
    expect(strayOfFlow(flow, token(), new Set(['t1']))).toBe(false) // Keyward holds it
    expect(strayOfFlow(flow, token({ lastUsed: '2026-05-01T12:10:00.000Z' }), none)).toBe(false) // in use
    expect(strayOfFlow(flow, token({ createdAt: '2026-05-01T10:00:00.000Z' }), none)).toBe(false) // older
    expect(strayOfFlow(flow, token({ createdAt: null }), none)).toBe(false) // cannot tell
    expect(strayOfFlow(flow, token({ transient: true }), none)).toBe(false) // a sign-in session
  })
})
