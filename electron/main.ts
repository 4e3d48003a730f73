// Electron entry: owns the app lifecycle and hands everything real to the core.
// Single instance, sandboxed renderers, resident in the tray when windows close.
import { app, BrowserWindow, clipboard, ipcMain, Notification, powerMonitor } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createCore } from './core/index.ts'
import { watchNetwork } from './core/keys/network-watch.ts'
import type { KeyNotification, Preferences } from '../shared/domain.ts'
import type { TrayModel } from '../shared/tray.ts'
import { applyStartAtLogin, startedAtLogin } from './shell/autostart.ts'
import { registerIpc } from './shell/ipc.ts'
import { TrayController } from './shell/tray.ts'
import { createMainWindow, hardenSession } from './shell/window.ts'

app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let window: BrowserWindow | null = null
  let quitting = false
  const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href
  const preload = join(import.meta.dirname, '../preload/index.cjs')

  let onWindowClosed = () => {}
  const showWindow = (hash = '') => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({ preload, rendererUrl: rendererUrl + hash })
      // Keep running in the tray when the window closes.
      window.on('closed', () => {
        window = null
        onWindowClosed()
      })
    } else {
      // A fragment change is an in-page navigation: the renderer follows it (hashchange).
      if (hash) void window.loadURL(rendererUrl + hash)
      if (window.isMinimized()) window.restore()
      window.show()
      window.focus()
    }
  }

  app.on('second-instance', () => showWindow())
  app.on('window-all-closed', () => {
    /* stay in the tray */
  })
  let closeCore: () => Promise<void> = async () => {}
  app.on('before-quit', () => {
    quitting = true
    void closeCore() // sign out of consoles, stop checks; best effort
  })

  void app.whenReady().then(() => {
    if (process.platform === 'win32') app.setAppUserModelId('net.keyward.app') // notifications need it
    hardenSession()
    const core = createCore({
      dataDir: app.getPath('userData'),
      version: app.getVersion(),
      siteManager: { url: 'https://api.ui.com' },
      clipboard: { writeText: (text) => clipboard.writeText(text), readText: () => clipboard.readText() },
    })
    closeCore = core.close
    // A window destroyed before its page said "key list closed" must not keep notifications muted.
    onWindowClosed = () => core.keys.setKeyListOpen(false)
    registerIpc(ipcMain, core, rendererUrl, () => BrowserWindow.getAllWindows().map((w) => w.webContents))

    const tray = new TrayController(join(app.getAppPath(), 'resources'), {
      open: () => showWindow(),
      openKeys: () => showWindow('#/keys'),
      newKey: () => showWindow('#/new'),
      checkAll: () => void core.keys.checkNow(),
      quit: () => app.quit(),
    })
    core.subscribe('tray.changed', (model) => tray.update(model as TrayModel))
    core.subscribe('keys.notification', (payload) => {
      const n = payload as KeyNotification
      if (!Notification.isSupported() || quitting) return
      const notification = new Notification({ title: n.title, body: n.body })
      notification.on('click', () => showWindow('#/keys'))
      notification.show()
    })
    // Re-check at once after sleep or a screen unlock rather than at the next tick.
    powerMonitor.on('resume', () => core.keys.wake())
    powerMonitor.on('unlock-screen', () => core.keys.wake())
    watchNetwork(() => core.keys.wake())

    // Start at login is opt-in (a preference); the OS setting follows it.
    applyStartAtLogin(core.settings.getPreferences().startAtLogin)
    core.subscribe('preferences.changed', (p) => applyStartAtLogin((p as Preferences).startAtLogin))

    core.keys.start()
    tray.update(core.keys.tray())
    if (!startedAtLogin()) showWindow()
  })
}
