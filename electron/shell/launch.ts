// What this launch of the app is, decided once from the environment, argv and
// `app.isPackaged` before anything else runs. No Electron runtime import, so
// every rule is tested in Node.
import { isAbsolute } from 'node:path'
import { RENDERER_ENTRY } from './renderer-protocol.ts'

export const HIDDEN_FLAG = '--hidden'
/** Test mode: a user-data directory of its own and an in-memory vault, never the real keychain. */
export const TEST_USER_DATA_ENV = 'KEYWARD_TEST_USER_DATA'

export interface Launch {
  /** The page the window loads: the keyward:// entry, or electron-vite's dev server in development. */
  rendererUrl: string
  /** True only for `npm run dev`: the page comes from the Vite dev server with its own dev CSP. */
  devServer: boolean
  /** DevTools (F12 / Ctrl+Shift+I) only in unpackaged runs. */
  devTools: boolean
  /** Test mode's user-data directory, or null. */
  testUserData: string | null
  /** Started by the login item: stay in the tray when a tray host exists. */
  hidden: boolean
  /** Things worth a log line (an ignored variable and why). */
  notes: string[]
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * `ELECTRON_RENDERER_URL` is electron-vite's dev-server address. A packaged app
 * ignores it: otherwise any local program could relaunch Keyward with its own
 * page, which would receive the preload API and pass the IPC sender check
 * anchored on that same URL (electron.md §6b). Unpackaged, it must still be an
 * http(s) page on loopback.
 */
function devServerUrl(value: string | undefined, isPackaged: boolean, notes: string[]): string | null {
  if (!value) return null
  if (isPackaged) {
    notes.push('ELECTRON_RENDERER_URL is ignored in a packaged app')
    return null
  }
  try {
    const url = new URL(value)
    if ((url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK.has(url.hostname)) return url.href
  } catch {
    // fall through
  }
  notes.push('ELECTRON_RENDERER_URL is not an http(s) address on loopback; ignored')
  return null
}

export function readLaunch(input: { env: NodeJS.ProcessEnv; argv: readonly string[]; isPackaged: boolean }): Launch {
  const notes: string[] = []
  const dev = devServerUrl(input.env.ELECTRON_RENDERER_URL, input.isPackaged, notes)
  const testDir = input.env[TEST_USER_DATA_ENV]
  let testUserData: string | null = null
  if (testDir) {
    if (isAbsolute(testDir)) testUserData = testDir
    else notes.push(`${TEST_USER_DATA_ENV} must be an absolute path; ignored`)
  }
  return {
    rendererUrl: dev ?? RENDERER_ENTRY,
    devServer: dev !== null,
    devTools: !input.isPackaged,
    testUserData,
    hidden: input.argv.includes(HIDDEN_FLAG),
    notes,
  }
}
