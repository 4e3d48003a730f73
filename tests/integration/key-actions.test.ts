// Key list actions on real keys: copy with auto-clear, reveal, rotate (and its
// rollback when the new key fails), revoke on the console.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { KeyView } from '../../shared/domain.ts'
import type { WatchedKey } from '../../electron/core/views.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

let clip = ''
const clipboard = { writeText: (t: string) => void (clip = t), readText: () => clip }
const core = makeCore({ clipboard })
let nvr: RunningConsole
let key: WatchedKey

const keysOnConsole = () => [...nvr.state.apiKeys.values()]

beforeAll(async () => {
  nvr = await startConsole('unvr')
  const made = await provisionedKey(core, nvr)
  expect(made.outcome.check?.status).toBe('ok')
  // Sign out: rotation must work with the dedicated user's own stored password.
  await core.invoke('console.signOut', { key: made.address })
  key = made.key
})
afterAll(async () => {
  await core.close()
  core.dispose()
})

describe('key actions', () => {
  it('copies a key and clears the clipboard after the configured time, only if it still holds the key', async () => {
    await core.invoke('preferences.set', { clipboardClearSeconds: 5 })
    const secret = await core.vault.get(key.keyRef)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      expect(await core.invoke('keys.copy', { id: key.id })).toEqual({
        ok: true,
        value: { copied: true, clearsInSeconds: 5 },
      })
      expect(clip).toBe(secret)
      vi.advanceTimersByTime(4900)
      expect(clip).toBe(secret)
      vi.advanceTimersByTime(200)
      await Promise.resolve() // the clear reads the clipboard through a promise
      await Promise.resolve()
      expect(clip).toBe('')

      await core.invoke('keys.copy', { id: key.id })
      clip = 'something the user copied since'
      vi.advanceTimersByTime(6000)
      expect(clip).toBe('something the user copied since')
    } finally {
      vi.useRealTimers()
    }
  })

  it('hands the key to the page only when there is no system clipboard, or on reveal', async () => {
    // The same settings and keychain, without a system clipboard (as in the browser host).
    const bare = createCore({ dataDir: core.dataDir, version: '0.1.0', vault: core.vault, log: silentLogger })
    try {
      const copy = await bare.invoke('keys.copy', { id: key.id })
      expect(copy).toEqual({
        ok: true,
        value: { copied: false, secret: await core.vault.get(key.keyRef), clearsInSeconds: 5 },
      })
      expect(await bare.invoke('keys.copy', { id: 'no-such-key' })).toMatchObject({
        ok: false,
        error: { code: 'not-found' },
      })
    } finally {
      await bare.close()
    }
    const revealed = await core.invoke('keys.reveal', { id: key.id })
    expect(revealed).toEqual({ ok: true, value: { secret: await core.vault.get(key.keyRef), hideAfterSeconds: 20 } })
  })

  it('copies the dedicated user’s password from the keychain the same way, and the console accepts it', async () => {
    const password = (await core.vault.get(key.passwordRef!))!
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      expect(await core.invoke('keys.copyPassword', { id: key.id })).toEqual({
        ok: true,
        value: { copied: true, clearsInSeconds: 5 },
      })
      expect(clip).toBe(password)
      vi.advanceTimersByTime(5100)
      await Promise.resolve()
      await Promise.resolve()
      expect(clip).toBe('')
    } finally {
      vi.useRealTimers()
    }
    // It is the password of the console user the key belongs to.
    expect([...nvr.state.users.values()].find((u) => u.username === key.username)?.password).toBe(password)
    expect(await core.invoke('keys.copyPassword', { id: 'no-such-key' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    })
  })

  it('keeps the old key when the new one fails to verify', async () => {
    const before = await core.vault.get(key.keyRef)
    // The connection dies on the check. A GET that died on a kept-alive socket is sent once more on a new
    // one (pool.ts): that one dies too. A fault left unfired (no retry was needed) is removed afterwards.
    const fault = { method: 'GET', path: '/proxy/protect/integration/v1/meta/info', when: 'before' } as const
    void nvr.failNext(fault).then(() => nvr.failNext(fault))
    const outcome = await core.invoke('keys.rotate', { id: key.id })
    nvr.state.faults.length = 0
    expect(outcome).toMatchObject({ ok: false, error: { message: expect.stringMatching(/old key was kept/) } })
    expect(await core.vault.get(key.keyRef)).toBe(before)
    expect(keysOnConsole().map((k) => k.key)).toEqual([before]) // the new key was revoked again
    expect(core.keys.list()[0]!.keyRef).toBe(key.keyRef)
  })

  it('rotates: new key verified and stored, old key revoked, same entry in the list', async () => {
    const old = await core.vault.get(key.keyRef)
    const outcome = (await core.invoke('keys.rotate', { id: key.id })) as {
      ok: true
      value: { keys: KeyView[]; oldKeyStillActive: boolean }
    }
    expect(outcome.ok).toBe(true)
    expect(outcome.value.oldKeyStillActive).toBe(false)
    const rotated = outcome.value.keys.find((k) => k.id === key.id)!
    // Keychain entry names stay in the core: the new one is on the stored record.
    const rotatedRecord = core.keys.list().find((k) => k.id === key.id)!
    expect(rotatedRecord.keyRef).not.toBe(key.keyRef)
    expect(rotated.status).toBe('ok')
    const fresh = await core.vault.get(rotatedRecord.keyRef)
    expect(fresh).not.toBe(old)
    expect(await core.vault.get(key.keyRef)).toBeNull()
    expect(keysOnConsole().map((k) => k.key)).toEqual([fresh])
    expect(rotated.masked).toBe(`${fresh!.slice(0, 4)}…${fresh!.slice(-4)}`)
    key = rotatedRecord
  })

  it('revokes on the console and forgets the key and its user’s password here', async () => {
    const outcome = await core.invoke('keys.revoke', { id: key.id })
    expect(outcome).toEqual({ ok: true, value: { keys: [], user: null } })
    expect(keysOnConsole()).toEqual([])
    expect(await core.vault.get(key.keyRef)).toBeNull()
    expect(await core.vault.get(key.passwordRef!)).toBeNull()
  })
})
