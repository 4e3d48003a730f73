// Discovery in the UI: in the lab's discovery scenario (3 consoles, one of them
// on two "VLAN" addresses, 30 devices, an EdgeRouter, an airOS radio, a UISP
// server and Home Assistant), the Devices tab lists exactly the expected cards —
// no duplicates, the right kind and apps per host.
import { expect, test } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBrowserHost } from '../../electron/browser-host/server.ts'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { readLabFromEnv } from '../lab/env.ts'
import { expectedDiscovery, projectCards } from '../lab/scenarios.ts'

const lab = readLabFromEnv()
const KIND: Record<string, string> = {
  console: 'UniFi OS console',
  nvr: 'Network video recorder',
  device: 'Device',
  'uisp-server': 'UISP server',
  'home-assistant': 'Home Assistant',
}
const FOUND: Record<string, string> = {
  'ubnt-v1': 'UBNT v1',
  'ubnt-v2': 'UBNT v2',
  airos: 'airOS',
  mdns: 'mDNS',
  https: 'HTTPS',
  manual: 'typed in',
}

test('the Devices tab shows exactly what is on the simulated LAN', async ({ page }) => {
  test.skip(
    !lab || lab.consoles.length < 3,
    'needs the lab’s discovery scenario (node --import tsx tests/lab/with-lab.ts --scenario discovery)',
  )
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-inventory-'))
  // The lab's own interfaces only (this runs inside its workstation namespace); the
  // subnet sweep finds the UISP server, which announces nothing.
  const core = createCore({
    dataDir,
    version: '0.1.0',
    vault: new MemorySecretStore(),
    log: silentLogger,
    discovery: { sweep: true, scanDurationMs: 4000 },
  })
  const host = await startBrowserHost({ core, rendererDir: join(import.meta.dirname, '../../out/renderer') })
  try {
    const hosts = Object.fromEntries(Object.entries(lab!.hosts).map(([name, h]) => [name, { ip: h.ip }]))
    const expected = projectCards(expectedDiscovery(hosts))

    await page.goto(host.url)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Devices', exact: true })
      .click()
    const rows = page.getByRole('table', { name: 'Devices found' }).locator('tbody tr')
    await expect(rows).toHaveCount(expected.length, { timeout: 60_000 })

    // Cards fill in as answers arrive (airOS radios announce on their own schedule): wait until every one is complete.
    await expect(async () => {
      const shown = await rows.evaluateAll((trs) =>
        trs.map((tr) => {
          const cell = (c: string) => tr.querySelector(`[data-col="${c}"]`)!.textContent!
          return {
            id: tr.getAttribute('data-id'),
            kind: cell('kind'),
            name: cell('name'),
            model: cell('model'),
            addresses: cell('addresses'),
            apps: cell('apps'),
            found: cell('found'),
          }
        }),
      )
      expect(new Set(shown.map((r) => r.id)).size).toBe(shown.length) // no duplicates
      const byId = new Map(shown.map((r) => [r.id, r]))
      for (const card of expected) {
        const row = byId.get(card.id)
        expect(row, card.id).toBeDefined()
        expect(row).toMatchObject({
          kind: KIND[card.kind],
          name: card.name ?? '—',
          model: card.model ?? '—',
          addresses: card.addresses.join(', '),
          apps: card.apps.length ? [...card.apps].sort().join(', ') : '—',
        })
        for (const method of card.foundBy) expect(row!.found, `${card.id} found by`).toContain(FOUND[method])
      }
    }).toPass({ timeout: 60_000 })
    await page.screenshot({ path: test.info().outputPath('network-tab.png'), fullPage: true })
  } finally {
    await host.close()
    await core.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
