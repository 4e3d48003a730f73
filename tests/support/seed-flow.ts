// Runs inside the lab's workstation namespace (spawned by
// tests/integration/unifi-lab.test.ts): the seed failure and the guided path,
// driven through the real core against consoles on other lab hosts.
// argv: <udm address> <unvr address>; prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { rankHosts, explainPick } from '../../electron/core/unifi/hosts.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { newProvision, runProvision } from '../../electron/core/unifi/provision.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import type { KnownConsole } from '../../electron/core/console/known.ts'
import { verifyKey } from '../../electron/core/unifi/verify.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { ConsoleRecord } from '../../shared/domain.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'

const [udmAddress, unvrAddress] = process.argv.slice(2) as [string, string]
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-seed-'))
const vault = new MemorySecretStore()
const core = createCore({ dataDir, version: '0.1.0', vault, log: silentLogger })

try {
  for (const address of [udmAddress, unvrAddress]) {
    const probed = await core.invoke('console.probe', { address })
    if (!probed.ok) throw new Error(`probe ${address}: ${probed.error.message}`)
  }
  const records = core.settings.listConsoles()
  const byHost = (ip: string) => records.find((r) => r.host === ip)!
  const udm = byHost(udmAddress)
  const unvr = byHost(unvrAddress)
  const known = (r: ConsoleRecord): KnownConsole => ({
    key: r.key,
    host: r.host,
    port: r.port,
    name: r.name,
    pin: r.certificateSha256,
    apps: r.apps ?? [],
  })
  const sessionFor = async (r: ConsoleRecord) => {
    const s = new ConsoleSession({
      host: r.host,
      port: r.port,
      pin: r.certificateSha256,
      label: `${r.name} (${r.host})`,
    })
    await s.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD })
    return s
  }

  // By hand: the key is made on the UDM Pro, and Home Assistant points at the NVR.
  const udmKey = (await mintKey(await sessionFor(udm), 'home-assistant')).key
  const atNvr = await verifyKey({ console: known(unvr), others: [known(udm)], app: 'protect', key: udmKey })
  const atUdm = await verifyKey({ console: known(udm), others: [known(unvr)], app: 'protect', key: udmKey })

  // Guided: Keyward picks the host, explains the wrong pick, provisions there, verifies.
  const ranked = rankHosts('protect', records).ranked.map((r) => r.console.name)
  const wrongPick = explainPick('protect', udm, records)
  const target = rankHosts('protect', records).ranked[0]!.console
  const admin = await sessionFor(target)
  const start = newProvision({
    consoleKey: target.key,
    app: 'protect',
    username: 'keyward-protect',
    keyName: 'home-assistant-protect',
  })
  const { record, check } = await runProvision(admin, start, {
    vault,
    journal: { get: (id) => core.settings.getProvision(id), save: (r) => core.settings.saveProvision(r) },
    verify: (key) =>
      verifyKey({
        console: known(target),
        others: records.filter((r) => r !== target).map(known),
        app: 'protect',
        key,
        minimumVersion: '7.2.105',
      }),
  })
  await admin.logout()
  console.log(
    JSON.stringify({
      apps: { udm: udm.apps, unvr: unvr.apps },
      atNvr,
      atUdm,
      ranked,
      wrongPick,
      steps: record.steps,
      check,
    }),
  )
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
