// Test mode only (KEYWARD_TEST_USER_DATA): what the real-Electron specs read in the main process.
import type { Core } from '../core/index.ts'
import type { KeyNotification } from '../../shared/domain.ts'
import type { TrayModel } from '../../shared/tray.ts'
import type { NotificationCenter } from './notifications.ts'
import type { TrayController } from './tray.ts'
import type { MainWindow } from './window.ts'

export function exposeTestHooks(parts: {
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
