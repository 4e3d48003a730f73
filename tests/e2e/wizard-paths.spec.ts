// Every path of the setup wizard to a verified key, against console simulators
// running in this process on 127.0.0.1 (typed in on the Find step, since
// in-process simulators cannot answer discovery). Each test ends by reading
// the key back THROUGH THE CORE and comparing it with the simulator's copy.
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  LIMITED_PASSWORD,
  LIMITED_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
} from '../simulators/console/presets.ts'
import { ADMIN_TOKEN } from '../simulators/home-assistant/state.ts'
import { expect, test } from './fixtures.ts'
import { captureScreen, expectKeyInKeychain, simKey, startWithOwnAccessCertificate, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 680 } })

test('Protect on a UDM Pro: address → certificate → sign in → plan → verified key', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const udm = await consoles.start('udm-pro', { protect: { cameras: 4 } })
  const w = new Wizard(page)
  await w.open(host.url)
  await w.chooseApp('protect')
  await w.enterAddress(simKey(udm))

  // The only console that runs Protect is pre-selected.
  const card = w.card('Dream Machine Pro')
  await expect(card).toBeChecked()
  await expect(page.getByTestId('console-card')).toContainText(['Address you entered'])
  await w.continueWith('Dream Machine Pro')
  await expect(page.getByTestId('trust-fingerprint')).toHaveAttribute(
    'aria-label',
    `Certificate fingerprint ${udm.sha256}`,
  )
  await expect(page.getByText('This is the first time Keyward talks to Dream Machine Pro.')).toBeVisible()
  await w.trust()
  await w.signInToPlan()
  const plan = page.getByRole('list', { name: 'What Keyward will do' })
  await expect(plan).toContainText('Create the local-only user keyward-protect on Dream Machine Pro')
  await expect(plan).toContainText('Super Admin')
  await expect(plan).toContainText('keychain')
  await w.createVerified()
  await expect(page.getByTestId('cameras')).toHaveText('4')
  await expect(page.getByTestId('app-version')).toHaveText('7.3.12')
  await expect(page.getByTestId('stored-in')).toContainText('keychain')

  const { record } = await expectKeyInKeychain(page, core, udm, 'protect')
  expect(record).toMatchObject({
    mode: 'dedicated-user',
    username: 'keyward-protect',
    keyName: 'home-assistant-protect',
  })
  expect([...udm.state.users.values()].filter((u) => u.username === 'keyward-protect')).toHaveLength(1)
})

test('Protect on a separate UNVR: picking the UDM Pro is explained and one click fixes it', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const udm = await consoles.start('udm-pro')
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.open(host.url)
  await w.findConsoles('protect', simKey(udm), simKey(unvr))
  // Keyward pre-selects the recorder.
  await expect(w.card('NVR')).toBeChecked()

  // The user picks the UDM Pro anyway: the "Invalid authentication" trap is explained.
  await w.pick('Dream Machine Pro')
  const warning = page.getByTestId('picked-warning')
  await expect(warning).toContainText('most likely on NVR')
  await w.click(page.getByRole('button', { name: 'Use NVR instead' }), 'use NVR')
  await expect(w.card('NVR')).toBeChecked()
  await expect(warning).toHaveCount(0)

  await w.trustConsole('NVR')
  await w.signInToPlan()
  await w.createVerified()
  await expect(page.getByTestId('cameras')).toHaveText('6')

  await expectKeyInKeychain(page, core, unvr, 'protect')
  // Nothing was made on the UDM Pro.
  expect(udm.state.apiKeys.size).toBe(0)
  expect([...udm.state.users.values()].map((u) => u.username)).not.toContain('keyward-protect')
})

test('UniFi Network on the UDM Pro', async ({ page, host, core, consoles }) => {
  const udm = await consoles.start('udm-pro')
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('network', simKey(udm), 'Dream Machine Pro')
  await w.signInToPlan()
  await expect(page.getByLabel('Key name')).toHaveValue('home-assistant-network')
  await w.createVerified()
  await expect(w.heading).toHaveText('Your Network API key is ready')
  await expect(page.getByTestId('app-version')).toHaveText('10.2.105')
  const { record } = await expectKeyInKeychain(page, core, udm, 'network')
  expect(record.username).toBe('keyward-network')
})

test('UniFi Access token with a validity period', async ({ page, launch, consoles }) => {
  const unvr = await consoles.start('unvr', { apps: ['protect', 'access'], accessPort: 0 })
  const { core, host } = await launch({ accessPort: unvr.accessPort! })
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('access', simKey(unvr), 'NVR')
  await w.signInToPlan()
  const days = page.getByLabel('Valid for (days)')
  await expect(days).toHaveValue('365')
  await w.type(days, '30', 'validity')
  await expect(page.getByRole('list', { name: 'What Keyward will do' })).toContainText('valid until')
  // An impossible value is explained next to the field, and nothing is sent.
  await days.fill('5000')
  await w.create()
  await expect(page.getByText('Enter a whole number of days from 0 to 3650.')).toBeVisible()
  await expect(days).toBeFocused()
  await days.fill('30')
  await w.createVerified()
  await expect(w.heading).toHaveText('Your Access token is ready')

  const { record } = await expectKeyInKeychain(page, core, unvr, 'access')
  const token = unvr.state.accessTokens.get(record.keyId!)!
  const thirtyDays = 30 * 86_400_000
  expect(Math.abs(token.expiresAt! - (Date.now() + thirtyDays))).toBeLessThan(120_000)
  expect(Math.abs(Date.parse(record.expiresAt!) - token.expiresAt!)).toBeLessThan(120_000)
  await expect(page.getByTestId('expires')).toHaveText(
    new Date(token.expiresAt!).toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric' }),
  )
})

test('UniFi Access with a certificate of its own on its API port: nothing sent until confirmed', async ({
  page,
  launch,
  consoles,
}) => {
  const { unvr, host } = await startWithOwnAccessCertificate(consoles, launch)
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('access', simKey(unvr), 'NVR')
  await w.signInToPlan()
  await w.create()
  await expect(page.getByTestId('check-message')).toContainText('has its own certificate', { timeout: 60_000 })
  const fingerprint = page.getByTestId('access-fingerprint')
  await expect(fingerprint).toBeVisible()
  await expect(fingerprint).not.toHaveAttribute('aria-label', new RegExp(unvr.sha256))
  expect(unvr.state.accessRequestCount).toBe(0)
  await page.getByRole('button', { name: 'Trust Access’s certificate' }).click()
  await w.expectDone()
  await expect(w.heading).toHaveText('Your Access token is ready')
  expect(unvr.state.accessRequestCount).toBeGreaterThan(0)
})

test('a cloud-linked owner signs in with a 2FA code', async ({ page, host, core, consoles }) => {
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(unvr), 'NVR')
  await w.signIn(CLOUD_USERNAME, CLOUD_PASSWORD)
  await expect(w.heading).toHaveText('Enter the two-factor code')
  await expect(w.heading).toBeFocused()
  // A wrong code is refused and the screen stays.
  await w.mfa('000000')
  await expect(page.getByTestId('signin-error')).toContainText('two-factor code was not accepted')
  await expect(page.getByLabel('Two-factor code', { exact: true })).toHaveValue('')
  await w.mfa(CLOUD_MFA_CODE)
  await w.expectPlan()
  await expect(page.getByText(`Signed in as ${CLOUD_USERNAME}`)).toBeVisible()
  await w.createVerified()
  await expectKeyInKeychain(page, core, unvr, 'protect')
})

test('a wrong password, then the console’s lock-out: no attempt until the user tries again', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const udm = await consoles.start('udm-pro', {
    protect: { cameras: 4 },
    auth: { lockout: { maxFailures: 2, lockSeconds: 5 } },
  })
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(udm), 'Dream Machine Pro')

  const error = page.getByTestId('signin-error')
  const password = page.getByLabel('Password', { exact: true })
  await w.signIn(OWNER_USERNAME, 'wrong-1')
  await expect(error).toContainText('did not accept that username and password')
  await expect(password).toHaveValue('') // cleared after the attempt
  await w.type(password, 'wrong-2', 'password', { enter: true })
  await expect(page.getByRole('alert').filter({ hasText: 'Not signed in' })).toBeVisible()
  await w.type(password, 'wrong-3', 'password', { enter: true })
  await expect(error).toContainText('has paused sign-ins after too many attempts')
  await expect(page.getByTestId('lock-countdown')).toContainText(/You can try again in \d s/)

  // While locked, the button waits and Enter sends nothing to the console.
  const lock = () => [...udm.state.loginLockout.entries.values()].map((e) => e.lockedUntil)
  const lockedUntil = lock()
  expect(lockedUntil).toHaveLength(1)
  await password.fill(OWNER_PASSWORD)
  await expect(page.getByRole('button', { name: /^Wait \d s$/ })).toBeDisabled()
  await password.press('Enter')
  await captureScreen(page, testInfo, '06-sign-in-locked')

  // After the lock, nothing happens by itself; the user's next attempt succeeds. Any login sent while
  // locked (the Enter above, or one by itself) would have restarted the console's lock: its end is unchanged.
  await expect(page.getByTestId('lock-countdown')).toHaveText('You can try again now.', { timeout: 60_000 })
  expect(lock()).toEqual(lockedUntil)
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled()
  await w.click(page.getByRole('button', { name: 'Sign in' }), 'sign in')
  await w.expectPlan()
  await w.createVerified()
  await expectKeyInKeychain(page, core, udm, 'protect')
})

test('a console that refuses new local users: the Super Admin fallback makes the key', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const se = await consoles.start('udm-se')
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(se), 'Dream Machine SE')
  await w.signInToPlan()
  await w.create()
  await expect(w.heading).toHaveText('The API key is not ready yet')
  await expect(page.getByTestId('step-user')).toHaveAttribute('data-state', 'failed')
  await expect(page.getByRole('alert').filter({ hasText: 'Keyward could not create the user' })).toBeVisible()
  await w.click(page.getByRole('button', { name: `Make the key as ${OWNER_USERNAME}` }), 'fallback')
  await w.expectDone()
  await expect(page.getByText('(your account)')).toBeVisible()
  const { record } = await expectKeyInKeychain(page, core, se, 'protect')
  expect(record).toMatchObject({ mode: 'signed-in-admin', username: OWNER_USERNAME })
  expect([...se.state.users.values()].map((u) => u.username)).not.toContain('keyward-protect')
})

test('the connection drops between user and key: trying again resumes (one user, one key)', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const udm = await consoles.start('udm-pro', { protect: { cameras: 4 } })
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(udm), 'Dream Machine Pro')
  await w.signInToPlan()
  const dropped = udm.failNext({ method: 'POST', path: /\/keys$/, when: 'after' })
  await w.create()
  await dropped
  await expect(w.heading).toHaveText('The API key is not ready yet')
  await expect(page.getByTestId('step-user')).toHaveAttribute('data-state', 'done')
  await expect(page.getByTestId('step-key')).toHaveAttribute('data-state', 'failed')
  await expect(page.getByRole('alert').filter({ hasText: 'Keyward could not create the API key' })).toBeVisible()

  await w.click(page.getByRole('button', { name: 'Try again' }), 'try again')
  await w.expectDone()
  const { record } = await expectKeyInKeychain(page, core, udm, 'protect')
  const users = [...udm.state.users.values()].filter((u) => u.username === 'keyward-protect')
  expect(users).toHaveLength(1)
  expect([...udm.state.apiKeys.values()].filter((k) => k.userId === users[0]!.id)).toHaveLength(1)
  expect(core.settings.listProvisions()).toHaveLength(1) // resumed, not started again
  expect(record.steps).toEqual({ user: 'done', key: 'done', verify: 'done' })
})

test('ignoring the advice: the check catches the empty Protect and one click moves to the right host', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const udm = await consoles.start('udm-pro')
  const unvr = await consoles.start('unvr')
  const w = new Wizard(page)
  await w.open(host.url)
  await w.findConsoles('protect', simKey(udm), simKey(unvr))
  await w.pick('Dream Machine Pro')
  await expect(page.getByTestId('picked-warning')).toBeVisible()
  await w.trustConsole('Dream Machine Pro')
  await w.signInToPlan()
  // The plan repeats the warning next to the button that would make the key.
  await expect(page.getByTestId('picked-warning')).toContainText('most likely on NVR')
  await w.create()

  // The key works on the UDM Pro but sees no camera: the verify step fails with its reason and next step.
  await expect(w.heading).toHaveText('The API key is not ready yet', { timeout: 60_000 })
  await expect(page.getByTestId('step-verify')).toHaveAttribute('data-state', 'failed')
  await expect(page.getByTestId('check-message')).toContainText('Protect there has no cameras')
  await expect(page.getByTestId('check-next-step')).toContainText('Make the key on NVR')
  // The primary button is the fix that can succeed (issue 17): continue on the console that runs Protect.
  const right = page.getByRole('button', { name: 'Continue on NVR' })
  await expect(right).toHaveClass(/primary/)
  await w.click(right, 'right host')
  await expect(w.heading).toHaveText('Is this your NVR?')
  await w.trust()
  await w.signInToPlan()
  await w.createVerified()
  await expect(page.getByTestId('cameras')).toHaveText('6')
  await expectKeyInKeychain(page, core, unvr, 'protect')
})

const tooOldTitle =
  'an account that is not Super Admin is explained; a too-old Protect for the connected HA is warned, then fails'
test(tooOldTitle, async ({ page, host, core, consoles, homeAssistants }) => {
  const ck = await consoles.start('ckg2-plus')
  // The key's consumer: HA 2026.9 needs Protect 7.2.105 (home-assistant.md §2.1); the Cloud Key has 6.0.53.
  const ha = await homeAssistants.start({ version: '2026.9.x' })
  expect(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })).toMatchObject({ ok: true })
  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', simKey(ck), 'Cloud Key Gen2 Plus')
  await w.signIn(LIMITED_USERNAME, LIMITED_PASSWORD)
  await expect(page.getByRole('alert').filter({ hasText: 'This account cannot make keys' })).toContainText(
    'not Owner or Super Admin',
  )
  await w.signInToPlan()
  // Warned before anything is made.
  const needs = 'Home Assistant 2026.9.1 (Home) needs 7.2.105 or later'
  await expect(page.getByTestId('plan-warning')).toContainText(needs)
  await w.create()
  await expect(page.getByTestId('check-message')).toContainText(needs, { timeout: 60_000 })
  await expect(page.getByTestId('check-next-step')).toContainText('Update UniFi Protect')
  await expect(page.getByRole('button', { name: 'Check again' })).toBeVisible()
})
