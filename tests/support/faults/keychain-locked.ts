// Child of tests/integration/faults-system.test.ts, run inside its own private
// Secret Service (tests/support/with-keyring.sh): a key flow while the keyring
// is locked, then after it is unlocked. Prints one JSON line.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../../../electron/core/index.ts'
import { silentLogger } from '../../../electron/core/log.ts'
import { KeyringSecretStore } from '../../../electron/core/vault/secret-store.ts'
import type { ProvisionOutcome } from '../../../shared/domain.ts'
import { createConsoleConfig, OWNER_PASSWORD, OWNER_USERNAME } from '../../simulators/console/presets.ts'
import { startConsoleSimulator } from '../../simulators/console/server.ts'
import { probeAndTrust } from '../trust.ts'

const runtime = process.env.KEYWARD_KEYRING_RUNTIME
if (!runtime) throw new Error('run me through tests/support/with-keyring.sh')
const secrets = ['--dest', 'org.freedesktop.secrets', '--object-path', '/org/freedesktop/secrets']
const lock = () =>
  execFileSync('gdbus', [
    'call',
    '--session',
    ...secrets,
    '--method',
    'org.freedesktop.Secret.Service.Lock',
    "[objectpath '/org/freedesktop/secrets/collection/login']",
  ])
// What the user's unlock prompt does: hand the daemon the login password (with-keyring.sh uses "keyward-test").
const unlock = () => {
  const env = { ...process.env, XDG_RUNTIME_DIR: runtime, XDG_DATA_HOME: join(runtime, '..', 'data') }
  execFileSync('gnome-keyring-daemon', ['--replace', '--unlock', '--components=secrets'], {
    input: 'keyward-test',
    env,
    stdio: ['pipe', 'ignore', 'ignore'],
  })
  execFileSync('gnome-keyring-daemon', ['--start', '--components=secrets'], { env, stdio: 'ignore' })
}

const dataDir = mkdtempSync(join(tmpdir(), 'keyward-locked-'))
const sim = await startConsoleSimulator(createConsoleConfig('unvr'), { host: '127.0.0.1', port: 0 })
const core = createCore({
  dataDir,
  version: '0.1.0',
  log: silentLogger,
  vault: new KeyringSecretStore({ timeoutMs: 5000 }),
})
try {
  const key = `127.0.0.1:${sim.port}`
  await probeAndTrust(core, key)
  await core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD })

  lock()
  const lockedStatus = await core.invoke('vault.status', {})
  const started = Date.now()
  const run = await core.invoke('provision.run', {
    key,
    app: 'protect',
    mode: 'dedicated-user',
    username: 'keyward-ha',
    keyName: 'home-assistant',
  })
  const runMs = Date.now() - started
  const usersWhileLocked = [...sim.state.users.values()].filter((u) => u.username === 'keyward-ha').length
  const keysWhileLocked = sim.state.apiKeys.size
  const filesWhileLocked = readdirSync(dataDir)
  const settingsWhileLocked = readFileSync(join(dataDir, 'config.json'), 'utf8')

  unlock()
  const unlockedStatus = await core.invoke('vault.status', {})
  const id = run.ok ? (run.value as ProvisionOutcome).record.id : null
  const resumed = id ? await core.invoke('provision.resume', { id }) : null
  const done = resumed?.ok ? (resumed.value as ProvisionOutcome) : null
  const user = [...sim.state.users.values()].find((u) => u.username === 'keyward-ha')
  const stored = done ? await core.vault.get(core.settings.getProvision(done.record.id)!.keyRef) : null
  const keys = user ? [...sim.state.apiKeys.values()].filter((k) => k.userId === user.id) : []
  console.log(
    JSON.stringify({
      lockedStatus,
      run,
      runMs,
      usersWhileLocked,
      keysWhileLocked,
      filesWhileLocked,
      settingsWhileLocked,
      unlockedStatus,
      resumed: done ? { failure: done.failure, steps: done.record.steps, check: done.check?.status } : resumed,
      users: [...sim.state.users.values()].filter((u) => u.username === 'keyward-ha').length,
      keys: keys.length,
      storedMatches: !!stored && keys[0]?.key === stored,
      settingsHasSecret: !!stored && readFileSync(join(dataDir, 'config.json'), 'utf8').includes(stored),
    }),
  )
} finally {
  await core.close()
  await sim.close()
  rmSync(dataDir, { recursive: true, force: true })
}
