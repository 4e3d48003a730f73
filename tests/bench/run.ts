// `npm run bench`: every performance figure in one JSON document on stdout.
// Progress goes to stderr so the JSON stays clean. Discovery runs only inside
// the simulated LAN (network namespaces), never on this machine's interfaces.
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { benchKeySweep } from './keys.ts'

const root = join(import.meta.dirname, '../..')
const report: Record<string, unknown> = { node: process.version, at: new Date().toISOString() }

console.error('bench: key sweep (200 keys, 20 consoles)…')
report.keySweep = await benchKeySweep()

console.error('bench: discovery in the lab (3 consoles, 30 devices, UISP, HA) against nmap…')
const lab = spawnSync(process.execPath, ['--import', 'tsx', 'tests/lab/with-lab.ts', '--scenario', 'discovery', '--', process.execPath, '--import', 'tsx', 'tests/bench/discovery.ts', '--nmap'], {
  cwd: root,
  encoding: 'utf8',
  timeout: 180_000,
  maxBuffer: 64 * 1024 * 1024,
})
try {
  const result = JSON.parse(lab.stdout) as { ok: boolean; timings: Record<string, number | null>; expectedCount: number; nmap: { ms: number; hosts: unknown[] } | null }
  report.discovery = {
    exact: result.ok,
    cards: result.expectedCount,
    ...result.timings,
    targetCompleteMs: 1500,
    nmapMs: result.nmap?.ms ?? null,
    nmapHostsDecoded: result.nmap?.hosts.length ?? null,
  }
} catch {
  report.discovery = { skipped: (lab.stderr || 'no output').trim().split('\n').slice(-3).join(' ') }
}

// Renderer bundle as shipped (after `npm run build`), gzip-compressed.
try {
  const assets = join(root, 'out/renderer/assets')
  const files = readdirSync(assets)
  report.rendererBundle = Object.fromEntries(
    files.map((f) => {
      const raw = readFileSync(join(assets, f))
      return [f.replace(/-[A-Za-z0-9_-]{8}\./, '.'), { bytes: raw.length, gzipBytes: gzipSync(raw).length }]
    }),
  )
} catch {
  report.rendererBundle = { skipped: 'run npm run build first' }
}

console.log(JSON.stringify(report, null, 2))
process.exit(0)
