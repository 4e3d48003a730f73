// `npm run demo`, walked with only what it prints (issue 17 "A demo you can finish
// alone"): the demo's script runs as a visitor would start it (scripts/demo-run.ts,
// its own simulated lab); the test reads the link, the console account with
// two-factor and its code from the printed text, makes a Protect key on the NVR,
// and sees the demo banner, the app icons and disabled buttons that look disabled.
// The UISP two-factor helper (`npm run demo -- --code`) is checked against a UISP
// simulator's sign-in.
import { execFile } from 'node:child_process'
import { request } from 'node:https'
import { promisify } from 'node:util'
import type { Locator } from '@playwright/test'
import { labSupport } from '../lab/lab.ts'
import { startUispServer } from '../simulators/uisp/server.ts'
import { startDemo, type RunningDemo } from '../../scripts/demo-run.ts'
import { expect, test } from './fixtures.ts'
import { expectAccessible, Wizard } from './wizard.ts'

const support = labSupport()
test.skip(!support.ok, `the demo needs Linux network namespaces (root): ${support.ok ? '' : support.reason}`)
test.use({ viewport: { width: 1000, height: 760 } })
test.describe.configure({ mode: 'serial' })

let demo: RunningDemo
test.beforeAll(async () => {
  test.setTimeout(300_000)
  demo = await startDemo()
})
test.afterAll(async () => {
  await demo?.stop()
})

/** One `label: value` field of the printed guide, by regular expression; fails the test when missing. */
function printed(pattern: RegExp): string[] {
  const match = pattern.exec(demo.printed)
  expect(match, `the demo printed nothing matching ${pattern}:\n${demo.printed}`).not.toBeNull()
  return match!.slice(1)
}

/** The printed console lines: name, address, apps. */
function printedConsoles(): { name: string; address: string; apps: string[] }[] {
  return [...demo.printed.matchAll(/^ {2}(\S.*?)\s{2,}(\d+\.\d+\.\d+\.\d+)\s+(.+)$/gm)].map((m) => ({
    name: m[1]!,
    address: m[2]!,
    apps: m[3]!.split(', '),
  }))
}

test('the printed guide names every sign-in: consoles (one with Access), UISP, Home Assistant', () => {
  const consoles = printedConsoles()
  expect(consoles.map((c) => c.name).sort()).toEqual(['Dream Machine Pro', 'Dream Machine SE', 'NVR'])
  expect(consoles.filter((c) => c.apps.includes('Access')).map((c) => c.name)).toEqual(['Dream Machine Pro'])
  printed(/Sign in as:\s+(\S+)\s+password: (\S+)/)
  printed(/UISP server:\s+https:\/\/(\d+\.\d+\.\d+\.\d+)/)
  printed(/Home Assistant:\s+(http:\/\/\S+)/)
  printed(/Access token:\s+(\S+)/)
  expect(demo.printed).toContain('nothing leaves this computer')
})

test('a Protect key on the NVR with the printed two-factor account, in the demo banner’s app', async ({ page }) => {
  const [url] = printed(/Open Keyward:\s+(\S+)/)
  const [user, password, code, where] = printed(
    /With two-factor:\s+(\S+)\s+password: (\S+)\s+two-factor code: (\d{6})\s+\(on (.+)\)/,
  )
  expect(where).toContain('NVR')

  await page.goto(url!)
  await expect(page.getByTestId('demo-banner')).toHaveText('Demo: simulated lab, nothing leaves this computer')
  const w = new Wizard(page)
  await expect(w.heading).toHaveText('What do you want to connect?')
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await expectAccessible(page, `demo, first screen (${colorScheme})`, { colorsOnly: colorScheme === 'dark' })
  }
  await page.emulateMedia({ colorScheme: 'light' })
  // Each app has its glyph (a mask painted in the accent colour), and the tab has a favicon.
  for (const app of ['protect', 'network', 'access', 'uisp']) {
    const mask = await page.locator(`.app-mark.app-${app}`).evaluate((el) => getComputedStyle(el, '::after').maskImage)
    expect(mask, `${app} glyph`).toMatch(/^url\(/)
  }
  const icon = await page.locator('link[rel="icon"]').getAttribute('href')
  const favicon = await page.request.get(new URL(icon!, page.url()).href)
  expect(favicon.status()).toBe(200)
  expect(favicon.headers()['content-type']).toBe('image/svg+xml')

  await w.chooseApp('protect')
  // Discovery in the demo lab finds the consoles and the UISP server (its subnet search).
  await expect(w.card('NVR')).toBeChecked({ timeout: 90_000 })
  await expect(page.getByText(/1 UISP server/)).toBeVisible({ timeout: 90_000 })
  await expectDisabledLooksDisabled(page.getByRole('button', { name: 'Add', exact: true }))

  await w.continueWith('NVR')
  await w.trust()
  await w.signIn(user!, password!)
  await w.mfa(code!)
  await w.expectPlan()
  await w.create()
  await w.expectDone()
  await expect(page.getByTestId('demo-banner')).toBeVisible()
})

test('`npm run demo -- --code` prints a code the UISP administrator signs in with', async () => {
  const [user, password] = printed(/Administrator:\s+(\S+)\s+password: (\S+)/)
  const uisp = await startUispServer({ host: '127.0.0.1', port: 0, twoFactor: true })
  try {
    const first = await post(uisp.url, '/nms/api/v2.1/user/login', { username: user, password })
    expect(first.status).toBe(201) // two-factor asked for
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--code'])
    const verificationCode = /^(\d{6})\s/.exec(stdout)?.[1]
    expect(verificationCode, stdout).toBeDefined()
    const token = (first.body as { id: string }).id
    const second = await post(uisp.url, '/nms/api/v2.1/user/login/totpauth', { token, verificationCode })
    expect(second.status).toBe(200)
  } finally {
    await uisp.close()
  }
})

/** Faded, a not-allowed pointer, and hovering changes nothing. */
async function expectDisabledLooksDisabled(button: Locator) {
  await expect(button).toBeDisabled()
  const style = () =>
    button.evaluate((el) => {
      const s = getComputedStyle(el)
      return { opacity: Number(s.opacity), cursor: s.cursor, background: s.backgroundColor, border: s.borderColor }
    })
  const before = await style()
  expect(before.opacity).toBeLessThanOrEqual(0.6)
  expect(before.cursor).toBe('not-allowed')
  await button.hover({ force: true })
  expect(await style()).toEqual(before)
}

/** POST JSON to the local UISP simulator (its own self-signed certificate; loopback only). */
function post(base: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, base),
      { method: 'POST', headers: { 'content-type': 'application/json' }, rejectUnauthorized: false, timeout: 30_000 },
      (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null }))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}
