// Playwright fixtures: a real core and the browser host on this process's
// loopback (inside the lab's workstation namespace when the lab runs).
import { test as base } from '@playwright/test'
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server.ts'
import { join } from 'node:path'
import { makeCore } from '../support/core.ts'
import { labUnavailableReason, readLabFromEnv, type LabDescription } from '../lab/env.ts'

export const test = base.extend<{ host: BrowserHost; lab: LabDescription }>({
  host: async ({}, use) => {
    // The keychain has its own tests against a real Secret Service; here a
    // memory store keeps the UI tests independent of a D-Bus session.
    const core = makeCore()
    const host = await startBrowserHost({ core, rendererDir: join(import.meta.dirname, '../../out/renderer') })
    await use(host)
    await host.close()
    core.dispose()
  },
  lab: async ({}, use, testInfo) => {
    const lab = readLabFromEnv()
    testInfo.skip(!lab, `needs the simulated LAN: ${labUnavailableReason()}`)
    await use(lab!)
  },
})

export { expect } from '@playwright/test'
