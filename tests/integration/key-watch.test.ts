// Background checks of real keys on three simulated consoles: a key revoked on
// its console, an Access token that expires, and a console that drops off the
// network turn failing / expired / unknown after the next sweep; the tray model
// and notifications say so; recovery is reported when the console returns.
import { afterAll, describe, expect, it } from 'vitest'
import type { KeyNotification, KeyView } from '../../shared/domain.ts'
import type { TrayModel } from '../../shared/tray.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { relay } from '../support/outage.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

describe('watching keys', () => {
  let now = Date.parse('2026-11-22T12:00:00Z')
  const clock = () => now
  const cleanups: (() => Promise<void> | void)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('reports revoked, expired and unreachable keys, then the recovery', async () => {
    const nvr = await startConsole('unvr', {}, clock)
    const udm = await startConsole(
      'udm-pro',
      { apps: ['network', 'protect', 'access'], accessPort: 0, protect: { cameras: 2 } },
      clock,
    )
    const se = await startConsole('udm-se', {}, clock)
    const seLink = await relay(se.port)
    cleanups.push(() => seLink.close())
    const core = makeCore({ accessPort: udm.accessPort!, keyWatch: { now: clock, random: () => 0.5 } })
    cleanups.push(async () => {
      await core.close()
      core.dispose()
    })
    const notifications: KeyNotification[] = []
    let tray: TrayModel | null = null
    core.subscribe('keys.notification', (n) => notifications.push(n as KeyNotification))
    core.subscribe('tray.changed', (t) => (tray = t as TrayModel))

    const make = async (
      address: string,
      app: 'protect' | 'network' | 'access',
      keyName: string,
      mode: 'dedicated-user' | 'signed-in-admin' = 'dedicated-user',
    ) => {
      const made = await provisionedKey(core, address, {
        app,
        mode,
        username: `keyward-${keyName}`,
        keyName,
        ...(app === 'access' ? { accessValidityDays: 30 } : {}),
      })
      expect(made.outcome.check).toMatchObject({ status: 'ok' })
    }
    await make(`127.0.0.1:${nvr.port}`, 'protect', 'ha-protect')
    await make(`127.0.0.1:${nvr.port}`, 'protect', 'frigate')
    await make(`127.0.0.1:${udm.port}`, 'network', 'ha-network')
    await make(`127.0.0.1:${udm.port}`, 'access', 'ha-access')
    await make(`127.0.0.1:${seLink.port}`, 'protect', 'nvr-backup', 'signed-in-admin')

    const byName = (list: Pick<KeyView, 'name' | 'status'>[]) => Object.fromEntries(list.map((k) => [k.name, k.status]))
    let list = await core.keys.checkNow()
    expect(byName(list)).toEqual({
      'ha-protect': 'ok',
      frigate: 'ok',
      'ha-network': 'ok',
      'ha-access': 'ok',
      'nvr-backup': 'ok',
    })
    expect(tray!.icon).toBe('ok')
    expect(tray!.tooltip).toBe('Keyward — all 5 keys are OK')
    expect(list.every((k) => /^.{4}….{4}$/.test(k.masked))).toBe(true)

    // On the consoles: revoke one key; let time pass beyond the Access token's validity; unplug the SE.
    const frigate = [...nvr.state.apiKeys.values()].find((k) => k.name === 'frigate')!
    nvr.state.apiKeys.delete(frigate.id)
    now += 31 * 86_400_000
    await seLink.down()

    list = await core.keys.checkNow()
    expect(byName(list)).toEqual({
      'ha-protect': 'ok',
      frigate: 'failing',
      'ha-network': 'ok',
      'ha-access': 'expired',
      'nvr-backup': 'unknown',
    })
    expect(list.find((k) => k.name === 'frigate')!.lastCheck).toMatchObject({
      problem: 'invalid_key',
      message: expect.stringMatching(/revoked/),
    })
    expect(tray!.icon).toBe('error')
    expect(tray!.tooltip).toBe('Keyward — 5 keys: 1 failing, 1 expired, 1 not checked yet')
    expect(tray!.menu.slice(0, 3).map((m) => (m.type === 'key' ? m.label : ''))).toEqual([
      expect.stringMatching(/^✕ frigate · NVR — failing$/),
      expect.stringMatching(/^✕ ha-access · Dream Machine Pro — expired$/),
      expect.stringMatching(/^\? nvr-backup · Dream Machine SE — not checked yet$/),
    ])
    expect(notifications.at(-1)).toEqual({
      title: 'Keyward: a key needs attention',
      body: 'frigate stopped working. ha-access has expired.',
      keyIds: expect.any(Array),
    })

    // The SE comes back (same certificate): the next sweep reports the recovery.
    await seLink.up()
    now += 120_000
    list = await core.keys.checkNow()
    expect(byName(list)['nvr-backup']).toBe('ok')
    expect(notifications.at(-1)).toMatchObject({ title: 'Keyward: key recovered', body: 'nvr-backup works again.' })
  })
})
