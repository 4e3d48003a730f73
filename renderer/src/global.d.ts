import type { KeywardApi } from '../../shared/contract.ts'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser host, where the bridge supplies it. */
    keyward?: KeywardApi
  }
}
