// Runs inside the lab's workstation namespace (spawned by tests/integration/console-kinds-lab.test.ts):
// the user types a bare host; Keyward finds a UniFi OS Server on :11443 and a retired Network
// application on :8443 (unifi-os.md §1 Ports), makes a key on the first and explains the second.
// argv: <UniFi OS Server address> <Network application address>; prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { ConsoleProbe, ProvisionOutcome } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'

const [uosHost, legacyHost] = process.argv.slice(2) as [string, string]
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-kinds-'))
const core = createCore({ dataDir, version: '0.1.0', vault: new MemorySecretStore(), log: silentLogger })

async function probeAndTrust(address: string): Promise<ConsoleProbe> {
  const probed = (await core.invoke('console.probe', { address })) as Outcome<ConsoleProbe>
  if (!probed.ok) throw new Error(`probe ${address}: ${probed.error.message}`)
  await core.invoke('console.trust', { key: probed.value.address.key, sha256: probed.value.certificate.sha256 })
  return probed.value
}

try {
  const uos = await probeAndTrust(uosHost)
  const signIn = (key: string) =>
    core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
  const signedIn = await signIn(uos.address.key)
  const key = uos.address.key
  const request = { key, app: 'network', mode: 'dedicated-user', username: 'keyward-network', keyName: 'ha' } as const
  const made = (await core.invoke('provision.run', request)) as Outcome<ProvisionOutcome>
  const legacy = await probeAndTrust(legacyHost)
  const legacySignIn = await signIn(legacy.address.key)
  console.log(
    JSON.stringify({
      uos: { key: uos.address.key, kind: uos.kind, name: uos.name, apps: uos.apps },
      signedIn: signedIn.ok,
      check: made.ok ? made.value.check : made.error,
      legacy: { key: legacy.address.key, kind: legacy.kind },
      legacySignIn: legacySignIn.ok ? null : legacySignIn.error,
    }),
  )
  await core.close()
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
