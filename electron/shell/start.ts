// The Electron shell's start-up at `ready`, as named steps in order (tested against the built bundle,
// tests/integration/boot.test.ts): serve the renderer and harden the session, create the core, guard
// every web contents, open the window and IPC, the tray, notifications, the system watches, the quit
// guard, then show the window unless this is a login start on a desktop that has a tray host.
import { app, clipboard, ipcMain, Notification, protocol, shell, Tray } from 'electron'
import { join } from 'node:path'
import { createCore, type Core } from '../core/index.ts'
import type { LogFile } from '../core/log-file.ts'
import { teeSink, type Logger } from '../core/log.ts'
import { MemorySecretStore } from '../core/vault/secret-store.ts'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts'
import { startedAtLogin } from './autostart.ts'
import { externalUrlAllowed } from './external.ts'
import { registerIpc } from './ipc.ts'
import type { Launch } from './launch.ts'
import { createKeyNotifier, type KeyNotifier } from './key-notifier.ts'
import { NotificationCenter } from './notifications.ts'
import { installQuitGuard } from './quit.ts'
import { createRendererHandler, RENDERER_SCHEME } from './renderer-protocol.ts'
import { trayHostWatch, watchSystem } from './system-watch.ts'
import { exposeTestHooks } from './test-hooks.ts'
import { TrayController } from './tray.ts'
import { guardAllContents, hardenSession, MainWindow } from './window.ts'

export interface ShellContext {
  launch: Launch
  logFile: LogFile
  /** Where log lines go besides the log file. */
  stderr: (line: string) => void
  /** The bundle's directory (out/main): the renderer and preload are next to it. */
  mainDir: string
  /** Called once the core's logger (which also redacts the vault's secrets) replaces the start-up one. */
  useLog: (log: Logger) => void
}

export async function startShell(context: ShellContext): Promise<void> {
  const { launch, mainDir } = context
  serveRenderer(launch, mainDir)
  const core = createShellCore(context)
  const log = core.log
  context.useLog(log)
  log.info('Keyward started', { version: app.getVersion(), packaged: app.isPackaged, testMode: !!launch.testUserData })

  const refusals = guardContents(core)
  const window = openWindow(core, launch, mainDir)
  const tray = createTray(core, window)
  const notifier = keyNotifications(core, window)

  const stopWatches = watchSystem(core)
  const stopTrayHostWatch = await trayHostWatch(core, log)
  installQuitGuard(app, {
    finish: async () => {
      notifier.stop()
      stopWatches()
      stopTrayHostWatch()
      tray.destroy()
      await core.close() // signs out of consoles, clears a clipboard still holding a Keyward secret
    },
    log: (message, fields) => log.warn(message, fields),
  })

  core.keys.start()
  tray.update(core.keys.tray())
  showAtStart(core, launch, window)
  if (launch.testUserData) {
    const { center: notifications, notify } = notifier
    exposeTestHooks({ core, tray, notifications, window, notify, refusals })
  }
}

/** The keyward:// scheme serves out/renderer with the CSP; the session refuses what the app never asks for. */
function serveRenderer(launch: Launch, mainDir: string): void {
  const rendererDir = join(mainDir, '../renderer')
  protocol.handle(RENDERER_SCHEME, createRendererHandler({ rendererDir, csp: CONTENT_SECURITY_POLICY }))
  if (process.platform === 'win32') app.setAppUserModelId('net.keyward.app') // notifications need it
  hardenSession({ devServer: launch.devServer })
}

function createShellCore({ launch, logFile, stderr }: ShellContext): Core {
  return createCore({
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    clipboard: { writeText: (text) => clipboard.writeText(text), readText: () => clipboard.readText() },
    logSink: teeSink(stderr, logFile.write),
    logs: { dir: logFile.dir, file: logFile.path, open: () => shell.openPath(logFile.dir) },
    // Test mode: an in-memory vault (electron.md §6b).
    ...(launch.testUserData ? { vault: new MemorySecretStore() } : {}),
  })
}

/** No navigation, no new window; only allow-listed links open, in the browser. Answers the last refused URLs. */
function guardContents(core: Core): string[] {
  /** The last URLs a navigation or window.open was refused for (the test hooks' `refused()`). */
  const refusals: string[] = []
  const homeAssistants = () => core.settings.listHomeAssistants().map((h) => h.url)
  guardAllContents(app, {
    allowExternal: (url) => externalUrlAllowed(url, homeAssistants()),
    openExternal: (url) =>
      void shell.openExternal(url).catch((error) => core.log.warn('could not open a link', { error })),
    log: (message, fields) => {
      refusals.push(String(fields?.url ?? ''))
      if (refusals.length > 50) refusals.shift()
      core.log.warn(message, fields)
    },
  })
  return refusals
}

/** The one window, the IPC it talks over, and the app events that bring it back. */
function openWindow(core: Core, launch: Launch, mainDir: string): MainWindow {
  const window = new MainWindow({
    preload: join(mainDir, '../preload/index.cjs'),
    rendererUrl: launch.rendererUrl,
    devTools: launch.devTools,
    // A window destroyed before its page said "key list closed" must not keep notifications muted.
    onClosed: () => core.keys.setKeyListOpen(false),
  })
  registerIpc(ipcMain, core, launch.rendererUrl, () => window.contents)
  app.on('second-instance', () => window.show())
  app.on('activate', () => window.show()) // macOS: a Dock click with no window open (electron.md §6b)
  app.on('window-all-closed', () => {
    /* stay in the tray */
  })
  return window
}

function createTray(core: Core, window: MainWindow): TrayController {
  const tray = new TrayController(
    join(app.getAppPath(), 'resources'),
    {
      open: () => window.show('#/'), // home: App.tsx lands on the Overview when keys exist (issue 17)
      openKeys: () => window.show('#/keys'),
      newKey: () => window.show('#/new'),
      checkAll: () => void core.keys.checkNow(),
      quit: () => app.quit(),
    },
    (icon) => new Tray(icon),
  )
  core.subscribe('tray.changed', (model) => tray.update(model))
  return tray
}

function keyNotifications(core: Core, window: MainWindow): KeyNotifier {
  const center = new NotificationCenter({
    create: (options) => new Notification(options),
    isSupported: () => Notification.isSupported(),
    onClick: () => window.show('#/keys'),
    log: (message, fields) => core.log.warn(message, fields),
  })
  return createKeyNotifier(center, (notify) => core.subscribe('keys.notification', notify))
}

/** The window opens unless this is a login start; a tray-only app hidden without a tray host would be invisible. */
function showAtStart(core: Core, launch: Launch, window: MainWindow): void {
  const trayHost = core.desktop.status().trayHost
  const loginStart = launch.hidden || startedAtLogin()
  if (!loginStart) window.show()
  else if (trayHost && !trayHost.available) {
    // electron.md §6a
    core.log.warn('no tray host on this desktop; showing the window instead of starting hidden')
    window.show()
  }
}
