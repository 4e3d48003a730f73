// A real core on a temporary settings directory, for tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { MemorySecretStore, type SecretStore } from '../../electron/core/vault/secret-store.ts'

export function makeCore(options: { vault?: SecretStore; probeTimeoutMs?: number } = {}): Core & { dataDir: string; dispose(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-test-'))
  const core = createCore({
    dataDir,
    version: '0.1.0',
    vault: options.vault ?? new MemorySecretStore(),
    log: silentLogger,
    ...(options.probeTimeoutMs ? { probeTimeoutMs: options.probeTimeoutMs } : {}),
  })
  return Object.assign(core, { dataDir, dispose: () => rmSync(dataDir, { recursive: true, force: true }) })
}
