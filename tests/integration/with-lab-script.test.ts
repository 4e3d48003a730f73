// scripts/with-lab.mjs, the one way `npm test`, `npm run demo` and `npm run bench` run a command in the
// simulated lab: the command's exit code comes back, and a Ctrl-C sent to the script reaches the lab,
// which removes its namespaces before the script exits. Needs root + iproute2; skipped otherwise.
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runWithLab } from '../../scripts/with-lab.mjs'
import { labSupport, listLeftovers } from '../lab/lab.ts'
import { until } from '../support/until.ts'

const support = labSupport()
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const labId = (stderr: string) => /with-lab: lab ([0-9a-f]{6}) up/.exec(stderr)?.[1]

describe.skipIf(!support.ok)(`scripts/with-lab.mjs${support.ok ? '' : ` [skipped: ${support.reason}]`}`, () => {
  it('passes the command’s exit code and output through and leaves no namespace behind', async () => {
    const r = await runWithLab({
      scenario: 'slice',
      command: [process.execPath, '-e', 'console.log("inside " + process.env.KEYWARD_LAB.length); process.exit(3)'],
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    expect(r.code, r.stderr).toBe(3)
    expect(r.stdout).toMatch(/^inside \d+/)
    const id = labId(r.stderr)
    expect(id).toBeTruthy()
    expect(listLeftovers(id!)).toEqual([])
  }, 120_000)

  it('a Ctrl-C to the script reaches the lab: it tears down and the script exits with 130', async () => {
    // A script like scripts/test.mjs: it runs a long command in the lab and exits with what it gets back.
    const script = `const { runWithLab } = await import(${JSON.stringify(`${REPO_ROOT}scripts/with-lab.mjs`)});
const r = await runWithLab({ scenario: 'slice', command: ['sleep', '60'], stdio: ['ignore', 'ignore', 'inherit'] });
console.log('lab exited ' + r.code); process.exit(r.code)`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      const id = await until('the lab id', () => labId(stderr), 60_000)
      // The command runs once the consoles are up: with-lab's workstation namespace then holds `sleep`.
      await until('the command', () => /sleep/.test(commandsIn(`kw-${id}-ws`)), 60_000)
      child.kill('SIGINT')
      expect(await exited, stderr).toBe(130)
      expect(stdout).toMatch(/lab exited 130/)
      expect(listLeftovers(id)).toEqual([])
    } finally {
      child.kill('SIGKILL')
    }
  }, 120_000)
})

/** The command lines of the processes in a network namespace ('' when it is gone). */
function commandsIn(ns: string): string {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean)
    return pids.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')).join('\n')
  } catch {
    return ''
  }
}
