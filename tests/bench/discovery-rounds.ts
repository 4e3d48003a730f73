// Child of tests/bench/run.ts, run INSIDE the lab's workstation namespace by
// tests/lab/with-lab.ts --scenario discovery: several rounds of Keyward's
// discovery (tests/bench/discovery.ts, a fresh process each round, as when the
// app starts), each side by side with two real third-party peers on the same
// LAN — nmap's `ubiquiti-discovery` NSE script probing the UBNT hosts, and
// python3-zeroconf's browser querying the Home Assistant that python3-zeroconf
// announces — so the figures are taken on a LAN that other discovery tools use
// at the same moment. Prints ONE JSON document: per-round figures and medians.
//   node --import tsx tests/lab/with-lab.ts --scenario discovery -- node --import tsx tests/bench/discovery-rounds.ts [--rounds 5]
// Refuses to run outside a lab namespace (the peers would otherwise probe a real network).
import { execFileSync, spawn } from 'node:child_process'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { labUnavailableReason, readLabFromEnv } from '../lab/env.ts'
import { SYSTEM_PYTHON } from '../lab/scenarios.ts'
import { median, ROUND_FIGURES, type RoundFigures } from './figures.ts'

const DISCOVERY = fileURLToPath(new URL('./discovery.ts', import.meta.url))
const BROWSE = fileURLToPath(new URL('../simulators/ha/browse.py', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } }, strict: true })
const rounds = Math.max(1, Number(values.rounds) || 5)

function fail(message: string): never {
  process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`)
  process.exit(1)
}

const lab = readLabFromEnv()
if (!lab) fail(`no lab: ${labUnavailableReason()}`)
const outside = Object.values(os.networkInterfaces())
  .flatMap((infos) => infos ?? [])
  .filter(
    (i) => !i.internal && (i.family === 'IPv4' ? !i.address.startsWith('10.73.') : !i.address.startsWith('fe80:')),
  )
if (outside.length > 0) fail(`refusing to run outside a lab namespace (${outside.map((i) => i.address).join(', ')})`)
/** The two peers, or why they cannot run (the round would otherwise lose its contrast silently). */
function peersMissing(): string | null {
  try {
    execFileSync('nmap', ['--version'], { stdio: 'ignore' })
  } catch {
    return 'nmap is not installed'
  }
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import zeroconf'], { stdio: 'ignore' })
  } catch {
    return `python3-zeroconf is not importable by ${SYSTEM_PYTHON}`
  }
  return null
}
const missing = peersMissing()
if (missing) fail(missing)
const wsIp = lab.hosts[lab.workstation ?? 'ws']?.ip ?? fail('the lab names no workstation address')

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

interface DiscoveryRun {
  complete: boolean
  timings: Record<string, number | null>
  expectedCount: number
  nmap: { ms: number; hosts: unknown[]; error?: string } | null
}

const perRound: RoundFigures[] = []
for (let round = 1; round <= rounds; round++) {
  console.error(`bench: discovery round ${round}/${rounds} (nmap ubiquiti-discovery and python3-zeroconf alongside)…`)
  const [ours, zeroconf] = await Promise.all([
    run(process.execPath, ['--import', 'tsx', DISCOVERY, '--nmap-parallel', '--settle-ms', '200']),
    run(SYSTEM_PYTHON, [BROWSE, '--ip', wsIp, '--seconds', '3']),
  ])
  let result: DiscoveryRun
  try {
    result = JSON.parse(ours.stdout) as DiscoveryRun
  } catch {
    fail(`discovery round ${round} printed no result: ${ours.stderr.trim().split('\n').slice(-3).join(' ')}`)
  }
  let zeroconfMs: number | null = null
  try {
    zeroconfMs = (JSON.parse(zeroconf.stdout) as { ms: number }[])[0]?.ms ?? null
  } catch {
    // python3-zeroconf printed nothing usable: the figure stays null.
  }
  perRound.push({
    // `complete`, not `ok`: nmap's execFile timer is still live when discovery's
    // handles are counted, which is nmap's, not a leak of ours.
    exact: result.complete,
    cards: result.expectedCount,
    firstConsoleMs: result.timings.firstConsoleMs ?? null,
    allConsolesMs: result.timings.allConsolesMs ?? null,
    allConsolesWithAppsMs: result.timings.allConsolesWithAppsMs ?? null,
    completeMs: result.timings.completeMs ?? null,
    nmapMs: result.nmap?.ms ?? null,
    nmapHostsDecoded: result.nmap?.hosts.length ?? null,
    zeroconfMs,
  })
}

const medians = Object.fromEntries(ROUND_FIGURES.map((k) => [k, median(perRound.map((r) => r[k]))]))
const out = {
  ok: perRound.every((r) => r.exact),
  rounds,
  exactRounds: perRound.filter((r) => r.exact).length,
  cards: perRound[0]?.cards ?? null,
  median: medians,
  perRound,
}
process.stdout.write(`${JSON.stringify(out)}\n`)
