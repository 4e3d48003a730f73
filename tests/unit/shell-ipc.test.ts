// The Electron IPC wiring, with Electron's objects replaced by plain fakes:
// only our own top-level renderer frame may call the core, and events reach
// every live window.
import type { IpcMain, WebContents, WebFrameMain } from 'electron'
import { afterAll, describe, expect, it } from 'vitest'
import { EVENT_CHANNEL_PREFIX, INVOKE_CHANNEL } from '../../electron/shell/channels.ts'
import { isTrustedFrame, registerIpc } from '../../electron/shell/ipc.ts'
import { makeCore } from '../support/core.ts'

const RENDERER = 'keyward://app/index.html'
const frame = (url: string, parent: unknown = null) => ({ url, parent }) as unknown as WebFrameMain

describe('isTrustedFrame', () => {
  it('accepts our renderer page, also with a fragment or query', () => {
    expect(isTrustedFrame(frame(RENDERER), RENDERER)).toBe(true)
    expect(isTrustedFrame(frame(RENDERER + '#/keys'), RENDERER)).toBe(true)
    expect(isTrustedFrame(frame('http://localhost:5173/'), 'http://localhost:5173/')).toBe(true)
  })
  it('refuses sub-frames, other pages, other origins and missing frames', () => {
    expect(isTrustedFrame(frame(RENDERER, frame(RENDERER)), RENDERER)).toBe(false)
    expect(isTrustedFrame(frame('file:///tmp/evil.html'), RENDERER)).toBe(false)
    // Every non-special scheme has the opaque origin "null": a file:// page at the same path must still fail.
    expect(isTrustedFrame(frame('file:///index.html'), RENDERER)).toBe(false)
    expect(isTrustedFrame(frame('keyward://evil/index.html'), RENDERER)).toBe(false)
    expect(isTrustedFrame(frame('data:text/html,<p>hi</p>'), RENDERER)).toBe(false)
    expect(isTrustedFrame(frame('https://evil.example/out/renderer/index.html'), RENDERER)).toBe(false)
    expect(isTrustedFrame(frame('http://localhost:5174/'), 'http://localhost:5173/')).toBe(false)
    expect(isTrustedFrame(frame('not a url'), RENDERER)).toBe(false)
    expect(isTrustedFrame(null, RENDERER)).toBe(false)
  })
})

describe('registerIpc', () => {
  const core = makeCore()
  afterAll(() => core.dispose())
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>()
  const ipcMain = {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain
  const sent: [string, unknown][] = []
  const window = {
    isDestroyed: () => false,
    send: (channel: string, payload: unknown) => sent.push([channel, payload]),
  }
  const closed = { isDestroyed: () => true, send: () => sent.push(['closed window', null]) }
  const dispose = registerIpc(ipcMain, core, RENDERER, () => [window, closed] as unknown as WebContents[])

  it('answers our renderer through the validating dispatcher', async () => {
    const invoke = handlers.get(INVOKE_CHANNEL)!
    expect(await invoke({ senderFrame: frame(RENDERER) }, 'preferences.get', {})).toMatchObject({ ok: true })
    expect(
      await invoke({ senderFrame: frame(RENDERER) }, 'preferences.set', { clipboardClearSeconds: -1 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    })
  })

  it('refuses a foreign frame before the core sees the request', async () => {
    const invoke = handlers.get(INVOKE_CHANNEL)!
    const before = (await core.invoke('preferences.get', {})) as { value: unknown }
    const outcome = await invoke({ senderFrame: frame('https://evil.example/') }, 'preferences.set', {
      clipboardClearSeconds: 99,
    })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    expect(await core.invoke('preferences.get', {})).toEqual({ ok: true, value: before.value })
  })

  it('forwards core events to live windows only, and stops after dispose', async () => {
    const { startConsoleSimulator } = await import('../simulators/console/server.ts')
    const { createConsoleConfig } = await import('../simulators/console/presets.ts')
    const sim = await startConsoleSimulator(createConsoleConfig('udm-pro'), { host: '127.0.0.1', port: 0 })
    try {
      await core.invoke('console.probe', { address: `127.0.0.1:${sim.port}` })
      expect(sent.map(([channel]) => channel)).toEqual([EVENT_CHANNEL_PREFIX + 'console.changed'])
      dispose()
      expect(handlers.has(INVOKE_CHANNEL)).toBe(false)
      await core.invoke('console.probe', { address: `127.0.0.1:${sim.port}` })
      expect(sent).toHaveLength(1)
    } finally {
      await sim.close()
    }
  })
})
