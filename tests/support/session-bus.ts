// A private, real D-Bus session bus (Debian's dbus-daemon) for tests, and a
// stand-in StatusNotifierWatcher on it (tests/support/sni-watcher.py, Debian's
// python3-dbus): third-party peers, so the tray-host check is tested against
// the real protocol, never against our own client talking to itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { SYSTEM_PYTHON } from '../lab/scenarios.ts'

export interface PrivateBus {
  address: string
  stop(): Promise<void>
}

export interface StandInWatcher {
  stop(): Promise<void>
}

/** Why the session-bus tests cannot run here, or null when they can. */
export function sessionBusMissing(): string | null {
  if (spawnSync('dbus-daemon', ['--version']).status !== 0) return 'dbus-daemon is not installed (Debian package dbus)'
  if (spawnSync(SYSTEM_PYTHON, ['-c', 'import dbus']).status !== 0) return 'python3-dbus is not installed'
  return null
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })

/** The first line `child` prints, or an error with its stderr when it exits first. */
function firstLine(child: ChildProcess, what: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = ''
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(
      () => reject(new Error(`${what} printed nothing within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    )
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited (${code}) before it was ready: ${stderr}`))
    })
  })
}

export async function startPrivateBus(): Promise<PrivateBus> {
  const child = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const address = await firstLine(child, 'dbus-daemon')
  return { address, stop: () => stopped(child) }
}

export async function startStandInWatcher(address: string): Promise<StandInWatcher> {
  const child = spawn(SYSTEM_PYTHON, [join(import.meta.dirname, 'sni-watcher.py')], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
  })
  const line = await firstLine(child, 'the stand-in StatusNotifierWatcher')
  if (line !== 'ready') throw new Error(`the stand-in watcher said "${line}"`)
  return { stop: () => stopped(child) }
}
