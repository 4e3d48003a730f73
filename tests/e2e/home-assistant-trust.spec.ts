// Issue 15 in the Home Assistant panel: an https Home Assistant with a self-signed
// certificate is connected only after the user compares and confirms its fingerprint
// (nothing, not the token, reaches HA before), and a held Home Assistant (its
// certificate changed) says so and is re-trusted from the list with the new fingerprint.
import type { HaSummary } from '../../shared/domain.ts'
import { ADMIN_TOKEN } from '../simulators/home-assistant/state.ts'
import { expect, test } from './fixtures.ts'
import { openSettings } from './keys.ts'

test.use({ viewport: { width: 920, height: 720 } })

test('https: confirm the certificate, then connect; a changed certificate is held until re-trusted', async ({
  page,
  host,
  core,
  homeAssistants,
}) => {
  const ha = await homeAssistants.start({}, { https: true })
  await openSettings(page, host)
  const panel = page.getByTestId('ha-panel')
  await panel.getByLabel('Home Assistant address').fill(ha.url)
  await panel.getByLabel('Long-lived access token').fill(ADMIN_TOKEN)
  await panel.getByRole('button', { name: 'Connect', exact: true }).click()

  await expect(panel.getByText('Confirm Home Assistant’s certificate')).toBeVisible()
  await expect(panel.getByTestId('ha-certificate-sha256')).toHaveText(ha.sha256!)
  expect(ha.state.requests.filter((r) => r.auth !== 'none')).toEqual([])
  await panel.getByRole('button', { name: 'It matches: trust it and connect' }).click()
  await expect(panel.getByRole('list', { name: 'Connected Home Assistant' })).toContainText(ha.url)
  await expect(panel.getByTestId('ha-unencrypted')).toHaveCount(0)
  await expect(panel.getByTestId('ha-connect-warning')).toHaveCount(0)

  // The certificate changes and a pinned call found it (nothing was sent): the record is held.
  const next = await ha.replaceCertificate()
  const [record] = core.settings.listHomeAssistants()
  core.settings.saveHomeAssistants([
    {
      ...record!,
      hold: {
        reason: 'changed',
        message: 'The certificate of this Home Assistant is not the one you confirmed.',
        since: new Date().toISOString(),
      },
    },
  ])
  await page.reload()
  const hold = panel.getByTestId('ha-hold')
  await expect(hold).toContainText('is not the one you confirmed')
  await hold.getByRole('button', { name: 'It’s mine — continue' }).click()
  await expect(hold).toContainText(next)
  await hold.getByRole('button', { name: 'It matches: trust the new certificate' }).click()
  await expect(panel.getByTestId('ha-hold')).toHaveCount(0)
  const listed = (await core.invoke('ha.list', {})) as { ok: true; value: HaSummary[] }
  expect(listed.value[0]).toMatchObject({ certificateSha256: next, status: { state: 'ok' } })
})
