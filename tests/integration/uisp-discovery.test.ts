// Finding a UISP server (uisp.md §3) against the UISP simulator.
// Discovery's HTTPS look, in both shapes of `/nms/version`: open, and behind authentication
// (uisp.md §8 open question, knob `versionNeedsAuth`). Either way the address must become a
// "UISP server" card, which is what "Search for UISP" reports; a UISP-firmware device stays a device.
// A typed address without a port: `[:443|:8443]` (uisp.md §3), here two free loopback ports in
// that order (the `ports` knob), so a server on the second is found and the first's failure is said.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openSettings } from '../../electron/core/settings/settings.ts'
import { UispServers } from '../../electron/core/uisp/servers.ts'
import { sweepSubnet } from '../../electron/core/discovery/sweep.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { fingerprint } from '../../electron/core/discovery/fingerprint.ts'
import { InventoryStore } from '../../electron/core/discovery/inventory.ts'
import { startUisp } from '../simulators/uisp/testing.ts'

async function cardFor(port: number) {
  const fp = await fingerprint({ host: '127.0.0.1', port }, { timeoutMs: 10_000 })
  const store = new InventoryStore()
  store.applyFingerprint(fp, null, false)
  return { fp, cards: store.list() }
}

describe('discovery fingerprint of a UISP server', () => {
  it('finds a server whose /nms/version is open, with its version', async () => {
    const sim = await startUisp()
    const { cards } = await cardFor(sim.port)
    expect(cards).toHaveLength(1)
    expect(cards[0]).toMatchObject({ kind: 'uisp-server', version: '2.4.155', uisp: { version: '2.4.155' } })
  })

  it('finds a server whose /nms/version needs a token, without a version and without sending one', async () => {
    const sim = await startUisp({ versionNeedsAuth: true })
    const { cards } = await cardFor(sim.port)
    expect(cards).toHaveLength(1)
    expect(cards[0]).toMatchObject({ kind: 'uisp-server', version: null, uisp: { version: null } })
    // The look asked the version route and stopped there: nothing signed in, no device probe.
    expect(sim.requests.filter((r) => r.includes('/nms/api/'))).toEqual(['GET /nms/api/v2.1/nms/version'])
  })

  it('keeps a UISP-firmware device a device (its /nms/version is not a hapi 401)', async () => {
    const device = await startUisp({ mode: 'device' })
    const { cards } = await cardFor(device.port)
    expect(cards).toHaveLength(1)
    expect(cards[0]!.kind).toBe('device')
    expect(cards[0]!.uispDevice).toMatchObject({ model: 'UISP-R' })
  })
})

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('a UISP address typed without a port', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  const serversOn = (ports: number[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-uisp-ports-'))
    dirs.push(dir)
    return new UispServers(openSettings({ cwd: dir, projectVersion: '1.0.0' }), { now: Date.now, ports })
  }
  const failureOf = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(KeywardFailure)
    return error as KeywardFailure
  }

  it('is found on the second port when nothing listens on the first', async () => {
    const sim = await startUisp()
    const servers = serversOn([await closedPort(), sim.port])
    const probe = await servers.probe('127.0.0.1')
    expect(probe).toMatchObject({ address: { port: sim.port }, version: '2.4.155', trust: 'first-contact' })
    expect(servers.list().map((s) => s.key)).toEqual([`127.0.0.1:${sim.port}`])
  })

  it('is found on the second port when the first answers HTTPS but is not UISP', async () => {
    const device = await startUisp({ mode: 'device' })
    const sim = await startUisp()
    const probe = await serversOn([device.port, sim.port]).probe('https://127.0.0.1/')
    expect(probe.address.port).toBe(sim.port)
  })

  it('with a port typed, only that port is asked', async () => {
    const sim = await startUisp()
    const closed = await closedPort()
    const error = await failureOf(serversOn([closed, sim.port]).probe(`127.0.0.1:${closed}`))
    expect(error.code).toBe('unreachable')
    expect(sim.requests).toEqual([])
  })

  it('when neither answers, says what the first port said and that both were tried', async () => {
    const [a, b] = [await closedPort(), await closedPort()]
    const error = await failureOf(serversOn([a, b]).probe('127.0.0.1'))
    expect(error.code).toBe('unreachable')
    expect(error.message).toContain(`127.0.0.1:${a}`)
    expect(error.message).toContain(`Ports ${a} and ${b} were tried.`)
  })
})

describe('the sweep behind "Search for UISP"', () => {
  it('asks each address on every port and counts the address once (loopback /30, nothing leaves the machine)', async () => {
    const listener = createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.2', resolve))
    const sim = { port: (listener.address() as { port: number }).port }
    const opened: string[] = []
    let tried = 0
    const open = await sweepSubnet(
      {
        name: 'lo',
        address: '127.0.0.1',
        prefixLength: 30,
        broadcast: null,
        mac: null,
        recommended: true,
        skipReason: null,
      },
      {
        port: await closedPort(),
        extraPorts: [sim.port],
        concurrency: 2,
        connectTimeoutMs: 5000,
        skip: () => false,
        cancelled: () => false,
        onOpen: (address, port) => opened.push(`${address}:${port}`),
        onTried: () => tried++,
      },
    )
    expect(open).toEqual(['127.0.0.2'])
    expect(opened).toEqual([`127.0.0.2:${sim.port}`])
    expect(tried).toBe(1)
    await new Promise((resolve) => listener.close(resolve))
  })
})
