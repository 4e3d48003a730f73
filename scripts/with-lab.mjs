// One way for scripts to run a command inside the simulated lab: `node --import tsx tests/lab/with-lab.ts`
// (never the `tsx` command: its signal relay SIGKILLs a slow lab, which then leaves namespaces behind).
// Used by scripts/test.mjs (Playwright stages), scripts/demo.ts and tests/bench/run.ts.
//
// While the lab runs, SIGINT, SIGTERM and SIGHUP sent to this process are forwarded to with-lab once (later
// ones are ignored: with-lab is already tearing down), which forwards them to the command, removes the lab's
// namespaces and exits; our handlers go when it has exited. Its exit code is passed through (128+n when it
// was killed by signal n, as a shell reports it).
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** The node arguments that run `command` inside a lab of `scenario` (optionally with HA at `haVersion`). */
export function withLabArgs({ scenario, haVersion, command }) {
  const ha = haVersion ? ['--ha-version', haVersion] : []
  return ['--import', 'tsx', 'tests/lab/with-lab.ts', '--scenario', scenario, ...ha, '--', ...command]
}

/** The exit code a shell would show for a child that ended with `code` or by `signal`. */
export const exitCodeOf = (code, signal) => code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)

/**
 * Starts with-lab (from the repository root) and forwards this process's signals to it until it exits.
 * `onSignal(signal)` runs on the first one, before it is forwarded. Other options go to child_process.spawn.
 */
export function spawnWithLab({ scenario, haVersion, command, onSignal, ...options }) {
  const lab = spawn(process.execPath, withLabArgs({ scenario, haVersion, command }), { cwd: root, ...options })
  let forwarded = false
  const relay = (signal) => {
    if (forwarded) return
    forwarded = true
    onSignal?.(signal)
    lab.kill(signal)
  }
  for (const s of SIGNALS) process.on(s, relay)
  const release = () => SIGNALS.forEach((s) => process.off(s, relay))
  lab.once('exit', release)
  lab.once('error', release)
  return lab
}

/**
 * Runs `command` in the lab to its end. Resolves to `{ code, signal, stdout, stderr }`: `code` is the exit
 * code passed through; stdout/stderr are collected when piped (`stdio`), else ''. After `timeoutMs` with-lab
 * gets SIGTERM (it tears down, then exits).
 */
export function runWithLab({ timeoutMs, ...options }) {
  return new Promise((resolve) => {
    const lab = spawnWithLab(options)
    let stdout = ''
    let stderr = ''
    lab.stdout?.setEncoding('utf8').on('data', (text) => (stdout += text))
    lab.stderr?.setEncoding('utf8').on('data', (text) => (stderr += text))
    let signal = null
    const timer = timeoutMs ? setTimeout(() => lab.kill('SIGTERM'), timeoutMs) : null
    lab.once('error', (error) => {
      if (timer) clearTimeout(timer)
      resolve({ code: 127, signal, stdout, stderr: `${stderr}${error.message}\n` })
    })
    // 'close' (not 'exit'): every piped byte has arrived.
    lab.once('close', (code, by) => {
      if (timer) clearTimeout(timer)
      signal = by
      resolve({ code: exitCodeOf(code, by), signal, stdout, stderr })
    })
  })
}
