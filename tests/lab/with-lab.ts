// Run a command inside a freshly built lab, then tear the lab down.
//   node --import tsx tests/lab/with-lab.ts --scenario slice [--ha-version 2026.8.x|2026.9.x|2026.10.x] -- <command...>
// Run it with `node --import tsx`, not the `tsx` command: tsx's wrapper process relays a
// signal to this one and SIGKILLs it when it has not confirmed within 30 ms, which on a busy
// machine happens, and a SIGKILLed lab cannot tear down (namespaces left behind).
// The command runs in the workstation namespace ("ws") with KEYWARD_LAB set to the
// lab description (see env.ts). Without lab support (not root, no netns…) it runs
// the command directly with KEYWARD_LAB_UNAVAILABLE=<reason>, or fails when
// KEYWARD_REQUIRE_LAB=1. Exits with the command's exit code (128+n for a signal).
import { spawn, type ChildProcess } from 'node:child_process'
import { constants } from 'node:os'
import type { PresetName } from '../simulators/console/presets.ts'
import { HA_SIM_VERSIONS, type HaSimVersion } from '../simulators/home-assistant/state.ts'
import { createLab, labSupport, LabTornDownError, type Lab } from './lab.ts'
import { demoScenario, discoveryScenario, type ScenarioOptions } from './scenarios.ts'

interface Scenario {
  /** Names, or `{name, addresses}` with extra CIDRs on the host's eth0. */
  hosts: (string | { name: string; addresses?: string[] })[]
  workstation: string
  consoles: { host: string; preset: PresetName; set?: string[] }[]
  /** Starts the scenario's other peers (simulators, advertisers) once the consoles are up. */
  setup?: (lab: Lab, options?: ScenarioOptions) => Promise<void>
}

const scenarios: Record<string, Scenario> = {
  // First product slice: a workstation, a UDM Pro (Network + Protect) and a UNVR (Protect).
  slice: {
    hosts: ['ws', 'udm', 'unvr'],
    workstation: 'ws',
    consoles: [
      { host: 'udm', preset: 'udm-pro' },
      { host: 'unvr', preset: 'unvr' },
    ],
  },
  // LAN discovery: 3 consoles (UDM SE on two addresses), 30 devices, an EdgeRouter,
  // an airOS radio, a UISP server and Home Assistant (tests/lab/scenarios.ts).
  discovery: discoveryScenario,
  // `npm run demo`: the discovery scenario with Access on the UDM Pro too (scenarios.ts demoScenario).
  demo: demoScenario,
}

function usage(message: string): never {
  console.error(
    `with-lab: ${message}\nusage: node --import tsx tests/lab/with-lab.ts --scenario <${Object.keys(scenarios).join('|')}> -- <command...>`,
  )
  process.exit(2)
}

function parseCommandLine(argv: string[]): {
  scenario: Scenario
  options: ScenarioOptions
  command: [string, ...string[]]
} {
  const sep = argv.indexOf('--')
  const own = sep < 0 ? argv : argv.slice(0, sep)
  const command = sep < 0 ? [] : argv.slice(sep + 1)
  let name = 'slice'
  const options: ScenarioOptions = {}
  // The fake Home Assistant's version (discovery scenario); the environment works too, for `npm run test:e2e`.
  const haVersion = (value: string | undefined): ScenarioOptions['haVersion'] =>
    HA_SIM_VERSIONS.includes(value as HaSimVersion)
      ? (value as HaSimVersion)
      : usage(`--ha-version must be ${HA_SIM_VERSIONS.join(', ')}`)
  if (process.env.KEYWARD_LAB_HA_VERSION) options.haVersion = haVersion(process.env.KEYWARD_LAB_HA_VERSION)
  for (let i = 0; i < own.length; i++) {
    const arg = own[i]!
    if (arg === '--scenario') name = own[++i] ?? usage('--scenario needs a value')
    else if (arg.startsWith('--scenario=')) name = arg.slice('--scenario='.length)
    else if (arg === '--ha-version') options.haVersion = haVersion(own[++i])
    else if (arg.startsWith('--ha-version=')) options.haVersion = haVersion(arg.slice('--ha-version='.length))
    else usage(`unknown option ${arg}`)
  }
  const scenario = scenarios[name] ?? usage(`unknown scenario ${JSON.stringify(name)}`)
  if (command.length === 0) usage('missing command after --')
  return { scenario, options, command: command as [string, ...string[]] }
}

const exitCodeOf = (code: number | null, signal: NodeJS.Signals | null): number =>
  code ?? 128 + (signal ? constants.signals[signal] : 0)

/** Fallback path: no namespaces, plain child with forwarded signals. */
function runDirectly(command: [string, ...string[]], reason: string): void {
  const child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, KEYWARD_LAB_UNAVAILABLE: reason },
  })
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => child.kill(s))
  child.on('error', (err) => {
    console.error(`with-lab: cannot run ${command[0]}: ${err.message}`)
    process.exit(127)
  })
  child.on('exit', (code, signal) => process.exit(exitCodeOf(code, signal)))
}

async function runInLab(scenario: Scenario, options: ScenarioOptions, command: [string, ...string[]]): Promise<void> {
  // SIGINT/SIGTERM are handled by lab.ts: it forwards the signal to every lab process
  // (including our command), tears down, then re-raises it — so nothing to do here.
  let lab: Lab | undefined
  try {
    lab = await createLab({ hosts: scenario.hosts.map((h) => (typeof h === 'string' ? { name: h } : h)) })
    // One line on stderr: handy for finding leftovers, and lets tests identify the run.
    console.error(`with-lab: lab ${lab.id} up (namespaces kw-${lab.id}-*), starting consoles`)
    await Promise.all(scenario.consoles.map((c) => lab!.startConsole(c.host, c.preset, c.set ? { set: c.set } : {})))
    await scenario.setup?.(lab, options)
  } catch (err) {
    if (err instanceof LabTornDownError) return // interrupted while starting; lab.ts finishes the job
    console.error(`with-lab: lab setup failed: ${(err as Error).message}`)
    await lab?.teardown()
    process.exit(1)
  }

  const env = { ...process.env, KEYWARD_LAB: JSON.stringify({ ...lab.describe(), workstation: scenario.workstation }) }
  let child: ChildProcess
  try {
    child = lab.spawn(scenario.workstation, command[0], command.slice(1), { stdio: 'inherit', env })
  } catch (err) {
    if (err instanceof LabTornDownError) return
    throw err
  }
  child.on('error', (err) => {
    console.error(`with-lab: cannot run ${command[0]}: ${err.message}`)
    void lab.teardown().then(() => process.exit(127))
  })
  child.on('exit', (code, signal) => {
    void lab.teardown().then(() => process.exit(exitCodeOf(code, signal)))
  })
}

const { scenario, options, command } = parseCommandLine(process.argv.slice(2))
const support = labSupport()
if (support.ok) {
  await runInLab(scenario, options, command)
} else if (process.env.KEYWARD_REQUIRE_LAB === '1') {
  console.error(`with-lab: KEYWARD_REQUIRE_LAB=1 but no lab: ${support.reason}`)
  process.exit(1)
} else {
  console.error(`with-lab: no lab, running the command directly: ${support.reason}`)
  runDirectly(command, support.reason)
}
