// The key list store (renderer/src/keys/store.ts and its units) against a fake API: each key's row
// keeps its own action, error and Home Assistant answer; what the list says after an action.
import { describe, expect, it } from 'vitest'
import type { HaPushSummary, KeyView } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { createKeysStore, IDLE_ROW } from '../../renderer/src/keys/store.ts'
import { checkAllNotice, rotateNote } from '../../renderer/src/keys/notes.ts'
import { fakeApi, gate, ok } from '../support/fake-api.ts'
import { until } from '../support/until.ts'

const key = (id: string, over: Partial<KeyView> = {}): KeyView => ({
  id,
  name: `key ${id}`,
  app: 'protect',
  consoleKey: '10.0.0.2:443',
  username: 'keyward-ha',
  remoteId: 'r1',
  hasPassword: false,
  masked: 'abcd…wxyz',
  createdAt: '2026-11-01T00:00:00Z',
  expiresAt: null,
  paused: false,
  lastCheck: null,
  pushedTo: [],
  haHealth: null,
  status: 'ok',
  consoleName: 'Dream Machine',
  host: '10.0.0.2',
  ...over,
})
const pushed = (message: string): HaPushSummary => ({
  outcome: 'created',
  entryId: 'e1',
  title: 'UniFi Protect',
  entryState: 'loaded',
  haVersion: '2026.10.1',
  message,
})

describe('Send to Home Assistant, per key', () => {
  it("a push runs on its own key's row: a second press there waits, another key pushes meanwhile", async () => {
    const held = gate<Outcome<HaPushSummary>>()
    const fake = fakeApi({
      'ha.push': (input) => ((input as { keyId: string }).keyId === 'a' ? held.promise : ok(pushed('B sent'))),
    })
    const store = createKeysStore(fake.api)
    const first = store.getState().push('a', 'ha1')
    await until('key a is pushing', () => store.getState().rows.a?.busy === 'push')
    await store.getState().push('a', 'ha1')
    await store.getState().push('b', 'ha2')
    expect(fake.count('ha.push')).toBe(2)
    expect(store.getState().rows.b?.push).toMatchObject({ message: 'B sent', haId: 'ha2' })
    expect(store.getState().rows.a?.push).toBeNull()
    held.open(ok(pushed('A sent')))
    await first
    expect(store.getState().rows.a).toMatchObject({
      busy: null,
      pushHa: 'ha1',
      push: { message: 'A sent', haId: 'ha1' },
    })
  })

  it('a refused push shows its error on that key only; dismissing clears it', async () => {
    const fake = fakeApi({
      'ha.push': () => ({ ok: false, error: { code: 'unreachable', message: 'Home Assistant did not answer.' } }),
    })
    const store = createKeysStore(fake.api)
    await store.getState().push('a', 'ha1')
    expect(store.getState().rows.a?.error).toEqual({
      action: 'push',
      error: { code: 'unreachable', message: 'Home Assistant did not answer.' },
    })
    expect(store.getState().rows.b ?? IDLE_ROW).toEqual(IDLE_ROW)
    store.getState().dismiss('a')
    expect(store.getState().rows.a?.error).toBeNull()
  })

  it('full mode is pushed only after the consent was recorded; a refused consent sends nothing', async () => {
    let consent: Outcome<unknown> = { ok: false, error: { code: 'refused', message: 'Not recorded.' } }
    const fake = fakeApi({ 'ha.consent': () => consent, 'ha.push': () => ok(pushed('sent in full mode')) })
    const store = createKeysStore(fake.api)
    await store.getState().consentAndPush('a', 'ha1', 'I agree.', 'full')
    expect(fake.count('ha.push')).toBe(0)
    expect(store.getState().rows.a?.error?.action).toBe('push')
    consent = ok({})
    await store.getState().consentAndPush('a', 'ha1', 'I agree.', 'full')
    expect(fake.calls.find((c) => c.name === 'ha.push')?.input).toEqual({ keyId: 'a', haId: 'ha1', mode: 'full' })
  })
})

describe('key actions', () => {
  it('revoking removes the key and its row and names it in the notice', async () => {
    const fake = fakeApi({
      'keys.revoke': () => ok({ keys: [key('b')], user: null }),
      'ha.push': () => ({ ok: false, error: { code: 'unreachable', message: 'x' } }),
    })
    const store = createKeysStore(fake.api)
    store.setState({ keys: [key('a'), key('b')] })
    await store.getState().push('a', 'ha1')
    expect(await store.getState().revoke('a')).toBe(true)
    expect(store.getState().keys.map((k) => k.id)).toEqual(['b'])
    expect(store.getState().rows.a).toBeUndefined()
    expect(store.getState().notice).toBe('Revoked “key a” on Dream Machine; Keyward forgot it.')
  })

  it("a UISP token's sign-in goes to its UISP server and comes back as a console sign-in", async () => {
    const fake = fakeApi({
      'uisp.signIn': () => ok({ state: 'signed-in', user: { username: 'ops', role: 'superadmin' } }),
    })
    const store = createKeysStore(fake.api)
    store.setState({ keys: [key('u', { app: 'uisp', consoleKey: 'uisp.lan:443' })] })
    const outcome = await store.getState().signIn({ key: 'uisp.lan:443', username: 'ops', password: 'pw' })
    expect(outcome).toEqual({
      ok: true,
      value: { state: 'signed-in', user: { username: 'ops', isOwner: false, isSuperAdmin: true } },
    })
    expect(fake.count('console.signIn')).toBe(0)
  })
})

describe('what the list says', () => {
  it('"Check all" counts the keys that need attention', () => {
    expect(checkAllNotice([key('a')])).toBe('Checked 1 key.')
    expect(checkAllNotice([key('a'), key('b', { status: 'failing' }), key('c', { status: 'expired' })])).toBe(
      'Checked 3 keys: 2 need attention.',
    )
    expect(checkAllNotice([key('a'), key('b', { status: 'failing' })])).toBe('Checked 2 keys: 1 needs attention.')
  })
  it('a rotation whose old key could not be revoked warns and says where to delete it', () => {
    const warn = rotateNote(key('a', { pushedTo: ['ha1'] }), true)
    expect(warn.tone).toBe('warn')
    expect(warn.text).toContain('Home Assistant already uses it.')
    expect(warn.text).toContain('still works on Dream Machine')
    expect(rotateNote(key('a'), false)).toMatchObject({
      tone: 'ok',
      text: expect.stringContaining('The old key was revoked on Dream Machine.'),
    })
  })
})
