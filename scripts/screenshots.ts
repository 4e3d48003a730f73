// `npm run screenshots`: pictures of every main screen for docs/screenshots/, from
// the demo lab (scripts/demo-run.ts starts `npm run demo`'s script): the wizard's
// steps from "What do you want to connect?" to Done (a Protect key made on the NVR
// as its owner), then Overview, Keys (and the key's detail), Devices and Settings; each in light and dark
// at 1200 and 600 px wide. Chromium is the one the end-to-end tests use
// (playwright.config.ts); the renderer must be built (`npm run screenshots` does).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { startDemo } from './demo-run.ts'

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots')
const WIDTHS = [1200, 600] as const
const HEIGHT = 860
const WAIT = { timeout: 120_000 }

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHT })
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' })
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
      await page.screenshot({ path: join(OUT, `${name}-${colorScheme}-${width}.png`), animations: 'disabled' })
    }
  }
  await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT })
  await page.emulateMedia({ colorScheme: 'light' })
  console.log(`screenshots: ${name}`)
}

/** The wizard from its first screen to Done: a Protect key on the demo's NVR. */
async function wizard(page: Page, printed: string): Promise<void> {
  const owner = /Sign in as:\s+(\S+)\s+password: (\S+)/.exec(printed)
  if (!owner) throw new Error('screenshots: the demo printed no console sign-in')
  const heading = (text: string | RegExp) => page.locator('main h2.screen-heading', { hasText: text }).waitFor(WAIT)
  await heading('What do you want to connect?')
  await shoot(page, 'wizard-goal')
  await page.getByRole('button', { name: /^UniFi Protect / }).click()
  await page.getByRole('radio', { name: 'NVR', checked: true }).waitFor(WAIT)
  // Discovery has found every console (three cards) before the picture.
  await page.waitForFunction(() => document.querySelectorAll('input[type=radio]').length >= 3, null, WAIT)
  await shoot(page, 'wizard-find')
  await page.getByRole('button', { name: 'Continue with NVR' }).click()
  await heading(/^Is this your /)
  await shoot(page, 'wizard-trust')
  await page.getByRole('button', { name: 'Trust this console' }).click()
  await heading(/^Sign in to /)
  await shoot(page, 'wizard-sign-in')
  await page.getByLabel('Username or email').fill(owner[1]!)
  await page.getByLabel('Password', { exact: true }).fill(owner[2]!)
  await page.getByLabel('Password', { exact: true }).press('Enter')
  await heading(/^Ready to make the /)
  await shoot(page, 'wizard-plan')
  await page.getByRole('button', { name: /^Create the / }).click()
  await heading(/ is ready$/)
  await page.getByTestId('verified').waitFor(WAIT)
  await shoot(page, 'wizard-done')
}

async function tabs(page: Page): Promise<void> {
  const sections = page.getByRole('navigation', { name: 'Sections' })
  for (const tab of ['Overview', 'Keys', 'Devices', 'Settings']) {
    await sections.getByRole('button', { name: tab, exact: true }).click()
    await sections.locator(`button[aria-current="page"]`, { hasText: tab }).waitFor(WAIT)
    await page.waitForTimeout(tab === 'Devices' ? 3000 : 500) // let the lists settle before the picture
    await shoot(page, tab.toLowerCase())
    if (tab === 'Keys') {
      // The key's detail pane: every field and action of the key made above.
      await page.getByTestId('key-row').first().click()
      await page.getByRole('button', { name: 'Back to the list' }).first().waitFor(WAIT)
      await shoot(page, 'key-detail')
      await page.keyboard.press('Escape')
    }
  }
}

mkdirSync(OUT, { recursive: true })
const demo = await startDemo()
const browser = await chromium.launch({
  executablePath: process.env.KEYWARD_CHROMIUM || (process.platform === 'linux' ? '/usr/bin/chromium' : undefined),
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
})
let failed = false
try {
  const page = await browser.newPage({ viewport: { width: WIDTHS[0], height: HEIGHT }, deviceScaleFactor: 1 })
  await page.goto(demo.url)
  await wizard(page, demo.printed)
  await tabs(page)
  console.log(`screenshots: written to ${OUT}`)
} catch (error) {
  failed = true
  console.error(error)
} finally {
  await browser.close()
  await demo.stop()
}
process.exit(failed ? 1 : 0)
