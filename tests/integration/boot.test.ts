// A wiring test of the BUILT main bundle (out/main/index.js, what the app ships),
// not of Electron: `import 'electron'` is answered by a double typed from
// Electron's own electron.d.ts (tests/support/electron-double.ts). Everything
// behind it is real: the core, the settings file, the keyward:// handler
// reading the real out/renderer, the preload file, and, for the tray-host
// check, a real D-Bus session bus. `npm test` builds before this stage runs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createElectronDouble, FakeEvent, type DoubleOptions, type ElectronDouble } from '../support/electron-double.ts'
import { aes } from '../support/uisp-key-corpus.ts'
import { startPrivateBus, startStandInWatcher, type PrivateBus } from '../support/session-bus.ts'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { Outcome } from '../../shared/result.ts'
import type { TrayModel } from '../../shared/tray.ts'
import { until } from '../support/until.ts'

const root = join(import.meta.dirname, '../..')
const bundle = join(root, 'out/main/index.js')
const INVOKE = 'keyward:invoke'
const TRUSTED = { url: 'keyward://app/index.html', parent: null }

// Vitest builds a mocked module once per file; its getters reach the double of the current boot.
vi.mock('electron', () => {
  const current = () => (globalThis as unknown as { __electronDouble: ElectronDouble }).__electronDouble.module
  const names = [
    'app',
    'BrowserWindow',
    'Tray',
    'Notification',
    'ipcMain',
    'protocol',
    'session',
    'clipboard',
    'shell',
    'dialog',
    'powerMonitor',
    'Menu',
    'nativeImage',
  ] as const
  return (
    (Object.fromEntries(names.map((name) => [name, undefined])) as never) &&
    Object.defineProperties(
      {},
      Object.fromEntries(names.map((name) => [name, { get: () => current()[name], enumerable: true }])),
    )
  )
})

interface TestHooks {
  trayModel(): TrayModel | null
  notify(n: { title: string; body: string }): boolean
  clickNotification(index: number): void
  windowUrl(): string | null
  liveNotifications(): number
  trayHost(): { available: boolean; advice: string | null } | null
}
const hooks = () => (globalThis as unknown as { keywardTest?: TestHooks }).keywardTest

interface Booted {
  double: ElectronDouble
  userData: string
  invoke(name: string, input?: unknown, frame?: unknown): Promise<Outcome<unknown>>
}

const cleanups: (() => void | Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface BootOptions extends Partial<DoubleOptions> {
  env?: Record<string, string | undefined>
  argv?: string[]
  platform?: NodeJS.Platform
  /** Leave `ready` to the test (for "before ready" assertions). */
  manualReady?: boolean
  userDataDir?: string
  /** Wait for start-up to finish (test hooks exposed); false for start-ups expected to fail. */
  waitForStart?: boolean
}

/** Loads a fresh copy of the built main bundle against a fresh double; quits it after the test. */
async function boot(options: BootOptions = {}): Promise<Booted> {
  const userData = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'keyward-boot-'))
  const double = createElectronDouble({ userData: join(userData, 'not-the-test-dir'), appPath: root, ...options })
  ;(globalThis as unknown as { __electronDouble: ElectronDouble }).__electronDouble = double
  delete (globalThis as { keywardTest?: unknown }).keywardTest

  const env = { KEYWARD_TEST_USER_DATA: userData, ELECTRON_RENDERER_URL: undefined, ...options.env }
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  const savedArgv = process.argv
  process.argv = [...savedArgv.slice(0, 2), ...(options.argv ?? [])]
  const savedPlatform = Object.getOwnPropertyDescriptor(process, 'platform')!
  if (options.platform) Object.defineProperty(process, 'platform', { value: options.platform })
  const listeners = {
    unhandledRejection: process.listeners('unhandledRejection'),
    uncaughtException: process.listeners('uncaughtException'),
  }
  cleanups.push(async () => {
    if (double.app.exitCode === null && double.app.readyFired) {
      double.module.app.quit()
      await until('the app to exit', () => double.app.exitCode !== null)
    }
    Object.defineProperty(process, 'platform', savedPlatform)
    process.argv = savedArgv
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    for (const l of process.listeners('unhandledRejection')) {
      if (!listeners.unhandledRejection.includes(l)) process.off('unhandledRejection', l)
    }
    for (const l of process.listeners('uncaughtException')) {
      if (!listeners.uncaughtException.includes(l)) process.off('uncaughtException', l)
    }
    rmSync(userData, { recursive: true, force: true })
  })

  vi.resetModules()
  await import(pathToFileURL(bundle).href)
  if (!options.manualReady) double.app.fireReady()
  if (!options.manualReady && options.waitForStart !== false) await until('start-up to finish', () => hooks())

  const invoke = async (name: string, input: unknown = {}, frame: unknown = TRUSTED) => {
    const handler = double.invokeHandlers.get(INVOKE)
    if (!handler) throw new Error('no IPC handler registered')
    return (await (handler({ senderFrame: frame }, name, input) as unknown)) as Outcome<unknown>
  }
  return { double, userData, invoke }
}

const fetchThrough = async (double: ElectronDouble, url: string) => {
  const handler = double.protocolHandlers.get('keyward')
  if (!handler) throw new Error('no keyward: handler registered')
  return handler(new Request(url))
}

beforeAll(() => {
  if (!existsSync(bundle)) throw new Error('out/main/index.js is missing: run "npm run build" first')
})

describe('the built main bundle, booted against a typed Electron double (a wiring test, not Electron)', () => {
  it('registers keyward:// as privileged before ready and serves the window its page and every asset from out/renderer', async () => {
    const { double } = await boot({ manualReady: true })
    expect(double.schemes).toEqual([
      expect.objectContaining({
        scheme: 'keyward',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ])
    expect(double.journal).not.toContain('protocol.handle keyward') // only after ready
    double.app.fireReady()
    await until('start-up', () => hooks())
    const order = (entry: string) => double.journal.findIndex((e) => e.startsWith(entry))
    expect(order('protocol.registerSchemesAsPrivileged')).toBeLessThan(order('app.ready'))
    expect(order('app.ready')).toBeLessThan(order('protocol.handle keyward'))
    expect(order('protocol.handle keyward')).toBeLessThan(order('window.loadURL'))

    const [window] = double.windows
    expect(window!.loaded).toEqual(['keyward://app/index.html'])
    for (const url of window!.loaded) {
      const page = await fetchThrough(double, url)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/^text\/html/)
      expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
      const html = await page.text()
      expect(html).toBe(readFileSync(join(root, 'out/renderer/index.html'), 'utf8'))
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1]!, url).href)
      expect(assets.length).toBeGreaterThan(0)
      for (const asset of assets) {
        const response = await fetchThrough(double, asset)
        expect(response.status, asset).toBe(200)
        expect(response.headers.get('content-type'), asset).toMatch(/^(text\/javascript|text\/css|image\/)/)
        expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(0)
      }
    }
    // Nothing outside out/renderer, however it is spelled.
    for (const probe of [
      'keyward://app/../main/index.js',
      'keyward://app/%2e%2e/main/index.js',
      'keyward://app/..%2fpreload/index.cjs',
      'keyward://other/index.html',
      'keyward://app/assets',
    ]) {
      expect((await fetchThrough(double, probe)).status, probe).toBeGreaterThanOrEqual(400)
    }
  })

  it('opens a sandboxed, isolated window whose preload exists and is CommonJS', async () => {
    const { double } = await boot()
    expect(double.journal.indexOf('app.enableSandbox')).toBeLessThan(double.journal.indexOf('app.ready'))
    const prefs = double.windows[0]!.options.webPreferences!
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    })
    const preload = readFileSync(prefs.preload!, 'utf8')
    expect(preload).toMatch(/require\(["']electron["']\)/)
    expect(preload).not.toMatch(/^\s*(import|export)\s/m)
    expect(double.session.permissionRequestDenied).toBe(true)
    expect(double.session.permissionCheckAnswer).toBe(false)
  })

  it('answers the page over IPC with the real core, refuses a foreign frame, and pushes events to the window', async () => {
    const { double, invoke, userData } = await boot()
    const prefs = await invoke('preferences.get')
    expect(prefs).toMatchObject({ ok: true, value: { checkIntervalMinutes: expect.any(Number) } })
    for (const frame of [
      { url: 'file:///index.html', parent: null },
      { url: 'https://evil.example/', parent: null },
      { url: 'keyward://app/index.html', parent: TRUSTED },
    ]) {
      expect(await invoke('preferences.get', {}, frame)).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    }
    expect(await invoke('no.such.request')).toMatchObject({ ok: false })
    const interval = (prefs as { value: { checkIntervalMinutes: number } }).value.checkIntervalMinutes + 5
    expect(await invoke('preferences.set', { checkIntervalMinutes: interval })).toMatchObject({ ok: true })
    const sent = double.windows[0]!.webContents.sent
    expect(sent).toContainEqual([
      'keyward:event:preferences.changed',
      expect.objectContaining({ checkIntervalMinutes: interval }),
    ])
    // Test mode keeps everything in its own user-data directory.
    expect(existsSync(join(userData, 'config.json'))).toBe(true)
    expect(existsSync(join(userData, 'logs', 'keyward.log'))).toBe(true)
    expect(await invoke('logs.location')).toMatchObject({
      ok: true,
      value: { dir: join(userData, 'logs'), canOpen: true },
    })
    expect(await invoke('logs.open')).toMatchObject({ ok: true })
    expect(double.opened.paths).toEqual([join(userData, 'logs')])
  })

  it('denies navigation and new windows, and opens only allow-listed links in the browser', async () => {
    const { double } = await boot()
    const contents = double.windows[0]!.webContents
    const navigation = new FakeEvent('https://evil.example/')
    contents.emit('will-navigate', navigation)
    expect(navigation.defaultPrevented).toBe(true)
    const webview = new FakeEvent()
    contents.emit('will-attach-webview', webview)
    expect(webview.defaultPrevented).toBe(true)
    const open = (url: string) => contents.openHandler!({ url } as never)
    expect(open('https://help.ui.com/hc/en-us/articles/1')).toEqual({ action: 'deny' })
    expect(open('https://evil.example/phish')).toEqual({ action: 'deny' })
    expect(open('http://help.ui.com/downgraded')).toEqual({ action: 'deny' })
    await until('the allowed link to open', () => double.opened.external.length > 0)
    expect(double.opened.external).toEqual(['https://help.ui.com/hc/en-us/articles/1'])
  })

  it('ignores ELECTRON_RENDERER_URL and closes DevTools in a packaged app; honours both unpackaged', async () => {
    const evil = 'http://127.0.0.1:9/'
    const packaged = await boot({ isPackaged: true, env: { ELECTRON_RENDERER_URL: evil } })
    expect(packaged.double.windows[0]!.loaded).toEqual(['keyward://app/index.html'])
    expect(packaged.double.windows[0]!.options.webPreferences!.devTools).toBe(false)
    expect(await packaged.invoke('preferences.get', {}, { url: evil, parent: null })).toMatchObject({ ok: false })
    expect(packaged.double.headerHooks).toHaveLength(1) // the strict CSP header for everything the session loads
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()

    const dev = await boot({ isPackaged: false, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173/' } })
    expect(dev.double.windows[0]!.loaded).toEqual(['http://localhost:5173/'])
    expect(dev.double.windows[0]!.options.webPreferences!.devTools).toBe(true)
    expect(await dev.invoke('preferences.get', {}, { url: 'http://localhost:5173/', parent: null })).toMatchObject({
      ok: true,
    })
    expect(dev.double.headerHooks).toHaveLength(0) // the dev server's page carries its own dev CSP
  })

  it('gives the tray an existing icon file for every state on each platform', async () => {
    const seen = new Map<string, Set<string>>()
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const state of ['ok', 'attention', 'error'] as const) {
        const userData = mkdtempSync(join(tmpdir(), 'keyward-boot-'))
        if (state !== 'ok') await seedKey(userData, state)
        const { double } = await boot({ platform, userDataDir: userData })
        const tray = double.trays[0]!
        await until(`the tray to show ${state}`, () => tray.images.some((i) => i.includes(`${state}`)))
        for (const image of tray.images) {
          expect(existsSync(image), image).toBe(true)
          const state = /(ok|attention|error)(Template)?\.(png|ico)$/.exec(image)?.[1]
          expect(state, image).toBeTruthy()
          seen.set(platform, (seen.get(platform) ?? new Set()).add(state!))
        }
        expect(tray.menu?.template.map((i) => i.label)).toContain('Open Keyward')
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
      }
    }
    for (const platform of ['linux', 'darwin', 'win32']) {
      expect([...seen.get(platform)!].sort(), platform).toEqual(['attention', 'error', 'ok'])
    }
  })

  it('keeps a notification until it is clicked, and the click opens the key list', async () => {
    const { double } = await boot()
    expect(hooks()!.notify({ title: 'A key is failing', body: 'ha · NVR' })).toBe(true)
    expect(double.notifications[0]!.shown).toBe(true)
    expect(hooks()!.liveNotifications()).toBe(1)
    double.notifications[0]!.emit('click', new FakeEvent())
    expect(double.windows.at(-1)!.loaded.at(-1)).toBe('keyward://app/index.html#/keys')
    expect(hooks()!.liveNotifications()).toBe(0)
  })

  it("the tray's Open Keyward brings an open window home (the Overview when keys exist), not where it was left", async () => {
    const { double } = await boot()
    const tray = double.trays[0]!
    const item = (label: string) => tray.menu!.template.find((i) => i.label === label)!
    await until('the tray menu', () => tray.menu !== null && tray.menu !== undefined)
    item('Open Keyward').click!({} as never, undefined, {} as never)
    const window = double.windows.at(-1)!
    // App.tsx picks for '#/': the Overview when keys exist, the wizard when there are none or one is under way.
    expect(window.loaded.at(-1)).toBe('keyward://app/index.html#/')
    const windows = double.windows.length
    item('Open Keyward').click!({} as never, undefined, {} as never)
    expect(double.windows).toHaveLength(windows) // the same window, not a second one
  })

  it('on quit, clears a Keyward secret still on the clipboard before exiting', async () => {
    const { double, invoke } = await boot()
    const secret = `wss://10.0.154.3:9443+${aes('boot')}+allowSelfSignedCertificate`
    const saved = (await invoke('uispKey.save', { text: secret })) as Outcome<{ id: string }>
    if (!saved.ok) throw new Error(saved.error.message)
    expect(await invoke('uispKey.copy', { id: saved.value.id })).toMatchObject({ ok: true, value: { copied: true } })
    expect(double.clipboard.text).toBe(secret)
    double.module.app.quit()
    await until('the app to exit', () => double.app.exitCode !== null)
    expect(double.clipboard.text).toBe('')
    expect(double.trays[0]!.destroyed).toBe(true)
    expect(double.journal.filter((e) => e.startsWith('app.exit'))).toEqual(['app.exit 0'])
  })

  it('still exits when the clean-up hangs (a clipboard that never answers)', async () => {
    const { double, invoke } = await boot({ clipboardGate: new Promise(() => {}) })
    const saved = (await invoke('uispKey.save', { text: `wss://10.0.154.3:9443+${aes('hang')}` })) as Outcome<{
      id: string
    }>
    if (!saved.ok) throw new Error(saved.error.message)
    await invoke('uispKey.copy', { id: saved.value.id })
    double.module.app.quit()
    double.module.app.quit() // a second quit while waiting changes nothing
    await until('the app to exit despite the hang', () => double.app.exitCode !== null, 30_000)
    expect(double.journal.filter((e) => e.startsWith('app.exit'))).toEqual(['app.exit 0'])
  })

  it('shows the window for a second instance and for a macOS Dock click', async () => {
    const { double } = await boot({ argv: ['--hidden'], platform: 'darwin' })
    expect(double.windows).toHaveLength(0) // a login start stays in the menu bar
    double.app.emit('second-instance', new FakeEvent(), [], '')
    expect(double.windows).toHaveLength(1)
    double.windows[0]!.close()
    double.app.emit('activate', new FakeEvent(), false)
    expect(double.windows.filter((w) => !w.destroyed)).toHaveLength(1)
  })

  it('quits at once, creating nothing, when another copy already runs', async () => {
    const { double } = await boot({ singleInstance: false, waitForStart: false })
    expect(double.journal).toContain('app.quit')
    await new Promise((resolve) => setImmediate(resolve))
    expect(double.journal).not.toContain('protocol.handle keyward')
    expect(double.windows).toHaveLength(0)
  })

  it('shows a native error dialog naming the log file when start-up fails', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'keyward-boot-'))
    mkdirSync(join(userData, 'config.json')) // the settings file cannot be read: a directory stands in its way
    const { double } = await boot({ userDataDir: userData, waitForStart: false })
    await until('the error dialog', () => double.errorBoxes.length > 0)
    expect(double.errorBoxes[0]!.title).toMatch(/could not start/i)
    expect(double.errorBoxes[0]!.content).toContain(join(userData, 'logs', 'keyward.log'))
    expect(double.app.exitCode).toBe(1)
    expect(readFileSync(join(userData, 'logs', 'keyward.log'), 'utf8')).toMatch(/could not start/)
  })
})

describe('a login start on Linux, with a real session bus', () => {
  let bus: PrivateBus | null = null
  afterEach(async () => {
    await bus?.stop()
    bus = null
  })

  it('stays in the tray when a StatusNotifierWatcher exists, and shows the window with advice when none does', async () => {
    bus = await startPrivateBus()
    const withoutHost = await boot({
      argv: ['--hidden'],
      platform: 'linux',
      env: { DBUS_SESSION_BUS_ADDRESS: bus.address },
    })
    expect(withoutHost.double.windows).toHaveLength(1)
    expect(hooks()!.trayHost()).toMatchObject({ available: false, advice: expect.stringMatching(/AppIndicator/) })
    expect(await withoutHost.invoke('desktop.status')).toMatchObject({
      ok: true,
      value: { trayHost: { available: false } },
    })
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()

    const watcher = await startStandInWatcher(bus.address)
    try {
      const withHost = await boot({
        argv: ['--hidden'],
        platform: 'linux',
        env: { DBUS_SESSION_BUS_ADDRESS: bus.address },
      })
      expect(withHost.double.windows).toHaveLength(0)
      expect(hooks()!.trayHost()).toEqual({ available: true, advice: null })
      // The watcher goes away (a panel restart): the app says so to the page.
      await watcher.stop()
      await until(
        'desktop.changed',
        () => withHost.double.windows.length === 0 && hooks()!.trayHost()?.available === false,
      )
    } finally {
      await watcher.stop()
    }
  })
})

/**
 * A key the tray must show as `attention` (its console, on a closed loopback port, does not answer: unknown)
 * or as `error` (expired). Written through the core itself (from source), so the records are the real ones.
 */
async function seedKey(userData: string, kind: 'attention' | 'error'): Promise<void> {
  const core = createCore({ dataDir: userData, version: '0.0.0', vault: new MemorySecretStore(), log: silentLogger })
  core.settings.upsertConsole({
    key: '127.0.0.1:9',
    host: '127.0.0.1',
    port: 9,
    kind: 'unifi-os',
    model: 'UNVR',
    name: 'NVR',
    mac: null,
    apps: ['protect'],
    certificateSha256: Array(32).fill('AA').join(':'),
    lastSeen: '2026-01-01T00:00:00.000Z',
  })
  core.keys.register({
    app: 'protect',
    consoleKey: '127.0.0.1:9',
    username: 'keyward-ha',
    remoteId: 'r',
    passwordRef: null,
    masked: 'AbCd…WxYz',
    createdAt: '2026-01-01T00:00:00.000Z',
    lastCheck: null,
    keyRef: 'key:seed',
    name: kind === 'error' ? 'expired' : 'unanswered',
    expiresAt: kind === 'error' ? '2026-02-01T00:00:00.000Z' : null,
  })
  await core.close()
}
