// Playwright fixtures: a real core and the browser host on this process's
// loopback (inside the lab's workstation namespace when the lab runs), and
// console simulators started IN-PROCESS on 127.0.0.1 (port 0).
import { test as base } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server.ts'
import { createCore, type Core } from '../../electron/core/index.ts'
import type { DiscoveryOptions } from '../../electron/core/discovery/index.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'
import { createConsoleConfig, type ConsoleOverrides, type PresetName } from '../simulators/console/presets.ts'
import { startHomeAssistantSimulator, type RunningHomeAssistant } from '../simulators/home-assistant/server.ts'
import { createHaConfig, type HaSimConfig } from '../simulators/home-assistant/state.ts'
import { labUnavailableReason, readLabFromEnv, type LabDescription } from '../lab/env.ts'
import {
  recordingLogger,
  recordRenderer,
  saveCoreArtifacts,
  saveSimulatorSecrets,
  trafficRecorder,
} from './leak-record.ts'

export interface LaunchOptions {
  /** The Access developer API port of the console under test (its simulator's `accessPort`). */
  accessPort?: number
}

export interface RunningApp {
  core: Core
  host: BrowserHost
}

export interface Consoles {
  /**
   * A console simulator, closed after the test: on 127.0.0.1 and an ephemeral
   * port, or where `listen` says (e.g. 127.0.0.2:443, as a real console answers).
   */
  start(
    preset: PresetName,
    overrides?: ConsoleOverrides,
    listen?: { host: string; port: number },
  ): Promise<RunningConsole>
}

export interface HomeAssistants {
  /** A fake Home Assistant on 127.0.0.1 (ephemeral port) that checks keys against the console simulators; closed after the test. */
  /** `listen.https`: a fresh self-signed certificate (issue 15). */
  start(overrides?: Partial<HaSimConfig>, listen?: { https?: boolean }): Promise<RunningHomeAssistant>
}

/**
 * Where the core's discovery may look:
 *   'lan'  the namespace's own interfaces (the lab's LAN, as the app would);
 *   'none' no interface at all (discovery reports that it has nothing to scan);
 *   'auto' 'lan' inside a lab without discovery responders (the slice scenario:
 *          nothing answers, so only consoles the test adds appear), else 'none'.
 * Outside a lab it is always 'none': tests never scan real interfaces.
 */
export type DiscoveryScope = 'lan' | 'none' | 'auto'

interface Fixtures {
  consoles: Consoles
  homeAssistants: HomeAssistants
  /** Creates the core and the browser host (once per test); `host`/`core` use it with defaults. */
  launch: (options?: LaunchOptions) => Promise<RunningApp>
  /** The app launched with defaults. */
  app: RunningApp
  host: BrowserHost
  core: Core
  lab: LabDescription
  /** Records the renderer's console, errors and final DOM for the secret-leak scan (automatic). */
  leakRecord: void
}

interface Options {
  discoveryScope: DiscoveryScope
}

const lab = readLabFromEnv()
/** The discovery scenario has UBNT responders on three consoles; the slice scenario has none. */
export const labHasDiscovery = (l: LabDescription | null = lab) => l !== null && l.consoles.length >= 3

function discoveryOptions(scope: DiscoveryScope): DiscoveryOptions {
  // Never the real interfaces: without a lab, 'lan' falls back to 'none'.
  const lan = lab !== null && (scope === 'lan' || (scope === 'auto' && !labHasDiscovery()))
  return lan ? { scanDurationMs: 4000 } : { interfaceSource: () => ({}), mdns: false, airosPort: null }
}

export const test = base.extend<Fixtures & Options>({
  discoveryScope: ['auto', { option: true }],

  consoles: async ({}, use, testInfo) => {
    const started: RunningConsole[] = []
    await use({
      async start(preset, overrides = {}, listen = { host: '127.0.0.1', port: 0 }) {
        const sim = await startConsoleSimulator(createConsoleConfig(preset, overrides), listen)
        started.push(sim)
        return sim
      },
    })
    saveSimulatorSecrets(testInfo, started, [])
    await Promise.all(started.map((s) => s.close()))
  },

  homeAssistants: async ({}, use, testInfo) => {
    const started: RunningHomeAssistant[] = []
    await use({
      async start(overrides = {}, listen = {}) {
        const ha = await startHomeAssistantSimulator(createHaConfig(overrides), {
          host: '127.0.0.1',
          port: 0,
          ...(listen.https ? { https: true } : {}),
        })
        started.push(ha)
        return ha
      },
    })
    saveSimulatorSecrets(testInfo, [], started)
    await Promise.all(started.map((h) => h.close()))
  },

  // Depends on `consoles` (and the fake Home Assistants) so the core signs out before the simulators close.
  launch: async ({ consoles: _consoles, homeAssistants: _homeAssistants, discoveryScope }, use, testInfo) => {
    let vault: MemorySecretStore | null = null
    let app: (RunningApp & { dataDir: string }) | null = null
    await use(async (options = {}) => {
      if (app) throw new Error('launch() runs once per test')
      const dataDir = mkdtempSync(join(tmpdir(), 'keyward-e2e-'))
      // The keychain has its own tests against a real Secret Service; here a
      // memory store keeps the UI tests independent of a D-Bus session.
      vault = new MemorySecretStore()
      const store = vault
      const core = createCore({
        dataDir,
        version: '0.1.0',
        vault: store,
        log: recordingLogger(testInfo, (s) => store.isKnownSecret(s)),
        discovery: discoveryOptions(discoveryScope),
        ...(options.accessPort ? { accessPort: options.accessPort } : {}),
      })
      const host = await startBrowserHost({
        core,
        rendererDir: join(import.meta.dirname, '../../out/renderer'),
        record: trafficRecorder(testInfo),
      })
      app = { core, host, dataDir }
      return app
    })
    if (app) {
      const { core, host, dataDir } = app as RunningApp & { dataDir: string }
      await host.close()
      await core.close()
      saveCoreArtifacts(testInfo, vault!, dataDir)
      rmSync(dataDir, { recursive: true, force: true })
    }
  },

  app: async ({ launch }, use) => {
    await use(await launch())
  },
  host: async ({ app }, use) => {
    await use(app.host)
  },
  core: async ({ app }, use) => {
    await use(app.core)
  },

  leakRecord: [
    async ({ page }, use, testInfo) => {
      await recordRenderer(testInfo, page, () => use())
    },
    { auto: true },
  ],

  lab: async ({}, use, testInfo) => {
    testInfo.skip(!lab, `needs the simulated LAN: ${labUnavailableReason()}`)
    await use(lab!)
  },
})

export { expect } from '@playwright/test'
