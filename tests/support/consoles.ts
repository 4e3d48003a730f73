// Simulated consoles on loopback and the client-side views of them, for the
// console client's integration tests.
import { afterAll } from 'vitest'
import { startConsoleSimulator, type RunningConsole } from '../simulators/console/server.ts'
import {
  createConsoleConfig,
  OWNER_PASSWORD,
  OWNER_USERNAME,
  type ConsoleOverrides,
  type PresetName,
} from '../simulators/console/presets.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import type { KnownConsole } from '../../electron/core/console/known.ts'

const running: RunningConsole[] = []
afterAll(async () => {
  await Promise.all(running.splice(0).map((c) => c.close()))
})

export async function startConsole(
  preset: PresetName,
  overrides: ConsoleOverrides = {},
  clock?: () => number,
): Promise<RunningConsole> {
  const sim = await startConsoleSimulator(createConsoleConfig(preset, overrides), {
    host: '127.0.0.1',
    port: 0,
    ...(clock ? { clock } : {}),
  })
  running.push(sim)
  return sim
}

export const targetOf = (sim: RunningConsole) => ({
  host: '127.0.0.1',
  port: sim.port,
  pin: sim.sha256,
  label: `${sim.config.name} (127.0.0.1:${sim.port})`,
})

export const knownOf = (sim: RunningConsole): KnownConsole => ({
  key: `127.0.0.1:${sim.port}`,
  host: '127.0.0.1',
  port: sim.port,
  name: sim.config.name,
  pin: sim.sha256,
  apps: [...sim.config.apps],
})

export async function ownerSession(sim: RunningConsole, options: { now?: () => number } = {}): Promise<ConsoleSession> {
  const session = new ConsoleSession(targetOf(sim), options)
  const outcome = await session.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD })
  if (outcome.state !== 'signed-in') throw new Error('owner sign-in needs no 2FA in the presets')
  return session
}

/** Runs a promise expected to fail and returns the KeywardFailure-like error. */
export async function failureOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; detail?: string }> {
  try {
    await promise
  } catch (error) {
    return error as { code: string; message: string; detail?: string }
  }
  throw new Error('expected a failure, got a result')
}
