// "Make a key here" on the Devices tab while a wizard is under way (issue 17):
// the wizard under way is shown as it was, with a note offering to start over
// with the chosen console; "Keep going" keeps it, "Start over with …" starts on
// that console (the goal step offers only its apps) and, after the app, shows
// its certificate. Simulators on loopback; the console joins the Devices tab
// because its address was typed in the wizard.
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { expectAccessible, simKey, Wizard } from './wizard.ts'

const sections = (page: Page) => page.getByRole('navigation', { name: 'Sections' })

/** The Devices tab, and "Make a key here" on the console named `name`. */
async function makeKeyHere(page: Page, name: string): Promise<void> {
  await sections(page).getByRole('button', { name: 'Devices', exact: true }).click()
  const card = page.getByTestId('console-card').filter({ has: page.getByRole('heading', { name, exact: true }) })
  await card.getByRole('button', { name: 'Make a key here' }).click()
  await expect(sections(page).getByRole('button', { name: 'New key' })).toHaveAttribute('aria-current', 'page')
  await expect(page).toHaveURL(/#\/new$/)
}

test('a wizard under way is kept: a note offers to start over with the console chosen on Devices', async ({
  page,
  host,
  consoles,
}) => {
  const unvr = await consoles.start('unvr')
  const key = simKey(unvr)
  const w = new Wizard(page)
  await w.open(host.url)
  await w.findConsoles('protect', key) // under way: the Console step, the NVR typed in
  const findHeading = /^Which console runs /
  const note = page.getByRole('note', { name: 'From the Devices tab' })

  await test.step('the wizard under way stays, with the note; Keep going keeps it', async () => {
    await makeKeyHere(page, 'NVR')
    await expect(note).toBeVisible()
    await expect(note.getByTestId('arrival-note')).toContainText('still under way')
    await expect(w.heading).toHaveText(findHeading)
    await expect(w.card('NVR')).toBeVisible()
    await expectAccessible(page, 'wizard with the Devices note')
    await note.getByRole('button', { name: 'Keep going' }).click()
    await expect(note).toHaveCount(0)
    await expect(w.heading).toHaveText(findHeading)
  })

  await test.step('a reload does not bring the note back (the fragment was read once)', async () => {
    await page.reload()
    await expect(w.heading).toHaveText(findHeading)
    await expect(note).toHaveCount(0)
  })

  await test.step('"Start over with" the console: its apps only, then its certificate', async () => {
    await makeKeyHere(page, 'NVR')
    await note.getByRole('button', { name: `Start over with ${key}` }).click()
    await expect(note).toHaveCount(0)
    await expect(w.heading).toHaveText('What do you want to connect?')
    await expect(page.getByTestId('goal-console')).toContainText(key)
    // The NVR runs Protect only (its probe says so): Network and Access are not offered.
    await expect(page.getByRole('button', { name: /^UniFi Network / })).toHaveCount(0)
    await expect(page.getByRole('button', { name: /^UniFi Access / })).toHaveCount(0)
    await page.getByRole('button', { name: /^UniFi Protect / }).click()
    await expect(w.heading).toHaveText('Is this your NVR?')
    await expect(page.locator('[data-screen="trust"]').getByText(key, { exact: true })).toBeVisible()
  })
})
