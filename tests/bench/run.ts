// `npm run bench`: every performance figure in one JSON document on stdout.
// Progress goes to stderr so the JSON stays clean. Discovery runs only inside
// the simulated LAN (network namespaces), never on this machine's interfaces.
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { runWithLab } from '../../scripts/with-lab.mjs'
import { CONSOLES_GOAL_MS, discoveryTable, type Medians } from './figures.ts'
import { benchBrowserHostIdle } from './idle.ts'
import { benchKeySweep } from './keys.ts'

const root = join(import.meta.dirname, '../..')
const report: Record<string, unknown> = { node: process.version, at: new Date().toISOString() }

console.error('bench: key sweep (200 keys, 20 consoles)…')
report.keySweep = await benchKeySweep()

console.error('bench: discovery in the lab (3 consoles, 30 devices, UISP, HA), nmap and python3-zeroconf alongside…')
const lab = await runWithLab({
  scenario: 'discovery',
  command: [process.execPath, '--import', 'tsx', 'tests/bench/discovery-rounds.ts', '--rounds', '7'],
  stdio: ['ignore', 'pipe', 'inherit'],
  timeoutMs: 600_000,
})
interface DiscoveryRounds {
  ok: boolean
  error?: string
  rounds: number
  exactRounds: number
  cards: number
  median?: Medians
  perRound: unknown[]
}
let rounds: DiscoveryRounds | null = null
try {
  rounds = JSON.parse(lab.stdout) as DiscoveryRounds
} catch {
  // no JSON: the lab could not start (its reason went to stderr)
}
if (rounds?.median) {
  report.discovery = {
    exact: rounds.ok,
    cards: rounds.cards,
    rounds: rounds.rounds,
    ...rounds.median,
    targetConsolesMs: CONSOLES_GOAL_MS,
    perRound: rounds.perRound,
  }
  console.error(discoveryTable(rounds.median, rounds.rounds, rounds.exactRounds))
} else {
  report.discovery = { skipped: rounds?.error ?? `the discovery lab printed no result (exit ${lab.code})` }
}

console.error('bench: core cold start (5 fresh processes)…')
const starts: Record<string, number>[] = []
for (let i = 0; i < 5; i++) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'tests/bench/cold-start.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  })
  try {
    starts.push(JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, number>)
  } catch {
    console.error(run.stderr)
  }
}
const median = (k: string) => {
  const v = starts.map((s) => s[k]!).sort((a, b) => a - b)
  return v.length ? Math.round(v[Math.floor(v.length / 2)]! * 10) / 10 : null
}
report.coreColdStart = starts.length
  ? {
      runs: starts.length,
      importMs: median('importMs'),
      createMs: median('createMs'),
      firstRequestMs: median('firstRequestMs'),
      totalMs: median('totalMs'),
      note: 'from source through tsx (transpiled on load)',
    }
  : { skipped: 'the cold-start child failed' }

console.error('bench: browser host at rest (20 s idle window)…')
report.browserHostIdle = await benchBrowserHostIdle(root).catch((error: Error) => ({ skipped: error.message }))

// Renderer bundle as shipped (after `npm run build`), gzip-compressed.
try {
  const assets = join(root, 'out/renderer/assets')
  const files = readdirSync(assets)
  const sizes = files.map((f) => {
    const raw = readFileSync(join(assets, f))
    return { file: f.replace(/-[A-Za-z0-9_-]{8}\./, '.'), bytes: raw.length, gzipBytes: gzipSync(raw).length }
  })
  const scripts = sizes.filter((s) => s.file.endsWith('.js'))
  const sum = (list: typeof sizes) => ({
    bytes: list.reduce((n, s) => n + s.bytes, 0),
    gzipBytes: list.reduce((n, s) => n + s.gzipBytes, 0),
  })
  // `entry` is what every window parses at start (target ≤ 110 KB gzip); each other screen is a chunk
  // loaded the first time it opens (App.tsx); `allScripts` is what a user who opens every screen loads.
  report.rendererBundle = {
    entry: sizes.find((s) => s.file === 'index.js') ?? null,
    targetEntryGzipBytes: 110_000,
    allScripts: { files: scripts.length, ...sum(scripts) },
    files: Object.fromEntries(sizes.map(({ file, ...size }) => [file, size])),
  }
} catch {
  report.rendererBundle = { skipped: 'run npm run build first' }
}
try {
  const preload = readFileSync(join(root, 'out/preload/index.cjs'))
  report.preloadBundle = { bytes: preload.length, gzipBytes: gzipSync(preload).length }
} catch {
  report.preloadBundle = { skipped: 'run npm run build first' }
}

console.log(JSON.stringify(report, null, 2))
process.exit(0)
