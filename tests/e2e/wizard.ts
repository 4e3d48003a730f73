// The setup wizard as a user drives it, counting user actions: every click is
// one action and every typed field is one keystroke group (typing a value and
// pressing Enter in the same field is one group).
import AxeBuilder from '@axe-core/playwright'
import type { Locator, Page, TestInfo } from '@playwright/test'
import type { Core } from '../../electron/core/index.ts'
import type { ProvisionRecord, UnifiApp } from '../../shared/domain.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { expect, type Consoles, type LaunchOptions, type RunningApp } from './fixtures.ts'
import { masked } from './keys.ts'

export const APP_NAMES: Record<UnifiApp, string> = {
  protect: 'UniFi Protect',
  network: 'UniFi Network',
  access: 'UniFi Access',
}

export const simKey = (sim: RunningConsole) => `127.0.0.1:${sim.port}`

export class Wizard {
  /** Clicks and keystroke groups so far. */
  actions = 0
  readonly log: string[] = []

  constructor(readonly page: Page) {}

  get heading(): Locator {
    return this.page.locator('main h2.screen-heading')
  }

  async click(locator: Locator, what: string): Promise<void> {
    this.actions++
    this.log.push(`click ${what}`)
    await locator.click()
  }

  async type(locator: Locator, text: string, what: string, options: { enter?: boolean } = {}): Promise<void> {
    this.actions++
    this.log.push(`type ${what}${options.enter ? ' ⏎' : ''}`)
    await locator.fill(text)
    if (options.enter) await locator.press('Enter')
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await expect(this.heading).toHaveText('What do you want to connect?')
  }

  async chooseApp(app: UnifiApp): Promise<void> {
    await this.click(this.page.getByRole('button', { name: new RegExp(`^${APP_NAMES[app]} `) }), APP_NAMES[app])
    await expect(this.heading).toHaveText(/^Which console runs /)
  }

  async enterAddress(address: string): Promise<void> {
    await this.type(this.page.getByLabel('Console address'), address, 'address', { enter: true })
    await expect(this.page.getByText(`Checked ${address}`)).toBeVisible()
  }

  card(name: string | RegExp): Locator {
    return this.page.getByRole('radio', { name })
  }

  async pick(name: string | RegExp): Promise<void> {
    await this.click(this.card(name), `card ${name}`)
  }

  /** Continues with the selected console; `name` is the console the button must name. */
  async continueWith(name: string): Promise<void> {
    const button = this.page.getByRole('button', { name: `Continue with ${name}` })
    await expect(button).toBeEnabled()
    await this.click(button, 'continue')
    await expect(this.heading).toHaveText(new RegExp(`^Is this your ${escape(name)}\\?$`))
  }

  async trust(): Promise<void> {
    await this.click(this.page.getByRole('button', { name: 'Trust this console' }), 'trust')
    await expect(this.heading).toHaveText(/^Sign in to /)
  }

  /** Continues with `name`, which must be the selected console, and trusts its certificate: its sign-in screen. */
  async trustConsole(name: string): Promise<void> {
    await expect(this.card(name)).toBeChecked()
    await this.continueWith(name)
    await this.trust()
  }

  /** From the goal screen to the Find step with each of `addresses` typed in and checked. */
  async findConsoles(app: UnifiApp, ...addresses: string[]): Promise<void> {
    await this.chooseApp(app)
    for (const address of addresses) await this.enterAddress(address)
  }

  /** From the goal screen to the sign-in of the console at `address`: the app, the typed address, `name` pre-selected and trusted. */
  async reachSignIn(app: UnifiApp, address: string, name: string): Promise<void> {
    await this.findConsoles(app, address)
    await this.trustConsole(name)
  }

  /** From launch to the plan for `app` on the console typed in at `address` (`name`), signed in as its owner. */
  async openToPlan(url: string, app: UnifiApp, address: string, name: string): Promise<void> {
    await this.open(url)
    await this.reachSignIn(app, address, name)
    await this.signInToPlan()
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.type(this.page.getByLabel('Username or email'), username, 'username')
    await this.type(this.page.getByLabel('Password', { exact: true }), password, 'password', { enter: true })
  }

  async mfa(code: string): Promise<void> {
    await this.type(this.page.getByLabel('Two-factor code', { exact: true }), code, '2FA code', { enter: true })
  }

  /** Signs in (as the console's owner unless told otherwise) and lands on the plan. */
  async signInToPlan(username = OWNER_USERNAME, password = OWNER_PASSWORD): Promise<void> {
    await this.signIn(username, password)
    await this.expectPlan()
  }

  async expectPlan(): Promise<void> {
    await expect(this.heading).toHaveText(/^Ready to make the /)
    await expect(this.page.getByRole('button', { name: /^Create the / })).toBeEnabled()
  }

  async create(): Promise<void> {
    await this.click(this.page.getByRole('button', { name: /^Create the / }), 'create')
  }

  /** Creates the key as planned and waits for it, verified, on the Done screen. */
  async createVerified(): Promise<void> {
    await this.create()
    await this.expectDone()
  }

  async expectDone(): Promise<void> {
    await expect(this.heading).toHaveText(/ is ready$/, { timeout: 60_000 })
    await expect(this.page.getByTestId('verified')).toContainText('Verified.')
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The key the UI reported is the one in the keychain, read THROUGH THE CORE,
 * and it is exactly the key (or Access token) the simulated console stored.
 */
export async function expectKeyInKeychain(
  page: Page,
  core: Core,
  sim: RunningConsole,
  app: UnifiApp,
  consoleKey = simKey(sim),
): Promise<{ record: ProvisionRecord; secret: string }> {
  const records = core.settings
    .listProvisions()
    .filter((r) => r.consoleKey === consoleKey && r.app === app && r.steps.verify === 'done')
  expect(records, 'one verified flow for this console and app').toHaveLength(1)
  const record = records[0]!
  const secret = await core.vault.get(record.keyRef)
  expect(secret, 'the key is in the keychain').toBeTruthy()
  if (app === 'access') {
    const token = [...sim.state.accessTokens.values()].find((t) => t.id === record.keyId)
    expect(token?.token, 'the simulator stored the same Access token').toBe(secret)
  } else {
    const key = [...sim.state.apiKeys.values()].find((k) => k.id === record.keyId)
    expect(key?.key, 'the simulator stored the same key').toBe(secret)
  }
  // The UI shows it masked only: first and last four characters.
  await expect(page.getByTestId('masked-key')).toHaveText(masked(secret!))
  expect(await page.content()).not.toContain(secret!)
  return { record, secret: secret! }
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(
  page: Page,
  screen: string,
  options: { colorsOnly?: boolean } = {},
): Promise<void> {
  const builder = new AxeBuilder({ page })
  // The second colour scheme changes colours only: its rules are enough there.
  if (options.colorsOnly) builder.withRules(['color-contrast', 'link-in-text-block'])
  const results = await builder.analyze()
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${screen}`,
  ).toEqual([])
}

/**
 * Screenshots of the current screen in light and dark, each checked with axe
 * (every rule in light; the colour rules again in dark).
 */
export async function captureScreen(
  page: Page,
  testInfo: TestInfo,
  screen: string,
  options: { axe?: boolean } = {},
): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' })
    if (options.axe !== false)
      await expectAccessible(page, `${screen} (${colorScheme})`, { colorsOnly: colorScheme === 'dark' })
    await page.screenshot({ path: testInfo.outputPath(`${screen}-${colorScheme}.png`), fullPage: true })
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

/**
 * An NVR running Protect and Access whose Access API port has a certificate of its own
 * (imhotep/hass-unifi-access#3 [report]; unifi/access-pin.ts), and the app launched to reach that port.
 */
export async function startWithOwnAccessCertificate(
  consoles: Consoles,
  launch: (options?: LaunchOptions) => Promise<RunningApp>,
): Promise<RunningApp & { unvr: RunningConsole }> {
  const unvr = await consoles.start('unvr', {
    apps: ['protect', 'access'],
    accessPort: 0,
    access: { ownCertificate: true },
  })
  return { unvr, ...(await launch({ accessPort: unvr.accessPort! })) }
}
