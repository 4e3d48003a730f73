// Runs inside the lab's workstation namespace (spawned by
// tests/integration/key-watch-lab.test.ts): five keys on three consoles, then a
// key revoked on its console, an Access token that runs out, and a console
// whose link goes down; then the link comes back. Prints one JSON line.
// argv: <nvr address> <udm address> <se address> <se namespace>
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { revokeKey } from '../../electron/core/unifi/keys.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { KeyNotification, KeyView, ProvisionOutcome } from '../../shared/domain.ts'
import type { TrayModel } from '../../shared/tray.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { probeAndTrust } from './trust.ts'

const [nvr, udm, se, seNamespace] = process.argv.slice(2) as [string, string, string, string]
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-watch-'))
// leadDays 0: the Access token below lives seconds, not days.
// The watch's clock can be moved ahead past the notification throttle (60 s) instead of waiting it out.
let skew = 0
const core = createCore({
  dataDir,
  version: '0.1.0',
  vault: new MemorySecretStore(),
  log: silentLogger,
  accessPort: 12445,
  keyWatch: { leadDays: 0, now: () => Date.now() + skew },
})
const notifications: KeyNotification[] = []
let tray: TrayModel | null = null
core.subscribe('keys.notification', (n) => notifications.push(n as KeyNotification))
core.subscribe('tray.changed', (t) => (tray = t as TrayModel))
const statuses = (list: Pick<KeyView, 'name' | 'status'>[]) => Object.fromEntries(list.map((k) => [k.name, k.status]))
const link = (state: 'up' | 'down') => execFileSync('ip', ['-n', seNamespace, 'link', 'set', 'eth0', state])

try {
  const make = async (
    address: string,
    app: 'protect' | 'network' | 'access',
    keyName: string,
    mode: 'dedicated-user' | 'signed-in-admin' = 'dedicated-user',
  ) => {
    const key = `${address}:443`
    const outcome = (await core.invoke('provision.run', {
      key,
      app,
      mode,
      username: `keyward-${keyName}`,
      keyName,
      ...(app === 'access' ? { accessValidityDays: 8 } : {}),
    })) as { ok: boolean; value: ProvisionOutcome; error?: { message: string } }
    if (!outcome.ok || outcome.value.check?.status !== 'ok') throw new Error(`${keyName}: ${JSON.stringify(outcome)}`)
  }
  for (const address of [nvr, udm, se]) {
    const probed = await probeAndTrust(core, address)
    if (!probed.ok) throw new Error(probed.error.message)
    await core.invoke('console.signIn', { key: `${address}:443`, username: OWNER_USERNAME, password: OWNER_PASSWORD })
  }
  await make(nvr, 'protect', 'ha-protect')
  await make(nvr, 'protect', 'frigate')
  await make(udm, 'network', 'ha-network')
  await make(udm, 'access', 'ha-access') // the simulator counts this token's validity in seconds
  await make(se, 'protect', 'nvr-backup', 'signed-in-admin')
  const before = statuses(await core.keys.checkNow())

  // On the LAN: the owner revokes "frigate" on the NVR; the Access token runs out; the SE's link goes down.
  const owner = new ConsoleSession({
    host: nvr,
    port: 443,
    pin: core.settings.listConsoles().find((c) => c.host === nvr)!.certificateSha256,
    label: 'NVR',
  })
  await owner.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD })
  await revokeKey(owner, core.keys.list().find((k) => k.name === 'frigate')!.remoteId!)
  await owner.logout()
  const access = core.keys.list().find((k) => k.name === 'ha-access')!
  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(access.expiresAt!) - Date.now() + 300)))
  link('down')
  const during = await core.keys.checkNow()
  const trayDuring = tray
  const notified = notifications.at(-1) ?? null

  link('up')
  skew += 61_000
  const after = statuses(await core.keys.checkNow())
  console.log(
    JSON.stringify({
      before,
      during: statuses(during),
      problems: Object.fromEntries(during.map((k) => [k.name, k.lastCheck?.problem ?? null])),
      trayDuring,
      notified,
      after,
      recovered: notifications.at(-1) ?? null,
    }),
  )
} finally {
  link('up')
  await core.close()
  rmSync(dataDir, { recursive: true, force: true })
}
