// Simulated LAN for tests: one network namespace per host, all plugged into a Linux
// bridge that lives in its own namespace. Nothing is ever created in the root
// namespace (veth pairs are created inside the lan namespace with the peer moved
// straight into the host namespace), and hosts have no default route, so lab
// traffic — including broadcast and multicast — cannot reach the real network.
//
//   kw-<id>-lan : br0 (mcast_snooping 0, so multicast is flooded like on a dumb switch)
//                 kw<id>h<idx> ──veth── eth0 in kw-<id>-<host> (10.73.0.<10+idx>/24)
//
// Needs root and iproute2. Everything a lab creates is removed by teardown(), and
// also on process exit, SIGINT/SIGTERM/SIGHUP and fatal uncaught exceptions.
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { PresetName } from '../simulators/console/presets.ts'
import type { LabConsole, LabDescription, LabHost } from './types.ts'

export type { LabConsole, LabDescription, LabHost } from './types.ts'

const SUBNET = '10.73.0.0/24'
const BROADCAST = '10.73.0.255'
const hostIp = (idx: number): string => `10.73.0.${10 + idx}`
const PREFIX = 'kw-'
// Short and lower-case: namespace names become file names under /run/netns.
const HOST_NAME = /^[a-z][a-z0-9]{0,11}$/
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CONSOLE_MAIN = fileURLToPath(new URL('../simulators/console/main.ts', import.meta.url))
const KILL_GRACE_MS = 2000

// ---- small helpers ----------------------------------------------------------

function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 })
  } catch (err) {
    const e = err as Error & { stderr?: string }
    throw new Error(`ip ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`, { cause: err })
  }
}

/** Async twin of ip(): building must not block the event loop (see build()). */
function ipAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { encoding: 'utf8', timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || err.message}`, { cause: err }))
      else resolve(stdout)
    })
  })
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    /* already gone */
  }
}

/** False for missing and zombie processes (zombies may linger if PID 1 does not reap). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Network namespace names starting with `kw-` (or `kw-<id>-`): what a run may leave behind. */
export function listLeftovers(id?: string): string[] {
  const prefix = id === undefined ? PREFIX : `${PREFIX}${id}-`
  return ip(['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '') // "kw-ab12cd-lan (id: 3)"
    .filter((name) => name.startsWith(prefix))
}

/**
 * Kill everything in leftover `kw-` namespaces (all, or one run's) and delete them.
 * For manual cleanup after a SIGKILLed run; do not call while other labs are running.
 */
export function removeLeftovers(id?: string): string[] {
  const names = listLeftovers(id)
  for (const ns of names) {
    for (const pid of namespacePids(ns)) tryKill(pid, 'SIGKILL')
    ip(['netns', 'del', ns])
  }
  return names
}

function namespacePids(ns: string): number[] {
  try {
    return ip(['netns', 'pids', ns]).split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return [] // namespace already gone
  }
}

// ---- support probe ----------------------------------------------------------

export type LabSupport = { ok: true } | { ok: false; reason: string }
let support: LabSupport | undefined

/** Can this process build labs? Probes once (root, iproute2, netns + bridge + veth + netns exec). */
export function labSupport(): LabSupport {
  support ??= probeSupport()
  return support
}

function probeSupport(): LabSupport {
  if (process.platform !== 'linux') return { ok: false, reason: 'lab needs Linux network namespaces' }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'lab needs root (ip netns)' }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
  } catch {
    return { ok: false, reason: 'lab needs iproute2 (`ip` not found)' }
  }
  const ns = `${PREFIX}probe-${randomBytes(3).toString('hex')}`
  try {
    ip(['netns', 'add', ns])
    ip(['-n', ns, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0'])
    ip(['-n', ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'])
    ip(['netns', 'exec', ns, 'true']) // needs a private mount namespace; fails in some containers
    return { ok: true }
  } catch (err) {
    return { ok: false, reason: `lab cannot create network namespaces: ${(err as Error).message}` }
  } finally {
    try {
      ip(['netns', 'del', ns])
    } catch {
      /* never created */
    }
  }
}

// ---- process-wide cleanup hooks ---------------------------------------------

const live = new Set<LabImpl>()
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

function onExit(): void {
  for (const lab of live) lab.teardownSync()
}

// Only when the exception is fatal (nobody else handles it, e.g. vitest does) —
// 'exit' would run too, but this way the cleanup happens before the stack is printed.
function onFatal(): void {
  if (process.listenerCount('uncaughtException') === 0) onExit()
}

function onSignal(signal: NodeJS.Signals): void {
  // Tear down (forwarding the signal to lab processes), then re-raise so the exit
  // status says "killed by SIGINT" (130) / SIGTERM (143) as without our handler.
  void Promise.allSettled([...live].map((lab) => lab.teardown(signal))).then(() => {
    uninstallHooks()
    process.kill(process.pid, signal)
  })
}

function installHooks(): void {
  process.on('exit', onExit)
  process.on('uncaughtExceptionMonitor', onFatal)
  for (const s of SIGNALS) process.on(s, onSignal)
}

function uninstallHooks(): void {
  process.off('exit', onExit)
  process.off('uncaughtExceptionMonitor', onFatal)
  for (const s of SIGNALS) process.off(s, onSignal)
}

// ---- the lab ----------------------------------------------------------------

export class LabTornDownError extends Error {
  constructor(id: string) {
    super(`lab ${id} has been torn down`)
  }
}

export interface StartConsoleOptions {
  name?: string
  mac?: string
  /** Default: the preset's port (443; 11443 for uos-server, 8443 for legacy-network). */
  port?: number
  /** How long to wait for the ready line. Default 20 s (tsx compiles on first start). */
  timeoutMs?: number
  /** Simulator knobs, passed as `--set path=value` (see tests/simulators/console/main.ts). */
  set?: string[]
}

export interface Lab {
  readonly id: string
  readonly hosts: Readonly<Record<string, LabHost>>
  readonly subnet: string
  readonly broadcast: string
  /** Run a command inside a host's namespace (`ip netns exec`); tracked and killed on teardown. */
  spawn(hostName: string, command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess
  /** Start a console simulator in a host; resolves once it is listening. */
  startConsole(hostName: string, preset: PresetName, options?: StartConsoleOptions): Promise<LabConsole>
  describe(): LabDescription
  /** Stop everything, delete the namespaces. Idempotent. */
  teardown(signal?: NodeJS.Signals): Promise<void>
}

export interface CreateLabOptions {
  /** `addresses`: extra IPv4 CIDRs on the host's eth0 (one process owning many "devices", VLAN-style aliases). */
  hosts: { name: string; addresses?: string[] }[]
}

const EXTRA_ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/

class LabImpl implements Lab {
  readonly subnet = SUBNET
  readonly broadcast = BROADCAST
  readonly hosts: Record<string, LabHost> = {}
  private readonly children = new Set<ChildProcess>()
  private readonly consoles: LabConsole[] = []
  private closed = false
  private building: Promise<void> | undefined
  private closing: Promise<void> | undefined

  constructor(readonly id: string) {}

  private get lanNs(): string {
    return `${PREFIX}${this.id}-lan`
  }

  /**
   * Asynchronous on purpose: tsx's CLI wrapper SIGKILLs its child if the child does
   * not acknowledge a relayed SIGINT within ~60 ms, i.e. a blocked event loop here
   * would turn Ctrl-C into a leak. teardown() waits for the step in flight instead.
   */
  build(hostNames: string[], extraAddresses: Record<string, string[]> = {}): Promise<void> {
    this.building ??= this.buildSteps(hostNames, extraAddresses)
    return this.building
  }

  private async buildSteps(hostNames: string[], extraAddresses: Record<string, string[]>): Promise<void> {
    const ip = (args: string[]): Promise<string> => {
      if (this.closed) throw new LabTornDownError(this.id)
      return ipAsync(args)
    }
    const lan = this.lanNs
    await ip(['netns', 'add', lan])
    await ip(['-n', lan, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0'])
    await ip(['-n', lan, 'link', 'set', 'br0', 'up'])
    for (const [idx, name] of hostNames.entries()) {
      const ns = `${PREFIX}${this.id}-${name}`
      const addr = hostIp(idx)
      const port = `kw${this.id}h${idx}` // ≤ 15 chars (IFNAMSIZ); recognisable if it ever leaked
      await ip(['netns', 'add', ns])
      await ip(['-n', lan, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns])
      await ip(['-n', lan, 'link', 'set', port, 'master', 'br0', 'up'])
      await ip(['-n', ns, 'link', 'set', 'lo', 'up'])
      await ip(['-n', ns, 'addr', 'add', `${addr}/24`, 'broadcast', BROADCAST, 'dev', 'eth0'])
      for (const extra of extraAddresses[name] ?? []) await ip(['-n', ns, 'addr', 'add', extra, 'dev', 'eth0'])
      await ip(['-n', ns, 'link', 'set', 'eth0', 'up'])
      // No default route, so multicast and the limited broadcast need explicit routes
      // (otherwise sendto() fails with ENETUNREACH).
      await ip(['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0'])
      await ip(['-n', ns, 'route', 'add', '255.255.255.255/32', 'dev', 'eth0', 'src', addr])
      this.hosts[name] = { name, ns, ip: addr }
    }
  }

  private host(name: string): LabHost {
    const host = this.hosts[name]
    if (!host) throw new Error(`lab ${this.id} has no host ${JSON.stringify(name)}`)
    return host
  }

  spawn(hostName: string, command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    if (this.closed) throw new LabTornDownError(this.id)
    // `ip netns exec` execs in place, so child.pid is the command itself.
    const child = spawn('ip', ['netns', 'exec', this.host(hostName).ns, command, ...args], options)
    this.children.add(child)
    const forget = (): void => {
      this.children.delete(child)
    }
    child.once('exit', forget)
    child.once('error', forget)
    return child
  }

  startConsole(hostName: string, preset: PresetName, options: StartConsoleOptions = {}): Promise<LabConsole> {
    const host = this.host(hostName)
    const args = ['--import', 'tsx', CONSOLE_MAIN, '--preset', preset, '--host', host.ip]
    if (options.port !== undefined) args.push('--port', String(options.port))
    if (options.name !== undefined) args.push('--name', options.name)
    if (options.mac !== undefined) args.push('--mac', options.mac)
    for (const knob of options.set ?? []) args.push('--set', knob)
    // cwd = repo root so `--import tsx` resolves from our node_modules. Own process
    // group (detached): a terminal Ctrl-C reaches only us, and teardown stops the
    // simulators after the command rather than racing it.
    const child = this.spawn(hostName, process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const timeoutMs = options.timeoutMs ?? 20_000

    let stderr = ''
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192)
    })
    return new Promise<LabConsole>((resolve, reject) => {
      let settled = false
      const fail = (why: string): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        child.kill('SIGKILL')
        if (this.closed) return reject(new LabTornDownError(this.id))
        reject(
          new Error(`console ${preset} in lab host ${hostName}: ${why}\n--- stderr ---\n${stderr.trim() || '(empty)'}`),
        )
      }
      const onError = (err: Error): void => fail(`spawn failed: ${err.message}`)
      const onExit = (code: number | null, signal: string | null): void =>
        fail(`exited (${signal ?? code}) before it was ready`)
      const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs)
      child.once('error', onError)
      child.once('exit', onExit)
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (settled) return
        let msg: { ready?: boolean; url: string; port: number; sha256: string; mac: string; name: string }
        try {
          msg = JSON.parse(line)
        } catch {
          return
        }
        if (msg.ready !== true) return
        settled = true
        clearTimeout(timer)
        child.off('error', onError)
        child.off('exit', onExit)
        const info: LabConsole = {
          host: hostName,
          ip: host.ip,
          preset,
          url: msg.url,
          port: msg.port,
          sha256: msg.sha256,
          mac: msg.mac,
          name: msg.name,
        }
        this.consoles.push(info)
        resolve(info)
      })
    })
  }

  describe(): LabDescription {
    const order = Object.keys(this.hosts)
    // Host order, not start-up order, so the description is deterministic.
    const consoles = [...this.consoles].sort((a, b) => order.indexOf(a.host) - order.indexOf(b.host))
    return structuredClone({ id: this.id, subnet: this.subnet, broadcast: this.broadcast, hosts: this.hosts, consoles })
  }

  teardown(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.closing ??= this.teardownAsync(signal)
    return this.closing
  }

  private async teardownAsync(signal: NodeJS.Signals): Promise<void> {
    this.closed = true
    await this.building?.catch(() => {}) // let the ip command in flight finish
    // 1. Our own processes: polite signal, SIGKILL after a grace period.
    await Promise.all([...this.children].map((child) => stopChild(child, signal)))
    // 2. Whatever else still lives in our namespaces (grandchildren, browsers, daemons).
    const stray = listLeftovers(this.id).flatMap(namespacePids)
    for (const pid of stray) tryKill(pid, 'SIGKILL')
    for (let waited = 0; waited < 2000 && stray.some(isAlive); waited += 25) await sleep(25)
    // 3. Namespaces (deleting a host namespace destroys its veth pair).
    for (const ns of listLeftovers(this.id)) {
      await ipAsync(['netns', 'del', ns]).catch((err: Error) =>
        console.error(`lab ${this.id} teardown: ${err.message}`),
      )
    }
    this.teardownSync() // anything that slipped through; unregisters the hooks
  }

  /** Last-resort cleanup usable from process.on('exit'): SIGKILL, delete namespaces. */
  teardownSync(): void {
    this.closed = true
    for (const child of this.children) if (child.pid !== undefined) tryKill(child.pid, 'SIGKILL')
    try {
      removeLeftovers(this.id)
    } catch (err) {
      console.error(`lab ${this.id} teardown: ${(err as Error).message}`)
    }
    live.delete(this)
    if (live.size === 0) uninstallHooks()
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
  // Never hang teardown on a process stuck in the kernel.
  await Promise.race([exited, sleep(KILL_GRACE_MS + 2000)])
  clearTimeout(timer)
}

/** Build a lab. Caller must `await lab.teardown()`; crashes and signals are covered too. */
export async function createLab(options: CreateLabOptions): Promise<Lab> {
  const names = options.hosts.map((h) => h.name)
  for (const name of names) {
    if (!HOST_NAME.test(name) || name === 'lan') throw new Error(`bad lab host name ${JSON.stringify(name)}`)
  }
  if (new Set(names).size !== names.length) throw new Error('lab host names must be unique')
  const extraAddresses: Record<string, string[]> = {}
  for (const host of options.hosts) {
    for (const cidr of host.addresses ?? []) {
      const m = EXTRA_ADDRESS.exec(cidr)
      if (!m || m.slice(1, 5).some((p) => Number(p) > 255) || Number(m[5]) > 32)
        throw new Error(`bad lab address ${JSON.stringify(cidr)}`)
    }
    if (host.addresses?.length) extraAddresses[host.name] = [...host.addresses]
  }
  if (names.length > 200) throw new Error('too many lab hosts')
  const support = labSupport()
  if (!support.ok) throw new Error(support.reason)

  const lab = new LabImpl(randomBytes(3).toString('hex'))
  if (live.size === 0) installHooks()
  live.add(lab)
  try {
    await lab.build(names, extraAddresses)
  } catch (err) {
    await lab.teardown()
    throw err
  }
  return lab
}
