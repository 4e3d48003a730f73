// The tray: draws the model core computes (shared/tray.ts), nothing more.
// Signal's SystemTrayService: an injectable factory for tests and an
// idempotent render; mullvad's controller: updates throttled to 200 ms
// ("the icon doesn't update if the iconSet is changed too quickly"). Linux
// desktops may ignore clicks, so there is always a context menu (electron.md §6).
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron'
import { join } from 'node:path'
import type { TrayIcon, TrayModel } from '../../shared/tray.ts'

export interface TrayActions {
  open(): void
  openKeys(): void
  newKey(): void
  checkAll(): void
  quit(): void
}

/** Icon file for a state: macOS template images, Windows .ico, Linux PNG (Electron picks @2x/@3x). */
export function iconPath(resources: string, icon: TrayIcon, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(resources, 'tray', `${icon}Template.png`)
  if (platform === 'win32') return join(resources, 'tray', `${icon}.ico`)
  return join(resources, 'tray', `${icon}.png`)
}

export function menuTemplate(model: TrayModel, actions: TrayActions): MenuItemConstructorOptions[] {
  return model.menu.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' }
      case 'more':
        return { label: item.label, click: actions.openKeys }
      case 'key':
        return { label: item.label, click: actions.openKeys }
      case 'action': {
        const click = {
          'check-all': actions.checkAll,
          'open-keys': actions.openKeys,
          'new-key': actions.newKey,
          quit: actions.quit,
        }[item.id]
        return { label: item.label, enabled: item.enabled, click }
      }
    }
  })
}

export class TrayController {
  readonly #tray: Tray
  readonly #icons = new Map<TrayIcon, NativeImage>()
  #shown: string | null = null
  #model: TrayModel | null = null
  #pending: TrayModel | null = null
  #timer: NodeJS.Timeout | null = null

  constructor(
    readonly resources: string,
    readonly actions: TrayActions,
    factory: (icon: NativeImage) => Tray = (icon) => new Tray(icon),
    readonly throttleMs = 200,
  ) {
    this.#tray = factory(this.#icon('ok'))
    this.#tray.setToolTip('Keyward')
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Keyward', click: actions.open },
        { type: 'separator' },
        { label: 'Quit Keyward', click: actions.quit },
      ]),
    )
    this.#tray.on('click', actions.open)
  }

  #icon(icon: TrayIcon): NativeImage {
    let image = this.#icons.get(icon)
    if (!image) {
      image = nativeImage.createFromPath(iconPath(this.resources, icon))
      if (process.platform === 'darwin') image.setTemplateImage(true)
      this.#icons.set(icon, image)
    }
    return image
  }

  /** The model last drawn (null before the first): what the user sees now. */
  get model(): TrayModel | null {
    return this.#model
  }

  /** Shows `model`; repeated identical models do nothing, bursts are throttled. */
  update(model: TrayModel): void {
    this.#pending = model
    if (this.#timer) return
    this.#render()
    this.#timer = setTimeout(() => {
      this.#timer = null
      if (this.#pending) this.#render()
    }, this.throttleMs)
  }

  #render(): void {
    const model = this.#pending
    this.#pending = null
    if (!model) return
    const signature = JSON.stringify(model)
    if (signature === this.#shown) return
    this.#shown = signature
    this.#model = model
    this.#tray.setImage(this.#icon(model.icon))
    this.#tray.setToolTip(model.tooltip)
    // Linux needs setContextMenu again for changed items (tray.md "Platform Considerations").
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: 'Open Keyward', click: this.actions.open },
        { type: 'separator' },
        ...menuTemplate(model, this.actions),
      ]),
    )
  }

  destroy(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#tray.destroy()
  }
}
