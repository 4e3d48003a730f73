// A minimal tray: Linux desktops may ignore clicks, so there is always a
// context menu (Signal's SystemTrayService; electron.md §6). The full tray,
// driven by a pure function of key states, comes with the key list.
import { Menu, Tray, nativeImage } from 'electron'

export interface TrayActions {
  open(): void
  quit(): void
}

export function createTray(iconPath: string, actions: TrayActions, factory = (icon: Electron.NativeImage) => new Tray(icon)) {
  const tray = factory(nativeImage.createFromPath(iconPath))
  tray.setToolTip('Keyward')
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Keyward', click: actions.open },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  )
  tray.on('click', actions.open)
  return tray
}
