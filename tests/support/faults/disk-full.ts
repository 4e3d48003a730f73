// Child of tests/integration/faults-system.test.ts, run in a private mount
// namespace with a tiny tmpfs at argv[2] (`unshare -m`): the settings file's
// disk fills up, then space comes back. Prints one JSON line.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCore } from '../../../electron/core/index.ts'
import { silentLogger } from '../../../electron/core/log.ts'
import { MemorySecretStore } from '../../../electron/core/vault/secret-store.ts'
import { createConsoleConfig } from '../../simulators/console/presets.ts'
import { startConsoleSimulator } from '../../simulators/console/server.ts'

const dataDir = process.argv[2]!
const sim = await startConsoleSimulator(createConsoleConfig('unvr'), { host: '127.0.0.1', port: 0 })
const core = createCore({ dataDir, version: '0.1.0', log: silentLogger, vault: new MemorySecretStore() })
const file = join(dataDir, 'config.json')
try {
  await core.invoke('preferences.set', { checkIntervalMinutes: 30 })
  const before = readFileSync(file)

  // Fill the disk to the last byte.
  const filler = join(dataDir, 'filler')
  let size = 1 << 20
  let written = Buffer.alloc(0)
  while (size >= 1) {
    try {
      const next = Buffer.concat([written, Buffer.alloc(size, 1)])
      writeFileSync(filler, next)
      written = next
    } catch {
      size >>= 1
    }
  }
  const prefs = await core.invoke('preferences.set', { checkIntervalMinutes: 60 })
  const probe = await core.invoke('console.probe', { address: `127.0.0.1:${sim.port}` })
  const afterFull = readFileSync(file)
  const prefsInMemory = await core.invoke('preferences.get', {})
  const leftovers = readdirSync(dataDir).filter((f) => f !== 'config.json' && f !== 'filler')

  rmSync(filler)
  const retriedPrefs = await core.invoke('preferences.set', { checkIntervalMinutes: 60 })
  const retriedProbe = await core.invoke('console.probe', { address: `127.0.0.1:${sim.port}` })
  const final = JSON.parse(readFileSync(file, 'utf8'))
  console.log(
    JSON.stringify({
      prefs,
      probe,
      intact: before.equals(afterFull),
      prefsInMemory,
      leftovers,
      retriedPrefs: retriedPrefs.ok,
      retriedProbe: retriedProbe.ok,
      final: { checkIntervalMinutes: final.preferences.checkIntervalMinutes, consoles: final.consoles.length },
      tempFiles: readdirSync(dataDir).filter((f) => f !== 'config.json'),
      exists: existsSync(file),
    }),
  )
} finally {
  await core.close()
  await sim.close()
}
