// The browser host at rest: its resident memory and how often its threads wake
// up (voluntary context switches, summed over /proc/<pid>/task/*) during an
// idle window, with background checks and the network watch running as in
// `npm run start:browser` but no key to check and no page open. Linux only.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN)

function sample(pid: number): { rssKiB: number; wakeups: number } {
  const rssKiB = field(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS')
  let wakeups = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      wakeups += field(readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8'), 'voluntary_ctxt_switches')
    } catch {
      // a thread that ended between listing and reading
    }
  }
  return { rssKiB, wakeups }
}

export async function benchBrowserHostIdle(root: string, windowMs = 60_000): Promise<Record<string, unknown>> {
  if (process.platform !== 'linux') return { skipped: 'reads /proc (Linux only)' }
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-bench-idle-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/browser-host/main.ts', '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('browser host did not start within 30 s')), 30_000)
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Keyward browser host: open')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', (code) => reject(new Error(`browser host exited (${code})`)))
    })
    // Let start-up work (first sweep, first network read, V8's post-start GC) settle before
    // measuring rest; a minute-long window then averages over V8's occasional idle-time GC.
    await new Promise((r) => setTimeout(r, 10_000))
    const start = sample(child.pid!)
    await new Promise((r) => setTimeout(r, windowMs))
    const end = sample(child.pid!)
    return {
      windowMs,
      rssMiB: Math.round((end.rssKiB / 1024) * 10) / 10,
      rssGrowthKiB: end.rssKiB - start.rssKiB,
      wakeups: end.wakeups - start.wakeups,
      wakeupsPerSecond: Math.round(((end.wakeups - start.wakeups) / (windowMs / 1000)) * 10) / 10,
      wakeupsPerMinute: Math.round((end.wakeups - start.wakeups) / (windowMs / 60_000)),
      threads: readdirSync(`/proc/${child.pid}/task`).length,
    }
  } finally {
    // A host that already exited (it failed to start) will not emit 'exit' again.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
}
