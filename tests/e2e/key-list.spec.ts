// The key list against console simulators in this process: keys are made
// through the core, then everything the list offers is done in the UI and
// checked where it matters — the simulated console, the keychain (read through
// the core) and the clipboard.
import type { KeyNotification } from '../../shared/domain.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { expect, test } from './fixtures.ts'
import {
  clipboardText,
  expectSecretNowhere,
  confirmRotate,
  keyDetail,
  keyRow,
  makeKey,
  masked,
  openKey,
  openKeyList,
  openSettings,
  rowButton,
  shownNames,
} from './keys.ts'
import { captureScreen } from './wizard.ts'

test.use({ viewport: { width: 920, height: 720 } })

test('columns, sorting, filter, copy with clearing, reveal, verify now and pause', async ({
  page,
  context,
  host,
  core,
  consoles,
}, testInfo) => {
  const unvr = await consoles.start('unvr')
  const udm = await consoles.start('udm-pro')
  const protect = await makeKey(core, unvr, { keyName: 'ha-protect' })
  const frigate = await makeKey(core, unvr, { keyName: 'frigate' })
  await makeKey(core, udm, { app: 'network', keyName: 'ha-network' })
  expect(await core.invoke('preferences.set', { clipboardClearSeconds: 5 })).toMatchObject({ ok: true })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin })
  await page.clock.install()

  const notifications: KeyNotification[] = []
  core.subscribe('keys.notification', (n) => notifications.push(n as KeyNotification))
  let viewing: boolean | null = null
  const setKeyListOpen = core.keys.setKeyListOpen
  core.keys.setKeyListOpen = (open: boolean) => {
    viewing = open
    setKeyListOpen(open)
  }

  await openKeyList(page, host)
  await expect.poll(() => viewing, { message: 'the core knows the list is on screen' }).toBe(true)
  // From here on the page's timers move only when the test says so (clipboard clearing, hiding a revealed key).
  await page.clock.pauseAt(Date.now() + 1000)

  // The list: name with its console, app, status, last verified; the rest is in the key's detail.
  const row = keyRow(page, 'ha-protect')
  await expect(row.getByTestId('key-console')).toHaveText('NVR')
  await expect(row.locator('.col-app')).toHaveText('Protect')
  await expect(row.getByTestId('key-status')).toHaveText('OK')
  await expect(row.getByTestId('last-verified')).toHaveText('verified just now')
  const detail = await openKey(page, 'ha-protect')
  const fields = detail.locator('.key-fields dd')
  await expect(fields).toHaveText([
    `NVR ${unvr.host}:${unvr.port}`,
    'Protect',
    // The dedicated user, its role, then the permissions the console lists for the key, its own app first.
    /^keyward-ha-protect\s*Super Admin · protect admin, access admin \+5\s*Keyward created this user\.$/,
    masked(protect.secret),
    /^[A-Z][a-z]{2} \d{1,2}$/, // created: a date this year, "Nov 23"
    'just now',
    // Read from the console's key list as the key's user when the list opened; the only use so far was Keyward's check.
    /^just now\s*\(Keyward’s check\)$/,
    'never',
    'not sent to one yet',
  ])
  await openKey(page, 'ha-network')
  await expect(keyDetail(page, 'ha-network').getByTestId('key-access')).toHaveText(/^Super Admin · network admin/)

  // Sorting: by name (default), reversed, then by console.
  expect(await shownNames(page)).toEqual(['frigate', 'ha-network', 'ha-protect'])
  const sortBy = page.getByLabel('Sort by')
  const reverse = page.getByRole('button', { name: /^Order: ascending/ })
  await expect(sortBy).toHaveValue('name')
  await reverse.click()
  await expect(page.getByRole('button', { name: /^Order: descending/ })).toBeVisible()
  expect(await shownNames(page)).toEqual(['ha-protect', 'ha-network', 'frigate'])
  await sortBy.selectOption('host')
  await expect(page.getByRole('button', { name: /^Order: ascending/ })).toBeVisible()
  expect((await shownNames(page))[0]).toBe('ha-network') // Dream Machine Pro before NVR
  await sortBy.selectOption('name')

  // Filter: by console name, then something nothing matches.
  const filter = page.getByLabel('Filter')
  await filter.fill('nvr')
  await expect(page.getByTestId('key-row')).toHaveCount(2)
  await expect(page.locator('#keys-count')).toHaveText('2 of 3 keys')
  await filter.fill('no such key')
  await expect(page.getByText('No key matches “no such key”.')).toBeVisible()
  await page.getByRole('button', { name: 'Clear the filter' }).click()
  await expect(page.getByTestId('key-row')).toHaveCount(3)

  // Copy: the browser host has no system clipboard, so the page copies and clears after 5 s.
  await openKey(page, 'ha-protect')
  await rowButton(page, 'ha-protect', 'Copy').click()
  await expect(detail.getByTestId('row-note')).toHaveText(
    'Copied. Keyward clears the clipboard in 5 s if it still holds the key.',
  )
  expect(await clipboardText(page)).toBe(protect.secret)
  await expectSecretNowhere(page, protect.secret)
  await page.clock.runFor(4000)
  expect(await clipboardText(page)).toBe(protect.secret)
  await page.clock.runFor(1500)
  await expect.poll(() => clipboardText(page)).toBe('')
  // Something the user copied meanwhile is left alone.
  await rowButton(page, 'ha-protect', 'Copy').click()
  await expect.poll(() => clipboardText(page)).toBe(protect.secret)
  await page.evaluate(() => navigator.clipboard.writeText('my own text'))
  await page.clock.runFor(6000)
  expect(await clipboardText(page)).toBe('my own text')

  // Reveal: shown with a countdown, hidden again by itself.
  await rowButton(page, 'ha-protect', 'Reveal').click()
  await expect(detail.getByTestId('revealed-key')).toContainText(protect.secret)
  await expect(detail.getByTestId('revealed-key')).toContainText('hides in 20 s')
  await expect(rowButton(page, 'ha-protect', 'Hide')).toBeVisible()
  await page.clock.runFor(20_000)
  await expect(detail.getByTestId('revealed-key')).toHaveCount(0)
  await expect(rowButton(page, 'ha-protect', 'Reveal')).toBeVisible()
  await expectSecretNowhere(page, protect.secret)
  await page.clock.resume() // axe needs its own timers

  // Verify now: the key was deleted on the console meanwhile.
  const onConsole = [...unvr.state.apiKeys.values()].find((k) => k.key === frigate.secret)!
  unvr.state.apiKeys.delete(onConsole.id)
  const frigateRow = await openKey(page, 'frigate')
  await rowButton(page, 'frigate', 'Verify now').click()
  await expect(keyRow(page, 'frigate').getByTestId('key-status')).toHaveText('Failing')
  await expect(frigateRow.getByTestId('detail-status')).toHaveText('Failing')
  await expect(frigateRow.getByTestId('status-message')).not.toBeEmpty()
  await expect(frigateRow.getByTestId('status-next-step')).toContainText('What to do:')
  await expect(frigateRow.getByTestId('row-note')).toContainText('the key does not work')
  expect(core.keys.list().find((k) => k.name === 'frigate')!.status).toBe('failing')
  expect(notifications, 'no notification while the list is open').toEqual([])

  // Pause: the core stops checking it; resume again.
  await openKey(page, 'ha-network')
  await rowButton(page, 'ha-network', 'Pause checks').click()
  await expect(keyRow(page, 'ha-network').getByTestId('key-status')).toHaveText('Paused')
  expect(core.settings.listKeys().find((k) => k.name === 'ha-network')!.paused).toBe(true)
  await captureScreen(page, testInfo, 'keys-01-list')
  await rowButton(page, 'ha-network', 'Resume checks').click()
  await expect(keyRow(page, 'ha-network').getByTestId('key-status')).toHaveText('OK')
  expect(core.settings.listKeys().find((k) => k.name === 'ha-network')!.paused).toBe(false)

  // Home Assistant for a Network key: nothing connected yet; the fields are those of HA's API-key mode (2026.10+).
  const networkRow = keyDetail(page, 'ha-network')
  await rowButton(page, 'ha-network', 'Send to Home Assistant').click()
  await expect(networkRow.getByText('Connect Home Assistant first')).toBeVisible()
  // The connect form is in Settings (day two); the key list keeps the row's state for the way back.
  await networkRow.getByRole('button', { name: 'Go to Home Assistant' }).click()
  await expect(page.getByLabel('Home Assistant address')).toBeFocused()
  await expect(page).toHaveURL(`${host.origin}/#/settings&focus=ha-connect`)
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Keys', exact: true }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Keys', exact: true })).toBeFocused()
  await openKey(page, 'ha-network')
  await rowButton(page, 'ha-network', 'Copy fields for Home Assistant').click()
  await expect(networkRow.getByTestId('copy-fields')).toContainText(
    'Choose "API key" (Home Assistant 2026.10 or later).',
  )
  await expect(networkRow.getByTestId('copy-fields-message')).toContainText('no "API key" choice')
  await rowButton(page, 'ha-network', 'Copy fields for Home Assistant').click()
  await expect(networkRow.getByTestId('copy-fields')).toHaveCount(0)

  // Check all: every key once more; the list stays live.
  await page.getByRole('button', { name: 'Check all' }).click()
  await expect(page.getByTestId('keys-notice')).toHaveText('Checked 3 keys: 1 needs attention.')

  // Leaving the list tells the core (notifications come back).
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'New key' }).click()
  await expect.poll(() => viewing).toBe(false)
  // Now a change is worth a notification; the window shows it too, with a way to the list.
  unvr.state.apiKeys.delete([...unvr.state.apiKeys.values()].find((k) => k.key === protect.secret)!.id)
  await core.keys.checkNow()
  expect(notifications).toEqual([
    { title: 'Keyward: a key needs attention', body: 'ha-protect stopped working.', keyIds: [protect.key.id] },
  ])
  const notice = page.getByTestId('key-notification')
  await expect(notice).toContainText('ha-protect stopped working.')
  await notice.getByRole('button', { name: 'Open the key list' }).click()
  await expect(keyRow(page, 'ha-protect').getByTestId('key-status')).toHaveText('Failing')
  await expect(notice).toHaveCount(0)
})

test('rotate: a failure mid-way keeps the old key; the next rotation revokes it; a lost revoke is reported; revoke asks first', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const unvr = await consoles.start('unvr')
  const { key, secret: oldSecret } = await makeKey(core, unvr, { keyName: 'ha-protect' })
  const onConsole = () => [...unvr.state.apiKeys.values()].map((k) => k.key)
  await openKeyList(page, host)
  const row = await openKey(page, 'ha-protect')

  // The new key's check dies mid-way: the new key is revoked again, the old one stays everywhere. (A GET that
  // dies on a kept-alive socket is sent once more on a new one, net/pool.ts: the second dies too.)
  const check = { method: 'GET', path: '/proxy/protect/integration/v1/meta/info', when: 'before' } as const
  const dropped = unvr.failNext(check)
  void dropped.then(() => unvr.failNext(check))
  await rowButton(page, 'ha-protect', 'Rotate…').click()
  await confirmRotate(page, 'ha-protect')
  await dropped
  const alert = row.getByRole('alert')
  await expect(alert).toContainText('Not rotated: the old key is unchanged and still works')
  await expect(row.getByTestId('row-error')).toContainText('the old key was kept')
  expect(await core.vault.get(key.keyRef)).toBe(oldSecret)
  expect(core.keys.list()[0]!.keyRef).toBe(key.keyRef)
  expect(onConsole()).toEqual([oldSecret])
  await expect(row.getByTestId('masked-key')).toHaveText(masked(oldSecret))
  unvr.state.faults.length = 0 // the second drop, if no retry needed it
  // And it still works: a real check with the old key.
  await rowButton(page, 'ha-protect', 'Verify now').click()
  await expect(row.getByTestId('row-note')).toContainText('Verified just now')
  await expect(row.getByTestId('detail-status')).toHaveText('OK')

  // A clean rotation: new key verified and stored, the old one revoked on the console.
  await rowButton(page, 'ha-protect', 'Rotate…').click()
  await confirmRotate(page, 'ha-protect')
  await expect(row.getByTestId('row-note')).toHaveText(
    /^Rotated: the new key works and is in the keychain\. The old key was revoked on NVR\.$/,
  )
  const rotated = core.keys.list()[0]!
  expect(rotated.id).toBe(key.id)
  const newSecret = (await core.vault.get(rotated.keyRef))!
  expect(newSecret).toBeTruthy()
  expect(newSecret).not.toBe(oldSecret)
  expect(await core.vault.get(key.keyRef)).toBeNull()
  expect(onConsole()).toEqual([newSecret])
  await expect(row.getByTestId('masked-key')).toHaveText(masked(newSecret))

  // The console drops the revoke of the old key: the new key is in use, and the list says the old one still works.
  const lost = unvr.failNext({ method: 'DELETE', path: /^\/proxy\/users\/api\/v2\/keys\//, when: 'before' })
  await rowButton(page, 'ha-protect', 'Rotate…').click()
  await confirmRotate(page, 'ha-protect')
  await lost
  await expect(row.getByTestId('row-note')).toContainText('The old key could not be revoked and still works on NVR')
  const third = core.keys.list()[0]!
  const thirdSecret = (await core.vault.get(third.keyRef))!
  expect(onConsole().sort()).toEqual([newSecret, thirdSecret].sort())
  await expect(row.getByTestId('masked-key')).toHaveText(masked(thirdSecret))

  // Revoke: a dialog says what stops working; Esc closes it and focus goes back.
  const revokeButton = rowButton(page, 'ha-protect', 'Revoke…')
  await revokeButton.click()
  const dialog = page.getByRole('dialog', { name: 'Revoke “ha-protect” on NVR?' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('consequences')).toContainText(
    'Home Assistant’s UniFi Protect integration, will stop working',
  )
  const cancel = dialog.getByRole('button', { name: 'Cancel' })
  await expect(cancel).toBeFocused()
  // Keyward made the key's user and no other key uses it: deleting it too is offered, ticked.
  const alsoUser = dialog.getByLabel('Also delete the user keyward-ha-protect that Keyward created on NVR')
  await expect(alsoUser).toBeChecked()
  // Focus stays inside the dialog.
  await page.keyboard.press('Tab')
  await expect(dialog.getByRole('button', { name: 'Revoke the key' })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(alsoUser).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await expect(dialog.getByRole('button', { name: 'Revoke the key' })).toBeFocused()
  await captureScreen(page, testInfo, 'keys-02-revoke-dialog')
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(revokeButton).toBeFocused()
  expect(onConsole()).toContain(thirdSecret)

  await revokeButton.click()
  await alsoUser.uncheck() // this test keeps the user (key-detail.spec.ts deletes it)
  await dialog.getByRole('button', { name: 'Revoke the key' }).click()
  await expect(page.getByTestId('keys-notice')).toHaveText('Revoked “ha-protect” on NVR; Keyward forgot it.')
  await expect(page.getByTestId('keys-empty')).toBeVisible()
  await expect(page.getByRole('heading', { level: 2, name: 'Keys', exact: true })).toBeFocused()
  expect(onConsole()).toEqual([newSecret]) // only the one whose revoke was lost above
  expect(await core.vault.get(third.keyRef)).toBeNull()
  expect(core.keys.list()).toEqual([])
})

test('forget keeps the key on the console; an admin-made key asks for a sign-in to rotate; the empty list', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const unvr = await consoles.start('unvr')
  const dedicated = await makeKey(core, unvr, { keyName: 'ha-protect' })
  const admin = await makeKey(core, unvr, { keyName: 'nvr-backup', mode: 'signed-in-admin' })
  const onConsole = () => [...unvr.state.apiKeys.values()].map((k) => k.key)
  await openKeyList(page, host)

  // Forget: the dialog says the key keeps working on the console.
  await openKey(page, 'ha-protect')
  await rowButton(page, 'ha-protect', 'Forget…').click()
  const forget = page.getByRole('dialog', { name: 'Forget “ha-protect” here?' })
  await expect(forget.getByTestId('consequences')).toContainText('It keeps working on NVR')
  await forget.getByRole('button', { name: 'Forget the key' }).click()
  await expect(page.getByTestId('keys-notice')).toHaveText('Forgot “ha-protect”. It still works on NVR.')
  await expect(keyRow(page, 'ha-protect')).toHaveCount(0)
  expect(onConsole()).toContain(dedicated.secret)
  expect(await core.vault.get(dedicated.key.keyRef)).toBeNull()

  // A key made as the signed-in admin: rotating needs a session again.
  const row = await openKey(page, 'nvr-backup')
  await rowButton(page, 'nvr-backup', 'Rotate…').click()
  await confirmRotate(page, 'nvr-backup')
  await expect(row.getByTestId('row-error')).toContainText('Sign in to NVR')
  await expect(row.getByRole('alert')).toContainText('wants a signed-in Owner or Super Admin to rotate it')
  expect(onConsole()).toContain(admin.secret)
  await row.getByRole('button', { name: 'Sign in to NVR' }).click()
  const signIn = page.getByRole('dialog', { name: 'Sign in to NVR' })
  await expect(signIn.getByLabel('Username or email')).toBeFocused()
  await signIn.getByLabel('Username or email').fill(OWNER_USERNAME)
  await signIn.getByLabel('Password', { exact: true }).fill(OWNER_PASSWORD)
  await captureScreen(page, testInfo, 'keys-03-sign-in-dialog')
  await signIn.getByRole('button', { name: 'Sign in' }).click()
  await expect(signIn).toHaveCount(0)
  await expect(row.getByTestId('row-note')).toContainText('The old key was revoked on NVR.')
  const rotated = (await core.vault.get(core.keys.list()[0]!.keyRef))!
  expect(onConsole()).not.toContain(admin.secret)
  expect(onConsole()).toContain(rotated)

  // Forget the last one: the designed empty state, which leads to the wizard.
  await rowButton(page, 'nvr-backup', 'Forget…').click()
  await page.getByRole('dialog').getByRole('button', { name: 'Forget the key' }).click()
  await expect(page.getByText('No keys yet — make one')).toBeVisible()
  await captureScreen(page, testInfo, 'keys-04-empty')
  await page.getByRole('button', { name: 'Make a key' }).click()
  await expect(page.locator('main h2.screen-heading')).toHaveText('What do you want to connect?')
  await expect(page).toHaveURL(`${host.origin}/#/new`)
})

test('preferences the core keeps: start at login (opt-in), clipboard, check interval, expiry warning', async ({
  page,
  app,
}) => {
  await openSettings(page, app.host)
  const login = page.getByLabel(/Start Keyward when I log in/)
  await expect(login).not.toBeChecked()
  await login.check()
  await expect.poll(() => app.core.settings.getPreferences().startAtLogin).toBe(true)
  await page.getByLabel(/Clear a copied key from the clipboard after/).selectOption('60')
  await expect.poll(() => app.core.settings.getPreferences().clipboardClearSeconds).toBe(60)
  await page.getByLabel(/Check every key every/).selectOption('60')
  await expect.poll(() => app.core.settings.getPreferences().checkIntervalMinutes).toBe(60)
  await page.getByLabel(/Warn that a key is expiring/).selectOption('14')
  await expect.poll(() => app.core.settings.getPreferences().expiryLeadDays).toBe(14)
})
