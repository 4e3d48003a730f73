// Does this Home Assistant's `unifi` integration have the API-key mode (home-assistant.md §3.2)? Told by
// HA's first step, never by version (§3.2 "detect it by the menu"; the release is only inferred as
// 2026.10/11): a menu offering `api_key` is ready; the old `user` form (host/username/password) needs an
// upgrade. The probe flow is deleted at once (§1.5: an open flow blocks HA's own reauth).
import type { HomeAssistantClient } from './client.ts'
import { deleteFlow, FLOW_PATH, flowCall } from './flow-rest.ts'
import { menuOptions, pickMenuOption } from './forms.ts'
import { HomeAssistantFailure, type HaFlowResult } from './types.ts'

export const NETWORK_DOMAIN = 'unifi'

export type NetworkFit = 'ready' | 'needs-upgrade' | 'unavailable' | 'unknown'

export const UPGRADE_MESSAGE =
  'This Home Assistant cannot take a UniFi Network key yet: its UniFi Network integration signs in only with a username and password. ' +
  'Update Home Assistant to 2026.10 or later (the release with the API-key mode), then send the key.'

/** A `unifi` flow call; failures name UniFi Network and this HA's version (flow-rest.ts). */
export const networkCall = (
  ha: HomeAssistantClient,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  what: string,
): Promise<HaFlowResult> => flowCall(ha, method, path, body, what, { domain: NETWORK_DOMAIN, haVersion: ha.haVersion })

/** Opens a `unifi` flow, reads its first step and deletes it (§3.2: detect the mode by the menu). */
export async function probeNetworkFit(ha: HomeAssistantClient): Promise<{ fit: NetworkFit; message: string }> {
  ha.requireAdmin()
  let first: HaFlowResult
  try {
    first = await networkCall(ha, 'POST', FLOW_PATH, { handler: NETWORK_DOMAIN }, 'start UniFi Network setup')
  } catch (error) {
    if (error instanceof HomeAssistantFailure && error.problem === 'integration_missing') {
      return {
        fit: 'unavailable',
        message: 'This Home Assistant has no UniFi Network integration, so it cannot take a Network key.',
      }
    }
    throw error
  }
  if (first.flow_id) await deleteFlow(ha, first.flow_id)
  if (first.type === 'menu') {
    return pickMenuOption(menuOptions(first), 'api_key')
      ? { fit: 'ready', message: '' }
      : { fit: 'needs-upgrade', message: UPGRADE_MESSAGE }
  }
  if (first.type === 'form') return { fit: 'needs-upgrade', message: UPGRADE_MESSAGE }
  return {
    fit: 'unknown',
    message: `Home Assistant's UniFi Network setup stopped at once (${first.type === 'abort' ? first.reason : first.type}).`,
  }
}
