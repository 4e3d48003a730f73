// Test helpers: UISP simulators on loopback (port 0), closed after the file's
// tests, and the client-side views of them.
import { afterAll } from 'vitest'
import { UispSession, type UispTarget } from '../../../electron/core/uisp/session.ts'
import { startUispServer, UISP_OPERATOR, type RunningUisp, type UispServerOptions } from './server.ts'

const running: RunningUisp[] = []
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()))
})

export async function startUisp(options: Omit<UispServerOptions, 'host' | 'port'> = {}): Promise<RunningUisp> {
  const sim = await startUispServer({ host: '127.0.0.1', port: 0, ...options })
  running.push(sim)
  return sim
}

export const uispTarget = (sim: RunningUisp): UispTarget => ({
  host: '127.0.0.1',
  port: sim.port,
  pin: sim.sha256,
  label: `UISP (127.0.0.1:${sim.port})`,
})

/** A session signed in as `who` (default the admin-role operator, no 2FA). */
export async function uispSession(
  sim: RunningUisp,
  who: { username: string; password: string } = UISP_OPERATOR,
  options: { now?: () => number } = {},
): Promise<UispSession> {
  const session = new UispSession(uispTarget(sim), options)
  const outcome = await session.login(who)
  if (outcome.state !== 'signed-in') throw new Error(`${who.username} needs no 2FA in these tests`)
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

export { UISP_ADMIN, UISP_OPERATOR, UISP_TOTP_SECRET, UISP_VIEWER } from './server.ts'
