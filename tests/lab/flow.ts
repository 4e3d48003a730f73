// Runs a flow script (tests/support/*-flow.ts) with tsx inside a lab host's
// namespace, where it drives the real core against the lab's simulators and
// prints one JSON line of results. Anything on stderr or a non-zero exit fails.
import { fileURLToPath } from 'node:url'
import type { Lab } from './lab.ts'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runFlow<T = Record<string, any>>(
  lab: Lab,
  host: string,
  script: string,
  args: string[],
): Promise<T> {
  const child = lab.spawn(host, process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT })
  let out = ''
  let err = ''
  child.stdout!.on('data', (c) => (out += c))
  child.stderr!.on('data', (c) => (err += c))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0 || err !== '') throw new Error(`${script} in ${host} exited with ${code}:\n${err || out}`)
  return JSON.parse(out.trim().split('\n').pop()!) as T
}
