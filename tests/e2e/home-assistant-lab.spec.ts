// The main path on the simulated LAN, all of it found rather than typed: the
// Network tab lists the UNVR and the Home Assistant that announces itself over
// mDNS; the wizard makes a verified Protect key on the discovered UNVR; "Send to
// Home Assistant" connects the HA discovery found (the user pastes the token)
// and the fake HA in its own lab host — which checks the key against the UNVR
// over the lab LAN — ends with one loaded entry holding exactly that key. Then
// "Copy password": the dedicated user's password (HA ≤ 2026.8's manual setup
// needs it) reaches the clipboard without being shown, and is cleared after the
// clipboard timeout.
import { haControl } from '../simulators/home-assistant/control.ts'
import { ADMIN_TOKEN } from '../simulators/home-assistant/state.ts'
import { HA_INSTANCE, labHaUrls } from '../lab/scenarios.ts'
import { expect, labHasDiscovery, test } from './fixtures.ts'
import { clipboardText, expectSecretNowhere } from './keys.ts'
import { captureScreen, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 720 } })

test.describe('discovered console and Home Assistant', () => {
  test.skip(!labHasDiscovery(), 'needs the lab’s discovery scenario (node --import tsx tests/lab/with-lab.ts --scenario discovery -- npx playwright test)')
  test.use({ discoveryScope: 'lan' })

  test('discover → wizard → verified key → Send to the found Home Assistant → entry loaded there; copy the user’s password', async ({ page, context, lab, host, core }, testInfo) => {
    const unvr = lab.consoles.find((c) => c.preset === 'unvr')!
    const ha = labHaUrls(lab.hosts.ha!.ip)
    const control = haControl(ha.controlUrl)
    await control.reset() // the lab's HA is shared by the run: start from no entries and no requests
    const { haVersion } = await control.state()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin })
    expect(await core.invoke('preferences.set', { clipboardClearSeconds: 5 })).toMatchObject({ ok: true })

    // The Network tab: the UNVR and Home Assistant, found on the LAN.
    const w = new Wizard(page)
    await w.open(host.url)
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Network', exact: true }).click()
    const found = page.getByRole('table', { name: 'Devices found' })
    await expect(found.locator(`tr[data-id="ha:${HA_INSTANCE.uuid}"] [data-col="found"]`)).toContainText('mDNS', { timeout: 60_000 })
    await expect(found.locator(`tr[data-id="ha:${HA_INSTANCE.uuid}"] [data-col="addresses"]`)).toHaveText(lab.hosts.ha!.ip)
    await expect(found.locator(`tr[data-id="mac:${unvr.mac}"] [data-col="kind"]`)).toHaveText('Network video recorder')

    // The wizard on the discovered UNVR.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'New key', exact: true }).click()
    await expect(w.heading).toHaveText('What do you want to connect?')
    await w.chooseApp('protect')
    await expect(w.card(unvr.name)).toBeChecked({ timeout: 60_000 })
    await w.trustConsole(unvr.name)
    await w.signInToPlan()
    // Its own user: other specs make keys on the same lab UNVR.
    await page.getByLabel('User name').fill('keyward-ha-lab')
    await w.createVerified()
    const record = core.settings.listProvisions().find((r) => r.consoleKey === `${unvr.ip}:${unvr.port}` && r.username === 'keyward-ha-lab')!
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
    const result = section.getByTestId('ha-push-result')
    await expect(result).toHaveAttribute('data-outcome', 'created', { timeout: 60_000 })
    await expect(result.getByTestId('ha-entry-state')).toHaveText('loaded')
    await captureScreen(page, testInfo, 'ha-lab-01-sent')

    // In the fake HA itself: one loaded entry for the UNVR, with this key and the dedicated user.
    const state = await control.state()
    const entries = state.entries.filter((e) => e.domain === 'unifiprotect')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      state: 'loaded', title: unvr.name,
      data: { host: unvr.ip, port: 443, verify_ssl: false, username: 'keyward-ha-lab', password, api_key: secret },
    })
    expect(state.failedLogins).toBe(0)
    expect(core.keys.list().find((k) => k.keyRef === record.keyRef)!.pushedTo).toHaveLength(1)
    expect((await core.invoke('ha.list', {}))).toMatchObject({ ok: true, value: [{ url: ha.url, version: haVersion, locationName: HA_INSTANCE.name }] })

    // Copy fields, then Copy password: to the clipboard, never on screen, cleared after 5 s.
    await section.getByRole('button', { name: 'Copy fields for Home Assistant' }).click()
    const passwordField = section.getByTestId('copy-fields').getByTestId('field-password')
    await expect(passwordField).toContainText('stays in this computer’s keychain')
    await captureScreen(page, testInfo, 'ha-lab-02-fields')
    await page.clock.pauseAt(Date.now() + 1000) // from here the page's timers move only when the test says so
    await passwordField.getByRole('button', { name: 'Copy password' }).click()
    await expect(section.getByTestId('row-note')).toHaveText('Copied the password of keyward-ha-lab. Keyward clears the clipboard in 5 s if it still holds it.')
    expect(await clipboardText(page)).toBe(password)
    await expectSecretNowhere(page, password)
    await expectSecretNowhere(page, secret)
    await page.clock.runFor(4000)
    expect(await clipboardText(page)).toBe(password)
    await page.clock.runFor(1500)
    await expect.poll(() => clipboardText(page)).toBe('')
  })
})
