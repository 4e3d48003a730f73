// The main window with Electron's security checklist applied: isolated,
// sandboxed, no Node in the renderer, no navigation, no new windows (allowed
// links go to the OS browser), no webviews, no permissions, and the CSP sent as
// a header by the keyward:// handler. The guards are installed for every
// webContents the app ever creates (`web-contents-created`, checklist items
// 12–14; electron.md §6b), not only for this window.
import { BrowserWindow, session, type App, type WebContents } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../../shared/csp.ts'

export function hardenSession(options: { devServer: boolean }): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  // The keyward:// handler sends the CSP itself. Anything else the session loads
  // gets it too, except the Vite dev server of `npm run dev`, whose page carries
  // the dev-only policy its inline React preamble needs (electron.md §4a).
  if (options.devServer) return
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    })
  })
}

export interface ContentGuards {
  /** True if a link may open in the OS browser (shell/external.ts). */
  allowExternal(url: string): boolean
  openExternal(url: string): void
  log(message: string, fields?: Record<string, unknown>): void
}

export function guardAllContents(app: Pick<App, 'on'>, guards: ContentGuards): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => {
      event.preventDefault()
      guards.log('refused a navigation', { url: event.url.slice(0, 200) })
    })
    contents.on('will-redirect', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (guards.allowExternal(url)) guards.openExternal(url)
      else guards.log('refused to open a window', { url: url.slice(0, 200) })
      return { action: 'deny' }
    })
  })
}

export interface MainWindowOptions {
  preload: string
  rendererUrl: string
  devTools: boolean
  onClosed(): void
}

/** The one main window: created on demand, shown and focused, or sent to a section (`#/keys`). */
export class MainWindow {
  #window: BrowserWindow | null = null
  readonly #options: MainWindowOptions

  constructor(options: MainWindowOptions) {
    this.#options = options
  }

  get contents(): WebContents[] {
    return this.#window && !this.#window.isDestroyed() ? [this.#window.webContents] : []
  }

  get url(): string | null {
    return this.#window && !this.#window.isDestroyed() ? this.#window.webContents.getURL() : null
  }

  show(hash = ''): void {
    const win = this.#window
    if (!win || win.isDestroyed()) {
      this.#window = this.#create(this.#options.rendererUrl + hash)
      return
    }
    // A fragment change is an in-page navigation: the renderer follows it (hashchange).
    if (hash) void win.loadURL(this.#options.rendererUrl + hash)
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }

  #create(url: string): BrowserWindow {
    const win = new BrowserWindow({
      width: 920,
      height: 680,
      minWidth: 560,
      minHeight: 420,
      show: false,
      title: 'Keyward',
      autoHideMenuBar: true,
      webPreferences: {
        preload: this.#options.preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        webviewTag: false,
        spellcheck: false,
        devTools: this.#options.devTools,
      },
    })
    win.once('ready-to-show', () => win.show())
    // Keep running in the tray when the window closes.
    win.on('closed', () => {
      this.#window = null
      this.#options.onClosed()
    })
    void win.loadURL(url)
    return win
  }
}
