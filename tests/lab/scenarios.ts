// Scenario builders for labs. `discovery`: what a home lab's LAN looks like to
// Keyward's discovery (issue "Discovery: find consoles, devices, UISP servers and
// Home Assistant on the LAN"):
//   ws       the workstation (runs discovery, nmap, zeroconf's browser)
//   udmpro   UDM Pro: console simulator (HTTPS) + UBNT responder (echo, v2 cmd 9)
//   unvr     UNVR: console simulator + UBNT responder (echo, v0 form)
//   udmse    UDM SE on TWO addresses (its main one and "VLAN 10", 10.73.10.1/24):
//            answers from both; must show up once, with both addresses
//   devices  30 UniFi devices (12 APs incl. one that only announces, 10 cameras,
//            8 UAP bridges), an EdgeRouter X with several address entries and an
//            airOS LM5 announcing on UDP 10002, each on its own address of ONE
//            namespace (cheaper than 32 namespaces on 2 cores), plus a noise
//            source broadcasting malformed packets
//   uisp     a UISP server (HTTPS only; found by the optional subnet sweep)
//   ha       a fake Home Assistant (HTTP, port 8123, version per lab: 2026.8.x,
//            2026.9.x or 2026.10.x — the first with `unifi` API-key mode) advertised over
//            mDNS by python3-zeroconf; it reaches the consoles over the lab LAN to validate
//            keys (the UDM Pro runs Network for the Network-key spec)
// `expectedDiscovery()` is the exact inventory discovery must produce; it only
// needs the lab's host table, so code running inside ws can compute it too.
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import type { ChildProcess } from 'node:child_process'
import { createConsoleConfig, type PresetName } from '../simulators/console/presets.ts'
import type { ResponderOptions, SimDevice } from '../simulators/ubnt/responder.ts'
import type { HaSimConfig, HaSimVersion } from '../simulators/home-assistant/state.ts'
import type { Lab, LabHost } from './lab.ts'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const UBNT_MAIN = fileURLToPath(new URL('../simulators/ubnt/main.ts', import.meta.url))
const UISP_MAIN = fileURLToPath(new URL('../simulators/uisp/main.ts', import.meta.url))
const HA_ADVERTISE = fileURLToPath(new URL('../simulators/ha/advertise.py', import.meta.url))
const HA_MAIN = fileURLToPath(new URL('../simulators/home-assistant/main.ts', import.meta.url))
/** Debian's python3-zeroconf is importable only by the system interpreter (discovery.md §9a). */
export const SYSTEM_PYTHON = '/usr/bin/python3'

export interface ScenarioHost {
  name: string
  /** Extra addresses (CIDR) on the host's eth0. */
  addresses?: string[]
}

export interface LabScenario {
  hosts: ScenarioHost[]
  workstation: string
  /** `set`: simulator knobs on top of the preset (`--set path=value`, tests/simulators/console/main.ts). */
  consoles: { host: string; preset: PresetName; set?: string[] }[]
  /** Starts everything that is not a console simulator; resolves once all are ready. */
  setup?: (lab: Lab, options?: ScenarioOptions) => Promise<void>
}

export interface ScenarioOptions {
  /** The fake Home Assistant's version (unifiprotect's flow shape differs, home-assistant.md §2.2). */
  haVersion?: HaSimVersion
}

// ---- the discovery scenario ---------------------------------------------------------

export const UDMSE_VLAN_ADDRESS = '10.73.10.1'
export const HA_INSTANCE = { name: 'Home', uuid: '7f3c2d1e0b9a48c6a5d4e3f2a1b0c9d8', version: '2026.9.1' }
/** HA's default port (advertised in SRV) and the fake HA's test hook next to it (control.ts). */
export const LAB_HA_PORT = 8123
export const LAB_HA_CONTROL_PORT = 8124
export const labHaUrls = (ip: string) => ({
  url: `http://${ip}:${LAB_HA_PORT}`,
  controlUrl: `http://${ip}:${LAB_HA_CONTROL_PORT}`,
})
export const UISP_VERSION = '2.4.155'

type HostTable = Readonly<Record<string, Pick<LabHost, 'ip'>>>

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0')
const pad = (n: number): string => String(n).padStart(2, '0')

export const DISCOVERY_CONSOLES: {
  host: string
  preset: PresetName
  role: 'console' | 'nvr'
  hostname: string
  version: string
}[] = [
  { host: 'udmpro', preset: 'udm-pro', role: 'console', hostname: 'UDM-Pro', version: '4.4.6' },
  { host: 'unvr', preset: 'unvr', role: 'nvr', hostname: 'UNVR', version: 'v4.4.6' },
  { host: 'udmse', preset: 'udm-se', role: 'console', hostname: 'UDM-SE', version: '5.0.16' },
]

/** The 30 devices, the EdgeRouter and the airOS radio, all living in `devices`. */
export function discoveryDevices(): SimDevice[] {
  const out: SimDevice[] = []
  for (let i = 1; i <= 12; i++) {
    out.push({
      label: `ap-${pad(i)}`,
      role: 'access-point',
      mac: `802AA80000${hex2(i)}`,
      addresses: [`10.73.0.${99 + i}`],
      hostname: `AP-${pad(i)}`,
      model: 'U7PG2',
      state: i >= 11 ? 1 : 0,
      uptime: 1000 * i,
      // ap-11 answers and announces (unadopted); ap-12 only announces.
      ...(i === 11 ? { announceEveryMs: 1500 } : {}),
      ...(i === 12 ? { announceEveryMs: 1000, announceOnly: true } : {}),
    })
  }
  for (let i = 1; i <= 10; i++) {
    out.push({
      label: `cam-${pad(i)}`,
      role: 'camera',
      mac: `E063DA0001${hex2(i)}`,
      addresses: [`10.73.0.${111 + i}`],
      hostname: `Cam-${pad(i)}`,
      model: 'UVC G4 Pro',
      uptime: 2000 * i,
    })
  }
  for (let i = 1; i <= 8; i++) {
    out.push({
      label: `uapb-${pad(i)}`,
      role: 'bridge',
      mac: `245A4C0200${hex2(i)}`,
      addresses: [`10.73.0.${121 + i}`],
      hostname: `Bridge-${pad(i)}`,
      model: 'UFP-UAP-B',
      uptime: 3000 * i,
    })
  }
  out.push({
    label: 'er-x',
    role: 'edgerouter',
    mac: '802AAEAEF163',
    addresses: ['10.73.0.150'],
    hostname: 'ubnt-router',
    model: 'ER-X',
    uptime: 113144,
    extraInterfaces: [
      { mac: '802AAEAEF163', ip: '172.25.16.1' },
      { mac: '802AAEAEF15E', ip: '55.55.55.10' },
      { mac: '802AAEAEF15E', ip: '55.55.55.11' },
      { mac: '802AAEAEF15E', ip: '55.55.55.12' },
    ],
  })
  out.push({
    label: 'lm5',
    role: 'airos',
    mac: '24A43C0A0B0C',
    addresses: ['10.73.0.160'],
    hostname: 'Rooftop-LM5',
    model: 'LM5',
    firmware: 'XM.ar7240.v6.3.6.33330.210818.1723',
    extraInterfaces: [{ mac: '24A43C0A0B0C', ip: '192.168.1.20' }],
    airosEveryMs: 1500,
  })
  return out
}

function consoleResponder(lab: HostTable, c: (typeof DISCOVERY_CONSOLES)[number]): ResponderOptions {
  const config = createConsoleConfig(c.preset)
  const ip = lab[c.host]!.ip
  return {
    broadcast: '10.73.0.255',
    multicastInterface: ip,
    devices: [
      {
        label: c.host,
        role: c.role,
        mac: config.mac,
        hostname: c.hostname,
        model: config.model,
        version: c.version,
        addresses: c.host === 'udmse' ? [ip, UDMSE_VLAN_ADDRESS] : [ip],
      },
    ],
  }
}

export const discoveryScenario: LabScenario = {
  hosts: [
    { name: 'ws' },
    { name: 'udmpro' },
    { name: 'unvr' },
    { name: 'udmse', addresses: [`${UDMSE_VLAN_ADDRESS}/24`] },
    { name: 'devices', addresses: discoveryDevices().flatMap((d) => d.addresses.map((a) => `${a}/24`)) },
    { name: 'uisp' },
    { name: 'ha' },
  ],
  workstation: 'ws',
  consoles: DISCOVERY_CONSOLES.map(({ host, preset }) => ({ host, preset })),
  async setup(lab, options = {}) {
    const hosts = lab.hosts
    const node = (host: string, script: string, args: string[]): Promise<unknown> =>
      ready(
        lab.spawn(host, process.execPath, ['--import', 'tsx', script, ...args], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        }),
        `${host}: ${script}`,
      )
    const responders = DISCOVERY_CONSOLES.map((c) =>
      node(c.host, UBNT_MAIN, ['--spec', JSON.stringify(consoleResponder(hosts, c))]),
    )
    const devices: ResponderOptions = {
      broadcast: '10.73.0.255',
      multicastInterface: hosts.devices!.ip,
      devices: discoveryDevices(),
      noise: { from: hosts.devices!.ip, everyMs: 500 },
    }
    const ha = startLabHomeAssistant(lab, 'ha', { version: options.haVersion ?? '2026.9.x' })
    await Promise.all([
      ...responders,
      node('devices', UBNT_MAIN, ['--spec', JSON.stringify(devices)]),
      // Its superadmin signs in with 2FA (TOTP), the admin-role operator without (the UISP wizard e2e).
      node('uisp', UISP_MAIN, ['--host', hosts.uisp!.ip, '--port', '443', '--two-factor']),
      ha,
    ])
  },
}

/**
 * `npm run demo`'s lab (scripts/demo.ts): the discovery scenario with UniFi Access on the UDM Pro as well,
 * so a visitor can try all three UniFi apps. Only the demo uses it; the tests' expectations above keep
 * describing the discovery scenario.
 */
export const DEMO_ACCESS_HOST = 'udmpro'
export const demoScenario: LabScenario = {
  ...discoveryScenario,
  consoles: discoveryScenario.consoles.map((c) =>
    c.host === DEMO_ACCESS_HOST ? { ...c, set: ['apps=["network","protect","access"]'] } : c,
  ),
}

export interface LabHomeAssistant {
  host: string
  ip: string
  url: string
  controlUrl: string
  version: HaSimVersion
  haVersion: string
  adminToken: string
  userToken: string
}

/**
 * A fake Home Assistant in a lab host, as HA runs: plain HTTP on port 8123, announced
 * over mDNS by python3-zeroconf (the TXT `version` is the one /api/config reports),
 * with its test hook on LAB_HA_CONTROL_PORT. It calls the consoles over the lab LAN.
 */
export async function startLabHomeAssistant(
  lab: Lab,
  host: string,
  options: { version: HaSimVersion; config?: Partial<HaSimConfig>; instance?: { name: string; uuid: string } },
): Promise<LabHomeAssistant> {
  const ip = lab.hosts[host]!.ip
  const instance = options.instance ?? HA_INSTANCE
  const spawnOptions = {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    detached: true,
  }
  const server = (await ready(
    lab.spawn(
      host,
      process.execPath,
      [
        '--import',
        'tsx',
        HA_MAIN,
        '--host',
        ip,
        '--port',
        String(LAB_HA_PORT),
        '--control-port',
        String(LAB_HA_CONTROL_PORT),
        '--version',
        options.version,
        '--config-json',
        JSON.stringify({ locationName: instance.name, ...options.config }),
      ],
      spawnOptions,
    ),
    `${host}: home-assistant/main.ts`,
  )) as { url: string; controlUrl: string; haVersion: string; adminToken: string; userToken: string }
  await ready(
    lab.spawn(
      host,
      SYSTEM_PYTHON,
      [
        HA_ADVERTISE,
        '--ip',
        ip,
        '--name',
        instance.name,
        '--uuid',
        instance.uuid,
        '--version',
        server.haVersion,
        '--port',
        String(LAB_HA_PORT),
      ],
      spawnOptions,
    ),
    `${host}: advertise.py`,
  )
  return {
    host,
    ip,
    url: server.url,
    controlUrl: server.controlUrl,
    version: options.version,
    haVersion: server.haVersion,
    adminToken: server.adminToken,
    userToken: server.userToken,
  }
}

/** Resolves with the first JSON line carrying `ready: true`; rejects on exit or after 20 s. */
export function ready(child: ChildProcess, what: string, timeoutMs = 20_000): Promise<unknown> {
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr = (stderr + c).slice(-4096)
  })
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${what}: ${why}\n--- stderr ---\n${stderr.trim() || '(empty)'}`))
    }
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs)
    const onExit = (code: number | null, signal: string | null): void =>
      fail(`exited (${signal ?? code}) before it was ready`)
    const onError = (err: Error): void => fail(err.message)
    child.once('exit', onExit)
    child.once('error', onError)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: boolean }
        if (msg.ready === true) {
          clearTimeout(timer)
          child.off('exit', onExit)
          child.off('error', onError)
          resolve(msg)
        }
      } catch {
        // not our line
      }
    })
  })
}

// ---- expectations -------------------------------------------------------------------

/** The fields of an inventory card the discovery scenario pins down exactly. */
export interface ExpectedCard {
  id: string
  kind: 'console' | 'nvr' | 'device' | 'uisp-server' | 'home-assistant'
  name: string | null
  model: string | null
  mac: string | null
  addresses: string[]
  apps: string[]
  foundBy: string[]
}

const byNumber = (a: string, b: string): number => {
  const n = (s: string): number => s.split('.').reduce((acc, x) => acc * 256 + Number(x), 0)
  return n(a) - n(b)
}

/** Exactly what discovery (with the sweep on) must list for the discovery scenario. */
export function expectedDiscovery(hosts: HostTable): ExpectedCard[] {
  const out: ExpectedCard[] = []
  for (const c of DISCOVERY_CONSOLES) {
    const config = createConsoleConfig(c.preset)
    const ip = hosts[c.host]!.ip
    out.push({
      id: `mac:${config.mac}`,
      kind: c.role,
      name: config.name,
      model: config.model,
      mac: config.mac,
      addresses: c.host === 'udmse' ? [ip, UDMSE_VLAN_ADDRESS].sort(byNumber) : [ip],
      apps: [...config.apps].sort(),
      foundBy: ['https', 'ubnt-v2'],
    })
  }
  for (const d of discoveryDevices()) {
    const extra = (d.extraInterfaces ?? []).map((e) => e.ip)
    const foundBy =
      d.role === 'airos'
        ? ['airos', 'ubnt-v1']
        : d.announceOnly
          ? ['ubnt-v2']
          : d.role === 'access-point'
            ? ['ubnt-v1', 'ubnt-v2']
            : ['ubnt-v1']
    out.push({
      id: `mac:${d.mac}`,
      kind: 'device',
      name: d.hostname ?? null,
      model: d.model ?? null,
      mac: d.mac,
      addresses: [...new Set([...d.addresses, ...extra])].sort(byNumber),
      apps: [],
      foundBy,
    })
  }
  out.push({
    id: `addr:${hosts.uisp!.ip}:443`,
    kind: 'uisp-server',
    name: null,
    model: null,
    mac: null,
    addresses: [hosts.uisp!.ip],
    apps: [],
    foundBy: ['https'],
  })
  out.push({
    id: `ha:${HA_INSTANCE.uuid}`,
    kind: 'home-assistant',
    name: HA_INSTANCE.name,
    model: null,
    mac: null,
    addresses: [hosts.ha!.ip],
    apps: [],
    foundBy: ['mdns'],
  })
  return out.sort((a, b) => (a.id < b.id ? -1 : 1))
}

/** The same projection of real inventory items, for toEqual(). */
export function projectCards(items: readonly ExpectedCard[]): ExpectedCard[] {
  return items
    .map(({ id, kind, name, model, mac, addresses, apps, foundBy }) => ({
      id,
      kind,
      name,
      model,
      mac,
      addresses,
      apps,
      foundBy,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
}
