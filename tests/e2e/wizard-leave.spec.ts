// A wizard you can leave (issue 17): Start over from every step of both paths
// lands on the first step with no password left in any field; the stepper
// takes the user back to a completed step and the answers survive; a run that
// made its key on the wrong console offers, on its own screen, to remove what
// it made — and the console simulator's own user and key lists prove it went.
import type { Page } from '@playwright/test'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { startUispServer, UISP_OPERATOR } from '../simulators/uisp/server.ts'
import { probeAndTrust } from '../support/trust.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { expect, test, type Consoles } from './fixtures.ts'
import { captureScreen, simKey, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 680 } })

const FIRST = 'What do you want to connect?'
const leaveBar = (page: Page) => page.getByRole('group', { name: 'Leave the setup' })
const stepper = (page: Page) => page.getByRole('navigation', { name: 'Setup progress' })

/** Start over from the frame: the first step, and no field holds a password (typed, or kept for later). */
async function startOver(w: Wizard, passwords: string[], leftover = false): Promise<void> {
  await leaveBar(w.page).getByRole('button', { name: 'Start over' }).click()
  // A stopped run that may have made something asks first; here the user leaves it there.
  if (leftover) await w.page.getByTestId('leftover-dialog').getByRole('button', { name: 'Leave it there' }).click()
  await expect(w.heading).toHaveText(FIRST)
  await expect(stepper(w.page).locator('[aria-current="step"]')).toContainText('App')
  const values = await w.page.locator('input').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))
  for (const password of passwords) expect(values).not.toContain(password)
}

/** A UNVR simulator and the wizard on the plan for a Protect key on it. */
async function planOnNvr(page: Page, url: string, consoles: Consoles): Promise<{ w: Wizard; unvr: RunningConsole }> {
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.openToPlan(url, 'protect', simKey(unvr), 'NVR')
  return { w, unvr }
}

/** Continue with the selected console: its certificate screen on first contact, else its sign-in. */
async function continueTo(w: Wizard, name: string, to: 'trust' | 'signin'): Promise<void> {
  await w.click(w.page.getByRole('button', { name: `Continue with ${name}` }), 'continue')
  await expect(w.heading).toHaveText(to === 'trust' ? `Is this your ${name}?` : `Sign in to ${name}`)
}

test('UniFi: Start over from every step lands on the first step with no password kept', async ({
  page,
  host,
  consoles,
}) => {
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.open(host.url)
  // The first step has nothing to start over from; Cancel is there.
  await expect(leaveBar(page).getByRole('button', { name: 'Start over' })).toHaveCount(0)
  await expect(leaveBar(page).getByRole('button', { name: 'Cancel' })).toBeVisible()

  await w.chooseApp('protect') // Console
  await startOver(w, [])

  await w.findConsoles('protect', simKey(unvr))
  await continueTo(w, 'NVR', 'trust') // Certificate
  await startOver(w, [])

  await w.reachSignIn('protect', simKey(unvr), 'NVR') // Sign in, with the password typed but not sent
  await page.getByLabel('Username or email').fill(OWNER_USERNAME)
  await page.getByLabel('Password', { exact: true }).fill(OWNER_PASSWORD)
  await startOver(w, [OWNER_PASSWORD])

  // The confirmed certificate is kept (nothing half-done about it): straight to sign-in, both fields empty.
  await w.chooseApp('protect')
  await expect(w.card('NVR')).toBeChecked()
  await continueTo(w, 'NVR', 'signin')
  await expect(page.getByLabel('Username or email')).toHaveValue('')
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
  await w.signInToPlan() // Plan
  await startOver(w, [OWNER_PASSWORD])

  // Key: a run that stopped (the console did not answer the user's creation), then Done.
  await w.chooseApp('protect')
  await continueTo(w, 'NVR', 'signin')
  await w.signInToPlan()
  const dropped = unvr.failNext({ method: 'POST', path: '/proxy/users/api/v2/user', when: 'before' })
  await w.create()
  await dropped
  await expect(page.getByTestId('step-user')).toHaveAttribute('data-state', 'failed')
  await startOver(w, [OWNER_PASSWORD], true)

  await w.chooseApp('protect')
  await continueTo(w, 'NVR', 'signin')
  await w.signInToPlan()
  await w.createVerified() // Done
  await startOver(w, [OWNER_PASSWORD])
})

test('UniFi: Cancel leaves the wizard for the Overview once a key exists, and the wizard starts afresh', async ({
  page,
  host,
  consoles,
}) => {
  const { w } = await planOnNvr(page, host.url, consoles)
  await w.createVerified()
  await leaveBar(page).getByRole('button', { name: 'Cancel' }).click()
  await expect(
    page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Overview' }),
  ).toHaveAttribute('aria-current', 'page')
  await page.getByRole('button', { name: 'New key' }).click()
  await expect(w.heading).toHaveText(FIRST)
})

test('the stepper: a completed step is reachable and the answers survive coming back', async ({
  page,
  host,
  consoles,
}) => {
  const { w } = await planOnNvr(page, host.url, consoles)
  await w.type(page.getByLabel('Key name'), 'ha-porch', 'key name')
  await expect(stepper(page).locator('[aria-current="step"]')).toContainText('Plan')
  // Steps not reached yet are not buttons.
  await expect(stepper(page).getByRole('button', { name: /Key/ })).toHaveCount(0)

  // Back to the console step by keyboard: the console chosen is still chosen.
  const consoleStep = stepper(page).getByRole('button', { name: /Console/ })
  await consoleStep.focus()
  await page.keyboard.press('Enter')
  await expect(w.heading).toHaveText(/^Which console runs /)
  await expect(stepper(page).locator('[aria-current="step"]')).toContainText('Console')
  await expect(w.card('NVR')).toBeChecked()

  // On to the plan again: its certificate is confirmed, so sign-in; the edited key name is kept.
  await continueTo(w, 'NVR', 'signin')
  await w.signInToPlan()
  await expect(page.getByLabel('Key name')).toHaveValue('ha-porch')

  // Back to the app by click: the same app keeps the console.
  await stepper(page).getByRole('button', { name: /App/ }).click()
  await expect(w.heading).toHaveText(FIRST)
  await w.chooseApp('protect')
  await expect(w.card('NVR')).toBeChecked()
})

test('a key made on the wrong console: its own cleanup screen removes the key, the user and the password', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const udm = await consoles.start('udm-pro') // Protect installed but empty: the cameras moved to the NVR
  const unvr = await consoles.start('unvr')
  // The NVR was confirmed before (an earlier visit): the key check may try the key there.
  expect((await probeAndTrust(core, simKey(unvr))).ok).toBe(true)
  const usersBefore = [...udm.state.users.values()].map((u) => u.username).sort()

  const w = new Wizard(page)
  await w.open(host.url)
  await w.findConsoles('protect', simKey(udm))
  await w.pick('Dream Machine Pro') // the user insists on the UDM Pro
  await w.trustConsole('Dream Machine Pro')
  await w.signInToPlan()
  await w.create()

  // The failure's primary button is the fix that can succeed: continue on the console that runs Protect.
  await expect(page.getByTestId('check-message')).toContainText('NVR (127.0.0.1) also runs Protect', {
    timeout: 60_000,
  })
  await expect(page.locator('.run-outcome .button.primary')).toHaveText(['Continue on NVR'])
  const made = [...udm.state.users.values()].find((u) => u.username === 'keyward-protect')!
  expect(made).toBeTruthy()
  expect([...udm.state.apiKeys.values()].filter((k) => k.userId === made.id)).toHaveLength(1)
  const record = core.settings.listProvisions().find((r) => r.consoleKey === simKey(udm))!
  expect(await core.vault.get(record.passwordRef)).toBeTruthy()

  // Reopening the window does not show the failed run (continuing it cannot succeed): the cleanup offer.
  await page.reload()
  await expect(w.heading).toHaveText('Remove what Keyward made on Dream Machine Pro?')
  await page.getByRole('button', { name: 'Keep them' }).click()
  await expect(page.getByTestId('check-message')).toContainText('also runs Protect')

  // Starting over is not silent about what the run left: its cleanup is offered first, on its own screen.
  await expect(page.getByTestId('cleanup-open')).toBeVisible()
  await leaveBar(page).getByRole('button', { name: 'Start over' }).click()
  const leftover = page.getByTestId('leftover-dialog')
  await expect(leftover).toContainText('the local Super Admin keyward-protect')
  await leftover.getByRole('button', { name: 'Show what to remove' }).click()
  // It names exactly what the run made, in the order it goes, and asks.
  await expect(w.heading).toHaveText('Remove what Keyward made on Dream Machine Pro?')
  const parts = page.getByTestId('cleanup-parts').locator('li')
  await expect(parts).toHaveText([
    /the API key “home-assistant-protect”/,
    /the local Super Admin keyward-protect/,
    /the password of keyward-protect in this computer’s keychain/,
  ])
  await captureScreen(page, testInfo, 'cleanup-ask')
  await page.getByRole('button', { name: 'Remove them' }).click()

  await expect(w.heading).toHaveText('Keyward removed what it made on Dream Machine Pro', { timeout: 60_000 })
  const results = page.getByTestId('cleanup-result').locator('li')
  await expect(results).toHaveCount(3)
  for (const result of await results.all()) await expect(result).toHaveAttribute('data-result', 'removed')
  await captureScreen(page, testInfo, 'cleanup-done')

  // The console's own lists: the user and its key are gone, nobody else was touched; the keychain copy too.
  expect([...udm.state.users.values()].map((u) => u.username).sort()).toEqual(usersBefore)
  expect([...udm.state.apiKeys.values()].filter((k) => k.userId === made.id)).toEqual([])
  expect(udm.state.apiKeys.size).toBe(0)
  expect(await core.vault.get(record.passwordRef)).toBeNull()

  // Then the fix that can succeed is first: continue on the NVR.
  await expect(page.getByRole('button', { name: 'Continue on NVR' })).toHaveClass(/primary/)
  await page.getByRole('button', { name: 'Continue on NVR' }).click()
  // The page has not confirmed the NVR itself yet (the core has): its certificate screen, as usual.
  await expect(w.heading).toHaveText('Is this your NVR?')
})

test('UISP: Start over from every step lands on the first step with no password kept', async ({ page, host }) => {
  const uisp = await startUispServer({ host: '127.0.0.1', port: 0 })
  try {
    const key = `127.0.0.1:${uisp.port}`
    const w = new Wizard(page)
    await w.open(host.url)
    const toFind = async () => {
      await page.getByRole('button', { name: /^UISP / }).click()
      await expect(w.heading).toHaveText('Which UISP server?')
    }
    await toFind()
    await startOver(w, [])

    await toFind()
    await page.getByLabel('UISP server address').fill(key)
    await page.getByLabel('UISP server address').press('Enter')
    await page.getByRole('button', { name: `Continue with UISP at ${key}` }).click()
    await expect(w.heading).toHaveText('Is this your UISP server?')
    await startOver(w, [])

    await toFind()
    await expect(page.getByRole('radio', { name: `UISP at ${key}` })).toBeChecked()
    await page.getByRole('button', { name: `Continue with UISP at ${key}` }).click()
    await expect(w.heading).toHaveText('Is this your UISP server?')
    await page.getByRole('button', { name: 'Trust this server' }).click()
    await expect(w.heading).toHaveText(`Sign in to UISP at ${key}`)
    await page.getByLabel('Username').fill(UISP_OPERATOR.username)
    await page.getByLabel('Password', { exact: true }).fill(UISP_OPERATOR.password)
    await startOver(w, [UISP_OPERATOR.password])

    await toFind()
    await page.getByRole('button', { name: `Continue with UISP at ${key}` }).click()
    await expect(w.heading).toHaveText(`Sign in to UISP at ${key}`)
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
    // A refused password: the username stays, the emptied password field has focus for the next try.
    await page.getByLabel('Username').fill(UISP_OPERATOR.username)
    await page.getByLabel('Password', { exact: true }).fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in', exact: true }).click() // focus leaves the field
    await expect(page.getByTestId('signin-error')).toBeVisible()
    await expect(page.getByLabel('Password', { exact: true })).toBeFocused()
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
    await expect(page.getByLabel('Username')).toHaveValue(UISP_OPERATOR.username)
    await page.getByLabel('Password', { exact: true }).fill(UISP_OPERATOR.password)
    await page.getByLabel('Password', { exact: true }).press('Enter')
    await expect(w.heading).toHaveText('What is the token for?')
    await startOver(w, [UISP_OPERATOR.password])
  } finally {
    await uisp.close()
  }
})

test('Start over while the key is being made says so: wait for it, or leave and let the run finish', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const { w, unvr } = await planOnNvr(page, host.url, consoles)
  // Hold the page's run request until the user has answered, so "being made" lasts.
  let release: () => void = () => undefined
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/invoke/provision.run', async (route) => {
    await held
    await route.continue()
  })
  await w.create()
  await expect(w.heading).toHaveText('Making the API key on NVR…')

  await leaveBar(page).getByRole('button', { name: 'Start over' }).click()
  const dialog = page.getByTestId('leave-dialog')
  await expect(dialog).toContainText('Keyward is making the API key on NVR')
  await dialog.getByRole('button', { name: 'Wait for it' }).click()
  await expect(w.heading).toHaveText('Making the API key on NVR…')

  await leaveBar(page).getByRole('button', { name: 'Start over' }).click()
  await dialog.getByRole('button', { name: 'Leave, and clean up afterwards' }).click()
  await expect(page.getByText('When this run stops, Keyward offers to remove what it made on NVR.')).toBeVisible()
  release()
  // The run finished with a working key: nothing to clean up, the wizard is back at its start and the key is kept.
  await expect(w.heading).toHaveText(FIRST, { timeout: 60_000 })
  expect(core.keys.list()).toHaveLength(1)
  expect(unvr.state.apiKeys.size).toBe(1)
})
