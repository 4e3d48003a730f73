// Consoles as Home Assistant's config flows see them, and the failure a push throws: shared by the
// Protect push tests.
import { HomeAssistantFailure, type HaConsoleRef } from '../../electron/core/homeassistant/types.ts'
import type { RunningConsole } from '../simulators/console/server.ts'

/** The console at its loopback address and port. */
export const refOf = (sim: RunningConsole): HaConsoleRef => ({
  key: `127.0.0.1:${sim.port}`,
  host: '127.0.0.1',
  port: sim.port,
  mac: sim.config.mac,
  name: sim.config.name,
})

/** A console as HA sees it by name on port 443 (API-key-only mode has no port field). */
export const namedRefOf = (sim: RunningConsole, name: string): HaConsoleRef => ({
  key: `${name}:443`,
  host: name,
  port: 443,
  mac: sim.config.mac,
  name: sim.config.name,
})

/** The HomeAssistantFailure `promise` rejects with (anything else is rethrown). */
export async function failureOf(promise: Promise<unknown>): Promise<HomeAssistantFailure> {
  try {
    await promise
  } catch (error) {
    if (error instanceof HomeAssistantFailure) return error
    throw error
  }
  throw new Error('expected a HomeAssistantFailure')
}
