// The wizard's quality bar: axe-core finds no serious or critical violation on
// any screen (light and dark, screenshots of each under test-results/), the
// whole path works with the keyboard alone with focus on each new heading, and
// closing and reopening the window mid-flow returns to the same step with no
// secret in storage.
import { createSocket, type Socket } from 'node:dgram'
import type { Locator, Page } from '@playwright/test'
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
} from '../simulators/console/presets.ts'
import { expect, test } from './fixtures.ts'
import { masked, storedText } from './keys.ts'
import { captureScreen, expectKeyInKeychain, simKey, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 680 } })

test('every screen of the main path, light and dark, passes axe', async ({ page, host, core, consoles }, testInfo) => {
  const udm = await consoles.start('udm-pro')
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.open(host.url)
  await captureScreen(page, testInfo, '01-goal')

  await w.chooseApp('protect')
  await expect(page.getByText('Nothing found yet.')).toBeVisible()
  await captureScreen(page, testInfo, '02-find-empty')

  await w.enterAddress(simKey(udm))
  await w.enterAddress(simKey(unvr))
  await expect(w.card('NVR')).toBeChecked()
  await w.pick('Dream Machine Pro')
  await expect(page.getByTestId('picked-warning')).toBeVisible()
  await captureScreen(page, testInfo, '03-find-wrong-console')
  await page.getByRole('button', { name: 'Use NVR instead' }).click()

  await w.continueWith('NVR')
  await captureScreen(page, testInfo, '04-certificate')
  await w.trust()
  await captureScreen(page, testInfo, '05-sign-in')

  await w.signIn(CLOUD_USERNAME, 'not-the-password')
  await expect(page.getByTestId('signin-error')).toBeVisible()
  await captureScreen(page, testInfo, '06-sign-in-refused')
  await w.type(page.getByLabel('Password', { exact: true }), CLOUD_PASSWORD, 'password', { enter: true })
  await expect(w.heading).toHaveText('Enter the two-factor code')
  await captureScreen(page, testInfo, '07-two-factor')
  await w.mfa(CLOUD_MFA_CODE)
  await w.expectPlan()
  await page.getByText('Why Super Admin?').click()
  await captureScreen(page, testInfo, '08-plan')

  // Hold the request a moment to see the progress view while it works.
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/invoke/provision.run', async (route) => {
    await held
    await route.continue()
  })
  const dropped = unvr.failNext({ method: 'POST', path: /\/keys$/, when: 'after' })
  await w.create()
  await expect(w.heading).toHaveText('Making the API key on NVR…')
  await expect(page.getByTestId('step-user')).toHaveAttribute('data-state', 'running')
  await captureScreen(page, testInfo, '09-run-progress')
  release()
  await dropped
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible()
  await captureScreen(page, testInfo, '10-run-failed')
  await page.getByRole('button', { name: 'Try again' }).click()
  await w.expectDone()
  await captureScreen(page, testInfo, '11-done')
  await expectKeyInKeychain(page, core, unvr, 'protect')

  await page.getByRole('button', { name: 'Settings', exact: true }).click()
  await captureScreen(page, testInfo, '12-settings')
})

test('designed states: a changed certificate, the Super Admin fallback, an Access plan', async ({
  page,
  host,
  consoles,
}, testInfo) => {
  const se = await consoles.start('udm-se', { apps: ['network', 'protect', 'access'], accessPort: 0 })
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(se), 'Dream Machine SE')

  // The console now presents another certificate: a loud, separate screen before any password.
  const fresh = await se.replaceCertificate()
  await page.getByRole('button', { name: 'Back' }).click()
  await page.getByRole('button', { name: 'Continue with Dream Machine SE' }).click()
  await expect(w.heading).toHaveText('The certificate of Dream Machine SE has changed')
  await expect(w.heading).toBeFocused()
  await expect(page.getByTestId('trust-fingerprint')).toHaveAttribute('aria-label', `Certificate fingerprint ${fresh}`)
  await expect(page.getByTestId('previous-fingerprint')).not.toHaveAttribute(
    'aria-label',
    `Certificate fingerprint ${fresh}`,
  )
  await captureScreen(page, testInfo, '13-certificate-changed')
  await page.getByRole('button', { name: 'Trust the new certificate' }).click()
  await expect(w.heading).toHaveText('Sign in to Dream Machine SE')

  await w.signInToPlan()
  await w.create()
  await expect(page.getByRole('button', { name: `Make the key as ${OWNER_USERNAME}` })).toBeVisible()
  await captureScreen(page, testInfo, '14-run-fallback')

  // A fresh wizard for Access: the plan asks for the token's validity.
  await page.evaluate(() => localStorage.clear())
  await page.reload()
  await w.chooseApp('access') // the console is known already: pre-selected
  await w.trustConsole('Dream Machine SE')
  await w.signInToPlan()
  await expect(page.getByLabel('Valid for (days)')).toHaveValue('365')
  await captureScreen(page, testInfo, '15-plan-access')
})

test.describe('on the lab LAN', () => {
  test.use({ discoveryScope: 'lan' })

  test('discovery notices and a bad address are explained on the Find step', async ({
    page,
    launch,
    lab: _lab,
  }, testInfo) => {
    // Another program holds UDP 10001: discovery falls back and says so.
    const blocker = await bindExclusive(10001)
    try {
      const { host } = await launch()
      const w = new Wizard(page)
      await w.open(host.url)
      await w.chooseApp('access') // no console in either lab runs Access: nothing is pre-selected
      await expect(page.getByRole('note', { name: 'Discovery notices' })).toContainText(
        'UDP port 10001 is in use by another program',
      )
      await w.type(page.getByLabel('Console address'), 'ftp://10.0.0.1', 'address', { enter: true })
      await expect(page.getByRole('alert')).toContainText('"ftp://" is not a web address')
      await expect(page.getByLabel('Console address')).toHaveValue('ftp://10.0.0.1')
      await expect(page.getByRole('button', { name: 'Continue' })).toBeDisabled()
      await captureScreen(page, testInfo, '16-find-notices')
    } finally {
      blocker.close()
    }
  })
})

test('keyboard only: from launch to a verified key, focus on each new heading', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const udm = await consoles.start('udm-pro')
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  const kb = page.keyboard
  await page.goto(host.url)
  await expect(w.heading).toHaveText('What do you want to connect?')
  await expect(w.heading).toBeFocused()

  await tabTo(page, page.getByRole('button', { name: /^UniFi Protect / }))
  await kb.press('Enter')
  await expect(w.heading).toHaveText('Which console runs Protect?')
  await expect(w.heading).toBeFocused()

  await tabTo(page, page.getByLabel('Console address'))
  await kb.type(simKey(udm))
  await kb.press('Enter')
  await expect(page.getByText(`Checked ${simKey(udm)}`)).toBeVisible()
  await kb.type(simKey(unvr)) // focus stays in the field, which was cleared
  await kb.press('Enter')
  await expect(w.card('NVR')).toBeChecked()

  // Into the radio group (it lands on the selection), arrow to the UDM Pro, then take the advice.
  await tabTo(page, w.card('NVR'), { backwards: true })
  await kb.press('ArrowDown')
  await expect(w.card('Dream Machine Pro')).toBeChecked()
  await expect(page.getByTestId('picked-warning')).toBeVisible()
  await tabTo(page, page.getByRole('button', { name: 'Use NVR instead' }))
  await kb.press('Enter')
  await expect(w.card('NVR')).toBeChecked()

  await tabTo(page, page.getByRole('button', { name: 'Continue with NVR' }))
  await kb.press('Enter')
  await expect(w.heading).toHaveText('Is this your NVR?')
  await expect(w.heading).toBeFocused()

  await tabTo(page, page.getByRole('button', { name: 'Trust this console' }))
  await kb.press('Space')
  await expect(w.heading).toHaveText('Sign in to NVR')
  await expect(w.heading).toBeFocused()

  await tabTo(page, page.getByLabel('Username or email'))
  await kb.type(OWNER_USERNAME)
  await kb.press('Tab')
  await expect(page.getByLabel('Password', { exact: true })).toBeFocused()
  await kb.type(OWNER_PASSWORD)
  await kb.press('Enter')
  await expect(w.heading).toHaveText('Ready to make the API key on NVR')
  await expect(w.heading).toBeFocused()

  await tabTo(page, page.getByRole('button', { name: 'Create the API key' }))
  await kb.press('Enter')
  await expect(w.heading).toHaveText('Your Protect API key is ready', { timeout: 60_000 })
  await expect(w.heading).toBeFocused()
  await expectKeyInKeychain(page, core, unvr, 'protect')
  // "Make another key" is reachable too.
  await tabTo(page, page.getByRole('button', { name: 'Make another key' }))
})

test('closing and reopening the window mid-flow returns to the same step; no secret is stored', async ({
  page,
  context,
  host,
  core,
  consoles,
}) => {
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(unvr), 'NVR')

  // Typed but not sent: a reload keeps the step, never the password.
  await page.getByLabel('Username or email').fill(OWNER_USERNAME)
  await page.getByLabel('Password', { exact: true }).fill(OWNER_PASSWORD)
  await expectNoSecrets(page, [OWNER_PASSWORD])
  await page.reload()
  await expect(w.heading).toHaveText('Sign in to NVR')
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')

  await w.signInToPlan()
  await page.getByLabel('Key name').fill('ha-cameras')
  await expectNoSecrets(page, [OWNER_PASSWORD])

  // Close the window, open a new one on the same storage: the plan, with the edit.
  await page.close()
  const reopened = await context.newPage()
  const w2 = new Wizard(reopened)
  await reopened.goto(host.url)
  await expect(w2.heading).toHaveText('Ready to make the API key on NVR')
  await expect(reopened.getByLabel('Key name')).toHaveValue('ha-cameras')

  // A flow that stopped halfway is still there after a reload, and resumes.
  const dropped = unvr.failNext({ method: 'POST', path: /\/keys$/, when: 'after' })
  await w2.create()
  await dropped
  await expect(reopened.getByTestId('step-key')).toHaveAttribute('data-state', 'failed')
  await reopened.reload()
  await expect(w2.heading).toHaveText('The API key is not ready yet')
  await expect(reopened.getByTestId('step-user')).toHaveAttribute('data-state', 'done')
  await expect(reopened.getByTestId('step-key')).toHaveAttribute('data-state', 'failed')
  await reopened.getByRole('button', { name: 'Try again' }).click()
  await w2.expectDone()
  const { record, secret } = await expectKeyInKeychain(reopened, core, unvr, 'protect')
  expect(record.keyName).toBe('ha-cameras')
  expect(core.settings.listProvisions()).toHaveLength(1)

  await reopened.reload()
  await expect(w2.heading).toHaveText('Your Protect API key is ready')
  await expect(reopened.getByTestId('masked-key')).toHaveText(masked(secret))
  const userPassword = (await core.vault.get(record.passwordRef))!
  expect(userPassword).toBeTruthy()
  await expectNoSecrets(reopened, [OWNER_PASSWORD, secret, userPassword])
})

test('closing the window while the key is being made: reopening picks the flow up', async ({
  page,
  context,
  host,
  core,
  consoles,
}) => {
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(unvr), 'NVR')
  await w.signInToPlan()

  // The window closes while the core is making the key (its answer is lost with the window).
  await w.create()
  await expect.poll(() => core.settings.listProvisions().length, { intervals: [10] }).toBe(1) // the core has started
  await page.close()

  const reopened = await context.newPage()
  const w2 = new Wizard(reopened)
  await reopened.goto(host.url)
  await w2.expectDone()
  await expect(w2.heading).toHaveText('Your Protect API key is ready')
  await expectKeyInKeychain(reopened, core, unvr, 'protect')
  expect(core.settings.listProvisions()).toHaveLength(1)
})

/** Presses Tab (or Shift+Tab) until `target` has focus. */
async function tabTo(page: Page, target: Locator, options: { backwards?: boolean } = {}): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab')
  }
  throw new Error(`could not reach ${String(target)} with the keyboard`)
}

/** Neither localStorage nor sessionStorage holds any of `secrets`. */
async function expectNoSecrets(page: Page, secrets: string[]): Promise<void> {
  const stored = await storedText(page)
  expect(stored).toContain('keyward.wizard') // the wizard did persist its state
  for (const secret of secrets) expect(stored).not.toContain(secret)
}

function bindExclusive(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false })
    socket.once('error', reject)
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => resolve(socket))
  })
}
