// The key watch checks each key with the checker its kind's service registered; it knows no kind itself.
import { keyRecord } from '../support/key-record.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { KeyApp, KeyCheck, KeyRecord } from '../../shared/domain.ts'
import { createEventHub } from '../../electron/core/events.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { openSettings } from '../../electron/core/settings/settings.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { createKeyWatch } from '../../electron/core/keys/watch.ts'
import type { KeyChecker } from '../../electron/core/keys/checkers.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const record = (id: string, app: KeyApp): KeyRecord => keyRecord(id, { app })

const ok = (r: KeyRecord): KeyCheck =>
  ({
    status: 'ok',
    app: r.app,
    host: r.consoleKey,
    appVersion: '6.0.0',
    latencyMs: 5,
    checkedAt: new Date().toISOString(),
  }) as KeyCheck

async function setup(keys: KeyRecord[]) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-checkers-'))
  dirs.push(dir)
  const settings = openSettings({ cwd: dir, projectVersion: '0.1.0' })
  settings.saveKeys(keys)
  const vault = new MemorySecretStore()
  for (const k of keys) await vault.set(k.keyRef, `secret-${k.id}`)
  const watch = createKeyWatch({ settings, vault, hub: createEventHub(), log: silentLogger })
  return { watch, settings }
}

describe('key watch checkers', () => {
  it('sends each key to the checker registered for its kind, with the key’s own secret', async () => {
    const { watch } = await setup([record('p', 'protect'), record('u', 'uisp')])
    const seen: string[] = []
    const checker =
      (label: string): KeyChecker =>
      async (r, secret) => {
        seen.push(`${label}:${r.id}:${secret}`)
        return ok(r)
      }
    watch.registerChecker(['protect', 'network', 'access'], checker('unifi'))
    watch.registerChecker(['uisp'], checker('uisp'))
    const views = await watch.checkNow()
    expect(seen.sort()).toEqual(['uisp:u:secret-u', 'unifi:p:secret-p'])
    expect(views.map((v) => [v.id, v.lastCheck?.status])).toEqual(
      expect.arrayContaining([
        ['p', 'ok'],
        ['u', 'ok'],
      ]),
    )
  })

  it('leaves a key of a kind nobody registered as it was, and still checks the others', async () => {
    const { watch } = await setup([record('p', 'protect'), record('u', 'uisp')])
    watch.registerChecker(['uisp'], async (r) => ok(r))
    const views = await watch.checkNow()
    expect(views.find((v) => v.id === 'p')?.lastCheck).toBeNull()
    expect(views.find((v) => v.id === 'u')?.lastCheck?.status).toBe('ok')
  })

  it('uses the latest checker registered for a kind', async () => {
    const { watch } = await setup([record('n', 'network')])
    watch.registerChecker(['network'], async () => {
      throw new Error('the replaced checker must not run')
    })
    watch.registerChecker(
      ['network'],
      async (r) =>
        ({
          status: 'failed',
          app: r.app,
          host: r.consoleKey,
          problem: 'invalid_key',
          message: 'The console does not know this key.',
          nextStep: 'Rotate it.',
          checkedAt: new Date().toISOString(),
        }) as KeyCheck,
    )
    const [view] = await watch.checkNow()
    expect(view?.lastCheck).toMatchObject({ status: 'failed', problem: 'invalid_key' })
  })
})
