// Wires the core to Electron IPC. Every call is checked for its sender frame
// (only our own top-level renderer may call: GHSA-mq8j-3h7h-p8g7) and then
// goes through the core's dispatcher, which validates name and input.
import type { IpcMain, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron'
import type { Core } from '../core/index.ts'
import { fail } from '../../shared/result.ts'
import { EVENT_CHANNEL_PREFIX, INVOKE_CHANNEL } from './channels.ts'

/**
 * Our own top-level page only. Compared by scheme, host and path, not by
 * `URL.origin`: WHATWG URLs give every non-special scheme (keyward:, file:,
 * data:) the opaque origin "null", so an origin check would let a
 * `file:///index.html` frame pass as `keyward://app/index.html`.
 */
export function isTrustedFrame(frame: WebFrameMain | null, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false
  try {
    const url = new URL(frame.url)
    const expected = new URL(rendererUrl)
    return url.protocol === expected.protocol && url.host === expected.host && url.pathname === expected.pathname
  } catch {
    return false
  }
}

export function registerIpc(ipcMain: IpcMain, core: Core, rendererUrl: string, targets: () => WebContents[]) {
  ipcMain.handle(INVOKE_CHANNEL, (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    if (!isTrustedFrame(event.senderFrame, rendererUrl)) {
      core.log.warn('refused IPC from an untrusted frame', { url: event.senderFrame?.url ?? 'none' })
      return fail('unauthorized', 'This window is not allowed to talk to Keyward.')
    }
    return core.invoke(name, input)
  })
  const unsubscribe = core.subscribeAll((name, payload) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL_PREFIX + name, payload)
    }
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler(INVOKE_CHANNEL)
  }
}
