// Child of tests/bench/run.ts: one cold start of the core in a fresh process,
// from the first import to a ready core answering its first request. Prints JSON.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const t0 = performance.now()
const { createCore } = await import('../../electron/core/index.ts')
const { silentLogger } = await import('../../electron/core/log.ts')
const { MemorySecretStore } = await import('../../electron/core/vault/secret-store.ts')
const imported = performance.now()
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-bench-cold-'))
const core = createCore({ dataDir, version: '0.0.0', log: silentLogger, vault: new MemorySecretStore() })
const created = performance.now()
const first = await core.invoke('console.list', {})
const answered = performance.now()
await core.close()
rmSync(dataDir, { recursive: true, force: true })
if (!first.ok) throw new Error(first.error.message)
console.log(
  JSON.stringify({
    importMs: imported - t0,
    createMs: created - imported,
    firstRequestMs: answered - created,
    totalMs: answered - t0,
  }),
)
