// The lab audit screen (issue 18) against console simulators in this process: reached from Settings, it
// reads only the chosen console, lists findings with their reasons, asks before a cleanup (naming what
// stops working) and then removes exactly the chosen key, proven by the simulator's own list; the
// audit and the activity log download as files.
import { readFileSync } from 'node:fs'
import { seedApiKey } from '../simulators/console/keys.ts'
import { expect, test } from './fixtures.ts'
import { consoleKeyOf, makeKey, openSettings } from './keys.ts'
import { captureScreen } from './wizard.ts'

const DAY = 86_400_000

test('the audit lists findings, cleans up after asking, and exports', async ({
  page,
  host,
  core,
  consoles,
}, testInfo) => {
  const nvr = await consoles.start('unvr')
  const other = await consoles.start('udm-pro')
  await makeKey(core, nvr, { keyName: 'ha-protect', signOut: false }) // the owner may read every admin's keys
  await makeKey(core, other, { app: 'network', keyName: 'ha-network' })
  const owner = [...nvr.state.users.values()].find((u) => u.isOwner)!.id
  const old = seedApiKey(nvr.state, { userId: owner, name: 'old-script', lastUsedAt: Date.now() - 200 * DAY })
  const otherRequests = other.state.requestCount

  await openSettings(page, host)
  await page.getByRole('link', { name: /Audit every key/ }).click()
  await expect(page.getByRole('heading', { level: 2, name: 'Lab audit' })).toBeVisible()
  await page.getByRole('checkbox', { name: new RegExp(consoleKeyOf(nvr).replace('.', '\\.')) }).check()
  await page.getByRole('button', { name: 'Audit the chosen' }).click()

  const finding = page.getByTestId('audit-finding').filter({ hasText: 'old-script' })
  await expect(finding).toContainText('Unused:')
  await expect(finding).toContainText(/Last used 200 days ago/)
  expect(other.state.requestCount).toBe(otherRequests) // not chosen: not asked
  await captureScreen(page, testInfo, 'audit-findings')

  await finding.getByRole('checkbox').check()
  await page.getByRole('button', { name: 'Clean up selected (1)' }).click()
  const confirm = page.getByTestId('audit-confirm')
  await expect(confirm).toContainText('Revoke the key: the API key “old-script” of admin')
  await expect(confirm).toContainText('Whatever still uses it stops working')
  expect(nvr.state.apiKeys.has(old)).toBe(true) // nothing happens before the confirmation
  await confirm.getByRole('button', { name: 'Clean up' }).click()
  await expect(page.getByTestId('audit-results')).toContainText('Revoked “old-script”')
  expect(nvr.state.apiKeys.has(old)).toBe(false)
  expect([...nvr.state.apiKeys.values()].map((k) => k.name)).toEqual(['ha-protect'])
  await expect(page.getByTestId('audit-finding').filter({ hasText: 'old-script' })).toHaveCount(0)
  await expect(page.getByTestId('activity-entry').filter({ hasText: 'Revoked' }).first()).toContainText('old-script')

  const [auditFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export audit as CSV' }).click(),
  ])
  expect(auditFile.suggestedFilename()).toMatch(/^keyward-audit-\d{4}-\d{2}-\d{2}\.csv$/)
  expect(readFileSync((await auditFile.path())!, 'utf8').split('\r\n')[0]).toBe('host,kind,subject,reason,action')

  const [logFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export log as JSON' }).click(),
  ])
  const log = JSON.parse(readFileSync((await logFile.path())!, 'utf8')) as { action: string; subject: string }[]
  expect(log.some((e) => e.action === 'revoked' && e.subject === 'the API key “old-script” of admin')).toBe(true)
})
