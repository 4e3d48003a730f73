import { defineConfig } from '@playwright/test'

// Debian's Chromium, never a downloaded browser (`npx playwright install` needs
// the internet). The flags keep Chromium from reaching for Google services,
// which this machine's closed network refuses (../shared/reference/electron.md §5).
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
]

export default defineConfig({
  // Hang guards, not speed limits: the suite must pass on a busy machine (two spare cores' worth of other
  // work beside it took the longest spec past a minute). Speed is measured by `npm run bench`.
  timeout: 240_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  // After the whole suite: every secret the run created, looked for in logs, settings, traffic and DOM.
  globalTeardown: './tests/e2e/leak-scan.teardown.ts',
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      // Elsewhere (macOS/Windows CI) Playwright's own Chromium is used.
      executablePath: process.env.KEYWARD_CHROMIUM || (process.platform === 'linux' ? '/usr/bin/chromium' : undefined),
      args: chromiumArgs,
    },
  },
  projects: [
    { name: 'chromium', testDir: 'tests/e2e' },
    // Real Electron: out/ on the stock binary. Skips itself where there is no binary (no network here).
    { name: 'electron', testDir: 'tests/e2e-electron' },
    // The packaged app at KEYWARD_PACKAGED_APP (CI's package job); skips itself with the reason when unset.
    { name: 'packaged', testDir: 'tests/e2e-packaged' },
  ],
})
