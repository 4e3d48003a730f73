// Which user a key belongs to and whether Keyward made it (keys/key-user.ts), and the removal's
// answer when the flow's cleanup cannot even start after the key was revoked.
import { describe, expect, it } from 'vitest'
import type { KeyRecord, ProvisionRecord } from '../../shared/domain.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { createUserRemoval, keyUserView } from '../../electron/core/keys/key-user.ts'
import { newProvision } from '../../electron/core/unifi/provision.ts'
import { keyRecord } from '../support/key-record.ts'

const made = newProvision({ consoleKey: '10.0.0.1:443', app: 'protect', username: 'keyward-ha', keyName: 'ha' })
/** A flow that made its user and key (as the journal says after a verified run). */
const flow = (over: Partial<ProvisionRecord> = {}): ProvisionRecord => ({
  ...made,
  id: 'f1',
  userId: 'u1',
  keyId: 'k1',
  steps: { user: 'done', key: 'done', verify: 'done' },
  requested: { user: true, key: true },
  ...over,
})

/** The key list's entry, rotated since the flow: a new secret, the same user and password. */
const key = (over: Partial<KeyRecord> = {}): KeyRecord =>
  keyRecord('a', { name: 'ha', app: 'protect', consoleKey: '10.0.0.1:443', passwordRef: made.passwordRef, ...over })

describe('keyUserView', () => {
  it('finds the flow that made the user by its password, across rotations, and names other keys of it', () => {
    const other = key({ id: 'b', name: 'frigate', keyRef: 'ref-b', passwordRef: 'another-password' })
    expect(keyUserView(key(), [key()], [flow()])).toEqual({ flowId: 'f1', sharedWith: [] })
    expect(keyUserView(key(), [key(), other], [flow()])).toEqual({
      flowId: 'f1',
      sharedWith: [{ id: 'b', name: 'frigate' }],
    })
  })

  it('is null for a key made as the admin, a user taken over by a later run, or another console', () => {
    expect(keyUserView(key({ passwordRef: null }), [], [flow()])).toBeNull()
    expect(keyUserView(key(), [], [flow({ userAdoptedBy: 'f2' })])).toBeNull()
    expect(keyUserView(key(), [], [flow({ mode: 'signed-in-admin' })])).toBeNull()
    expect(keyUserView(key({ consoleKey: '10.0.0.2:443' }), [], [flow()])).toBeNull()
  })
})

describe('createUserRemoval', () => {
  it('says what is left when the cleanup cannot start after the key was revoked', async () => {
    const removal = createUserRemoval({
      listKeys: () => [key()],
      listProvisions: () => [flow()],
      adminSession: () => null,
      cleanup: () => Promise.reject(new KeywardFailure('conflict', 'Another removal runs on that console.')),
    })
    const outcome = await removal.plan(key())()
    expect(outcome.complete).toBe(false)
    expect(outcome.items.find((i) => i.part === 'user')).toMatchObject({
      result: 'failed',
      reason: 'Another removal runs on that console.',
    })
    expect(outcome.items.find((i) => i.part === 'password')).toMatchObject({ result: 'pending' })
  })

  it('refuses before anything when no admin is signed in', () => {
    const removal = createUserRemoval({
      listKeys: () => [key()],
      listProvisions: () => [flow()],
      adminSession: () => {
        throw new KeywardFailure('session-expired', 'Sign in to NVR.')
      },
      cleanup: () => Promise.reject(new Error('not reached')),
    })
    expect(() => removal.plan(key())).toThrow('Sign in to NVR.')
  })
})
