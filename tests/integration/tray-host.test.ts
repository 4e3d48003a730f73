// Linux tray-host detection (electron.md §6a) against a REAL dbus-daemon, private to this file (so it does not
// matter whether vitest runs under dbus-run-session), with Debian's python3-dbus as a stand-in
// StatusNotifierWatcher (tests/support/sni-watcher.py). Skipped without dbus-daemon or python3-dbus, except on
// CI (KEYWARD_REQUIRE_KEYRING=1), where that fails instead.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { connectSessionBus, DBusError, MAX_MESSAGE_BYTES, type Bus } from '../../electron/core/desktop/dbus.ts'
import { checkTrayHost, watchTrayHost, type TrayHostStatus } from '../../electron/core/desktop/tray-host.ts'

const SYSTEM_PYTHON = '/usr/bin/python3' // Debian's python3-dbus is importable only by the system interpreter
const WATCHER = fileURLToPath(new URL('../support/sni-watcher.py', import.meta.url))
const required = process.env.KEYWARD_REQUIRE_KEYRING === '1'
/** Generous: a busy machine must pass. Only the cases that must time out use a short one. */
const SLOW_OK = 10_000
/** libuv < 1.48 (Node 20) pads abstract socket names with NULs, so they never connect (nodejs/node#49656). */
const [uvMajor = 0, uvMinor = 0] = process.versions.uv!.split('.').map(Number)
const abstractSockets = uvMajor > 1 || uvMinor >= 48
const abstractTitle =
  'reaches the bus over an abstract socket' +
  (abstractSockets ? '' : ` [skipped: libuv ${process.versions.uv} cannot, needs 1.48 (Node 22+)]`)
const DRIVER = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' }

function peersMissing(): string | null {
  if (process.platform !== 'linux') return 'tray hosts on D-Bus are a Linux matter'
  try {
    execFileSync('dbus-daemon', ['--version'], { stdio: 'ignore' })
  } catch {
    return 'dbus-daemon is not installed (Debian package dbus)'
  }
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import dbus'], { stdio: 'ignore' })
  } catch {
    return `python3-dbus is not importable by ${SYSTEM_PYTHON} (Debian package python3-dbus)`
  }
  return null
}

const reason = peersMissing()
const unavailable = required ? 'REQUIRED (KEYWARD_REQUIRE_KEYRING=1) but unavailable' : 'skipped'
const title = `tray host on a real session bus${reason === null ? '' : ` (${unavailable}: ${reason})`}`

/** The first stdout line of `child`; rejects (with its stderr) if it exits or stays silent too long. */
function firstLine(child: ChildProcess, what: string): Promise<string> {
  let out = ''
  let err = ''
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (err += c))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed nothing within ${SLOW_OK} ms: ${err}`)), SLOW_OK)
    child.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c
      if (!out.includes('\n')) return
      clearTimeout(timer)
      resolve(out.slice(0, out.indexOf('\n')))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited (${code}) before its first line: ${err}`))
    })
  })
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r))

interface Daemon {
  address: string
  pathAddress: string
  abstractAddress: string
  stop: () => Promise<void>
}

/** A private dbus-daemon listening on a socket file and an abstract socket; `address` lists both. */
async function startDaemon(dir: string): Promise<Daemon> {
  const socketPath = join(dir, `bus-${randomUUID()}`)
  const abstractName = `keyward-test-${randomUUID()}`
  const config = join(dir, `bus-${randomUUID()}.conf`)
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socketPath}</listen>
  <listen>unix:abstract=${abstractName}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>
`,
  )
  const child = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const address = (await firstLine(child, 'dbus-daemon')).trim()
  return {
    address,
    pathAddress: `unix:path=${socketPath}`,
    abstractAddress: `unix:abstract=${abstractName}`,
    stop: async () => {
      child.kill('SIGTERM')
      await exited(child)
    },
  }
}

const running = new Set<ChildProcess>()

/** The stand-in watcher owns org.kde.StatusNotifierWatcher once this resolves; `stop` closes its stdin. */
async function startWatcher(address: string): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(SYSTEM_PYTHON, [WATCHER], {
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  running.add(child)
  expect(await firstLine(child, 'sni-watcher.py')).toBe('ready')
  return {
    stop: async () => {
      child.stdin?.end()
      await exited(child)
      running.delete(child)
    },
  }
}

/** Everything watchTrayHost reported; `next` waits for the first match after the previous one. */
function recorder() {
  const seen: TrayHostStatus[] = []
  let cursor = 0
  return {
    push: (status: TrayHostStatus) => void seen.push(status),
    next: (want: (s: TrayHostStatus) => boolean) =>
      vi.waitFor(
        () => {
          const at = seen.findIndex((s, i) => i >= cursor && want(s))
          if (at < 0) throw new Error(`still waiting; reported since: ${JSON.stringify(seen.slice(cursor))}`)
          cursor = at + 1
          return seen[at]!
        },
        { timeout: SLOW_OK, interval: 20 },
      ),
  }
}

const isAvailable = (s: TrayHostStatus) => s.available
const reasonIs = (r: string) => (s: TrayHostStatus) => !s.available && s.reason === r

describe.skipIf(reason !== null && !required)(title, () => {
  if (reason !== null) {
    it('is required (KEYWARD_REQUIRE_KEYRING=1) but unavailable', () => {
      throw new Error(reason)
    })
    return
  }

  let dir: string
  let daemon: Daemon
  const linux = (address?: string) => ({
    platform: 'linux' as const,
    env: address === undefined ? {} : { DBUS_SESSION_BUS_ADDRESS: address },
    timeoutMs: SLOW_OK,
  })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-tray-host-'))
    daemon = await startDaemon(dir)
  })
  afterEach(async () => {
    for (const child of running) child.stdin?.end()
    await Promise.all([...running].map(exited))
    running.clear()
  })
  afterAll(async () => {
    await daemon?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('reports no tray host, with advice naming the AppIndicator extension, when no watcher is on the bus', async () => {
    const status = await checkTrayHost(linux(daemon.address))
    expect(status).toMatchObject({ available: false, reason: 'no-watcher' })
    if (status.available) return
    expect(status.advice).toContain('AppIndicator and KStatusNotifierItem Support')
    expect(status.advice).toContain('gnome-shell-extension-appindicator')
    expect(status.advice).toMatch(/waybar|snixembed/)
  })

  it('reports a tray host while a StatusNotifierWatcher owns its name', async () => {
    await startWatcher(daemon.address)
    expect(await checkTrayHost(linux(daemon.address))).toEqual({ available: true })
  })

  it('follows the watcher going away and coming back (a panel or shell reload)', async () => {
    const reports = recorder()
    const stop = await watchTrayHost(reports.push, linux(daemon.address))
    try {
      await reports.next(reasonIs('no-watcher'))
      const first = await startWatcher(daemon.address)
      await reports.next(isAvailable)
      await first.stop()
      await reports.next(reasonIs('no-watcher'))
      await startWatcher(daemon.address)
      expect(await reports.next(isAvailable)).toEqual({ available: true })
    } finally {
      stop()
    }
  })

  it('reports a bus error when the session bus itself goes away while watching', async () => {
    const own = await startDaemon(dir)
    const reports = recorder()
    const stop = await watchTrayHost(reports.push, linux(own.address))
    try {
      await reports.next(reasonIs('no-watcher'))
      await own.stop()
      const lost = await reports.next(reasonIs('bus-error'))
      expect(lost).toMatchObject({ detail: expect.stringContaining('Disconnected') })
    } finally {
      stop()
      await own.stop()
    }
  })

  it('reports no session bus when DBUS_SESSION_BUS_ADDRESS is unset', async () => {
    const status = await checkTrayHost(linux())
    expect(status).toMatchObject({ available: false, reason: 'no-session-bus' })
    expect(!status.available && status.advice).toContain('AppIndicator')
    const reports = recorder()
    await watchTrayHost(reports.push, linux())
    await reports.next(reasonIs('no-session-bus'))
  })

  it('does not check off Linux: a tray exists on macOS and Windows', async () => {
    expect(await checkTrayHost({ platform: 'darwin', env: {} })).toEqual({ available: true })
    expect(await checkTrayHost({ platform: 'win32', env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nowhere' } })).toEqual(
      { available: true },
    )
  })

  describe('a bus address that does not lead to a working bus gives a bus error, within the timeout', () => {
    const servers: Server[] = []
    const held: Socket[] = []
    afterEach(async () => {
      for (const socket of held.splice(0)) socket.destroy()
      await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
    })

    /** A unix socket that is not a bus: `answer` is what it does with each connection. */
    async function notABus(answer: (socket: Socket) => void): Promise<string> {
      const path = join(dir, `not-a-bus-${randomUUID()}`)
      const server = createServer((socket) => {
        held.push(socket.on('error', () => undefined))
        answer(socket)
      })
      servers.push(server)
      await new Promise<void>((resolve) => server.listen(path, resolve))
      return `unix:path=${path}`
    }

    const authOk = (socket: Socket) => socket.once('data', () => socket.write('OK 0123456789abcdef\r\n'))
    const silent = () => undefined
    const cases: [string, ((socket: Socket) => void) | null, RegExp][] = [
      ['nothing listens on the socket path', null, /NoServer|ENOENT/],
      ['a server that never answers', silent, /Timeout/],
      ['a web server', (s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')), /AuthFailed/],
      [
        'garbage after authentication',
        (s) => {
          authOk(s)
          s.on('data', (d: Buffer) => d.includes('BEGIN') && s.write(Buffer.alloc(64, 0xff)))
        },
        /InconsistentMessage/,
      ],
      [
        'a message over the size cap',
        (s) => {
          authOk(s)
          const header = Buffer.from([0x6c, 2, 0, 1, 0, 0, 0x20, 0, 1, 0, 0, 0, 0, 0, 0, 0]) // 2 MiB body
          s.on('data', (d: Buffer) => d.includes('BEGIN') && s.write(header))
        },
        /LimitsExceeded/,
      ],
    ]
    it.each(cases)('%s', async (_name, answer, detail) => {
      const address = answer ? await notABus(answer) : `unix:path=${join(dir, 'no-such-socket')}`
      const env = { DBUS_SESSION_BUS_ADDRESS: address }
      // Only the silent server must run into the timeout; the others get a generous one and fail on their own.
      const status = await checkTrayHost({ platform: 'linux', env, timeoutMs: answer === silent ? 1_000 : SLOW_OK })
      expect(status).toMatchObject({ available: false, reason: 'bus-error', detail: expect.stringMatching(detail) })
    })
  })

  describe('the D-Bus client', () => {
    let bus: Bus | undefined
    afterEach(() => bus?.close())

    it('lists the names on the bus, the bus itself and our own connection among them', async () => {
      bus = await connectSessionBus({ address: daemon.address, timeoutMs: SLOW_OK })
      const [names] = await bus.call({ ...DRIVER, member: 'ListNames' })
      expect(names).toEqual(expect.arrayContaining(['org.freedesktop.DBus', bus.uniqueName]))
      expect(bus.uniqueName).toMatch(/^:\d+\.\d+$/)
    })

    it('rejects a call to a name nobody owns with the D-Bus error name', async () => {
      bus = await connectSessionBus({ address: daemon.address, timeoutMs: SLOW_OK })
      const call = bus.call({
        destination: 'org.example.KeywardNobody',
        path: '/',
        interface: 'org.example.X',
        member: 'Y',
      })
      await expect(call).rejects.toBeInstanceOf(DBusError)
      await expect(call).rejects.toMatchObject({
        errorName: expect.stringMatching(/^org\.freedesktop\.DBus\.Error\.(ServiceUnknown|NameHasNoOwner)$/),
      })
    })

    it('refuses to send a message over the size cap and stays usable', async () => {
      bus = await connectSessionBus({ address: daemon.address, timeoutMs: SLOW_OK })
      const tooLong = 'x'.repeat(MAX_MESSAGE_BYTES)
      const huge = bus.call({ ...DRIVER, member: 'NameHasOwner', signature: 's', body: [tooLong] })
      await expect(huge).rejects.toMatchObject({ errorName: 'org.freedesktop.DBus.Error.LimitsExceeded' })
      const [owned] = await bus.call({ ...DRIVER, member: 'NameHasOwner', signature: 's', body: [bus.uniqueName] })
      expect(owned).toBe(true)
    })

    it('reaches the bus past a dead socket and a transport it does not speak', async () => {
      const address = `unix:path=${join(dir, 'dead')},guid=00;tcp:host=localhost,port=1;${daemon.pathAddress}`
      bus = await connectSessionBus({ address, timeoutMs: SLOW_OK })
      const [owned] = await bus.call({ ...DRIVER, member: 'NameHasOwner', signature: 's', body: [bus.uniqueName] })
      expect(owned).toBe(true)
    })

    it.skipIf(!abstractSockets)(abstractTitle, async () => {
      bus = await connectSessionBus({ address: daemon.abstractAddress, timeoutMs: SLOW_OK })
      const [names] = await bus.call({ ...DRIVER, member: 'ListNames' })
      expect(names).toContain(bus.uniqueName)
    })
  })
})
