// A UniFi Network key into Home Assistant on the simulated LAN (home-assistant.md §3.2): the lab's fake HA
// at 2026.10.x has the `unifi` API-key mode. With HA connected first, the plan step says nothing against it
// (ha.fit: ready); the wizard makes a verified Network key on the discovered UDM Pro (which runs Network);
// "Send to Home Assistant" makes the fake HA — in its own lab host — read the console's sites with the key
// over the lab LAN and end with one loaded `unifi` entry for the site's UUID, holding exactly that key.
// With an older lab HA (2026.8.x / 2026.9.x) the plan step says, before minting, that HA needs an upgrade.
// Two loopback tests (no lab) cover the site choice (a key that sees two sites) and the 2026.9 plan warning.
//   node --import tsx tests/lab/with-lab.ts --scenario discovery --ha-version 2026.10.x -- npx playwright test tests/e2e/home-assistant-network-lab.spec.ts
import { haControl } from '../simulators/home-assistant/control.ts'
import { ADMIN_TOKEN } from '../simulators/home-assistant/state.ts'
import { labHaUrls } from '../lab/scenarios.ts'
import { expect, labHasDiscovery, test } from './fixtures.ts'
import { expectSecretNowhere } from './keys.ts'
import { captureScreen, Wizard } from './wizard.ts'

test.use({ viewport: { width: 920, height: 720 } })

test.describe('a Network key into the lab’s Home Assistant', () => {
  test.skip(
    !labHasDiscovery(),
    'needs the lab’s discovery scenario (node --import tsx tests/lab/with-lab.ts --scenario discovery --ha-version 2026.10.x -- npx playwright test)',
  )
  test.use({ discoveryScope: 'lan' })

  test('HA connected → plan fit → verified Network key on the UDM Pro → Send → loaded unifi entry for the site', async ({
    page,
    lab,
    host,
    core,
  }, testInfo) => {
    const udm = lab.consoles.find((c) => c.preset === 'udm-pro')!
    const ha = labHaUrls(lab.hosts.ha!.ip)
    const control = haControl(ha.controlUrl)
    await control.reset() // the lab's HA is shared by the run
    const { version } = await control.state()
    const connected = await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })
    expect(connected).toMatchObject({ ok: true })

    const w = new Wizard(page)
    await w.open(host.url)
    await w.chooseApp('network')
    // The UDM SE runs Network too, so nothing is pre-selected: pick the UDM Pro.
    await expect(w.card(udm.name)).toBeVisible({ timeout: 60_000 })
    await w.pick(udm.name)
    await w.trustConsole(udm.name)
    await w.signInToPlan()

    if (version !== '2026.10.x') {
      // The old `unifi` shape: said before anything is minted (the probe flow is deleted).
      await expect(page.getByTestId('ha-fit')).toContainText('Update Home Assistant to 2026.10 or later', {
        timeout: 30_000,
      })
      await captureScreen(page, testInfo, 'ha-network-00-needs-upgrade')
      const state = await control.state()
      expect(state.flows).toHaveLength(0)
      expect(state.entries).toHaveLength(0)
      return
    }

    // HA 2026.10: the fit is asked (a probe flow opened and deleted) and nothing is said against it.
    await expect
      .poll(
        async () =>
          (await control.state()).requests.filter(
            (r) => r.method === 'DELETE' && r.path.startsWith('/api/config/config_entries/flow/'),
          ).length,
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0)
    await expect(page.getByTestId('ha-fit')).toHaveCount(0)
    await page.getByLabel('User name').fill('keyward-ha-network')
    await w.createVerified()
    const record = core.settings
      .listProvisions()
      .find((r) => r.consoleKey === `${udm.ip}:${udm.port}` && r.username === 'keyward-ha-network')!
    const secret = (await core.vault.get(record.keyRef))!
    expect(secret).toBeTruthy()

    const section = page.getByRole('region', { name: 'Home Assistant' })
    await section.getByRole('button', { name: 'Send to Home Assistant' }).click()
    const result = section.getByTestId('ha-push-result')
    await expect(result).toHaveAttribute('data-outcome', 'created', { timeout: 60_000 })
    await expect(result.getByTestId('ha-entry-state')).toHaveText('loaded')
    await captureScreen(page, testInfo, 'ha-network-01-sent')

    // In the fake HA: one loaded `unifi` entry, in API-key mode, for the console's one site.
    const state = await control.state()
    const entries = state.entries.filter((e) => e.domain === 'unifi')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      state: 'loaded',
      title: 'Default',
      data: {
        host: udm.ip,
        port: 443,
        verify_ssl: false,
        api_key: secret,
        connection_mode: 'api_key',
        site: 'default',
      },
    })
    expect(entries[0]!.unique_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(state.flows).toHaveLength(0)
    expect(state.failedLogins).toBe(0)
    expect(core.keys.list().find((k) => k.keyRef === record.keyRef)!.pushedTo).toHaveLength(1)
    await expectSecretNowhere(page, secret)
  })
})

// The same UI on loopback (no lab needed): a console whose key sees two sites, and HA's answers.
const HOME = { id: '0c6f1d52-8a3e-4c1e-9f4b-2d7a5e9b1c01', internalReference: 'default', name: 'Home' }
const SHED = { id: '5b2e9c47-1f0d-4a6b-8e3c-7d9f0a1b2c02', internalReference: 'x7k2m9pq', name: 'Garden shed' }

test('two sites: Send asks which one, and the chosen site gets the entry', async ({
  page,
  host,
  core,
  consoles,
  homeAssistants,
}, testInfo) => {
  const udm = await consoles.start('udm-pro', { networkSites: [HOME, SHED] })
  const ha = await homeAssistants.start({ version: '2026.10.x' })
  expect(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })).toMatchObject({ ok: true })

  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('network', `127.0.0.1:${udm.port}`, 'Dream Machine Pro')
  await w.signInToPlan()
  await w.createVerified()
  const secret = (await core.vault.get(core.settings.listProvisions()[0]!.keyRef))!

  const section = page.getByRole('region', { name: 'Home Assistant' })
  await section.getByRole('button', { name: 'Send to Home Assistant' }).click()
  const result = section.getByTestId('ha-push-result')
  await expect(result).toHaveAttribute('data-outcome', 'choose-site', { timeout: 30_000 })
  await expect(result.getByTestId('ha-push-message')).toContainText('The key sees 2 UniFi Network sites')
  const choice = result.getByRole('group', { name: 'UniFi Network site for Home Assistant' })
  await expect(choice.getByRole('button')).toHaveText(['Use site “Home”', 'Use site “Garden shed”'])
  expect(ha.entries('unifi')).toHaveLength(0)
  await captureScreen(page, testInfo, 'ha-network-02-choose-site')

  await choice.getByRole('button', { name: 'Use site “Garden shed”' }).click()
  await expect(result).toHaveAttribute('data-outcome', 'created', { timeout: 30_000 })
  await expect(result.getByTestId('ha-entry-title')).toHaveText('Garden shed')
  await expect(result.getByTestId('ha-entry-state')).toHaveText('loaded')
  expect(ha.entries('unifi').map((e) => [e.unique_id, e.data.api_key])).toEqual([[SHED.id, secret]])
  await expectSecretNowhere(page, secret)
})

test('HA 2026.9: the plan says, before minting, that Home Assistant needs an upgrade', async ({
  page,
  host,
  core,
  consoles,
  homeAssistants,
}) => {
  const udm = await consoles.start('udm-pro', { networkSites: [HOME] })
  const ha = await homeAssistants.start({ version: '2026.9.x' })
  expect(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })).toMatchObject({ ok: true })

  const w = new Wizard(page)
  await w.open(host.url)
  await w.reachSignIn('network', `127.0.0.1:${udm.port}`, 'Dream Machine Pro')
  await w.signInToPlan()
  await expect(page.getByTestId('ha-fit')).toHaveText(
    /cannot take a UniFi Network key yet.*Update Home Assistant to 2026\.10 or later/,
    { timeout: 30_000 },
  )
  expect([...udm.state.apiKeys.values()]).toHaveLength(0)
  expect(ha.state.flows.size).toBe(0)
})
