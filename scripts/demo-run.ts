// Starts `npm run demo`'s script (scripts/demo.ts; the renderer must be built) as a
// child and waits until it has printed everything a visitor needs. Used by
// `npm run screenshots` and the demo's end-to-end test, which read only what it
// printed. Needs what the demo needs: root and Linux network namespaces.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export interface RunningDemo {
  /** Everything the demo printed up to its last guide line. */
  printed: string
  /** The link it printed. */
  url: string
  /** Ctrl-C, as a visitor would stop it; resolves once the lab is gone. */
  stop(): Promise<void>
}

const root = join(import.meta.dirname, '..')

/** The demo, up and printed; rejects when it exits first or prints nothing usable within `timeoutMs`. */
export async function startDemo(timeoutMs = 180_000): Promise<RunningDemo> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let printed = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4000)))
  const exited = once(child, 'exit')
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGINT')
    await exited
  }
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`demo: nothing usable after ${timeoutMs} ms\n${stderr}`)),
      timeoutMs,
    )
    createInterface({ input: child.stdout }).on('line', (line) => {
      printed += line + '\n'
      if (line.startsWith('Ctrl-C stops')) {
        clearTimeout(timer)
        resolve()
      }
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`demo: exited before it was ready\n${printed}\n${stderr}`))
    })
  })
  try {
    await done
  } catch (error) {
    await stop()
    throw error
  }
  const url = /^Open Keyward:\s+(\S+)$/m.exec(printed)?.[1]
  if (!url) {
    await stop()
    throw new Error(`demo: printed no link\n${printed}`)
  }
  return { printed, url, stop }
}
