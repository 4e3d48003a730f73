// The shell's small units, without Electron: what a launch is (dev server only
// unpackaged, test mode), which links may leave for the browser, notifications
// kept until clicked and none once quitting, and a quit that waits — boundedly — for clean-up.
import { EventEmitter } from 'node:events'
import type { App, Notification } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import type { KeyNotification } from '../../shared/domain.ts'
import { externalUrlAllowed } from '../../electron/shell/external.ts'
import { createKeyNotifier } from '../../electron/shell/key-notifier.ts'
import { readLaunch } from '../../electron/shell/launch.ts'
import { NotificationCenter } from '../../electron/shell/notifications.ts'
import { installQuitGuard } from '../../electron/shell/quit.ts'

describe('readLaunch', () => {
  const launch = (env: NodeJS.ProcessEnv, isPackaged: boolean, argv: string[] = []) =>
    readLaunch({ env, isPackaged, argv: ['electron', '.', ...argv] })

  it('loads the keyward:// entry by default, with DevTools only unpackaged', () => {
    expect(launch({}, true)).toMatchObject({
      rendererUrl: 'keyward://app/index.html',
      devServer: false,
      devTools: false,
    })
    expect(launch({}, false)).toMatchObject({ rendererUrl: 'keyward://app/index.html', devTools: true })
  })

  it('takes the dev server only unpackaged and only on loopback', () => {
    const dev = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' }
    expect(launch(dev, false)).toMatchObject({ rendererUrl: 'http://localhost:5173/', devServer: true })
    const packaged = launch(dev, true)
    expect(packaged).toMatchObject({ rendererUrl: 'keyward://app/index.html', devServer: false })
    expect(packaged.notes.join()).toMatch(/ignored in a packaged app/)
    for (const url of ['http://evil.example:5173/', 'file:///tmp/page.html', 'javascript:alert(1)', 'not a url']) {
      expect(launch({ ELECTRON_RENDERER_URL: url }, false).rendererUrl, url).toBe('keyward://app/index.html')
    }
  })

  it('enters test mode only with an absolute user-data directory', () => {
    expect(launch({ KEYWARD_TEST_USER_DATA: '/tmp/kw-test' }, true).testUserData).toBe('/tmp/kw-test')
    const relative = launch({ KEYWARD_TEST_USER_DATA: 'kw-test' }, true)
    expect(relative.testUserData).toBeNull()
    expect(relative.notes.join()).toMatch(/absolute/)
  })

  it('knows a login start by its flag', () => {
    expect(launch({}, true, ['--hidden']).hidden).toBe(true)
    expect(launch({}, true).hidden).toBe(false)
  })
})

describe('externalUrlAllowed', () => {
  const ha = ['http://homeassistant.local:8123']
  it('opens the help pages Keyward links to, over https only', () => {
    expect(externalUrlAllowed('https://help.ui.com/hc/en-us/articles/1', ha)).toBe(true)
    expect(externalUrlAllowed('https://my.home-assistant.io/redirect/config_flow_start/?domain=unifi', ha)).toBe(true)
    expect(externalUrlAllowed('http://help.ui.com/hc', ha)).toBe(false)
    expect(externalUrlAllowed('https://help.ui.com.evil.example/', ha)).toBe(false)
    expect(externalUrlAllowed('https://user:pass@help.ui.com/', ha)).toBe(false)
  })

  it('opens a connected Home Assistant, and nothing else on the LAN', () => {
    expect(externalUrlAllowed('http://homeassistant.local:8123/_my_redirect/config_flow_start?domain=unifi', ha)).toBe(
      true,
    )
    expect(externalUrlAllowed('http://homeassistant.local:8124/', ha)).toBe(false)
    expect(externalUrlAllowed('http://192.168.1.1/', ha)).toBe(false)
  })

  it('never hands other schemes to the OS', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://nas/share',
      'keyward://app/index.html',
      '',
    ]) {
      expect(externalUrlAllowed(url, ha), url).toBe(false)
    }
  })
})

class FakeNotification extends EventEmitter {
  shown = false
  closed = false
  show() {
    this.shown = true
  }
  close() {
    this.closed = true
    this.emit('close')
  }
}

/** A notification center over fake notifications, as the shell builds it over Electron's. */
function center(supported = true) {
  const made: FakeNotification[] = []
  const onClick = vi.fn()
  const log = vi.fn()
  const notifications = new NotificationCenter({
    create: () => {
      const n = new FakeNotification()
      made.push(n)
      return n as unknown as Notification
    },
    isSupported: () => supported,
    onClick,
    log,
  })
  return { notifications, made, onClick, log }
}

describe('NotificationCenter', () => {
  it('holds every shown notification until it is clicked or closed, and a click opens the app', () => {
    const { notifications, made, onClick } = center()
    notifications.show({ title: 'A key is failing', body: 'ha · NVR' })
    notifications.show({ title: 'A key expires soon', body: 'ha · UDM' })
    expect(made.every((n) => n.shown)).toBe(true)
    expect(notifications.live).toBe(2)
    made[0]!.emit('click')
    expect(onClick).toHaveBeenCalledOnce()
    expect(notifications.live).toBe(1)
    made[1]!.emit('close')
    expect(notifications.live).toBe(0)
  })

  it('lets go of a notification the OS refused (unsigned macOS builds) and says why in the log', () => {
    const { notifications, made, log } = center()
    notifications.show({ title: 't', body: 'b' })
    made[0]!.emit('failed', {}, 'not code-signed')
    expect(notifications.live).toBe(0)
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/could not be shown/), { error: 'not code-signed' })
  })

  it('shows nothing where notifications are unsupported, and closes all at quit', () => {
    expect(center(false).notifications.show({ title: 't', body: 'b' })).toBeNull()
    const { notifications, made } = center()
    notifications.show({ title: 't', body: 'b' })
    notifications.closeAll()
    expect(made[0]!.closed).toBe(true)
    expect(notifications.live).toBe(0)
  })
})

describe('key notifications (createKeyNotifier)', () => {
  const failing: KeyNotification = { title: 'A key is failing', body: 'home-assistant · NVR', keyIds: ['k1'] }
  const setup = () => {
    const { notifications, made } = center()
    let publish: (n: KeyNotification) => void = () => {}
    const notifier = createKeyNotifier(notifications, (listener) => (publish = listener))
    return { made, notifier, publish: (n: KeyNotification) => publish(n) }
  }

  it('shows each key notification the core publishes', () => {
    const { made, publish } = setup()
    publish(failing)
    publish({ title: 'A key expires soon', body: 'door · UDM', keyIds: ['k2'] })
    expect(made.map((n) => n.shown)).toEqual([true, true])
  })

  it('after quit: shows no more, and closes those still on screen', () => {
    const { made, notifier, publish } = setup()
    publish(failing)
    notifier.stop()
    expect(made[0]!.closed).toBe(true)
    publish({ title: 'A key recovered', body: 'home-assistant · NVR', keyIds: ['k1'] })
    expect(notifier.notify(failing)).toBeNull()
    expect(made).toHaveLength(1)
  })
})

describe('installQuitGuard', () => {
  const fakeApp = () => {
    const emitter = new EventEmitter()
    const exits: number[] = []
    const app = { on: emitter.on.bind(emitter), exit: (code?: number) => void exits.push(code ?? 0) }
    const quit = () => {
      const event = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true
        },
      }
      emitter.emit('before-quit', event)
      return event.defaultPrevented
    }
    return { app: app as unknown as Pick<App, 'on' | 'exit'>, exits, quit }
  }

  it('holds the quit until the clean-up is done, then exits once', async () => {
    const { app, exits, quit } = fakeApp()
    let finish!: () => void
    const state = installQuitGuard(app, { finish: () => new Promise<void>((resolve) => (finish = resolve)) })
    expect(quit()).toBe(true) // prevented synchronously: Electron does not wait for promises
    expect(quit()).toBe(true) // a second quit while waiting changes nothing
    expect(state()).toBe('finishing')
    expect(exits).toEqual([])
    finish()
    await vi.waitFor(() => expect(exits).toEqual([0]))
    expect(state()).toBe('done')
    expect(quit()).toBe(false) // the exit's own quit goes through
  })

  it('exits after the time limit when the clean-up never ends, and when it fails', async () => {
    const hung = fakeApp()
    const log = vi.fn()
    installQuitGuard(hung.app, { finish: () => new Promise<void>(() => {}), timeoutMs: 50, log })
    hung.quit()
    await vi.waitFor(() => expect(hung.exits).toEqual([0]), { timeout: 10_000 })
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/did not finish in time/), { timeoutMs: 50 })

    const failing = fakeApp()
    installQuitGuard(failing.app, { finish: () => Promise.reject(new Error('console gone')), log })
    failing.quit()
    await vi.waitFor(() => expect(failing.exits).toEqual([0]))
  })
})
