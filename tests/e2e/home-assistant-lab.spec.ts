// The main path on the simulated LAN, all of it found rather than typed: the
// Devices tab lists the UNVR and the Home Assistant that announces itself over
// mDNS; the wizard makes a verified Protect key on the discovered UNVR; "Send to
// Home Assistant" connects the HA discovery found (the user pastes the token)
// and the fake HA in its own lab host — which checks the key against the UNVR
// over the lab LAN — ends with one loaded entry holding exactly that key. On HA
// 2026.9+ (the lab's default) that entry is API-key-only: no username, no
// password reached HA; the window says what full mode would add and cost. On
// 2026.8 (KEYWARD_LAB_HA_VERSION=2026.8.x) the push stops until the user ticks the
// consent sentence. "Copy fields" follows the same mode: on 2026.9+ host and key
// only; on 2026.8 "Copy password" puts the dedicated user's password (its manual
// setup needs it) on the clipboard without showing it, cleared after the timeout.
import { haControl } from '../simulators/home-assistant/control.ts'
import { ADMIN_TOKEN } from '../simulators/home-assistant/state.ts'
import { HA_INSTANCE, labHaUrls } from '../lab/scenarios.ts'
import { expect, labHasDiscovery, test } from './fixtures.ts'
import { clipboardText, expectSecretNowhere } from './keys.ts'
import { captureScreen, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 720 } })

test.describe('discovered console and Home Assistant', () => {
  test.skip(
    !labHasDiscovery(),
    'needs the lab’s discovery scenario (node --import tsx tests/lab/with-lab.ts --scenario discovery -- npx playwright test)',
  )
  test.use({ discoveryScope: 'lan' })

  test('discover → wizard → verified key → Send to the found Home Assistant → entry loaded there; copy fields in the same mode', async ({
    page,
    context,
    lab,
    host,
    core,
  }, testInfo) => {
    const unvr = lab.consoles.find((c) => c.preset === 'unvr')!
    const ha = labHaUrls(lab.hosts.ha!.ip)
    const control = haControl(ha.controlUrl)
    await control.reset() // the lab's HA is shared by the run: start from no entries and no requests
    const { haVersion } = await control.state()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin })
    expect(await core.invoke('preferences.set', { clipboardClearSeconds: 5 })).toMatchObject({ ok: true })

    // The Devices tab: the UNVR and Home Assistant, found on the LAN.
    const w = new Wizard(page)
    await w.open(host.url)
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'Devices', exact: true })
      .click()
    // The full table (how each was found) sits in a details element on the Devices tab (issue 17).
    await page.getByText('Everything found, with how each was found').click({ timeout: 60_000 })
    const found = page.getByRole('table', { name: 'Devices found' })
    await expect(found.locator(`tr[data-id="ha:${HA_INSTANCE.uuid}"] [data-col="found"]`)).toContainText('mDNS', {
      timeout: 60_000,
    })
    await expect(found.locator(`tr[data-id="ha:${HA_INSTANCE.uuid}"] [data-col="addresses"]`)).toHaveText(
      lab.hosts.ha!.ip,
    )
    await expect(found.locator(`tr[data-id="mac:${unvr.mac}"] [data-col="kind"]`)).toHaveText('Network video recorder')

    // The wizard on the discovered UNVR.
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: 'New key', exact: true })
      .click()
    await expect(w.heading).toHaveText('What do you want to connect?')
    await w.chooseApp('protect')
    await expect(w.card(unvr.name)).toBeChecked({ timeout: 60_000 })
    await w.trustConsole(unvr.name)
    await w.signInToPlan()
    // Its own user: other specs make keys on the same lab UNVR.
    await page.getByLabel('User name').fill('keyward-ha-lab')
    await w.createVerified()
    const record = core.settings
      .listProvisions()
      .find((r) => r.consoleKey === `${unvr.ip}:${unvr.port}` && r.username === 'keyward-ha-lab')!
    const secret = (await core.vault.get(record.keyRef))!
    const password = (await core.vault.get(record.passwordRef))!
    expect(secret).toBeTruthy()
    expect(password).toBeTruthy()

    // Send to Home Assistant: connect the instance discovery found, paste the token.
    const section = page.getByRole('region', { name: 'Home Assistant' })
    await section.getByRole('button', { name: 'Send to Home Assistant' }).click()
    const use = section.getByRole('button', { name: `Use ${HA_INSTANCE.name} ${ha.url}` })
    await expect(use).toBeVisible()
    await captureScreen(page, testInfo, 'ha-lab-00-found')
    await use.click()
    await expect(section.getByLabel('Home Assistant address')).toHaveValue(ha.url)
    const token = section.getByLabel('Long-lived access token')
    await expect(token).toBeFocused()
    await token.fill(ADMIN_TOKEN)
    await section.getByRole('button', { name: 'Connect and send' }).click()
    const apiKeyOnly = !haVersion.startsWith('2026.8')
    const modePanel = section.getByTestId('ha-mode')
    if (!apiKeyOnly) {
      // HA 2026.8's form requires the password: nothing is sent until the user agrees to the sentence.
      await expect(section.getByTestId('row-error')).toContainText('Nothing was sent', { timeout: 60_000 })
      expect((await control.state()).entries.filter((e) => e.domain === 'unifiprotect')).toEqual([])
      await expect(modePanel.getByTestId('ha-consent-sentence')).toContainText('“keyward-ha-lab”')
      await modePanel.getByTestId('ha-consent-check').check()
      await modePanel.getByRole('button', { name: 'Agree and send with the password' }).click()
    }
    const result = section.getByTestId('ha-push-result')
    await expect(result).toHaveAttribute('data-outcome', 'created', { timeout: 60_000 })
    await expect(result.getByTestId('ha-entry-state')).toHaveText('loaded')
    await captureScreen(page, testInfo, 'ha-lab-01-sent')

    // In the fake HA itself: one loaded entry for the UNVR with this key — API-key-only (no username,
    // no password) on 2026.9+, the dedicated user after consent on 2026.8.
    const state = await control.state()
    const entries = state.entries.filter((e) => e.domain === 'unifiprotect')
    expect(entries).toHaveLength(1)
    if (apiKeyOnly) {
      expect(entries[0]).toMatchObject({
        state: 'loaded',
        data: { host: unvr.ip, port: 443, verify_ssl: false, api_key: secret },
      })
      expect(entries[0]!.data).not.toHaveProperty('username')
      expect(entries[0]!.data).not.toHaveProperty('password')
      expect(JSON.stringify(state)).not.toContain(password)
      // The window says which mode HA got, and what full mode would add and cost.
      await expect(modePanel.getByTestId('ha-mode-current')).toContainText(
        'API-key-only mode: Home Assistant holds the key and no password',
      )
      await expect(modePanel).toContainText('password in plain text')
      await expect(modePanel.getByTestId('ha-consent-check')).not.toBeChecked()
    } else {
      expect(entries[0]).toMatchObject({
        state: 'loaded',
        title: unvr.name,
        data: { host: unvr.ip, port: 443, verify_ssl: false, username: 'keyward-ha-lab', password, api_key: secret },
      })
    }
    expect(state.failedLogins).toBe(0)
    expect(core.keys.list().find((k) => k.keyRef === record.keyRef)!.pushedTo).toHaveLength(1)
    expect(await core.invoke('ha.list', {})).toMatchObject({
      ok: true,
      value: [{ url: ha.url, version: haVersion, locationName: HA_INSTANCE.name }],
    })

    // Copy fields: on 2026.9+ the API-key-only setup (host and key: no password to type); on 2026.8 the full
    // form, and Copy password puts it on the clipboard, never on screen, cleared after 5 s.
    await section.getByRole('button', { name: 'Copy fields for Home Assistant' }).click()
    if (apiKeyOnly) {
      await expect(section.getByTestId('copy-fields').getByTestId('field-api_key')).toBeVisible()
      await expect(section.getByTestId('copy-fields').getByTestId('field-password')).toHaveCount(0)
      await captureScreen(page, testInfo, 'ha-lab-02-fields')
      await expectSecretNowhere(page, password)
      await expectSecretNowhere(page, secret)
      return
    }
    const passwordField = section.getByTestId('copy-fields').getByTestId('field-password')
    await expect(passwordField).toContainText('stays in this computer’s keychain')
    await captureScreen(page, testInfo, 'ha-lab-02-fields')
    await page.clock.pauseAt(Date.now() + 1000) // from here the page's timers move only when the test says so
    await passwordField.getByRole('button', { name: 'Copy password' }).click()
    await expect(section.getByTestId('row-note')).toHaveText(
      'Copied the password of keyward-ha-lab. Keyward clears the clipboard in 5 s if it still holds it.',
    )
    expect(await clipboardText(page)).toBe(password)
    await expectSecretNowhere(page, password)
    await expectSecretNowhere(page, secret)
    await page.clock.runFor(4000)
    expect(await clipboardText(page)).toBe(password)
    await page.clock.runFor(1500)
    await expect.poll(() => clipboardText(page)).toBe('')
  })
})
