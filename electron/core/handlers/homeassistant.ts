// ha.*: Home Assistant instances and pushing keys into them, forwarded to homeassistant/service.ts.
import type { Handlers } from '../dispatch.ts'
import type { EventHub } from '../events.ts'
import type { HomeAssistantService } from '../homeassistant/service.ts'
import type { KeyWatch } from '../keys/watch.ts'
import { keyViews } from '../views.ts'

type HaRequests = Extract<keyof Handlers, `ha.${string}`>

export function homeAssistantHandlers(deps: {
  homeAssistant: HomeAssistantService
  hub: Pick<EventHub, 'emit'>
  keys: Pick<KeyWatch, 'list'>
}): Pick<Handlers, HaRequests> {
  const { homeAssistant, hub, keys } = deps
  return {
    'ha.connect': (input) => homeAssistant.connect(input),
    'ha.list': () => homeAssistant.list(),
    'ha.continue': ({ id, sha256 }) => homeAssistant.resume(id, sha256),
    'ha.forget': ({ id }) => homeAssistant.forget(id),
    'ha.push': async ({ keyId, haId, mode, siteId }) => {
      const result = await homeAssistant.push(keyId, haId, { ...(mode ? { mode } : {}), ...(siteId ? { siteId } : {}) })
      // The key list shows where each key went.
      hub.emit('keys.changed', keyViews(keys.list()))
      return result
    },
    'ha.pushOptions': ({ keyId, haId }) => homeAssistant.pushOptions(keyId, haId),
    'ha.consent': ({ keyId, haId, sentence }) => homeAssistant.consent(keyId, haId, sentence),
    'ha.copyFields': ({ keyId, haId }) => homeAssistant.copyFields(keyId, haId),
    'ha.fit': ({ haId, app }) => homeAssistant.fit(haId, app),
  }
}
