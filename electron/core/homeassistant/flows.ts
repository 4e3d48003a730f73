// Pushing a key into Home Assistant through its config-flow REST API (home-assistant.md §1.1, §1.2):
// one entry point per request, by the key's app. Protect: protect-push.ts; Access: access-push.ts (both
// land through flow-push.ts and step through flow-driver.ts); Network: network.ts (its own `unifi`
// API-key flow, §3.2).
import type { UnifiApp } from '../../../shared/domain.ts'
import type { HomeAssistantClient } from './client.ts'
import { pushAccessToken, type AccessPush } from './access-push.ts'
import { pushNetworkKey, type NetworkPush } from './network.ts'
import { pushProtectKey, type ProtectPush } from './protect-push.ts'
import type { HaDomain, PushResult } from './types.ts'

export { copyFields } from './copy.ts'
export { pushAccessToken, type AccessPush } from './access-push.ts'
export { pushProtectKey, type ProtectPush } from './protect-push.ts'

export type PushRequest =
  ({ app: 'protect' } & ProtectPush) | ({ app: 'access' } & AccessPush) | ({ app: 'network' } & NetworkPush)

export async function pushKey(ha: HomeAssistantClient, req: PushRequest): Promise<PushResult> {
  switch (req.app) {
    case 'protect':
      return pushProtectKey(ha, req)
    case 'access':
      return pushAccessToken(ha, req)
    case 'network':
      // home-assistant.md §3.2: API-key mode detected by the menu (homeassistant/network.ts).
      return pushNetworkKey(ha, req)
  }
}

/** The HA domain for a UniFi app. */
export const DOMAIN_FOR_APP: Record<UnifiApp, HaDomain> = {
  protect: 'unifiprotect',
  access: 'unifi_access',
  network: 'unifi',
}
