// Key notifications (a key turned failing, expiring, recovered) as desktop notifications, until Keyward
// quits: from then on none is shown, and those still on screen are closed with the app.
import type { Notification } from 'electron'
import type { KeyNotification } from '../../shared/domain.ts'
import type { NotificationCenter } from './notifications.ts'

export interface KeyNotifier {
  readonly center: NotificationCenter
  /** Shows one key notification; null while quitting or where notifications are unsupported. */
  notify(notification: KeyNotification): Notification | null
  /** Quit: shows no more and closes what is shown. */
  stop(): void
}

export function createKeyNotifier(
  center: NotificationCenter,
  subscribe: (listener: (notification: KeyNotification) => void) => unknown,
): KeyNotifier {
  let quitting = false
  const notify = (n: KeyNotification) => (quitting ? null : center.show(n))
  subscribe(notify)
  return {
    center,
    notify,
    stop() {
      quitting = true
      center.closeAll()
    },
  }
}
