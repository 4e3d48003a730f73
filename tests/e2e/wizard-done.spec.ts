// The Done screen leads with what the user came for (issue 17): "Send to Home
// Assistant" — only when the Home Assistant integration for the app takes this
// key — and "Copy", as the first two actions, before the key's facts.
import { ADMIN_TOKEN } from '../simulators/home-assistant/state.ts'
import { expect, test } from './fixtures.ts'
import { simKey, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 680 } })

const HOME = { id: '0c6f1d52-8a3e-4c1e-9f4b-2d7a5e9b1c01', internalReference: 'default', name: 'Home' }

test('Protect: Send to Home Assistant, then Copy, come first; Copy copies the key', async ({
  page,
  context,
  host,
  core,
  consoles,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin })
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.openToPlan(host.url, 'protect', simKey(unvr), 'NVR')
  await w.createVerified()

  const lead = page.getByRole('group', { name: 'Use the new key' })
  await expect(lead.getByRole('button')).toHaveText(['Send to Home Assistant', 'Copy key'])
  await expect(lead.getByRole('button', { name: 'Send to Home Assistant' })).toHaveClass(/primary/)
  // Before the facts of the key: the first buttons of the screen.
  const buttons = page.locator('[data-screen="done"] button')
  await expect(buttons.nth(0)).toHaveText('Send to Home Assistant')
  await expect(buttons.nth(1)).toHaveText('Copy key')

  await lead.getByRole('button', { name: 'Copy key' }).click()
  await expect(page.getByTestId('row-note')).toContainText('Copied.')
  const record = core.settings.listProvisions()[0]!
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await core.vault.get(record.keyRef))
})

test('Network with a Home Assistant that cannot take the key yet: no Send; Copy leads', async ({
  page,
  host,
  core,
  consoles,
  homeAssistants,
}) => {
  const udm = await consoles.start('udm-pro', { networkSites: [HOME] })
  const ha = await homeAssistants.start({ version: '2026.9.x' })
  expect(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })).toMatchObject({ ok: true })
  const w = new Wizard(page)
  await w.openToPlan(host.url, 'network', simKey(udm), 'Dream Machine Pro')
  await expect(page.getByTestId('ha-fit')).toContainText('Update Home Assistant to 2026.10 or later', {
    timeout: 30_000,
  })
  await w.createVerified()
  const lead = page.getByRole('group', { name: 'Use the new key' })
  await expect(lead.getByRole('button')).toHaveText(['Copy key'], { timeout: 30_000 })
  await expect(lead.getByRole('button', { name: 'Copy key' })).toHaveClass(/primary/)
  await expect(page.getByRole('button', { name: /^Send to / })).toHaveCount(0)
})
