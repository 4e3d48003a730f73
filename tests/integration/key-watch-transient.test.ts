// A console whose app is restarting or updating answers 502/503 or its HTML "starting up" page (unifi-os.md
// §8.1, §2 Failures; aiounifi maps 502/503 to BadGateway/ServiceUnavailable, §5.2): the key watch must not
// call a working key failing (no "stopped working" notification), and must say it works again afterwards.
import { afterAll, describe, expect, it } from 'vitest'
import type { KeyNotification } from '../../shared/domain.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

describe('the key watch and an app that is restarting', () => {
  let now = Date.parse('2026-12-01T12:00:00Z')
  const clock = () => now
  const cleanups: (() => Promise<void> | void)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })
  /** A console with Protect and a core watching its keys, with the notifications it shows. */
  const watching = async () => {
    const udm = await startConsole('udm-pro', { protect: { cameras: 2 } }, clock)
    const core = makeCore({ keyWatch: { now: clock, random: () => 0.5 } })
    cleanups.push(async () => {
      await core.close()
      core.dispose()
    })
    const notifications: KeyNotification[] = []
    core.subscribe('keys.notification', (n) => notifications.push(n as KeyNotification))
    return { udm, core, notifications }
  }

  it('502, 503 and the starting-up page leave a working key "not checked", never failing', async () => {
    const { udm, core, notifications } = await watching()
    const protect = await provisionedKey(core, udm, { app: 'protect', username: 'keyward-p', keyName: 'ha-protect' })
    const network = await provisionedKey(core, udm, { app: 'network', username: 'keyward-n', keyName: 'ha-network' })
    expect([protect.outcome.check, network.outcome.check]).toMatchObject([{ status: 'ok' }, { status: 'ok' }])
    const statuses = (list: { name: string; status: string }[]) => list.map((k) => [k.name, k.status]).sort()
    expect(statuses(await core.keys.checkNow())).toEqual([
      ['ha-network', 'ok'],
      ['ha-protect', 'ok'],
    ])

    for (const during of [
      () => (udm.state.config.integration.unavailable = 502),
      () => (udm.state.config.integration.unavailable = 503),
      () => udm.setBooting(true),
    ]) {
      during()
      now += 120_000
      const list = await core.keys.checkNow()
      expect(statuses(list)).toEqual([
        ['ha-network', 'unknown'],
        ['ha-protect', 'unknown'],
      ])
      expect(list.map((k) => k.lastCheck?.problem)).toEqual(['unreachable', 'unreachable'])
      // What the user reads: an app that answers is not said to be silent.
      for (const k of list) expect(k.lastCheck?.message).not.toMatch(/did not answer/)
      udm.state.config.integration.unavailable = 0
      udm.setBooting(false)
    }
    expect(notifications.filter((n) => /stopped working/.test(n.body))).toEqual([])

    now += 120_000
    expect(statuses(await core.keys.checkNow())).toEqual([
      ['ha-network', 'ok'],
      ['ha-protect', 'ok'],
    ])
  })

  it('an app that vanishes for one check (reinstall, update) is "not checked"; only a repeat is failing', async () => {
    const { udm, core, notifications } = await watching()
    const protect = await provisionedKey(core, udm, { app: 'protect', username: 'keyward-r', keyName: 'ha-protect' })
    expect(protect.outcome.check).toMatchObject({ status: 'ok' })
    const check = async () => {
      now += 120_000
      const [k] = await core.keys.checkNow()
      return k!
    }
    expect((await check()).status).toBe('ok')
    const apps = [...udm.state.config.apps]
    const removeProtect = () => (udm.state.config.apps = apps.filter((a) => a !== 'protect'))
    const stoppedWorking = () => notifications.filter((n) => /stopped working/.test(n.body))

    removeProtect() // Protect is being reinstalled: its routes answer 404 for a while
    const during = await check()
    expect(during.status).toBe('unknown')
    expect(during.lastCheck?.message).toMatch(/did not answer as before/)
    udm.state.config.apps = apps
    expect((await check()).status).toBe('ok')
    expect(stoppedWorking()).toEqual([])

    removeProtect() // removed for good: the second check in a row confirms it
    expect((await check()).status).toBe('unknown')
    const gone = await check()
    expect(gone.status).toBe('failing')
    expect(gone.lastCheck?.message).not.toMatch(/did not answer as before/)
    expect(stoppedWorking()).toHaveLength(1)
  })
})
