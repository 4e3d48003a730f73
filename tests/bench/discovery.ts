// Discovery benchmark / lab probe. Runs Keyward's discovery INSIDE a lab
// workstation for the discovery scenario and prints ONE JSON document:
// time to the first console, time to the complete (exact) inventory, the
// inventory itself, and optionally nmap's ubiquiti-discovery over the same
// devices with its wall time.
//   node --import tsx tests/lab/with-lab.ts --scenario discovery -- node --import tsx tests/bench/discovery.ts [options]
// Options: --interface <name> (default eth0)  --max-ms <n> (default 15000)
//          --settle-ms <n> (default 1000)      --no-sweep
//          --nmap (after discovery)            --nmap-parallel (alongside discovery)
//          --hosts '<{"ws":{"ip":…},…}>' (when not started by with-lab)
// Refuses to run unless every non-loopback interface is in the lab range, so
// it can never scan a real network.
import { execFile } from 'node:child_process'
import os from 'node:os'
import { parseArgs } from 'node:util'
import type { InventoryItem } from '../../shared/inventory.ts'
import { createDiscovery } from '../../electron/core/discovery/index.ts'
import { readLabFromEnv } from '../lab/env.ts'
import {
  DISCOVERY_CONSOLES,
  discoveryDevices,
  expectedDiscovery,
  projectCards,
  type ExpectedCard,
} from '../lab/scenarios.ts'
import { nmapArgs, parseNmapXml, type NmapHost } from '../simulators/ubnt/nmap.ts'

export interface BenchResult {
  ok: boolean
  complete: boolean
  timings: {
    firstCardMs: number | null
    firstConsoleMs: number | null
    /** Every lab console shown as a console (what the user waits for before choosing one). */
    allConsolesMs: number | null
    allConsolesWithAppsMs: number | null
    completeMs: number | null
    totalMs: number
  }
  expectedCount: number
  missing: string[]
  unexpected: string[]
  mismatched: { expected: ExpectedCard; actual: ExpectedCard }[]
  inventory: InventoryItem[]
  stats: unknown
  notices: unknown
  emissions: number
  handlesAfterStop: string[]
  nmap: { ms: number; hosts: NmapHost[]; error?: string } | null
}

const { values } = parseArgs({
  options: {
    interface: { type: 'string', default: 'eth0' },
    'max-ms': { type: 'string', default: '15000' },
    'settle-ms': { type: 'string', default: '1000' },
    'no-sweep': { type: 'boolean', default: false },
    nmap: { type: 'boolean', default: false },
    'nmap-parallel': { type: 'boolean', default: false },
    hosts: { type: 'string' },
  },
  strict: true,
})

function fail(message: string): never {
  process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`)
  process.exit(1)
}

// ---- safety: lab namespaces only -----------------------------------------------------
const real = Object.entries(os.networkInterfaces()).flatMap(([name, infos]) =>
  (infos ?? []).filter((i) => !i.internal).map((i) => ({ name, address: i.address, family: i.family })),
)
const outside = real.filter((i) =>
  i.family === 'IPv4' ? !i.address.startsWith('10.73.') : !i.address.startsWith('fe80:'),
)
if (real.length === 0 || outside.length > 0) {
  fail(
    `refusing to run discovery outside a lab namespace (interfaces: ${real.map((i) => `${i.name} ${i.address}`).join(', ') || 'none'})`,
  )
}

const hosts: Record<string, { ip: string }> = values.hosts
  ? (JSON.parse(values.hosts) as Record<string, { ip: string }>)
  : (readLabFromEnv()?.hosts ?? fail('no lab: run under tests/lab/with-lab.ts --scenario discovery, or pass --hosts'))
const expected = expectedDiscovery(hosts)
const expectedJson = JSON.stringify(expected)

// ---- nmap ------------------------------------------------------------------------------
function runNmap(): Promise<NonNullable<BenchResult['nmap']>> {
  // The UNVR is left out as in discovery-lab.test.ts: its answers come from
  // ephemeral ports, which nmap's connected socket never sees (10 s of timeouts).
  const targets = [
    ...DISCOVERY_CONSOLES.filter((c) => c.role === 'console').map((c) => hosts[c.host]!.ip),
    ...discoveryDevices().map((d) => d.addresses[0]!),
  ]
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(
      'nmap',
      nmapArgs(targets),
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout) => {
        const ms = Math.round(performance.now() - started)
        if (err && !stdout) return resolve({ ms, hosts: [], error: err.message })
        resolve({ ms, hosts: parseNmapXml(stdout) })
      },
    )
  })
}

// ---- discovery ----------------------------------------------------------------------
const maxMs = Number(values['max-ms'])
const settleMs = Number(values['settle-ms'])
/** Socket and timer handles only (nmap, stdio and pipes are not discovery's). */
const ownHandles = (): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const h of process.getActiveResourcesInfo())
    if (/UDP|TCP|TLS|Timeout|Immediate/.test(h)) counts.set(h, (counts.get(h) ?? 0) + 1)
  return counts
}
const baseline = ownHandles()
const discovery = createDiscovery({ sweep: !values['no-sweep'], throttleMs: 100 })
const timings: BenchResult['timings'] = {
  firstCardMs: null,
  firstConsoleMs: null,
  allConsolesMs: null,
  allConsolesWithAppsMs: null,
  completeMs: null,
  totalMs: 0,
}
let emissions = 0
const started = performance.now()
const elapsed = (): number => Math.round(performance.now() - started)
let resolveComplete: () => void = () => {}
const completed = new Promise<void>((resolve) => {
  resolveComplete = resolve
})

discovery.onChange((items) => {
  emissions++
  const t = elapsed()
  if (timings.firstCardMs === null && items.length > 0) timings.firstCardMs = t
  if (timings.firstConsoleMs === null && items.some((i) => i.kind === 'console' || i.kind === 'nvr'))
    timings.firstConsoleMs = t
  const consoles = items.filter((i) => i.kind === 'console' || i.kind === 'nvr')
  if (timings.allConsolesMs === null && consoles.length === DISCOVERY_CONSOLES.length) timings.allConsolesMs = t
  if (
    timings.allConsolesWithAppsMs === null &&
    consoles.length === DISCOVERY_CONSOLES.length &&
    consoles.every((c) => c.apps.length > 0)
  ) {
    timings.allConsolesWithAppsMs = t
  }
  if (
    timings.completeMs === null &&
    JSON.stringify(projectCards(items as unknown as ExpectedCard[])) === expectedJson
  ) {
    timings.completeMs = t
    resolveComplete()
  }
})

const nmapParallel = values['nmap-parallel'] ? runNmap() : null
await discovery.start({ interfaces: [values.interface] })
let raceTimer: NodeJS.Timeout | undefined
await Promise.race([
  completed,
  new Promise((r) => {
    raceTimer = setTimeout(r, maxMs)
  }),
])
clearTimeout(raceTimer)
await new Promise((r) => setTimeout(r, settleMs))
const inventory = discovery.inventory()
const stats = discovery.stats()
const notices = discovery.status().notices
await discovery.stop()
timings.totalMs = elapsed()
// Let closed handles finish closing before looking.
await new Promise((r) => setImmediate(r))
const handlesAfterStop = [...ownHandles()].flatMap(([h, n]) =>
  Array<string>(Math.max(0, n - (baseline.get(h) ?? 0))).fill(h),
)

const actual = projectCards(inventory as unknown as ExpectedCard[])
const actualById = new Map(actual.map((c) => [c.id, c]))
const expectedById = new Map(expected.map((c) => [c.id, c]))
const result: BenchResult = {
  ok: false,
  complete: JSON.stringify(actual) === expectedJson,
  timings,
  expectedCount: expected.length,
  missing: expected.filter((c) => !actualById.has(c.id)).map((c) => c.id),
  unexpected: actual.filter((c) => !expectedById.has(c.id)).map((c) => c.id),
  mismatched: expected
    .filter((c) => actualById.has(c.id) && JSON.stringify(actualById.get(c.id)) !== JSON.stringify(c))
    .map((c) => ({ expected: c, actual: actualById.get(c.id)! })),
  inventory,
  stats,
  notices,
  emissions,
  handlesAfterStop,
  nmap: nmapParallel ? await nmapParallel : values.nmap ? await runNmap() : null,
}
result.ok = result.complete && handlesAfterStop.length === 0
process.stdout.write(`${JSON.stringify(result)}\n`)
