// The PACKAGED app, as electron-builder made it: release fuses (except the inspector one, which test
// builds keep on for Playwright: electron-builder.test.yml), code in app.asar, the renderer served
// from keyward://app/ out of the asar with the grantFileProtocolExtraPrivileges fuse off (electron.md
// §4a). Nothing of this can be seen by launching out/ on the stock binary (tests/e2e-electron).
//
// KEYWARD_PACKAGED_APP is the unpacked executable: dist/linux-unpacked/keyward,
// dist/mac*/Keyward.app/Contents/MacOS/Keyward, dist/win-unpacked/Keyward.exe, or an installed copy
// (/opt/Keyward/keyward). KEYWARD_PACKAGED_SANDBOX=1 keeps Chromium's sandbox on (Playwright passes
// --no-sandbox on Linux otherwise): CI sets it for the installed deb, to prove its AppArmor profile
// lets the sandbox start. Without KEYWARD_PACKAGED_APP the spec reports itself skipped, unless
// KEYWARD_REQUIRE_PACKAGED=1 (CI), which turns every reason to skip into a failure.
import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const packaged = process.env.KEYWARD_PACKAGED_APP ? resolve(process.env.KEYWARD_PACKAGED_APP) : null
const sandbox = process.env.KEYWARD_PACKAGED_SANDBOX === '1'
// CI sets this so that a wrong path or a missing display fails the job instead of skipping quietly.
const required = process.env.KEYWARD_REQUIRE_PACKAGED === '1'
// Variables that would change what the app loads or how Electron starts, if the shell running the tests has them.
const DROP = new Set(['ELECTRON_RENDERER_URL', 'ELECTRON_RUN_AS_NODE', 'KEYWARD_TEST_USER_DATA'])
const baseEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !DROP.has(k))) as Record<
    string,
    string
  >
const usage = 'build with `npm run dist -- --config electron-builder.test.yml` and point it at the unpacked executable'

test.describe('packaged app', () => {
  test.skip(!packaged && !required, `KEYWARD_PACKAGED_APP is not set: ${usage} (docs/packaging.md)`)
  test.skip(
    process.platform === 'linux' && !process.env.DISPLAY && !required,
    'Electron needs a display on Linux: run under xvfb-run',
  )

  const title = `starts${sandbox ? ' with the Chromium sandbox' : ''}, shows keyward://app/ and answers IPC`
  test(title, async () => {
    if (!packaged) throw new Error(`KEYWARD_REQUIRE_PACKAGED=1 but KEYWARD_PACKAGED_APP is not set: ${usage}`)
    // A path that is set but wrong is a mistake, not a machine without a build: fail, never skip.
    expect(existsSync(packaged), `KEYWARD_PACKAGED_APP does not exist: ${packaged}`).toBe(true)
    const userData = mkdtempSync(join(tmpdir(), 'keyward-packaged-'))
    const app = await electron.launch({
      executablePath: packaged,
      env: { ...baseEnv(), KEYWARD_TEST_USER_DATA: userData },
      chromiumSandbox: sandbox,
    })
    try {
      expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(true)
      // Chromium aborts at start when it has no usable sandbox, so getting here with no --no-sandbox proves one.
      if (sandbox) {
        const noSandbox = await app.evaluate(({ app: electronApp }) => electronApp.commandLine.hasSwitch('no-sandbox'))
        expect(noSandbox).toBe(false)
      }
      const page = await app.firstWindow()
      await expect(page.getByRole('heading', { name: 'Keyward' })).toBeVisible()
      expect(page.url()).toMatch(/^keyward:\/\/app\/index\.html/)
      const prefs = await page.evaluate(() => window.keyward!.preferences.get({}))
      expect(prefs).toMatchObject({ ok: true, value: { expiryLeadDays: expect.any(Number) } })
      expect(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'))).toBe(userData)
    } finally {
      await app.close()
      rmSync(userData, { recursive: true, force: true })
    }
  })
})
