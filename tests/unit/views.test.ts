// Storage record → view (electron/core/views.ts), and the wizard's Done screen finding the key a
// flow made by what the view still carries (the console's key id), not by a keychain entry name.
import { describe, expect, it } from 'vitest'
import type { KeyView, ProvisionRecord } from '../../shared/domain.ts'
import { keyView, provisionView, type WatchedKey } from '../../electron/core/views.ts'
import { findKeyFor } from '../../renderer/src/keys/model.ts'

const watched = (over: Partial<WatchedKey> = {}): WatchedKey => ({
  ...{ id: 'k1', name: 'ha', app: 'protect', consoleKey: '10.0.0.2:443', username: 'keyward-ha', remoteId: 'r1' },
  ...{ keyRef: 'key:flow-1', passwordRef: 'password:flow-1', masked: 'abcd…wxyz', createdAt: '2026-11-01T00:00:00Z' },
  ...{ expiresAt: null, paused: false, lastCheck: null, unreachableStreak: 3, pushedTo: [], haHealth: null },
  ...{ status: 'ok', consoleName: 'NVR', host: '10.0.0.2' },
  ...over,
})

const flow: ProvisionRecord = {
  ...{ id: 'flow-1', consoleKey: '10.0.0.2:443', app: 'protect', mode: 'dedicated-user', username: 'keyward-ha' },
  ...{ keyName: 'ha', userId: 'u1', passwordRef: 'password:flow-1', keyRef: 'key:flow-1', keyId: 'r2' },
  ...{ expiresAt: null, accessValidityDays: null, steps: { user: 'done', key: 'done', verify: 'done' } },
  ...{ lastError: null, createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z' },
}

describe('views', () => {
  it('a key view says whether its user’s password is kept, never where', () => {
    const view = keyView(watched())
    expect(view).not.toHaveProperty('keyRef')
    expect(view).not.toHaveProperty('passwordRef')
    expect(view).not.toHaveProperty('unreachableStreak')
    expect(view).toMatchObject({ id: 'k1', status: 'ok', consoleName: 'NVR', hasPassword: true })
    expect(keyView(watched({ passwordRef: null })).hasPassword).toBe(false) // minted as the signed-in admin
  })

  it('a flow view keeps its steps and what it made, without keychain entry names', () => {
    const view = provisionView({ ...flow, requested: { user: true, key: true } })
    expect(view).not.toHaveProperty('keyRef')
    expect(view).not.toHaveProperty('passwordRef')
    expect(view).toMatchObject({ id: 'flow-1', keyId: 'r2', requested: { user: true, key: true } })
  })

  it('the Done screen finds the flow’s key by the console’s key id, even among same-named keys', () => {
    const keys: KeyView[] = [
      keyView(watched({ id: 'old', remoteId: 'r1', createdAt: '2026-11-02T00:00:00Z' })),
      keyView(watched({ id: 'made', remoteId: 'r2', createdAt: '2026-11-01T00:00:00Z' })),
    ]
    expect(findKeyFor(keys, provisionView(flow))?.id).toBe('made')
    // Another console's key with the same id does not count.
    expect(findKeyFor([keys[0]!, { ...keys[1]!, consoleKey: '10.0.0.9:443' }], provisionView(flow))?.id).toBe('old')
  })
})
