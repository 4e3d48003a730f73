// The wizard's UISP path against the discovery scenario's UISP server (its own
// lab host, HTTPS with a self-signed certificate, superadmin with TOTP 2FA):
// address → certificate → sign in with 2FA → purpose (least scope explained) →
// verified token → key list. The token must never be in the page, its storage,
// or anything the core sent the page, except the answer to the user's Copy.
// Then the UISP key panel: read from the server, reachability, registration
// commands shown without the key and copied with it.
import tls from 'node:tls'
import type { Page } from '@playwright/test'
import { verifyUispToken } from '../../electron/core/uisp/verify.ts'
import { UISP_VERSION } from '../lab/scenarios.ts'
import { UISP_ADMIN, UISP_OPERATOR, UISP_TOTP_SECRET } from '../simulators/uisp/state.ts'
import { totp } from '../simulators/uisp/totp.ts'
import { expect, test } from './fixtures.ts'
import { clipboardText, expectSecretNowhere, keyRow, masked, openKey } from './keys.ts'
import { captureScreen, Wizard } from './wizard.ts'
import { probeAndTrustUisp } from '../support/trust.ts'

test.use({ viewport: { width: 920, height: 680 } })

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** The server's certificate fingerprint, read independently of the core. */
function fingerprintOf(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256)
      socket.destroy()
    })
    socket.once('error', reject)
  })
}

/** Every reply to the page's requests, by request name (the bridge's /api/invoke/<name>). */
function recordReplies(page: Page): { name: string; body: string }[] {
  const replies: { name: string; body: string }[] = []
  page.on('response', (response) => {
    const m = /\/api\/invoke\/([\w.]+)/.exec(response.url())
    if (m)
      void response.text().then(
        (body) => replies.push({ name: m[1]!, body }),
        () => undefined,
      )
  })
  return replies
}

test('UISP: address → certificate → sign in with 2FA → purpose → verified token, listed with its expiry', async ({
  page,
  context,
  host,
  core,
  lab,
}) => {
  const ip = lab.hosts.uisp!.ip
  const serverKey = `${ip}:443`
  expect(await core.invoke('preferences.set', { clipboardClearSeconds: 5 })).toMatchObject({ ok: true })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin })
  const events: string[] = []
  core.subscribeAll((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`))
  const replies = recordReplies(page)

  const w = new Wizard(page)
  await w.open(host.url)
  await w.click(page.getByRole('button', { name: /^UISP / }), 'UISP')
  await expect(w.heading).toHaveText('Which UISP server?')
  await w.type(page.getByLabel('UISP server address'), ip, 'address', { enter: true })
  await expect(page.getByRole('radio', { name: `UISP at ${serverKey}` })).toBeChecked()
  await expect(page.getByTestId('uisp-card')).toContainText('Address you entered')
  await w.click(page.getByRole('button', { name: `Continue with UISP at ${serverKey}` }), 'continue')

  await expect(w.heading).toHaveText('Is this your UISP server?')
  await expect(page.getByTestId('trust-fingerprint')).toHaveAttribute(
    'aria-label',
    `Certificate fingerprint ${await fingerprintOf(ip, 443)}`,
  )
  await expect(page.getByTestId('uisp-version')).toHaveText(UISP_VERSION)
  await captureScreen(page, test.info(), 'uisp-trust')
  await w.click(page.getByRole('button', { name: 'Trust this server' }), 'trust')

  await expect(w.heading).toHaveText(`Sign in to UISP at ${serverKey}`)
  await w.type(page.getByLabel('Username'), UISP_ADMIN.username, 'username')
  await w.type(page.getByLabel('Password', { exact: true }), 'not-the-password', 'password', { enter: true })
  await expect(page.getByTestId('signin-error')).toContainText('did not accept that username and password')
  await w.type(page.getByLabel('Password', { exact: true }), UISP_ADMIN.password, 'password', { enter: true })
  await expect(w.heading).toHaveText('Enter the two-factor code')
  await w.type(page.getByLabel('Two-factor code', { exact: true }), totp(UISP_TOTP_SECRET, Date.now()), '2FA code', {
    enter: true,
  })

  // The purposes, each with the least scope that serves it and why.
  await expect(w.heading).toHaveText('What is the token for?')
  await expect(page.getByTestId('scope-monitor')).toContainText('Scope: Guest (read-only).')
  await expect(page.getByTestId('scope-register-devices')).toContainText('Scope: Admin.')
  await expect(page.getByRole('radio', { name: /^Watch devices/ })).toBeChecked()
  const name = page.getByLabel('Token name')
  await expect(name).toHaveValue('keyward-monitor')
  await captureScreen(page, test.info(), 'uisp-purpose')
  await w.type(name, 'home-assistant-uisp-x', 'a 21-character name')
  await expect(page.getByText('UISP token names are at most 20 characters.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Create the guest token' })).toBeDisabled()
  await w.type(name, 'ha-uisp', 'token name')
  await w.click(page.getByRole('button', { name: 'Create the guest token' }), 'create')

  await expect(w.heading).toHaveText('Your UISP token is ready', { timeout: 60_000 })
  await expect(page.getByTestId('verified')).toContainText(
    `Verified. UISP ${UISP_VERSION} at ${serverKey} accepted it with guest scope`,
  )
  await expect(page.getByTestId('token-scope')).toHaveText('Guest (read-only)')
  await expect(page.getByTestId('expires')).toHaveText('never')
  await captureScreen(page, test.info(), 'uisp-done')

  // The token is in the keychain (read through the core), works on the server, and is shown masked only.
  const key = core.keys.list().find((k) => k.app === 'uisp')!
  expect(key).toMatchObject({
    name: 'ha-uisp',
    consoleKey: serverKey,
    username: UISP_ADMIN.username,
    uisp: { purpose: 'monitor', scope: 'guest' },
    expiresAt: null,
  })
  const secret = (await core.vault.get(key.keyRef))!
  expect(secret).toMatch(UUID_V4)
  const pin = await fingerprintOf(ip, 443)
  expect(
    await verifyUispToken({
      target: { host: ip, port: 443, pin, label: 'UISP' },
      token: secret,
      purpose: 'monitor',
      expiresAt: null,
    }),
  ).toMatchObject({ status: 'ok', scope: 'guest' })
  await expect(page.getByTestId('masked-key')).toHaveText(masked(secret))
  await expectSecretNowhere(page, secret)

  // Copy: the clipboard gets it, cleared after 5 s; still nowhere in the page.
  await w.click(page.getByRole('button', { name: 'Copy token' }), 'copy')
  await expect(page.getByTestId('copy-note')).toHaveText(
    'Copied. Keyward clears the clipboard in 5 s if it still holds the token.',
  )
  expect(await clipboardText(page)).toBe(secret)
  await expectSecretNowhere(page, secret)
  await expect.poll(() => clipboardText(page), { timeout: 60_000 }).toBe('')

  // The key list shows it with its app, masked token, status and expiry.
  await w.click(page.getByRole('button', { name: 'See all keys' }), 'see all keys')
  const row = keyRow(page, 'ha-uisp')
  await expect(row.getByTestId('key-status')).toHaveText('OK')
  await expect(row.locator('.col-app')).toHaveText('UISP')
  const detail = await openKey(page, 'ha-uisp')
  await expect(detail.getByTestId('masked-key')).toHaveText(masked(secret))
  await expect(detail.locator('.col-expires')).toHaveText('never')
  await expect(detail.getByRole('button', { name: 'Send to Home Assistant' })).toHaveCount(0)
  await expectSecretNowhere(page, secret)

  // Nothing the core sent the page carried the token, except the answer to Copy.
  const carrying = replies.filter((r) => r.body.includes(secret)).map((r) => r.name)
  expect(carrying).toEqual(['keys.copy'])
  expect(replies.some((r) => r.name === 'uisp.createToken')).toBe(true)
  expect(events.filter((e) => e.includes(secret))).toEqual([])
})

test('UISP key: read from the server, masked, reachable, registration commands copied with the key', async ({
  page,
  context,
  host,
  core,
  lab,
}) => {
  const ip = lab.hosts.uisp!.ip
  const serverKey = `${ip}:443`
  expect(await core.invoke('preferences.set', { clipboardClearSeconds: 5 })).toMatchObject({ ok: true })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin })
  // The server is known (its certificate trusted), but no one is signed in to it.
  expect(await probeAndTrustUisp(core, ip)).toMatchObject({ ok: true })

  await page.goto(host.url.replace('#', '#/devices&'))
  const panel = page.getByRole('region', { name: 'UISP keys' })
  await panel.getByRole('button', { name: 'Read from server' }).click()
  // Reading the key needs an admin session: the panel asks for one, here the admin-role operator (no 2FA).
  const dialog = page.getByRole('dialog', { name: `Sign in to UISP at ${serverKey}` })
  await expect(dialog).toContainText('reading the UISP key needs admin rights')
  await dialog.getByLabel('Username or email').fill(UISP_OPERATOR.username)
  await dialog.getByLabel('Password').fill('not-the-password')
  await dialog.getByRole('button', { name: 'Sign in' }).click()
  await expect(dialog.getByTestId('signin-error')).toBeVisible()
  await dialog.getByLabel('Password').fill(UISP_OPERATOR.password)
  await dialog.getByRole('button', { name: 'Sign in' }).click()
  await expect(dialog).toBeHidden()
  const item = panel.getByTestId('uisp-key')
  await expect(item.getByTestId('uisp-key-masked')).toHaveText('wss://••••••:443+••••••+allowSelfSignedCertificate')
  const record = core.settings.getUisp().keys[0]!
  const text = (await core.vault.get(record.keyRef))!
  expect(text).toMatch(
    new RegExp(`^wss://${ip.replace(/\./g, '\\.')}:443\\+[A-Za-z0-9_-]{48}\\+allowSelfSignedCertificate$`),
  )
  await expectSecretNowhere(page, text.split('+')[1]!)

  await item.getByRole('button', { name: 'Check reachability' }).click()
  const check = item.getByTestId('uisp-key-check')
  await expect(check).toContainText(`Reachable: UISP ${UISP_VERSION} answered in`)
  await expect(check).toContainText(
    'its self-signed certificate is allowed by the key. It is the server’s current key.',
  )

  await item.getByRole('button', { name: 'Register a device…' }).click()
  const commands = item.getByTestId('registration-commands')
  await expect(commands).toContainText("set service unms connection '<UISP key>'")
  await expectSecretNowhere(page, text.split('+')[1]!)
  await item.getByRole('button', { name: 'Copy commands' }).click()
  await expect(item.getByText('Copied the commands with the key.', { exact: false })).toBeVisible()
  expect(await clipboardText(page)).toBe(
    [
      'configure',
      'delete service unms disable',
      `set service unms connection '${text}'`,
      'commit',
      'save',
      'exit',
    ].join('\n'),
  )
  await expectSecretNowhere(page, text.split('+')[1]!)
  await expect.poll(() => clipboardText(page), { timeout: 60_000 }).toBe('')
})
