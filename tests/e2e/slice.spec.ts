// The foundation slice, end to end: a user types a console's address (as pasted
// from a browser), the core probes the simulated console inside the lab, and the
// UI shows model, name, MAC and the certificate fingerprint. The app opens on
// the setup wizard; this form lives under Settings → Trusted consoles and servers.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

const openConsoles = async (page: Page) => {
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Settings', exact: true })
    .click()
  await page.getByText('Add a console by address').click()
}

const colonMac = (mac: string) => mac.match(/../g)!.join(':')

test('typing a console address shows what it is and its certificate', async ({ page, host, lab }) => {
  const udm = lab.consoles.find((c) => c.preset === 'udm-pro')!
  const unvr = lab.consoles.find((c) => c.preset === 'unvr')!
  await page.goto(host.url)
  // The token left the address bar as soon as the page read it.
  await expect(page).toHaveURL(host.origin + '/')
  await openConsoles(page)
  await expect(page.getByText('No consoles yet')).toBeVisible()

  const address = page.getByLabel('Console address')
  await address.fill(`  https://${new URL(udm.url).hostname}/protect/dashboard  `)
  await address.press('Enter')

  const card = page.getByRole('region', { name: 'Console found' })
  await expect(card.getByTestId('console-model')).toHaveText('UDMPRO')
  await expect(card.getByTestId('console-name')).toHaveText(udm.name)
  await expect(card.getByTestId('console-mac')).toHaveText(colonMac(udm.mac))
  await expect(card.getByTestId('console-fingerprint')).toHaveAttribute(
    'aria-label',
    `Certificate fingerprint ${udm.sha256}`,
  )
  await expect(card).toContainText('First contact')

  // The known-consoles list is fed by the core's event, not by the reply.
  await expect(page.getByRole('list', { name: 'Known consoles' })).toContainText(udm.name)

  // A second console, using only the keyboard.
  await address.fill(new URL(unvr.url).host)
  await page.keyboard.press('Enter')
  await expect(card.getByTestId('console-model')).toHaveText('UNVR')
  await expect(card.getByTestId('console-mac')).toHaveText(colonMac(unvr.mac))
  await expect(page.getByRole('list', { name: 'Known consoles' }).getByRole('listitem')).toHaveCount(2)
  await page.screenshot({ path: test.info().outputPath('slice.png'), fullPage: true })
})

test('an address where nothing answers explains itself', async ({ page, host, lab }) => {
  await page.goto(host.url)
  await openConsoles(page)
  const address = page.getByLabel('Console address')
  // An unused address in the lab subnet: nothing answers, so the check must
  // end at its deadline or with "unreachable", never hang.
  const ip = lab.subnet.replace(/\.0\/24$/, '.250')
  await address.fill(`${ip}:443`)
  await address.press('Enter')
  const alert = page.getByRole('alert', { name: 'Console check failed' })
  await expect(alert).toContainText(/cannot be reached|did not answer within/, { timeout: 60_000 })
})

test('bad input gets a specific message and keeps what was typed', async ({ page, host }) => {
  await page.goto(host.url)
  await openConsoles(page)
  const address = page.getByLabel('Console address')
  await address.fill('ftp://10.0.0.1')
  await address.press('Enter')
  await expect(page.getByRole('alert', { name: 'Console check failed' })).toContainText('"ftp://" is not a web address')
  await expect(address).toHaveValue('ftp://10.0.0.1')
})

test('without the session token the page explains itself and the API refuses', async ({ page, host }) => {
  await page.goto(host.origin + '/')
  await expect(page.getByRole('alert')).toContainText('session link')
  const status = await page.evaluate(
    async () =>
      (
        await fetch('/api/invoke/console.list', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
  )
  expect(status).toBe(401)
})
