// The renderer's single entry to the core. In Electron the preload has put
// `window.keyward` in place; in the browser host we build the same object over
// the loopback bridge. Nothing else in the renderer knows which one it got.
import { createApi, type KeywardApi } from '../../shared/contract.ts'
import { createBridgeTransport, takeToken } from './bridge.ts'

function resolveApi(): KeywardApi | null {
  if (window.keyward) return window.keyward
  const token = takeToken()
  return token ? createApi(createBridgeTransport(token)) : null
}

export const keyward: KeywardApi | null = resolveApi()
