// Real Electron end to end: launches the built app with Playwright's Electron
// launcher. It needs the Electron binary (and a display on Linux); where the
// binary cannot be had, the spec reports itself skipped with the reason.
import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

function electronBinary(): { path: string } | { reason: string } {
  try {
    const pkgDir = join(require.resolve('electron/package.json'), '..')
    const pathFile = join(pkgDir, 'path.txt')
    if (!existsSync(pathFile)) return { reason: 'the electron package has no downloaded binary (no network to fetch it here)' }
    const { readFileSync } = require('node:fs') as typeof import('node:fs')
    const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? { path: binary } : { reason: `Electron binary missing at ${binary}` }
  } catch {
    return { reason: 'the electron package is not installed' }
  }
}

const found = electronBinary()
const root = join(import.meta.dirname, '../..')

test.describe('Electron app', () => {
  test.skip('reason' in found, 'reason' in found ? `Electron binary unavailable: ${found.reason}` : '')
  test.skip(process.platform === 'linux' && !process.env.DISPLAY, 'Electron needs a display on Linux: run under xvfb-run')

  test('opens a sandboxed, isolated window that talks to the core through window.keyward', async () => {
    const app = await electron.launch({
      executablePath: (found as { path: string }).path,
      args: [root],
      env: { ...process.env, KEYWARD_E2E: '1' },
    })
    try {
      const page = await app.firstWindow()
      await expect(page.getByRole('heading', { name: 'Keyward' })).toBeVisible()
      const shape = await page.evaluate(() => ({
        api: typeof window.keyward?.console?.probe,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }))
      expect(shape).toEqual({ api: 'function', require: 'undefined', process: 'undefined' })
      const prefs = await page.evaluate(() => window.keyward!.preferences.get({}))
      expect(prefs.ok).toBe(true)
      // Navigation away from the app is refused (will-navigate is prevented).
      await page.evaluate(() => {
        window.location.href = 'https://example.com/'
      })
      await page.waitForTimeout(500)
      expect(page.url()).not.toContain('example.com')
    } finally {
      await app.close()
    }
  })
})
