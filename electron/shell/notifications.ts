// Desktop notifications for key transitions. Electron keeps only a weak
// reference to a main-process Notification: once collected, its click handler
// is gone and a click does nothing (electron/electron#16922, #12690;
// electron.md §6b). Every shown notification is kept here until it is clicked,
// closed or fails (unsigned macOS builds emit `failed`, electron.md §0a).
import type { Notification, NotificationConstructorOptions } from 'electron'

export interface NotificationCenterOptions {
  create: (options: NotificationConstructorOptions) => Notification
  isSupported: () => boolean
  onClick: () => void
  log?: (message: string, fields?: Record<string, unknown>) => void
}

export class NotificationCenter {
  readonly #live = new Set<Notification>()
  readonly #options: NotificationCenterOptions

  constructor(options: NotificationCenterOptions) {
    this.#options = options
  }

  /** How many notifications are shown and still held (tests; a leak would make it grow). */
  get live(): number {
    return this.#live.size
  }

  show(content: { title: string; body: string }): Notification | null {
    if (!this.#options.isSupported()) return null
    const notification = this.#options.create({ title: content.title, body: content.body })
    this.#live.add(notification)
    const release = () => this.#live.delete(notification)
    notification.on('click', () => {
      release()
      this.#options.onClick()
    })
    notification.on('close', release)
    notification.on('failed', (_event, error) => {
      release()
      this.#options.log?.('a notification could not be shown', { error })
    })
    notification.show()
    return notification
  }

  /** Closes every notification still shown (quit). */
  closeAll(): void {
    for (const notification of this.#live) notification.close()
    this.#live.clear()
  }
}
