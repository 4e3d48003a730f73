// The simulated LAN: broadcast/multicast between hosts, a console reachable over
// HTTPS, complete teardown, and Ctrl-C safety of with-lab.ts. Needs root + iproute2;
// skipped otherwise (fails instead when KEYWARD_REQUIRE_LAB=1).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labRequired, labUnavailableReason, readLabFromEnv } from '../lab/env.ts'
import { createLab, isAlive, labSupport, listLeftovers, type Lab } from '../lab/lab.ts'
import { until } from '../support/until.ts'

const support = labSupport()
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
// As scripts/test.mjs runs it: `node --import tsx` (see with-lab.ts on why not the tsx command).
const WITH_LAB = ['--import', 'tsx', 'tests/lab/with-lab.ts']

interface Result {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Collect a child's output until it exits. */
function finished(child: ChildProcess): Promise<Result> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

/** Resolves when the child prints `line` on stdout. */
function printed(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = ''
    child.stdout?.on('data', (c: Buffer | string) => {
      buf += String(c)
      if (buf.split('\n').includes(line)) resolve()
    })
    child.once('exit', () => reject(new Error(`exited before printing ${line}`)))
  })
}

const rootLinks = (): string[] =>
  execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(': ')[1]!.split('@')[0]!)
const nsPids = (ns: string): number[] =>
  execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number)

// Receives "broadcast" and "limited" (255.255.255.255) on one port and "multicast"
// from a group on another; prints "ready" once bound, then the senders it saw.
const RECEIVER = `
const dgram = require('dgram')
const [bport, group, mport] = process.argv.slice(1)
const got = {}
let bound = 0
const ready = () => { if (++bound === 2) console.log('ready') }
const note = (kind, from) => {
  got[kind] = from
  if (got.broadcast && got.limited && got.multicast) { console.log(JSON.stringify(got)); process.exit(0) }
}
const b = dgram.createSocket({ type: 'udp4', reuseAddr: true })
b.on('message', (msg, rinfo) => note(String(msg), rinfo.address))
b.bind(Number(bport), ready)
const m = dgram.createSocket({ type: 'udp4', reuseAddr: true })
m.on('message', (msg, rinfo) => note(String(msg), rinfo.address))
m.bind(Number(mport), () => { m.addMembership(group); ready() })
setTimeout(() => { console.log(JSON.stringify(got)); process.exit(1) }, 8000)
`
// Sends all three every 100 ms until killed.
const SENDER = `
const dgram = require('dgram')
const [bcast, bport, group, mport] = process.argv.slice(1)
const s = dgram.createSocket('udp4')
s.bind(() => {
  s.setBroadcast(true)
  const tick = () => {
    s.send('broadcast', Number(bport), bcast)
    s.send('limited', Number(bport), '255.255.255.255')
    s.send('multicast', Number(mport), group)
  }
  tick(); setInterval(tick, 100)
})
`
const HTTPS_GET = `
const https = require('https')
https.get(process.argv[1], { rejectUnauthorized: false }, (res) => {
  const fp = res.socket.getPeerCertificate().fingerprint256
  let body = ''
  res.on('data', (c) => (body += c))
  res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, fp, body: JSON.parse(body) })))
}).on('error', (e) => { console.error(e.message); process.exit(1) })
`
// Loopback inside a host: the workstation runs an HTTP server on 127.0.0.1.
const LOOPBACK_HTTP = `
const http = require('http')
const srv = http.createServer((_q, r) => r.end('pong')).listen(0, '127.0.0.1', () => {
  http.get('http://127.0.0.1:' + srv.address().port, (res) => { res.on('data', (d) => { console.log(String(d)); process.exit(0) }) })
})
`

describe('lab env helpers', () => {
  it('read KEYWARD_LAB / KEYWARD_LAB_UNAVAILABLE / KEYWARD_REQUIRE_LAB', () => {
    expect(readLabFromEnv({})).toBeNull()
    const lab = {
      id: 'abc123',
      subnet: '10.73.0.0/24',
      broadcast: '10.73.0.255',
      hosts: {},
      consoles: [],
      workstation: 'ws',
    }
    expect(readLabFromEnv({ KEYWARD_LAB: JSON.stringify(lab) })).toEqual(lab)
    expect(() => readLabFromEnv({ KEYWARD_LAB: '{"id":1}' })).toThrow(/malformed/)
    expect(labUnavailableReason({})).toMatch(/with-lab/)
    expect(labUnavailableReason({ KEYWARD_LAB_UNAVAILABLE: 'not root' })).toBe('not root')
    expect(labUnavailableReason({ KEYWARD_LAB: JSON.stringify(lab) })).toBeNull()
    expect(labRequired({ KEYWARD_REQUIRE_LAB: '1' })).toBe(true)
    expect(labRequired({})).toBe(false)
  })
})

const title = support.ok ? 'lab' : `lab (${labRequired() ? 'REQUIRED but unavailable' : 'skipped'}: ${support.reason})`

describe.skipIf(!support.ok && !labRequired())(title, () => {
  if (!support.ok && labRequired()) {
    it('is required (KEYWARD_REQUIRE_LAB=1) but unavailable', () => {
      throw new Error(support.reason)
    })
    return
  }

  describe('a three-host lab', () => {
    let lab: Lab
    let linksBefore: string[]
    let baseSigint: number
    const node = (host: string, script: string, ...args: string[]): ChildProcess =>
      lab.spawn(host, process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })

    beforeAll(async () => {
      linksBefore = rootLinks()
      baseSigint = process.listenerCount('SIGINT')
      lab = await createLab({ hosts: [{ name: 'ws' }, { name: 'udm' }, { name: 'unvr' }] })
    })
    afterAll(() => lab?.teardown())

    it('has the documented layout', () => {
      expect(lab.id).toMatch(/^[0-9a-f]{6}$/)
      expect(listLeftovers(lab.id).sort()).toEqual([
        `kw-${lab.id}-lan`,
        `kw-${lab.id}-udm`,
        `kw-${lab.id}-unvr`,
        `kw-${lab.id}-ws`,
      ])
      expect(lab.hosts.ws).toEqual({ name: 'ws', ns: `kw-${lab.id}-ws`, ip: '10.73.0.10' })
      expect(lab.hosts.unvr?.ip).toBe('10.73.0.12')
      const ws = lab.hosts.ws!.ns
      const links = execFileSync('ip', ['-n', ws, '-o', 'link'], { encoding: 'utf8' })
      expect(
        links
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(': ')[1]!.split('@')[0]),
      ).toEqual(['lo', 'eth0'])
      expect(execFileSync('ip', ['-n', ws, 'route', 'show', 'default'], { encoding: 'utf8' }).trim()).toBe('')
      expect(
        execFileSync('ip', ['-n', `kw-${lab.id}-lan`, '-d', 'link', 'show', 'br0'], { encoding: 'utf8' }),
      ).toContain('mcast_snooping 0')
      expect(rootLinks()).toEqual(linksBefore) // nothing appeared in the root namespace
      expect(process.listenerCount('SIGINT')).toBe(baseSigint + 1)
    })

    it('delivers subnet broadcast, limited broadcast and multicast to the other hosts', async () => {
      const args = ['41234', '224.0.0.251', '45353']
      const receivers = ['udm', 'unvr'].map((h) => node(h, RECEIVER, ...args))
      const results = receivers.map(finished)
      await Promise.all(receivers.map((r) => printed(r, 'ready')))
      const sender = node('ws', SENDER, lab.broadcast, args[0]!, args[1]!, args[2]!)
      try {
        for (const r of await Promise.all(results)) {
          expect(r.code, r.stdout + r.stderr).toBe(0)
          expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({
            broadcast: '10.73.0.10',
            limited: '10.73.0.10',
            multicast: '10.73.0.10',
          })
        }
      } finally {
        sender.kill()
      }
    })

    it('serves a console in udm over HTTPS to ws, and loopback works inside ws', async () => {
      const sim = await lab.startConsole('udm', 'udm-pro', { mac: '24:5a:4c:00:00:42' })
      expect(sim).toMatchObject({
        host: 'udm',
        ip: '10.73.0.11',
        url: 'https://10.73.0.11',
        port: 443,
        mac: '245A4C000042',
      })
      const r = await finished(node('ws', HTTPS_GET, `${sim.url}/api/system`))
      expect(r.code, r.stderr).toBe(0)
      const reply = JSON.parse(r.stdout)
      expect(reply.status).toBe(200)
      expect(reply.body).toMatchObject({ mac: '245A4C000042', hardware: { shortname: 'UDMPRO' } })
      expect(reply.fp).toBe(sim.sha256)
      expect(lab.describe().consoles).toEqual([sim])

      const loop = await finished(node('ws', LOOPBACK_HTTP))
      expect(loop.stdout.trim()).toBe('pong')
    })

    it('teardown removes namespaces, processes and hooks, and is idempotent', async () => {
      // A stubborn process tree: sh ignores SIGTERM (→ SIGKILL after the grace
      // period) and its background sleep is only found via `ip netns pids`.
      const stubborn = lab.spawn('unvr', 'sh', ['-c', 'trap "" TERM; sleep 30 & echo started; wait'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      await printed(stubborn, 'started')
      const pids = listLeftovers(lab.id).flatMap(nsPids)
      expect(pids.length).toBeGreaterThanOrEqual(3) // console, sh, sleep

      await Promise.all([lab.teardown(), lab.teardown()])
      await lab.teardown()

      expect(listLeftovers(lab.id)).toEqual([])
      expect(pids.filter(isAlive)).toEqual([])
      const links = rootLinks()
      expect(links.filter((l) => l.includes(lab.id))).toEqual([])
      expect(links).toEqual(linksBefore)
      expect(process.listenerCount('SIGINT')).toBe(baseSigint)
      expect(() => lab.spawn('ws', 'true')).toThrow(/torn down/)
    })
  })

  describe('with-lab.ts', () => {
    it('runs the command in ws with KEYWARD_LAB, passes its exit code and cleans up', async () => {
      const script =
        'console.log(JSON.stringify({ lab: process.env.KEYWARD_LAB, ifs: Object.keys(require("os").networkInterfaces()) })); process.exit(3)'
      const r = await finished(
        spawn(process.execPath, [...WITH_LAB, '--scenario', 'slice', '--', process.execPath, '-e', script], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      )
      expect(r.code, r.stderr).toBe(3)
      const out = JSON.parse(r.stdout)
      expect(out.ifs).toEqual(['lo', 'eth0'])
      const lab = readLabFromEnv({ KEYWARD_LAB: out.lab })!
      expect(lab.workstation).toBe('ws')
      expect(lab.hosts.ws?.ip).toBe('10.73.0.10')
      expect(lab.consoles.map((c) => [c.host, c.preset, c.url, c.mac])).toEqual([
        ['udm', 'udm-pro', 'https://10.73.0.11', '245A4CDD6616'],
        ['unvr', 'unvr', 'https://10.73.0.12', '70A7411B2C3D'],
      ])
      expect(listLeftovers(lab.id)).toEqual([])
    })
  })

  describe('with-lab.ts Ctrl-C safety', () => {
    async function interrupt(when: 'setup' | 'running'): Promise<void> {
      const child = spawn(process.execPath, [...WITH_LAB, '--scenario', 'slice', '--', 'sleep', '60'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
      const done = finished(child)
      try {
        // with-lab names its run on stderr (other test files may build labs concurrently,
        // so "a new kw- namespace" alone would be ambiguous); then check the namespaces.
        const id = await until('the lab id', () => /with-lab: lab ([0-9a-f]{6}) up/.exec(stderr)?.[1])
        expect(listLeftovers(id)).toHaveLength(4)
        if (when === 'running') {
          await until('the command', () => (nsPids(`kw-${id}-ws`).length > 0 ? true : undefined))
        }
        const pids = listLeftovers(id).flatMap((ns) => {
          try {
            return nsPids(ns)
          } catch {
            return []
          }
        })
        child.kill('SIGINT')
        const r = await done
        expect(r.signal === 'SIGINT' || r.code === 130, `exit ${r.code}/${r.signal}: ${stderr}`).toBe(true)
        expect(listLeftovers(id)).toEqual([])
        expect(pids.filter(isAlive)).toEqual([])
      } finally {
        child.kill('SIGKILL')
      }
    }

    it('SIGINT while the command runs leaves nothing behind', () => interrupt('running'))
    it('SIGINT during lab setup leaves nothing behind', () => interrupt('setup'))
  })
})
