// Runs sandboxed, before the renderer, in an isolated world. It exposes only
// pre-bound functions built from the shared contract (`window.keyward`), never
// ipcRenderer itself (electron-vite docs, guide/dev.md; mullvad's preload).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { createApi, type Transport } from '../shared/contract.ts'
import { EVENT_CHANNEL_PREFIX, INVOKE_CHANNEL } from './shell/channels.ts'

const transport: Transport = {
  invoke: (name, input) => ipcRenderer.invoke(INVOKE_CHANNEL, name, input),
  subscribe(name, listener) {
    const channel = EVENT_CHANNEL_PREFIX + name
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload)
    ipcRenderer.on(channel, handler)
    return () => void ipcRenderer.removeListener(channel, handler)
  },
}

contextBridge.exposeInMainWorld('keyward', createApi(transport))
