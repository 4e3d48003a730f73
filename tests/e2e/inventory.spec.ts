// Discovery in the UI: in the lab's discovery scenario (3 consoles, one of them
// on two "VLAN" addresses, 30 devices, an EdgeRouter, an airOS radio, a UISP
// server and Home Assistant), the Devices tab lists exactly the expected cards —
// no duplicates, the right kind and apps per host — and (issue 17) a scan that
// visibly ends, consoles first with their actions, the UISP subnet search, and an
// unreachable address answered with what to check.
import { expect, test, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBrowserHost } from '../../electron/browser-host/server.ts'
import type { DiscoveryOptions } from '../../electron/core/discovery/index.ts'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { readLabFromEnv } from '../lab/env.ts'
import { expectedDiscovery, LAB_HA_PORT, projectCards } from '../lab/scenarios.ts'
import { captureScreen, Wizard } from './wizard.ts'

const lab = readLabFromEnv()
const KIND: Record<string, string> = {
  console: 'UniFi OS console',
  nvr: 'Network video recorder',
  device: 'Device',
  'uisp-server': 'UISP server',
  'home-assistant': 'Home Assistant',
}
// How each card was found is technical: it is in the "Everything found" details only (issue 17).
const FOUND: Record<string, string> = {
  'ubnt-v1': 'UBNT discovery v1',
  'ubnt-v2': 'UBNT discovery v2',
  airos: 'airOS',
  mdns: 'mDNS',
  https: 'HTTPS',
  manual: 'typed in',
}

/** A core on the lab's workstation (its own interfaces only), served to the page, on the Devices tab. */
async function withDevicesHost(page: Page, discovery: DiscoveryOptions, run: () => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-devices-'))
  const core = createCore({
    dataDir,
    version: '0.1.0',
    vault: new MemorySecretStore(),
    log: silentLogger,
    discovery,
  })
  const host = await startBrowserHost({ core, rendererDir: join(import.meta.dirname, '../../out/renderer') })
  try {
    await page.goto(host.url)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Devices', exact: true })
      .click()
    await run()
  } finally {
    await host.close()
    await core.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

test('the Devices tab shows exactly what is on the simulated LAN', async ({ page }) => {
  test.skip(
    !lab || lab.consoles.length < 3,
    'needs the lab’s discovery scenario (node --import tsx tests/lab/with-lab.ts --scenario discovery)',
  )
  const hosts = Object.fromEntries(Object.entries(lab!.hosts).map(([name, h]) => [name, { ip: h.ip }]))
  const expected = projectCards(expectedDiscovery(hosts))
  // The automatic subnet sweep finds the UISP server, which announces nothing.
  await withDevicesHost(page, { sweep: true, scanDurationMs: 4000 }, async () => {
    // The full table (how each was found) is technical: it sits in a details element (issue 17).
    await page.getByText('Everything found, with how each was found').click({ timeout: 60_000 })
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
  })
})

test('a scan ends with what it found, consoles come first with their actions, UISP is found on request', async ({
  page,
}, testInfo) => {
  test.skip(
    !lab || lab.consoles.length < 3,
    'needs the lab’s discovery scenario (node --import tsx tests/lab/with-lab.ts --scenario discovery)',
  )
  const hosts = Object.fromEntries(Object.entries(lab!.hosts).map(([name, h]) => [name, { ip: h.ip }]))
  // The expected counts come from the lab's definition, not from the code under test.
  const cards = expectedDiscovery(hosts)
  const count = (...kinds: string[]) => cards.filter((c) => kinds.includes(c.kind)).length
  const consoles = count('console', 'nvr')
  const devices = count('device')
  expect(count('home-assistant')).toBe(1)
  expect(count('uisp-server')).toBe(1)
  const uispIp = lab!.hosts.uisp!.ip
  const summary = page.getByTestId('scan-summary')
  const ended = new RegExp(`^Found ${consoles} consoles, ${devices} devices, 1 Home Assistant · \\d{1,2}:\\d{2}`)

  // No automatic sweep: only the search finds the UISP server.
  await withDevicesHost(page, { scanDurationMs: 4000 }, async () => {
    await test.step('the scan visibly ends with the lab’s counts', async () => {
      await expect(summary).toHaveText(ended, { timeout: 90_000 })
      await expect(page.getByRole('button', { name: 'Scan again' })).toBeVisible()
    })

    const consoleCards = page.getByTestId('console-card')
    await expect(consoleCards).toHaveCount(consoles)
    const titles = await consoleCards.locator('.device-title').allTextContents()

    await test.step('Scan again restarts the scan and it ends again; titles do not change', async () => {
      await page.getByRole('button', { name: 'Scan again' }).click()
      await expect(summary).toHaveText(/^Looking for devices/)
      await expect(summary).toHaveText(ended, { timeout: 90_000 })
      expect(await consoleCards.locator('.device-title').allTextContents()).toEqual(titles)
    })

    await test.step('consoles first, with their apps and "Make a key here"', async () => {
      const headings = await page.locator('.inventory-view h3').allTextContents()
      expect(headings[0]).toBe('Consoles')
      for (const c of lab!.consoles) {
        const card = consoleCards.filter({ hasText: c.ip })
        await expect(card).toHaveCount(1)
        await expect(card.getByRole('button', { name: 'Make a key here' })).toBeVisible()
      }
      await expect(
        page.getByTestId('ha-card').getByRole('button', { name: 'Connect this Home Assistant' }),
      ).toBeVisible()
      // Protocol names are in details only.
      const mainText = await page
        .locator('.inventory-view h3, .device-title, .device-line, [data-testid="scan-summary"]')
        .allTextContents()
      expect(mainText.filter((t) => /UBNT|mDNS|SSDP|UDP/.test(t))).toEqual([])
    })

    await test.step('an unreachable address: a plain sentence, what to check, the text kept and focused', async () => {
      const form = page.getByRole('form', { name: 'Add a device by its address' })
      const field = form.getByLabel('Device address')
      await field.fill('10.73.0.250')
      await form.getByRole('button', { name: 'Add', exact: true }).click()
      const alert = form.getByRole('alert')
      await expect(alert).toContainText('Nothing answered at 10.73.0.250.', { timeout: 60_000 })
      await expect(alert).toContainText('same network as the device (the same VLAN)')
      await expect(alert.locator('.error-sentence')).not.toContainText(/ETIMEDOUT|ECONN|HTTP\/|\b[45]\d\d\b/)
      await expect(field).toHaveValue('10.73.0.250')
      await expect(field).toBeFocused()
    })

    await test.step('axe clean in light and dark; no sideways scroll at 600 px', async () => {
      await captureScreen(page, testInfo, 'devices')
      await page.setViewportSize({ width: 600, height: 800 })
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow, 'Devices at 600 px scrolls sideways').toBeLessThanOrEqual(0)
      await page.setViewportSize({ width: 1200, height: 800 })
    })

    await test.step('the UISP search shows progress, can be cancelled, and finds the lab’s UISP server', async () => {
      const search = page.getByRole('button', { name: 'Search this subnet for UISP' })
      await expect(page.getByTestId('uisp-card')).toHaveCount(0)
      await search.click()
      await expect(page.getByTestId('uisp-search-progress')).toHaveText(/^\d+ of \d+ addresses tried/)
      await page.getByRole('button', { name: 'Cancel search' }).click()
      await expect(page.getByTestId('uisp-search-result')).toHaveText(/^Search stopped: \d+ of \d+ addresses tried/)

      await search.click()
      await expect(page.getByTestId('uisp-search-progress')).toHaveText(/^\d+ of \d+ addresses tried/)
      const result = page.getByTestId('uisp-search-result')
      await expect(result).toHaveText(
        new RegExp(`^Found a UISP server at ${uispIp.replace(/\./g, '\\.')} \\((\\d+) of \\1 addresses tried\\)`),
        {
          timeout: 90_000,
        },
      )
      await expect(page.getByTestId('uisp-card').filter({ hasText: uispIp })).toHaveCount(1)
      await expect(page.getByRole('button', { name: 'Make a UISP key' })).toBeVisible()
    })

    await test.step('"Make a key here": the wizard asks for the app, then shows that console’s certificate', async () => {
      const udm = lab!.consoles.find((c) => c.host === 'udmpro')!
      const key = `${udm.ip}:${udm.port}`
      await consoleCards.filter({ hasText: udm.ip }).getByRole('button', { name: 'Make a key here' }).click()
      await expect(
        page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'New key' }),
      ).toHaveAttribute('aria-current', 'page')
      // Read once: the fragment is back to the wizard's own, so a reload does not apply it again.
      await expect(page).toHaveURL(/#\/new$/)
      await expect(page.locator('main h2.screen-heading')).toHaveText('What do you want to connect?')
      await expect(page.getByTestId('goal-console')).toContainText(key)
      // The UDM Pro runs Network and Protect (tests/lab/scenarios.ts): Access is not offered, nor UISP.
      const app = (name: string) => page.getByRole('button', { name: new RegExp(`^${name} `) })
      await expect(app('UniFi Protect')).toBeVisible()
      await expect(app('UniFi Network')).toBeVisible()
      await expect(app('UniFi Access')).toHaveCount(0)
      await expect(app('UISP')).toHaveCount(0)
      await app('UniFi Protect').click()
      const trust = page.locator('[data-screen="trust"]')
      await expect(page.locator('main h2.screen-heading')).toHaveText(/^Is this your .+\?$/, { timeout: 60_000 })
      await expect(trust.getByText(key, { exact: true })).toBeVisible()
      await expect(page).toHaveURL(/#\/new$/)
    })

    await test.step('the wizard agrees on whether a scan runs: its Scan again runs and ends too', async () => {
      const w = new Wizard(page)
      await page.getByRole('group', { name: 'Leave the setup' }).getByRole('button', { name: 'Start over' }).click()
      await w.chooseApp('protect')
      const wizardStatus = page.locator('p.discovery-status')
      await expect(wizardStatus).toHaveText(/^Listening/)
      await page.getByRole('button', { name: 'Scan again' }).click()
      await expect(wizardStatus).toHaveText(/^Looking for consoles/)
      // The end of the round reaches the wizard as it reaches the Devices tab (the core announces it).
      await expect(wizardStatus).toHaveText(/^Listening/, { timeout: 90_000 })
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('button', { name: 'Devices', exact: true })
        .click()
      await expect(summary).toHaveText(
        new RegExp(
          `^Found ${consoles} consoles, ${devices} devices, 1 UISP server, 1 Home Assistant · \\d{1,2}:\\d{2}`,
        ),
      )
    })

    await test.step('"Make a UISP key" opens the UISP path on that server: its certificate', async () => {
      const sections = page.getByRole('navigation', { name: 'Sections' })
      // The wizard left above is under way (the Console step): leave it first, so Devices starts afresh.
      await sections.getByRole('button', { name: 'New key' }).click()
      await page.getByRole('group', { name: 'Leave the setup' }).getByRole('button', { name: 'Start over' }).click()
      await expect(page.locator('main h2.screen-heading')).toHaveText('What do you want to connect?')
      await sections.getByRole('button', { name: 'Devices', exact: true }).click()
      await page
        .getByTestId('uisp-card')
        .filter({ hasText: uispIp })
        .getByRole('button', { name: 'Make a UISP key' })
        .click()
      await expect(page).toHaveURL(/#\/new$/)
      await expect(page.locator('main h2.screen-heading')).toHaveText('Is this your UISP server?', { timeout: 60_000 })
      await expect(
        page.locator('[data-screen="uisp-trust"]').getByText(new RegExp(`^${uispIp.replace(/\./g, '\\.')}:\\d+$`)),
      ).toBeVisible()
      await expect(page.getByTestId('arrival-note')).toHaveCount(0)
      await sections.getByRole('button', { name: 'Devices', exact: true }).click()
    })

    await test.step('"Connect this Home Assistant" opens the connect form with the address it found', async () => {
      await page.getByTestId('ha-card').getByRole('button', { name: 'Connect this Home Assistant' }).click()
      await expect(page).toHaveURL(/#\/settings&focus=ha-connect/)
      const url = page.getByLabel('Home Assistant address')
      // The lab's Home Assistant: plain HTTP on its port (tests/lab/scenarios.ts), at its lab address.
      await expect(url).toHaveValue(`http://${lab!.hosts.ha!.ip}:${LAB_HA_PORT}`)
      await expect(url).toBeFocused()
    })
  })
})
