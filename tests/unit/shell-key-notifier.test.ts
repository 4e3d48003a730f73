// electron/shell/key-notifier.ts: a key that turns failing shows a desktop notification; once Keyward
// quits, none pops up any more and those still on screen go away with the app.
import { EventEmitter } from 'node:events'
import type { Notification } from 'electron'
import { describe, expect, it } from 'vitest'
import type { KeyNotification } from '../../shared/domain.ts'
import { createKeyNotifier } from '../../electron/shell/key-notifier.ts'
import { NotificationCenter } from '../../electron/shell/notifications.ts'

class FakeNotification extends EventEmitter {
  constructor(readonly title: string) {
    super()
  }
  onScreen = false
  show() {
    this.onScreen = true
  }
  close() {
    this.onScreen = false
    this.emit('close')
  }
}

function setup() {
  const made: FakeNotification[] = []
  const center = new NotificationCenter({
    create: (options) => {
      const n = new FakeNotification(options.title ?? '')
      made.push(n)
      return n as unknown as Notification
    },
    isSupported: () => true,
    onClick: () => {},
  })
  let publish: (n: KeyNotification) => void = () => {}
  const notifier = createKeyNotifier(center, (listener) => (publish = listener))
  return { made, notifier, publish: (n: KeyNotification) => publish(n) }
}

const failing: KeyNotification = { title: 'A key is failing', body: 'home-assistant · NVR', keyIds: ['k1'] }

describe('key notifications on the desktop', () => {
  it('shows each key notification the core publishes', () => {
    const { made, publish } = setup()
    publish(failing)
    publish({ title: 'A key expires soon', body: 'door · UDM', keyIds: ['k2'] })
    expect(made.map((n) => [n.title, n.onScreen])).toEqual([
      ['A key is failing', true],
      ['A key expires soon', true],
    ])
  })

  it('after quit: shows no more, and closes those still on screen', () => {
    const { made, notifier, publish } = setup()
    publish(failing)
    notifier.stop()
    expect(made[0]!.onScreen).toBe(false)
    publish({ title: 'A key recovered', body: 'home-assistant · NVR', keyIds: ['k1'] })
    expect(notifier.notify(failing)).toBeNull()
    expect(made).toHaveLength(1)
  })
})
