// Real Electron end to end: the built app (out/, from `electron-vite build`) on the stock Electron
// binary, launched with Playwright's Electron launcher (electron.md §5) in test mode:
// KEYWARD_TEST_USER_DATA gives every launch a fresh user-data directory and an in-memory vault, never
// the real keychain, and makes main expose `globalThis.keywardTest`, read here through
// `electronApp.evaluate` (which runs in the main process). It needs the Electron binary (and a
// display on Linux); where they cannot be had, the spec reports itself skipped with the reason.
// The packaged app (fuses, asar, keyward:// from inside app.asar) is tests/e2e-packaged.
import { _electron as electron, expect, test as base, type ElectronApplication, type Page } from '@playwright/test'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Outcome } from '../../shared/result.ts'
import type { Preferences } from '../../shared/domain.ts'
import type { TrayModel } from '../../shared/tray.ts'

const require = createRequire(import.meta.url)
const root = join(import.meta.dirname, '../..')

function electronBinary(): { path: string } | { reason: string } {
  try {
    const pkgDir = join(require.resolve('electron/package.json'), '..')
    const pathFile = join(pkgDir, 'path.txt')
    if (!existsSync(pathFile)) {
      return { reason: 'the electron package has no downloaded binary (no network to fetch it here)' }
    }
    const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? { path: binary } : { reason: `Electron binary missing at ${binary}` }
  } catch {
    return { reason: 'the electron package is not installed' }
  }
}

/** What main exposes in test mode (electron/main.ts exposeTestHooks). */
interface Hooks {
  trayModel(): TrayModel | null
  notifications(): { title: string; body: string }[]
  notify(n: { title: string; body: string }): boolean
  clickNotification(index: number): void
  windowUrl(): string | null
  refused(): string[]
}

/** Calls a test hook in the main process (the function itself cannot cross, so it goes by name). */
async function hook<K extends keyof Hooks>(app: ElectronApplication, name: K, ...args: Parameters<Hooks[K]>) {
  const result = await app.evaluate(
    (_electron, [hookName, hookArgs]) => {
      const hooks = (globalThis as unknown as { keywardTest: Record<string, (...a: unknown[]) => unknown> }).keywardTest
      return hooks[hookName]!(...hookArgs)
    },
    [name, args] as [string, unknown[]],
  )
  return result as ReturnType<Hooks[K]>
}

// Variables that would change what the app loads or how Electron starts, if the shell running the tests has them.
const DROP = new Set(['ELECTRON_RENDERER_URL', 'ELECTRON_RUN_AS_NODE', 'KEYWARD_TEST_USER_DATA'])
const baseEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !DROP.has(k))) as Record<
    string,
    string
  >

const found = electronBinary()
const built = existsSync(join(root, 'out/main/index.js'))

const test = base.extend<{ keyward: { app: ElectronApplication; page: Page; userData: string } }>({
  // eslint-disable-next-line no-empty-pattern
  keyward: async ({}, use) => {
    const userData = mkdtempSync(join(tmpdir(), 'keyward-e2e-'))
    const app = await electron.launch({
      executablePath: (found as { path: string }).path,
      args: [root],
      env: { ...baseEnv(), KEYWARD_TEST_USER_DATA: userData },
    })
    try {
      const page = await app.firstWindow()
      await use({ app, page, userData })
    } finally {
      await app.close()
      rmSync(userData, { recursive: true, force: true })
    }
  },
})

test.describe('Electron app', () => {
  test.skip('reason' in found, 'reason' in found ? `Electron binary unavailable: ${found.reason}` : '')
  test.skip(
    process.platform === 'linux' && !process.env.DISPLAY,
    'Electron needs a display on Linux: run under xvfb-run',
  )
  test.skip(!built, 'no build output in out/: run `npm run build` (electron-vite build) first')

  test('loads the renderer from keyward://app/ and shows the first screen', async ({ keyward: { app, page } }) => {
    await expect(page.getByRole('heading', { name: 'Keyward' })).toBeVisible()
    expect(page.url()).toMatch(/^keyward:\/\/app\/index\.html/)
    expect(await hook(app, 'windowUrl')).toMatch(/^keyward:\/\/app\//)
  })

  test('gives the page window.keyward and nothing of Node', async ({ keyward: { page } }) => {
    const shape = await page.evaluate(() => ({
      api: typeof window.keyward?.preferences?.get,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }))
    expect(shape).toEqual({ api: 'function', require: 'undefined', process: 'undefined' })
  })

  test('answers IPC with Outcomes and keeps settings in the test user-data directory', async ({ keyward }) => {
    const { app, page, userData } = keyward
    const got = (await page.evaluate(() => window.keyward!.preferences.get({}))) as Outcome<Preferences>
    expect(got).toMatchObject({ ok: true, value: { expiryLeadDays: expect.any(Number) } })
    const lead = got.ok ? (got.value.expiryLeadDays % 90) + 1 : 1
    const set = (await page.evaluate(
      (days) => window.keyward!.preferences.set({ expiryLeadDays: days }),
      lead,
    )) as Outcome<Preferences>
    expect(set).toMatchObject({ ok: true, value: { expiryLeadDays: lead } })
    // A bad request is an Outcome too, not a thrown error.
    const bad = await page.evaluate(() => window.keyward!.preferences.set({ expiryLeadDays: -1 }))
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } })

    expect(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'))).toBe(userData)
    const configFile = join(userData, 'config.json')
    await expect.poll(() => existsSync(configFile)).toBe(true)
    await expect.poll(() => JSON.parse(readFileSync(configFile, 'utf8')).preferences?.expiryLeadDays).toBe(lead)
  })

  test('enforces the CSP on the keyward:// page: no inline script runs', async ({ keyward: { page } }) => {
    await expect(page.getByRole('heading', { name: 'Keyward' })).toBeVisible()
    // Sent as a header by the scheme handler (a <meta> CSP cannot carry frame-ancestors).
    const header = await page.evaluate(async () => {
      const response = await fetch(window.location.href)
      return response.headers.get('content-security-policy')
    })
    expect(header).toContain("script-src 'self'")
    expect(header).toContain("frame-ancestors 'none'")
    const result = await page.evaluate(
      () =>
        new Promise<{ ran: boolean; directive: string | null; blocked: string | null }>((resolve) => {
          const ran = () => (window as unknown as { __inlineRan?: boolean }).__inlineRan === true
          document.addEventListener(
            'securitypolicyviolation',
            (e) => {
              const seen = { directive: e.effectiveDirective, blocked: e.blockedURI }
              setTimeout(() => resolve({ ran: ran(), ...seen }), 100)
            },
            { once: true },
          )
          const script = document.createElement('script')
          script.textContent = 'window.__inlineRan = true'
          document.body.append(script)
          setTimeout(() => resolve({ ran: ran(), directive: null, blocked: null }), 3000)
        }),
    )
    expect(result.ran).toBe(false)
    expect(result.directive).toMatch(/^script-src/)
    expect(result.blocked).toBe('inline')
  })

  test('refuses IPC from a frame that is not the app, even with the same preload', async ({ keyward: { app } }) => {
    const preload = join(root, 'out/preload/index.cjs')
    const reply = await app.evaluate(async ({ BrowserWindow }, preloadPath) => {
      const foreign = new BrowserWindow({
        show: false,
        webPreferences: { preload: preloadPath, sandbox: true, contextIsolation: true, nodeIntegration: false },
      })
      try {
        await foreign.loadURL('data:text/html,<title>not Keyward</title>')
        return await foreign.webContents.executeJavaScript('window.keyward.preferences.get({})')
      } finally {
        foreign.destroy()
      }
    }, preload)
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })

  test('draws the tray from the core: a fresh profile has no keys and a Quit item', async ({ keyward: { app } }) => {
    const model = () => hook(app, 'trayModel')
    await expect.poll(model).not.toBeNull()
    const tray = (await model())!
    expect(tray).toMatchObject({ icon: 'ok', tooltip: 'Keyward — no keys yet' })
    expect(tray.menu).toContainEqual({ type: 'action', id: 'quit', label: 'Quit Keyward', enabled: true })
  })

  test('opens the key list when a notification is clicked', async ({ keyward: { app, page } }) => {
    await expect(page.getByRole('heading', { name: 'Keyward' })).toBeVisible()
    await page.evaluate(() => {
      window.location.hash = '/new'
    })
    await expect(page).toHaveURL(/#\/new$/)
    const content = { title: 'Keyward test', body: 'A key needs attention' }
    const shown = await hook(app, 'notify', content)
    test.skip(!shown, 'this desktop does not support notifications (Notification.isSupported() is false)')
    expect(await hook(app, 'notifications')).toContainEqual(content)

    await hook(app, 'clickNotification', 0)
    await expect(page).toHaveURL(/#\/keys$/)
    await expect(page.getByRole('button', { name: 'Keys', exact: true })).toHaveAttribute('aria-current', 'page')
    expect(await hook(app, 'windowUrl')).toMatch(/#\/keys$/)
  })

  test('stays on the app when the page tries to navigate away', async ({ keyward: { app, page } }) => {
    await expect(page.getByRole('heading', { name: 'Keyward' })).toBeVisible()
    await page.evaluate(() => {
      window.location.href = 'https://example.com/'
    })
    // Wait for the main process to say it refused this navigation, then check the page stayed.
    await expect.poll(() => hook(app, 'refused')).toContain('https://example.com/')
    expect(page.url()).toMatch(/^keyward:\/\/app\//)
  })
})
