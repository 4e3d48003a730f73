// A real core on a temporary settings directory, for tests.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore, type Core, type CoreOptions } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'

export function makeCore(
  options: Pick<
    CoreOptions,
    'vault' | 'probeTimeoutMs' | 'accessPort' | 'keyWatch' | 'clipboard' | 'networkSignature' | 'discovery'
  > = {},
): Core & { dataDir: string; dispose(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-test-'))
  const core = createCore({
    dataDir,
    version: '0.1.0',
    log: silentLogger,
    ...options,
    vault: options.vault ?? new MemorySecretStore(),
  })
  return Object.assign(core, { dataDir, dispose: () => rmSync(dataDir, { recursive: true, force: true }) })
}
