// Home Assistant from the UI, against a fake Home Assistant in this process
// that validates keys against the console simulator for real: connecting
// (a wrong token costs exactly one request; a non-admin token is explained),
// "Send to Home Assistant" from the wizard's Done screen (HA 2026.8's form needs the
// dedicated user's password: nothing is sent until the user ticks the consent
// sentence; then created, then reconfigured: still one entry, loaded, using the key
// in the keychain) and
// "Copy fields" (host without scheme, port 443, verify SSL off, the key only
// through Copy).
import type { RunningConsole } from '../simulators/console/server.ts'
import { ADMIN_TOKEN, USER_TOKEN } from '../simulators/home-assistant/state.ts'
import { expect, test, type Consoles } from './fixtures.ts'
import { clipboardText, expectSecretNowhere, keyRow } from './keys.ts'
import { captureScreen, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 720 } })

/** A console where HA expects one: port 443 (on 127.0.0.2, this namespace's loopback); an ephemeral port if 443 is taken. */
async function consoleOn443(consoles: Consoles): Promise<RunningConsole> {
  try {
    return await consoles.start('unvr', {}, { host: '127.0.0.2', port: 443 })
  } catch {
    return consoles.start('unvr')
  }
}

test('connect, send the new key from the Done screen twice, copy the fields', async ({
  page,
  context,
  host,
  core,
  consoles,
  homeAssistants,
}, testInfo) => {
  const unvr = await consoleOn443(consoles)
  const address = `${unvr.host}:${unvr.port}`
  const ha = await homeAssistants.start({ version: '2026.8.x' })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin })

  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('protect', address, 'NVR')
  await w.signInToPlan()
  await w.createVerified()
  const record = core.settings.listProvisions()[0]!
  const secret = (await core.vault.get(record.keyRef))!

  const section = page.getByRole('region', { name: 'Home Assistant' })
  await section.getByRole('button', { name: 'Send to Home Assistant' }).click()
  const url = section.getByLabel('Home Assistant address')
  const token = section.getByLabel('Long-lived access token')
  const connect = section.getByRole('button', { name: 'Connect and send' })
  await expect(
    section.getByText('profile (your name, bottom left) → Security → Long-lived access tokens'),
  ).toBeVisible()

  // A wrong token: one request, then Keyward stops and says so.
  await url.fill(ha.url)
  await token.fill('not-the-right-token-0123456789')
  await connect.click()
  const error = section.getByRole('alert')
  await expect(error).toContainText('Home Assistant refused the token')
  await expect(error).toContainText('Keyward stopped after this one attempt')
  expect(ha.failedLogins).toBe(1)
  // The token-free probes (404: this HA has no discovery_info; onboarding done, §5), then one refused token.
  expect(ha.state.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
    'GET /api/discovery_info 404',
    'GET /api/onboarding 200',
    'GET /api/ 401',
  ])
  await expect(token).toHaveValue('')
  await expect(token).toBeFocused()

  // A token of a user who is not an administrator: explained.
  await token.fill(USER_TOKEN)
  await connect.click()
  await expect(error).toContainText('This token cannot add integrations')
  await expect(error).toContainText('not an administrator')
  expect(ha.entries()).toHaveLength(0)

  // An administrator's token: connected; the key is sent right away — but HA 2026.8 also needs the
  // dedicated user's password, so Keyward stops and asks first (nothing reached HA's setup).
  await token.fill(ADMIN_TOKEN)
  await connect.click()
  await expect(section.getByRole('heading', { name: 'Home Assistant' })).toBeFocused() // the form went away
  await expect(section.getByTestId('row-error')).toContainText('Nothing was sent')
  expect(ha.state.requests.filter((r) => r.path.includes('/config_entries/flow'))).toEqual([])
  const mode = section.getByTestId('ha-mode')
  await expect(mode.getByTestId('ha-mode-current')).toContainText('has no API-key-only mode')
  await expect(mode.getByTestId('ha-consent-sentence')).toContainText(`“${record.username}”`)
  await expect(mode.getByTestId('ha-consent-sentence')).toContainText(ha.url)
  const agree = mode.getByRole('button', { name: 'Agree and send with the password' })
  await expect(agree).toHaveAttribute('aria-disabled', 'true') // not ticked yet
  await mode.getByTestId('ha-consent-check').check()
  await expect(agree).not.toHaveAttribute('aria-disabled')
  await agree.click()
  const result = section.getByTestId('ha-push-result')
  await expect(result).toHaveAttribute('data-outcome', 'created')
  await expect(result).toContainText('Added to Home Assistant')
  await expect(result.getByTestId('ha-push-message')).toHaveText(
    'Home Assistant set up UniFi Protect for NVR (' + unvr.host + ') with the new key.',
  )
  await expect(result.getByTestId('ha-entry-title')).toHaveText('NVR')
  await expect(result.getByTestId('ha-entry-state')).toHaveText('loaded')
  let entries = ha.entries('unifiprotect')
  expect(entries).toHaveLength(1)
  expect(entries[0]).toMatchObject({
    state: 'loaded',
    data: { host: unvr.host, port: unvr.port, verify_ssl: false, api_key: secret },
  })

  // Again: the same entry is reconfigured, not duplicated.
  await section.getByRole('button', { name: 'Send to Home Assistant' }).click()
  await expect(result).toHaveAttribute('data-outcome', 'reconfigured')
  await expect(result.getByTestId('ha-push-outcome')).toContainText('reconfigured')
  entries = ha.entries('unifiprotect')
  expect(entries).toHaveLength(1)
  expect(entries[0]).toMatchObject({ state: 'loaded', data: { api_key: secret } })

  // Copy fields: what to type into HA by hand; the key only through Copy.
  await section.getByRole('button', { name: 'Copy fields for Home Assistant' }).click()
  const fields = section.getByTestId('copy-fields')
  // The host exactly as HA wants it: the address alone, no scheme, no port.
  await expect(fields.getByTestId('field-host').getByRole('cell').first()).toHaveText(unvr.host)
  await expect(fields.getByTestId('field-port').getByRole('cell').first()).toHaveText(String(unvr.port))
  if (unvr.port === 443) await expect(fields.getByTestId('field-port').getByRole('cell').first()).toHaveText('443')
  else
    testInfo.annotations.push({ type: 'note', description: 'port 443 was taken: the console ran on an ephemeral port' })
  await expect(fields.getByTestId('field-verify_ssl').getByRole('cell').first()).toHaveText('off')
  await expect(fields.getByTestId('field-username').getByRole('cell').first()).toHaveText(record.username)
  const keyField = fields.getByTestId('field-api_key')
  await expect(keyField).toContainText('use Copy key')
  await expectSecretNowhere(page, secret)
  await keyField.getByRole('button', { name: 'Copy key' }).click()
  await expect.poll(() => clipboardText(page)).toBe(secret)
  await expect(section.getByTestId('row-note')).toContainText('Copied.')
  await captureScreen(page, testInfo, 'ha-01-done')

  // The key list shows the same key, and Settings → Home Assistant the connection.
  await page.getByRole('button', { name: 'See all keys' }).click()
  await expect(page).toHaveURL(`${host.origin}/#/keys`)
  await expect(keyRow(page, record.keyName).getByTestId('key-status')).toHaveText('OK')
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('button', { name: 'Settings', exact: true })
    .click()
  const panel = page.getByTestId('ha-panel')
  await expect(panel.getByRole('list', { name: 'Connected Home Assistant' })).toContainText(`Home ${ha.url}`)
  // Plain http: the list says so (issue 15).
  await expect(panel.getByTestId('ha-unencrypted')).toHaveText('Not encrypted (http)')
  await captureScreen(page, testInfo, 'ha-02-settings')
  expect(core.keys.list()[0]!.pushedTo).toHaveLength(1)

  // Forgetting the connection: its token leaves the keychain; HA keeps its entry.
  await panel.getByRole('button', { name: 'Forget Home' }).click()
  await expect(panel.getByRole('list', { name: 'Connected Home Assistant' })).toHaveCount(0)
  await expect(panel.getByLabel('Home Assistant address')).toBeVisible()
  await expect(panel.getByTestId('ha-status')).toContainText('Forgot Home')
  await expect(panel.getByRole('heading', { name: 'Home Assistant' })).toBeFocused()
  expect(await core.invoke('ha.list', {})).toEqual({ ok: true, value: [] })
  expect(core.keys.list()[0]!.pushedTo).toEqual([])
  expect(ha.entries('unifiprotect')).toHaveLength(1)
})
