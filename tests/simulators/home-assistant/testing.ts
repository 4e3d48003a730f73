// Test helpers: fake Home Assistants on loopback, closed after the file's tests.
import { afterAll } from 'vitest'
import { startHomeAssistantSimulator, type RunningHomeAssistant } from './server.ts'
import { createHaConfig, type HaSimConfig } from './state.ts'

const running: RunningHomeAssistant[] = []
afterAll(async () => {
  await Promise.all(running.splice(0).map((h) => h.close()))
})

/** `listen.https`: a fresh self-signed certificate; `listen.port`: a fixed port (take over a stopped HA's address). */
export async function startHomeAssistant(
  overrides: Partial<HaSimConfig> = {},
  listen: { https?: boolean; port?: number; host?: string } = {},
): Promise<RunningHomeAssistant> {
  const ha = await startHomeAssistantSimulator(createHaConfig(overrides), {
    host: listen.host ?? '127.0.0.1',
    port: listen.port ?? 0,
    ...(listen.https ? { https: true } : {}),
  })
  running.push(ha)
  return ha
}

/** Requests that reached HA's REST API other than the token probe pair. */
export const flowRequests = (ha: RunningHomeAssistant) => ha.state.requests.filter((r) => r.path.includes('/flow'))

/**
 * A `unifi` entry in username/password mode (home-assistant.md §3.1), made through HA's own flow:
 * the old `user` form, or the 2026.10 menu's `local_user`. Returns the flow's last result.
 */
export async function addLocalUnifiEntry(
  ha: RunningHomeAssistant,
  input: { host: string; port: number; username: string; password: string },
): Promise<Record<string, unknown>> {
  const first = await ha.manager.start('unifi', { source: 'user' })
  const flowId = String(first.flow_id)
  if (first.type === 'menu') await ha.manager.configure(flowId, { next_step_id: 'local_user' })
  let result = await ha.manager.configure(flowId, input)
  if (result.type === 'form' && result.step_id === 'site') {
    const [site] = ha.state.config.unifiClassicSites
    result = await ha.manager.configure(flowId, { site: site!._id })
  }
  return result
}

export { ADMIN_TOKEN, USER_TOKEN } from './state.ts'
