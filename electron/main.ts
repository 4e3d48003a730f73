// Electron entry: owns the app lifecycle and hands everything real to the core.
import { app, BrowserWindow, ipcMain } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createCore } from './core/index.ts'
import { registerIpc } from './shell/ipc.ts'
import { createTray } from './shell/tray.ts'
import { createMainWindow, hardenSession } from './shell/window.ts'

app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let window: BrowserWindow | null = null
  let quitting = false
  const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href
  const preload = join(import.meta.dirname, '../preload/index.cjs')

  const showWindow = () => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({ preload, rendererUrl })
      // Keep running in the tray when the window closes.
      window.on('close', () => {
        if (!quitting) window = null
      })
    } else {
      if (window.isMinimized()) window.restore()
      window.show()
      window.focus()
    }
  }

  app.on('second-instance', showWindow)
  app.on('window-all-closed', () => {
    /* stay in the tray */
  })
  let closeCore: () => Promise<void> = async () => {}
  app.on('before-quit', () => {
    quitting = true
    void closeCore() // sign out of consoles; best effort
  })

  void app.whenReady().then(() => {
    hardenSession()
    const core = createCore({
      dataDir: app.getPath('userData'),
      version: app.getVersion(),
      siteManager: { url: 'https://api.ui.com' },
    })
    closeCore = core.close
    registerIpc(ipcMain, core, rendererUrl, () => BrowserWindow.getAllWindows().map((w) => w.webContents))
    createTray(join(app.getAppPath(), 'resources/tray/ok.png'), { open: showWindow, quit: () => app.quit() })
    showWindow()
  })
}
