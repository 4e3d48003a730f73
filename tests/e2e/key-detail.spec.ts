// The key list + detail (issue 17): revoke deletes the dedicated user Keyward made (the console's
// own user list proves it), asking for a sign-in first when needed; the keyboard alone reaches a
// key, opens it, runs an action and comes back in a few Tab stops; same-named keys are told apart
// by their console; at 600 px nothing scrolls sideways with a key open; axe is clean (light, dark).
// An Access key whose API port has a certificate of its own is confirmed from the detail, and Settings
// shows that pin and says that trusting the console again drops it.
import type { Page } from '@playwright/test'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { expect, test } from './fixtures.ts'
import { provisionedKey } from '../support/provisioned-key.ts'
import { keyDetail, keyRow, makeKey, openKey, openKeyList, rowButton } from './keys.ts'
import { captureScreen, expectAccessible, startWithOwnAccessCertificate } from './wizard.ts'

const usernames = (sim: RunningConsole) => [...sim.state.users.values()].map((u) => u.username)
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')

test.use({ viewport: { width: 1100, height: 800 } })

test('revoke deletes the user Keyward made: after signing in, the key, then the user, then its password', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const unvr = await consoles.start('unvr')
  // Made and signed out again: deleting the user needs an Owner or Super Admin signed in.
  const { key } = await makeKey(core, unvr, { keyName: 'ha-protect' })
  const passwordRef = key.passwordRef!
  expect(await core.vault.get(passwordRef)).toBeTruthy()
  expect(usernames(unvr)).toContain('keyward-ha-protect')

  await openKeyList(page, host)
  const detail = await openKey(page, 'ha-protect')
  await expect(detail.getByTestId('key-user-made')).toHaveText('Keyward created this user.')
  await rowButton(page, 'ha-protect', 'Revoke…').click()
  const dialog = page.getByRole('dialog', { name: 'Revoke “ha-protect” on NVR?' })
  const alsoUser = dialog.getByLabel('Also delete the user keyward-ha-protect that Keyward created on NVR')
  await expect(alsoUser).toBeChecked()
  await expect(dialog.getByTestId('user-note')).toContainText('No other key in your list uses keyward-ha-protect')
  await captureScreen(page, testInfo, 'keys-revoke-user-dialog')
  await dialog.getByRole('button', { name: 'Revoke the key' }).click()

  // Not signed in: nothing was touched, and the way on is a sign-in.
  await expect(detail.getByRole('alert')).toContainText('Deleting keyward-ha-protect needs a signed-in Owner')
  expect(usernames(unvr)).toContain('keyward-ha-protect')
  expect(core.keys.list()).toHaveLength(1)
  await detail.getByRole('button', { name: 'Sign in to NVR' }).click()
  const signIn = page.getByRole('dialog', { name: 'Sign in to NVR' })
  await signIn.getByLabel('Username or email').fill(OWNER_USERNAME)
  await signIn.getByLabel('Password', { exact: true }).fill(OWNER_PASSWORD)
  await signIn.getByRole('button', { name: 'Sign in' }).click()

  // Signed in, the revoke runs again as asked: key revoked, user deleted, password out of the keychain.
  await expect(page.getByTestId('keys-notice')).toHaveText('Revoked “ha-protect” on NVR; Keyward forgot it.')
  const removal = page.getByTestId('user-removal')
  await expect(page.getByText('Deleted the user keyward-ha-protect too')).toBeVisible()
  await expect(removal.locator('[data-part="user"]')).toHaveAttribute('data-result', 'removed')
  await expect(removal.locator('[data-part="password"]')).toHaveAttribute('data-result', 'removed')
  expect(usernames(unvr)).not.toContain('keyward-ha-protect')
  expect(usernames(unvr)).toContain(OWNER_USERNAME)
  expect([...unvr.state.apiKeys.values()].filter((k) => k.name === 'ha-protect')).toEqual([])
  expect(await core.vault.get(passwordRef)).toBeNull()
  expect(core.keys.list()).toEqual([])
})

test('keyboard only: one Tab stop for the list, arrows between keys, Enter opens, an action, Esc comes back', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const unvr = await consoles.start('unvr')
  const udm = await consoles.start('udm-pro')
  await makeKey(core, unvr, { keyName: 'cameras' })
  await makeKey(core, unvr, { keyName: 'frigate' })
  await makeKey(core, udm, { app: 'network', keyName: 'network' })
  await openKeyList(page, host)

  // From the Keys heading to the list: a bounded number of Tab stops (Check all, Filter, Sort, Order, list).
  let stops = 0
  while ((await page.evaluate(() => document.activeElement?.getAttribute('role'))) !== 'option') {
    await page.keyboard.press('Tab')
    stops++
    expect(stops, 'the list is reached within a handful of Tab stops').toBeLessThanOrEqual(6)
  }
  await expect(keyRow(page, 'cameras')).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(keyRow(page, 'frigate')).toBeFocused()
  await page.keyboard.press('End')
  await expect(keyRow(page, 'network')).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(keyRow(page, 'frigate')).toBeFocused()
  await page.keyboard.press('Enter')
  const detail = keyDetail(page, 'frigate')
  await expect(detail.getByRole('heading', { name: 'frigate' })).toBeFocused()
  await expect(keyRow(page, 'frigate')).toHaveAttribute('aria-selected', 'true')

  // Into the detail: "Verify now" within a few Tab stops, and it runs from the keyboard.
  let inDetail = 0
  while ((await focusedText(page)) !== 'Verify now') {
    await page.keyboard.press('Tab')
    inDetail++
    expect(inDetail, 'Verify now is a few Tab stops into the detail').toBeLessThanOrEqual(5)
  }
  await page.keyboard.press('Enter')
  await expect(detail.getByTestId('row-note')).toContainText('Verified just now')

  // Esc closes the detail and focus is back on the key in the list.
  await page.keyboard.press('Escape')
  await expect(detail).toHaveCount(0)
  await expect(keyRow(page, 'frigate')).toBeFocused()
  // The whole list is one Tab stop: the next Tab leaves it.
  await page.keyboard.press('Tab')
  expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).not.toBe('option')
})

test('same-named keys show their console; at 600 px a key opens in place with no sideways scroll; axe clean', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const first = await consoles.start('unvr')
  const second = await consoles.start('unvr')
  await makeKey(core, first, { keyName: 'ha', username: 'keyward-ha-1' })
  await makeKey(core, second, { keyName: 'ha', username: 'keyward-ha-2' })
  await openKeyList(page, host)
  // Both consoles are called "NVR": the address tells the keys apart.
  await expect
    .poll(async () => (await page.getByTestId('key-console').allTextContents()).sort())
    .toEqual([`NVR · 127.0.0.1:${first.port}`, `NVR · 127.0.0.1:${second.port}`].sort())
  await page.getByTestId('key-row').first().click()
  await expect(page.getByTestId('key-detail')).toBeVisible()
  await captureScreen(page, testInfo, 'keys-detail-wide')

  await page.setViewportSize({ width: 600, height: 800 })
  await expect(page.getByTestId('key-detail')).toBeVisible()
  await expect(page.getByRole('listbox')).toBeHidden()
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  )
  expect(overflow, 'the Keys tab at 600 px with a key open scrolls sideways').toBeLessThanOrEqual(0)
  await captureScreen(page, testInfo, 'keys-detail-600')
  await page.getByRole('button', { name: 'Back to the list' }).click()
  await expect(page.getByRole('listbox')).toBeVisible()
  await expect(page.getByTestId('key-row').first()).toBeFocused()
})

test('Access’s own certificate: confirmed from the key detail, shown in Settings, dropped by re-trusting the console', async ({
  page,
  launch,
  consoles,
}) => {
  const { unvr, core, host } = await startWithOwnAccessCertificate(consoles, launch)
  const made = await provisionedKey(core, unvr, { app: 'access', username: 'keyward-access', keyName: 'ha-access' })
  expect(made.outcome.check).toMatchObject({ status: 'failed', problem: 'access_certificate' })

  await openKeyList(page, host)
  const detail = await openKey(page, 'ha-access')
  await expect(detail.getByTestId('detail-status')).toHaveText('Unknown')
  await expect(detail.getByTestId('status-message')).toContainText('sent nothing')
  const accessSha256 = unvr.accessSha256!
  expect(accessSha256).not.toBe(unvr.sha256)
  await expect(detail.getByTestId('access-fingerprint')).toHaveAttribute(
    'aria-label',
    `Certificate fingerprint ${accessSha256}`,
  )
  expect(unvr.state.accessRequestCount).toBe(0)
  await expectAccessible(page, 'key detail with Access’s own certificate')

  await detail.getByRole('button', { name: 'Trust Access’s certificate' }).click()
  await expect(detail.getByTestId('detail-status')).toHaveText('OK', { timeout: 30_000 })
  await expect(detail.getByTestId('access-certificate')).toHaveCount(0)
  expect(unvr.state.accessRequestCount).toBeGreaterThan(0)

  // Settings shows the Access pin next to the console's, in short (first and last four pairs).
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Settings', exact: true })
    .click()
  const item = page.getByRole('list', { name: 'Known consoles' }).getByTestId('trusted-host')
  const pairs = accessSha256.split(':')
  const pin = item.getByTestId('access-pin')
  await expect(pin).toContainText('Access’s API port has its own certificate')
  await expect(pin).toContainText(`${pairs.slice(0, 4).join(':')} … ${pairs.slice(-4).join(':')}`)

  // The console gets a new certificate: trusting it again says it drops the Access pin, and does.
  const next = await unvr.replaceCertificate()
  await item.getByRole('button', { name: 'Check certificate of NVR' }).click()
  await expect(item.getByTestId('access-pin-drops')).toContainText('forgets the certificate you confirmed for Access')
  await expectAccessible(page, 'Settings, re-trusting a console with an Access pin')
  await item.getByRole('button', { name: 'It matches: trust it' }).click()
  await expect(page.getByTestId('trusted-status')).toHaveText('Keyward now trusts the certificate NVR presents.')
  await expect(pin).toHaveCount(0)
  const record = core.settings.listConsoles()[0]!
  expect(record.certificateSha256).toBe(next)
  expect(record.accessPin).toBeUndefined()
})
