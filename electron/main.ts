// Electron entry: owns the app lifecycle and hands everything real to the core.
// Order matters and is tested against the built bundle (tests/integration/boot.test.ts):
//   before ready: read the launch, pick the user-data directory, open the log
//   file, register the keyward:// scheme, sandbox, single-instance lock;
//   at ready: serve the renderer, harden the session, create the core, IPC,
//   tray, notifications, quit guard, then show the window unless this is a
//   login start on a desktop that has a tray host.
// Any failure on the way shows a native error dialog naming the log file.
import { app, clipboard, dialog, ipcMain, Notification, powerMonitor, protocol, shell, Tray } from 'electron'
import { join } from 'node:path'
import { createCore, type Core } from './core/index.ts'
import { checkTrayHost, watchTrayHost, type TrayHostStatus } from './core/desktop/tray-host.ts'
import { watchNetwork } from './core/keys/network-watch.ts'
import { openLogFile } from './core/log-file.ts'
import { createLogger, teeSink, type Logger } from './core/log.ts'
import { MemorySecretStore } from './core/vault/secret-store.ts'
import { CONTENT_SECURITY_POLICY } from '../shared/csp.ts'
import type { KeyNotification } from '../shared/domain.ts'
import type { TrayModel } from '../shared/tray.ts'
import { applyStartAtLogin, startedAtLogin } from './shell/autostart.ts'
import { externalUrlAllowed } from './shell/external.ts'
import { registerIpc } from './shell/ipc.ts'
import { readLaunch } from './shell/launch.ts'
import { NotificationCenter } from './shell/notifications.ts'
import { installQuitGuard } from './shell/quit.ts'
import { createRendererHandler, RENDERER_PRIVILEGES, RENDERER_SCHEME } from './shell/renderer-protocol.ts'
import { TrayController } from './shell/tray.ts'
import { guardAllContents, hardenSession, MainWindow } from './shell/window.ts'

const launch = readLaunch({ env: process.env, argv: process.argv, isPackaged: app.isPackaged })
// Test mode: its own user data (settings, logs) and an in-memory vault (electron.md §6b).
if (launch.testUserData) app.setPath('userData', launch.testUserData)

const logFile = openLogFile({ dir: join(app.getPath('userData'), 'logs') })
const stderr = (line: string) => void process.stderr.write(line + '\n')
/** Until the core exists (it redacts the vault's secrets too), lines are redacted by field name only. */
let log: Logger = createLogger(teeSink(stderr, logFile.write))
for (const note of launch.notes) log.warn(note)
process.on('unhandledRejection', (reason) => log.error('unhandled promise rejection', { error: reason }))

let started = false
function fatal(error: unknown): void {
  log.error('Keyward could not start', { error })
  const message = error instanceof Error ? error.message : String(error)
  const detail = `${message}\n\nThe log file has the details:\n${logFile.path}`
  dialog.showErrorBox('Keyward could not start', detail)
  app.exit(1)
}
process.on('uncaughtException', (error) => {
  log.error('uncaught exception', { error })
  if (!started) fatal(error)
})

// Before `ready`, and only once (protocol docs; electron.md §4a).
protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: RENDERER_PRIVILEGES }])
app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.whenReady().then(start).catch(fatal)
}

async function start(): Promise<void> {
  protocol.handle(
    RENDERER_SCHEME,
    createRendererHandler({
      rendererDir: join(import.meta.dirname, '../renderer'),
      csp: CONTENT_SECURITY_POLICY,
    }),
  )
  if (process.platform === 'win32') app.setAppUserModelId('net.keyward.app') // notifications need it
  hardenSession({ devServer: launch.devServer })

  const core = createCore({
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    siteManager: { url: 'https://api.ui.com' },
    clipboard: { writeText: (text) => clipboard.writeText(text), readText: () => clipboard.readText() },
    logSink: teeSink(stderr, logFile.write),
    logs: { dir: logFile.dir, file: logFile.path, open: () => shell.openPath(logFile.dir) },
    ...(launch.testUserData ? { vault: new MemorySecretStore() } : {}),
  })
  log = core.log
  log.info('Keyward started', { version: app.getVersion(), packaged: app.isPackaged, testMode: !!launch.testUserData })

  /** The last URLs a navigation or window.open was refused for (the test hooks' `refused()`). */
  const refusals: string[] = []
  guardAllContents(app, {
    allowExternal: (url) =>
      externalUrlAllowed(
        url,
        core.settings.listHomeAssistants().map((h) => h.url),
      ),
    openExternal: (url) => void shell.openExternal(url).catch((error) => log.warn('could not open a link', { error })),
    log: (message, fields) => {
      refusals.push(String(fields?.url ?? ''))
      if (refusals.length > 50) refusals.shift()
      log.warn(message, fields)
    },
  })

  const window = new MainWindow({
    preload: join(import.meta.dirname, '../preload/index.cjs'),
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

  const tray = new TrayController(
    join(app.getAppPath(), 'resources'),
    {
      open: () => window.show(),
      openKeys: () => window.show('#/keys'),
      newKey: () => window.show('#/new'),
      checkAll: () => void core.keys.checkNow(),
      quit: () => app.quit(),
    },
    (icon) => new Tray(icon),
  )
  core.subscribe('tray.changed', (model) => tray.update(model))

  const notifications = new NotificationCenter({
    create: (options) => new Notification(options),
    isSupported: () => Notification.isSupported(),
    onClick: () => window.show('#/keys'),
    log: (message, fields) => log.warn(message, fields),
  })
  let quitting = false
  const notify = (n: KeyNotification) => (quitting ? null : notifications.show(n))
  core.subscribe('keys.notification', notify)

  const stopWatches = watchSystem(core)
  const stopTrayHostWatch = await trayHostWatch(core)

  installQuitGuard(app, {
    finish: async () => {
      quitting = true
      notifications.closeAll()
      stopWatches()
      stopTrayHostWatch()
      tray.destroy()
      await core.close() // signs out of consoles, clears a clipboard still holding a Keyward secret
    },
    log: (message, fields) => log.warn(message, fields),
  })

  core.keys.start()
  tray.update(core.keys.tray())
  const trayHost = core.desktop.status().trayHost
  const loginStart = launch.hidden || startedAtLogin()
  if (!loginStart) window.show()
  else if (trayHost && !trayHost.available) {
    // A tray-only app started hidden on a desktop without a tray host is invisible (electron.md §6a).
    log.warn('no tray host on this desktop; showing the window instead of starting hidden')
    window.show()
  }
  started = true
  if (launch.testUserData) exposeTestHooks({ core, tray, notifications, window, notify, refusals })
}

/** Re-check at once after sleep, a screen unlock or a change of the machine's addresses. */
function watchSystem(core: Core): () => void {
  powerMonitor.on('resume', () => core.keys.wake())
  powerMonitor.on('unlock-screen', () => core.keys.wake())
  const stopNetwork = watchNetwork(() => core.keys.wake())
  // Start at login is opt-in (a preference); the OS setting follows it.
  applyStartAtLogin(core.settings.getPreferences().startAtLogin)
  const unsubscribe = core.subscribe('preferences.changed', (p) => applyStartAtLogin(p.startAtLogin))
  return () => {
    stopNetwork()
    unsubscribe()
  }
}

/** Linux: is there a StatusNotifierWatcher to show the tray icon? Re-checked when watchers come and go. */
async function trayHostWatch(core: Core): Promise<() => void> {
  const publish = (status: TrayHostStatus) => {
    if (status.available) log.info('tray host found')
    else log.warn('no tray host: the tray icon cannot be shown', { reason: status.reason })
    core.desktop.set({ trayHost: { available: status.available, advice: status.available ? null : status.advice } })
  }
  if (process.platform !== 'linux') return () => {}
  publish(await checkTrayHost())
  return watchTrayHost(publish).catch((error: unknown) => {
    log.warn('cannot watch for a tray host', { error })
    return () => {}
  })
}

/** Test mode only (KEYWARD_TEST_USER_DATA): what the real-Electron specs read in the main process. */
function exposeTestHooks(parts: {
  core: Core
  tray: TrayController
  notifications: NotificationCenter
  window: MainWindow
  notify: (n: KeyNotification) => Electron.Notification | null
  refusals: string[]
}): void {
  const shown: Electron.Notification[] = []
  const contents: { title: string; body: string }[] = []
  Object.assign(globalThis, {
    keywardTest: {
      trayModel: (): TrayModel | null => parts.tray.model,
      trayHost: () => parts.core.desktop.status().trayHost,
      notifications: () => contents.slice(),
      notify: (n: { title: string; body: string }) => {
        const notification = parts.notify({ ...n, keyIds: [] })
        if (notification) {
          shown.push(notification)
          contents.push(n)
        }
        return notification !== null
      },
      clickNotification: (index: number) => shown[index]?.emit('click'),
      windowUrl: () => parts.window.url,
      liveNotifications: () => parts.notifications.live,
      refused: () => parts.refusals.slice(),
    },
  })
}
