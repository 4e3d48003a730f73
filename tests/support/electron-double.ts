// A double of the part of Electron's main-process API that Keyward's shell
// uses, for booting the BUILT main bundle (out/main/index.js) in plain Node.
// It is typed against Electron's own electron.d.ts: each piece `implements` or
// `satisfies` a Pick of the real type, so when Electron changes a signature
// the typecheck fails here instead of the double drifting silently.
// This is a wiring test's stand-in, not Electron: it runs no Chromium, loads
// no page and draws no tray. It records what the shell asked for.
import type * as Electron from 'electron'
import { EventEmitter } from 'node:events'

type Listener = (...args: unknown[]) => void

export interface DoubleOptions {
  userData: string
  appPath: string
  isPackaged?: boolean
  /** What requestSingleInstanceLock answers (false: another copy runs). */
  singleInstance?: boolean
  notificationsSupported?: boolean
  /** The clipboard's reads wait for this when set (tests of the bounded quit). */
  clipboardGate?: Promise<void>
}

/** Everything the shell did, in order, as short strings (`app.enableSandbox`, `protocol.handle keyward`…). */
export type Journal = string[]

class FakeEvent {
  defaultPrevented = false
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true
  }
}

export class FakeWebContents
  extends EventEmitter
  implements Pick<Electron.WebContents, 'send' | 'isDestroyed' | 'getURL'>
{
  readonly sent: [string, unknown][] = []
  openHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | null = null
  url = ''
  destroyed = false
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, args[0]])
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  getURL(): string {
    return this.url
  }
  setWindowOpenHandler(handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {
    this.openHandler = handler
  }
}

type WindowApi = Pick<Electron.BrowserWindow, 'loadURL' | 'show' | 'focus' | 'isMinimized' | 'restore' | 'isDestroyed'>

export function createElectronDouble(options: DoubleOptions) {
  const journal: Journal = []
  const note = (entry: string) => journal.push(entry)

  class FakeApp extends EventEmitter {
    readonly isPackaged = options.isPackaged ?? false
    readonly paths = new Map<string, string>([['userData', options.userData]])
    exitCode: number | null = null
    readyFired = false
    /** The test decides when Electron is ready (so "before ready" is observable). */
    fireReady(): void {
      this.readyFired = true
      note('app.ready')
      this.emit('ready')
    }
  }
  const appState = new FakeApp()
  const app = Object.assign(appState, {
    enableSandbox: () => void note('app.enableSandbox'),
    requestSingleInstanceLock: () => {
      note('app.requestSingleInstanceLock')
      return options.singleInstance ?? true
    },
    quit: () => {
      note('app.quit')
      const event = new FakeEvent()
      appState.emit('before-quit', event)
      if (!event.defaultPrevented) appState.exitCode = 0
    },
    exit: (code?: number) => {
      note(`app.exit ${code ?? 0}`)
      appState.exitCode = code ?? 0
    },
    whenReady: () => appReady(),
    getPath: (name: Parameters<Electron.App['getPath']>[0]) => {
      const path = appState.paths.get(name)
      if (!path) throw new Error(`double: no path for ${name}`)
      return path
    },
    setPath: (name: string, path: string) => {
      note(`app.setPath ${name}`)
      appState.paths.set(name, path)
    },
    getVersion: () => '0.0.0-test',
    getAppPath: () => options.appPath,
    setAppUserModelId: (id: string) => void note(`app.setAppUserModelId ${id}`),
    setLoginItemSettings: (settings: Electron.Settings) =>
      void note(`app.setLoginItemSettings ${settings.openAtLogin}`),
    getLoginItemSettings: (): Electron.LoginItemSettings => ({
      openAtLogin: false,
      wasOpenedAtLogin: false,
      status: 'not-registered',
      executableWillLaunchAtLogin: false,
      launchItems: [],
    }),
  }) satisfies Pick<
    Electron.App,
    | 'enableSandbox'
    | 'requestSingleInstanceLock'
    | 'quit'
    | 'exit'
    | 'whenReady'
    | 'getPath'
    | 'setPath'
    | 'getVersion'
    | 'getAppPath'
    | 'setAppUserModelId'
    | 'setLoginItemSettings'
    | 'getLoginItemSettings'
  >
  let readyPromise: Promise<void> | null = null
  function appReady(): Promise<void> {
    readyPromise ??= new Promise((resolve) => {
      if (appState.readyFired) resolve()
      else appState.once('ready', () => resolve())
    })
    return readyPromise
  }

  const windows: FakeBrowserWindow[] = []
  class FakeBrowserWindow extends EventEmitter implements WindowApi {
    readonly webContents = new FakeWebContents()
    readonly loaded: string[] = []
    visible = false
    destroyed = false
    constructor(readonly options: Electron.BrowserWindowConstructorOptions) {
      super()
      windows.push(this)
      note('BrowserWindow.new')
      appState.emit('web-contents-created', new FakeEvent(), this.webContents)
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return windows.filter((w) => !w.destroyed)
    }
    async loadURL(url: string): Promise<void> {
      note(`window.loadURL ${url}`)
      this.loaded.push(url)
      this.webContents.url = url
      queueMicrotask(() => this.emit('ready-to-show'))
    }
    show(): void {
      this.visible = true
    }
    focus(): void {}
    isMinimized(): boolean {
      return false
    }
    restore(): void {}
    isDestroyed(): boolean {
      return this.destroyed
    }
    close(): void {
      this.destroyed = true
      this.webContents.destroyed = true
      this.emit('closed')
    }
  }

  const trays: FakeTray[] = []
  class FakeImage {
    templates = false
    constructor(readonly path: string) {}
    setTemplateImage(on: boolean): void {
      this.templates = on
    }
  }
  class FakeTray extends EventEmitter implements Pick<Electron.Tray, 'setToolTip' | 'destroy'> {
    readonly images: string[] = []
    tooltip = ''
    menu: { template: Electron.MenuItemConstructorOptions[] } | null = null
    destroyed = false
    constructor(image: FakeImage) {
      super()
      trays.push(this)
      this.images.push(image.path)
    }
    setImage(image: FakeImage): void {
      this.images.push(image.path)
    }
    setToolTip(text: string): void {
      this.tooltip = text
    }
    setContextMenu(menu: { template: Electron.MenuItemConstructorOptions[] } | null): void {
      this.menu = menu
    }
    destroy(): void {
      this.destroyed = true
    }
  }

  const notifications: FakeNotification[] = []
  class FakeNotification extends EventEmitter implements Pick<Electron.Notification, 'show' | 'close'> {
    shown = false
    closed = false
    constructor(readonly options: Electron.NotificationConstructorOptions) {
      super()
      notifications.push(this)
    }
    static isSupported(): boolean {
      return options.notificationsSupported ?? true
    }
    show(): void {
      this.shown = true
    }
    close(): void {
      this.closed = true
      this.emit('close', new FakeEvent())
    }
  }

  const invokeHandlers = new Map<string, Listener>()
  const ipcMain = {
    handle: (channel: string, listener: (event: Electron.IpcMainInvokeEvent, ...args: never[]) => unknown) => {
      note(`ipcMain.handle ${channel}`)
      invokeHandlers.set(channel, listener as Listener)
    },
    removeHandler: (channel: string) => void invokeHandlers.delete(channel),
  } satisfies Pick<Electron.IpcMain, 'handle' | 'removeHandler'>

  const schemes: Electron.CustomScheme[] = []
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>()
  const protocol = {
    registerSchemesAsPrivileged: (custom: Electron.CustomScheme[]) => {
      note(`protocol.registerSchemesAsPrivileged ${custom.map((s) => s.scheme).join(',')}`)
      if (appState.readyFired) throw new Error('registerSchemesAsPrivileged after ready (Electron refuses this)')
      schemes.push(...custom)
    },
    handle: (scheme: string, handler: (request: GlobalRequest) => GlobalResponse | Promise<GlobalResponse>) => {
      note(`protocol.handle ${scheme}`)
      if (!appState.readyFired) throw new Error('protocol.handle before ready (Electron refuses this)')
      protocolHandlers.set(scheme, async (request) => handler(request))
    },
  } satisfies Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'>

  const headerHooks: unknown[] = []
  const session = {
    defaultSession: {
      permissionRequestDenied: null as boolean | null,
      permissionCheckAnswer: null as boolean | null,
      setPermissionRequestHandler(handler: Parameters<Electron.Session['setPermissionRequestHandler']>[0]): void {
        handler?.(
          {} as Electron.WebContents,
          'notifications',
          (granted) => {
            session.defaultSession.permissionRequestDenied = !granted
          },
          {} as never,
        )
      },
      setPermissionCheckHandler(handler: Parameters<Electron.Session['setPermissionCheckHandler']>[0]): void {
        session.defaultSession.permissionCheckAnswer = handler?.(null, 'clipboard-read', '', {} as never) ?? null
      },
      webRequest: {
        onHeadersReceived: (listener: unknown) => void headerHooks.push(listener),
      },
    },
  }

  const clipboardState = { text: '' }
  const clipboard = {
    writeText: async (text: string) => {
      clipboardState.text = text
    },
    readText: async () => {
      if (options.clipboardGate) await options.clipboardGate
      return clipboardState.text
    },
  } satisfies Pick<Electron.Clipboard, 'writeText' | 'readText'>

  const opened: { external: string[]; paths: string[] } = { external: [], paths: [] }
  const shell = {
    openExternal: async (url: string) => void opened.external.push(url),
    openPath: async (path: string) => {
      opened.paths.push(path)
      return ''
    },
  } satisfies Pick<Electron.Shell, 'openExternal' | 'openPath'>

  const errorBoxes: { title: string; content: string }[] = []
  const dialog = {
    showErrorBox: (title: string, content: string) => void errorBoxes.push({ title, content }),
  } satisfies Pick<Electron.Dialog, 'showErrorBox'>

  const powerMonitor = new EventEmitter()
  const Menu = { buildFromTemplate: (template: Electron.MenuItemConstructorOptions[]) => ({ template }) }
  const nativeImage = { createFromPath: (path: string) => new FakeImage(path) }

  /** What `import … from 'electron'` gives the bundle. */
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    ipcMain,
    protocol,
    session,
    clipboard,
    shell,
    dialog,
    powerMonitor,
    Menu,
    nativeImage,
  }
  return {
    module,
    journal,
    app: appState,
    windows,
    trays,
    notifications,
    invokeHandlers,
    schemes,
    protocolHandlers,
    headerHooks,
    session: session.defaultSession,
    clipboard: clipboardState,
    opened,
    errorBoxes,
    powerMonitor,
  }
}

type GlobalRequest = Parameters<Parameters<Electron.Protocol['handle']>[1]>[0]
type GlobalResponse = Awaited<ReturnType<Parameters<Electron.Protocol['handle']>[1]>>

export type ElectronDouble = ReturnType<typeof createElectronDouble>
export { FakeEvent }
