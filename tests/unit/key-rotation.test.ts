// Rotate and revoke from the key list: UISP tokens go through the UISP service, and Keyward says plainly
// when it has none; a revoked key leaves the list.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { KeyCheck, KeyRecord } from '../../shared/domain.ts'
import { createEventHub } from '../../electron/core/events.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { openSettings } from '../../electron/core/settings/settings.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { createRotation, keySessions } from '../../electron/core/keys/key-rotation.ts'
import { createKeyWatch } from '../../electron/core/keys/watch.ts'
import { keyRecord } from '../support/key-record.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const token: KeyRecord = keyRecord('t1', {
  name: 'monitoring',
  app: 'uisp',
  consoleKey: 'uisp.example:443',
  username: 'admin',
  remoteId: 'tok-1',
})

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-rotation-'))
  dirs.push(dir)
  const settings = openSettings({ cwd: dir, projectVersion: '0.1.0' })
  settings.saveKeys([token])
  const vault = new MemorySecretStore()
  const watch = createKeyWatch({ settings, vault, hub: createEventHub(), log: silentLogger })
  const sessionFor = keySessions({
    vault,
    adminSession: () => {
      throw new Error('no console session in this test')
    },
    userSession: () => Promise.reject(new Error('no console session in this test')),
  })
  const base = {
    vault,
    watch,
    sessionFor,
    verifyFor: () => () => Promise.reject(new Error('unused')),
    maskSecret: (s: string) => s,
  }
  return { watch, base }
}

describe('key rotation', () => {
  it('a UISP token is rotated by the UISP service; the list keeps one entry, now checked ok', async () => {
    const { base } = setup()
    const check: KeyCheck = {
      status: 'ok',
      app: 'uisp',
      host: token.consoleKey,
      appVersion: '2.4.0',
      latencyMs: 3,
      checkedAt: new Date().toISOString(),
    } as KeyCheck
    const rotation = createRotation({
      ...base,
      uisp: {
        rotate: async (key) => ({ record: { ...key, keyRef: 'ref-t1-new' }, check, oldKeyStillActive: false }),
        revoke: async () => {},
      },
    })
    const { keys, oldKeyStillActive } = await rotation.rotate(token)
    expect(oldKeyStillActive).toBe(false)
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ id: 't1', keyRef: 'ref-t1-new', status: 'ok' })
  })

  it('without the UISP service: refused in plain words, the token stays listed', async () => {
    const { watch, base } = setup()
    const rotation = createRotation(base)
    await expect(rotation.rotate(token)).rejects.toMatchObject({
      code: 'refused',
      message: 'Keyward cannot rotate UISP tokens here.',
    })
    await expect(rotation.revoke(token)).rejects.toMatchObject({ message: 'Keyward cannot revoke UISP tokens here.' })
    expect(watch.list().map((k) => k.id)).toEqual(['t1'])
  })

  it('a revoked token leaves the list', async () => {
    const { watch, base } = setup()
    const revoked: string[] = []
    const rotation = createRotation({
      ...base,
      uisp: { rotate: () => Promise.reject(new Error('unused')), revoke: async (k) => void revoked.push(k.id) },
    })
    expect(await rotation.revoke(token)).toEqual({ keys: [], user: null })
    expect(revoked).toEqual(['t1'])
    expect(watch.list()).toEqual([])
  })
})
