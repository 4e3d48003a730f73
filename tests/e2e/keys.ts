// Helpers for the key list specs: keys made directly through the core (the
// wizard's own paths are covered in wizard-paths.spec.ts), and locators for
// one key's rows in the list.
import type { Locator, Page } from '@playwright/test'
import type { Core } from '../../electron/core/index.ts'
import type { ProvisionOutcome, UnifiApp } from '../../shared/domain.ts'
import type { WatchedKey } from '../../electron/core/views.ts'
import type { BrowserHost } from '../../electron/browser-host/server.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { expect } from './fixtures.ts'
import { probeAndTrust } from '../support/trust.ts'

export const consoleKeyOf = (sim: RunningConsole) => (sim.port === 443 ? `${sim.host}:443` : `${sim.host}:${sim.port}`)

/**
 * Probes the console, signs in as its owner, makes and verifies a key through
 * the contract, then signs out again (rotation and revoke must work without
 * the admin's session for a dedicated user's key).
 */
export async function makeKey(
  core: Core,
  sim: RunningConsole,
  options: {
    app?: UnifiApp
    keyName: string
    username?: string
    mode?: 'dedicated-user' | 'signed-in-admin'
    signOut?: boolean
  },
): Promise<{ key: WatchedKey; secret: string }> {
  const key = consoleKeyOf(sim)
  const app = options.app ?? 'protect'
  expect(await probeAndTrust(core, key)).toMatchObject({ ok: true })
  expect(
    await core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD }),
  ).toMatchObject({ ok: true })
  const run = await core.invoke('provision.run', {
    key,
    app,
    mode: options.mode ?? 'dedicated-user',
    username: options.username ?? `keyward-${options.keyName}`,
    keyName: options.keyName,
  })
  expect(run).toMatchObject({ ok: true, value: { check: { status: 'ok' }, failure: null } })
  const outcome = (run as { ok: true; value: ProvisionOutcome }).value
  if (options.signOut !== false) await core.invoke('console.signOut', { key })
  // The keychain entry name is on the stored flow, not on the answer (a view).
  const keyRef = core.settings.getProvision(outcome.record.id)!.keyRef
  const view = core.keys.list().find((k) => k.keyRef === keyRef)!
  const secret = (await core.vault.get(view.keyRef))!
  expect(secret).toBeTruthy()
  return { key: view, secret }
}

export const masked = (secret: string) => `${secret.slice(0, 4)}…${secret.slice(-4)}`

/** The key list, opened the way the tray does (`#/keys`), with the bridge token. */
export async function openKeyList(page: Page, host: BrowserHost): Promise<void> {
  await page.goto(host.url.replace('#', '#/keys&'))
  await expect(page.getByRole('heading', { level: 2, name: 'Keys', exact: true })).toBeFocused()
  // The token left the address bar; the route stayed.
  await expect(page).toHaveURL(`${host.origin}/#/keys`)
}

/** Settings (preferences, Home Assistant, trusted consoles), opened by its fragment with the bridge token. */
export async function openSettings(page: Page, host: BrowserHost): Promise<void> {
  await page.goto(host.url.replace('#', '#/settings&'))
  await expect(page.getByRole('heading', { level: 2, name: 'Preferences', exact: true })).toBeVisible()
  await expect(page).toHaveURL(`${host.origin}/#/settings`)
}

/** One key's row in the list (name, console, app, status, last verified). */
export function keyRow(page: Page, name: string): Locator {
  return page.getByTestId('key-row').filter({ has: page.getByTestId('key-name').getByText(name, { exact: true }) })
}

/** The detail pane of one key (open it first with `openKey`). */
export function keyDetail(page: Page, name: string): Locator {
  return page
    .getByTestId('key-detail')
    .filter({ has: page.getByTestId('detail-name').getByText(name, { exact: true }) })
}

/** Opens a key's detail pane from the list, as a click does. */
export async function openKey(page: Page, name: string): Promise<Locator> {
  await keyRow(page, name).click()
  const detail = keyDetail(page, name)
  await expect(detail).toBeVisible()
  return detail
}

/** A button of the open key's detail pane: its everyday actions, or Rotate…, Revoke…, Forget…. */
export function rowButton(page: Page, name: string, button: string): Locator {
  return keyDetail(page, name).getByRole('button', { name: button, exact: true })
}

/** Confirms the Rotate dialog (it names what Keyward updates and what the user must update by hand). */
export async function confirmRotate(page: Page, name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: new RegExp(`^Rotate “${name}” on `) })
  await expect(dialog.getByTestId('consequences')).toContainText('by hand')
  await dialog.getByRole('button', { name: 'Rotate the key' }).click()
  await expect(dialog).toHaveCount(0)
}

/** Key names in the order the table shows them. */
export const shownNames = (page: Page) => page.getByTestId('key-name').allTextContents()

export async function clipboardText(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText())
}

/** Everything in the page's localStorage and sessionStorage, as `key=value` lines. */
export function storedText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (s: Storage) => Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`)
    return [...dump(localStorage), ...dump(sessionStorage)].join('\n')
  })
}

/** Neither storage, nor the page, holds `secret`. */
export async function expectSecretNowhere(page: Page, secret: string): Promise<void> {
  expect(await storedText(page)).not.toContain(secret)
  expect(await page.content()).not.toContain(secret)
}
