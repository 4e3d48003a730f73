// Day two (issue 17): the app opens on the Overview when keys exist, and the
// Overview says what the tray says (the same model, the same counts); what needs
// attention leads to the key; the tabs work with the keyboard alone; Settings
// lists the trusted console and asks before forgetting it; every tab passes axe
// in light and dark.
import type { SweepScheduleView } from '../../shared/views.ts'
import type { Locator, Page } from '@playwright/test'
import type { TrayModel } from '../../shared/tray.ts'
import type { Core } from '../../electron/core/index.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { expect, test } from './fixtures.ts'
import { keyDetail, keyRow, makeKey } from './keys.ts'
import { captureScreen } from './wizard.ts'

test.use({ viewport: { width: 920, height: 720 } })

const DAY = 86_400_000

/** Three keys: "cameras" OK and "frigate" failing on the NVR, "network" on the UDM Pro expiring in two days. */
async function threeKeys(core: Core, unvr: RunningConsole, udm: RunningConsole) {
  await makeKey(core, unvr, { keyName: 'cameras' })
  const frigate = await makeKey(core, unvr, { keyName: 'frigate' })
  const network = await makeKey(core, udm, { app: 'network', keyName: 'network' })
  // The frigate key is deleted on the console; a check finds it refused.
  const onConsole = [...unvr.state.apiKeys.values()].find((k) => k.key === frigate.secret)!
  unvr.state.apiKeys.delete(onConsole.id)
  expect(await core.invoke('keys.check', { ids: [frigate.key.id] })).toMatchObject({ ok: true })
  // The network key expires in two days (the default warning starts seven days ahead).
  const expiresAt = new Date(Date.now() + 2 * DAY).toISOString()
  core.settings.saveKeys(core.settings.listKeys().map((k) => (k.id === network.key.id ? { ...k, expiresAt } : k)))
  return { frigate: frigate.key, network: network.key }
}

const sections = (page: Page) => page.getByRole('navigation', { name: 'Sections' })
const overviewHeading = (page: Page) => page.getByRole('heading', { level: 2, name: 'Overview', exact: true })

test('opening with keys lands on the Overview, which says what the tray says; a failing key leads to its fix', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const unvr = await consoles.start('unvr')
  const udm = await consoles.start('udm-pro')
  const { frigate } = await threeKeys(core, unvr, udm)

  await page.goto(host.url)
  await expect(overviewHeading(page)).toBeFocused()
  await expect(page).toHaveURL(host.origin + '/') // no fragment: the app chose the Overview itself
  await expect(sections(page).getByRole('button', { name: 'Overview', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  )

  // The tray's icon state and sentence, as the core draws the tray.
  const tray = (await core.invoke('tray.model', {})) as { ok: true; value: TrayModel }
  expect(tray.value.icon).toBe('error')
  await expect(page.getByTestId('overview-state')).toHaveAttribute('data-icon', 'error')
  await expect(page.getByTestId('overview-state')).toContainText('Something is wrong')
  await expect(page.getByTestId('overview-tray-line')).toHaveText(tray.value.tooltip.replace('Keyward — ', ''))
  await expect(page.getByTestId('overview-tray-line')).toHaveText('3 keys: 1 failing, 1 expiring soon')

  // Counts per status, and the same statuses in the key list.
  const tiles = page.getByRole('list', { name: 'Keys by status' })
  await expect(tiles.getByTestId('count-ok')).toHaveText('1 OK')
  await expect(tiles.getByTestId('count-failing')).toHaveText('1 Failing')
  await expect(tiles.getByTestId('count-expiring')).toHaveText('1 Expiring soon')
  await expect(tiles.getByRole('listitem')).toHaveCount(3)
  await expect(page.getByTestId('overview-sweep')).toContainText('Last checked')
  // The next check is the sweep the key watch planned: one check interval after the last sweep, ±10 %
  // jitter (sweep-scheduler.ts), shown to the minute.
  // The browser host runs the key watch as the app does; the fixture's core starts it here.
  core.keys.start()
  let schedule = { value: { nextSweepAt: null } } as { value: SweepScheduleView }
  await expect
    .poll(async () => {
      schedule = (await core.invoke('keys.schedule', {})) as { ok: true; value: SweepScheduleView }
      return schedule.value.nextSweepAt
    })
    .not.toBeNull()
  const prefs = (await core.invoke('preferences.get', {})) as { ok: true; value: { checkIntervalMinutes: number } }
  const { lastSweepAt, nextSweepAt } = schedule.value
  const interval = prefs.value.checkIntervalMinutes * 60_000
  const gap = Date.parse(nextSweepAt!) - Date.parse(lastSweepAt!)
  expect(gap).toBeGreaterThanOrEqual(0.9 * interval - 1)
  expect(gap).toBeLessThanOrEqual(1.1 * interval + 1)
  const at = await page.evaluate(
    (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }),
    nextSweepAt!,
  )
  await expect(page.getByTestId('overview-sweep')).toContainText(`next check at ${at} (in `)

  // Needs attention: worst first, each named with its console.
  const items = page.getByTestId('attention-item')
  await expect(items).toHaveCount(2)
  await expect(items.nth(0)).toContainText('frigate on NVR is failing')
  await expect(items.nth(1)).toContainText('network on Dream Machine Pro expires soon')

  // Its fix leads to the key: the list opens with that key's detail, its heading focused.
  await items
    .nth(0)
    .getByRole('button', { name: /^Open the key/ })
    .click()
  await expect(page).toHaveURL(`${host.origin}/#/keys&key=${frigate.id}`)
  await expect(keyDetail(page, 'frigate').getByRole('heading', { name: 'frigate' })).toBeFocused()
  await expect(keyRow(page, 'frigate').getByTestId('key-status')).toHaveText('Failing')
  await expect(page.locator('[data-testid="key-row"][data-status="ok"]')).toHaveCount(1)
  await expect(page.locator('[data-testid="key-row"][data-status="failing"]')).toHaveCount(1)
  await expect(page.locator('[data-testid="key-row"][data-status="expiring"]')).toHaveCount(1)
})

test('without keys the app opens on the wizard; old fragments land on the new tabs', async ({ page, host }) => {
  await page.goto(host.url)
  await expect(page.locator('main h2.screen-heading')).toHaveText('What do you want to connect?')
  await page.goto(`${host.origin}/#/network`)
  await expect(sections(page).getByRole('button', { name: 'Devices', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  )
  await page.goto(`${host.origin}/#/consoles`)
  await expect(page.getByRole('heading', { name: 'Trusted consoles and servers' })).toBeVisible()
  await expect(sections(page).getByRole('button', { name: 'Settings', exact: true })).toHaveAttribute(
    'aria-current',
    'page',
  )
})

test('the tabs work with the keyboard alone', async ({ page, host, core, consoles }) => {
  const unvr = await consoles.start('unvr')
  await makeKey(core, unvr, { keyName: 'cameras' })
  await page.goto(host.url)
  await expect(overviewHeading(page)).toBeFocused()

  for (const [tab, heading] of [
    ['Keys', page.getByRole('heading', { level: 2, name: 'Keys', exact: true })],
    ['Devices', page.getByRole('heading', { level: 2, name: 'On your network' })],
    ['Settings', page.getByRole('heading', { name: 'Trusted consoles and servers' })],
    ['Overview', overviewHeading(page)],
  ] as const) {
    const button = sections(page).getByRole('button', { name: tab, exact: true })
    await tabTo(page, button)
    await page.keyboard.press('Enter')
    await expect(button).toHaveAttribute('aria-current', 'page')
    await expect(heading).toBeVisible()
  }
  const newKey = sections(page).getByRole('button', { name: 'New key', exact: true })
  await tabTo(page, newKey)
  await page.keyboard.press('Enter')
  await expect(page.locator('main h2.screen-heading')).toHaveText('What do you want to connect?')
})

test('Settings lists the trusted console, checks its certificate, and asks before forgetting it', async ({
  page,
  host,
  core,
  consoles,
}) => {
  const unvr = await consoles.start('unvr')
  await makeKey(core, unvr, { keyName: 'cameras' })
  await page.goto(host.url.replace('#', '#/settings&'))
  const list = page.getByRole('list', { name: 'Known consoles' })
  const item = list.getByTestId('trusted-host')
  await expect(item).toHaveCount(1)
  await expect(item).toContainText('NVR')
  await expect(item).toContainText('Certificate confirmed')
  await expect(item).toContainText('1 key')

  await item.getByRole('button', { name: 'Check certificate of NVR' }).click()
  await expect(item).toContainText('NVR still presents the certificate you trusted.')

  // Forget asks first, saying what stops; Cancel keeps everything.
  const forget = item.getByRole('button', { name: 'Forget NVR' })
  await forget.click()
  const dialog = page.getByRole('dialog', { name: 'Forget NVR?' })
  await expect(dialog).toContainText('The key made there keeps working')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(forget).toBeFocused()
  expect(core.settings.listConsoles()).toHaveLength(1)

  await forget.click()
  await dialog.getByRole('button', { name: 'Forget NVR', exact: true }).click()
  await expect(page.getByTestId('trusted-status')).toHaveText('Forgot NVR.')
  await expect(list).toHaveCount(0)
  await expect.poll(() => core.settings.listConsoles().length).toBe(0)

  // About: the version the core runs as, and help that opens outside the app.
  await expect(page.getByTestId('app-version')).toHaveText('Keyward version 0.1.0')
  await expect(page.getByRole('link', { name: 'Home Assistant: UniFi Protect integration' })).toHaveAttribute(
    'href',
    'https://www.home-assistant.io/integrations/unifiprotect/',
  )
})

test('every tab passes axe in light and dark, and Overview, Settings and the wizard fit 600 px', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const unvr = await consoles.start('unvr')
  const udm = await consoles.start('udm-pro')
  await threeKeys(core, unvr, udm)
  await page.goto(host.url)
  await expect(overviewHeading(page)).toBeFocused()
  await expect(page.getByTestId('attention-item')).toHaveCount(2)
  await captureScreen(page, testInfo, 'day2-overview')
  for (const tab of ['Keys', 'Devices', 'Settings'] as const) {
    await sections(page).getByRole('button', { name: tab, exact: true }).click()
    await expect(sections(page).getByRole('button', { name: tab, exact: true })).toHaveAttribute('aria-current', 'page')
    await captureScreen(page, testInfo, `day2-${tab.toLowerCase()}`)
  }

  await page.setViewportSize({ width: 600, height: 720 })
  for (const tab of ['Overview', 'Settings', 'New key'] as const) {
    await sections(page).getByRole('button', { name: tab, exact: true }).click()
    await expect(sections(page).getByRole('button', { name: tab, exact: true })).toHaveAttribute('aria-current', 'page')
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow, `${tab} at 600 px scrolls sideways`).toBeLessThanOrEqual(0)
    await captureScreen(page, testInfo, `day2-${tab.toLowerCase().replace(' ', '-')}-600`)
  }
})

/** Presses Tab, or Shift+Tab when `target` comes before the focused element, until `target` has focus. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  const before = await target.evaluate(
    (el) =>
      document.activeElement !== null &&
      document.activeElement !== document.body &&
      (el.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
  )
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return
    await page.keyboard.press(before ? 'Shift+Tab' : 'Tab')
  }
  throw new Error('could not reach the control with the keyboard')
}
