// Discovery's HTTPS look at consoles that answer discovery (discovery.md §3, unifi-os.md §1):
// a console whose `GET /` sends no `x-csrf-token` (CSRF only in the JWT, §2 [report]) is the
// console the probe accepts; a UniFi OS Server (port 11443) that replied to discovery is found on
// 11443, or on the web port its UBNT reply names (0x0F, discovery.md §1.4), with that port on the
// card. An address that did not reply to discovery (a sweep hit) is asked on 443 only.
import { describe, expect, it } from 'vitest'
import { fingerprint } from '../../electron/core/discovery/fingerprint.ts'
import { createFingerprintQueue } from '../../electron/core/discovery/fingerprint-queue.ts'
import { InventoryStore } from '../../electron/core/discovery/inventory.ts'
import type { DiscoveryStats, Session } from '../../electron/core/discovery/types.ts'
import { parseUbntPacket, type UbntReply } from '../../electron/core/discovery/ubnt.ts'
import { SAMPLE_D_V2 } from '../simulators/ubnt/fixtures.ts'
import { startConsole } from '../support/consoles.ts'
import { closedPort } from '../support/hostile-server.ts'
import { until } from '../support/until.ts'

/** A UBNT reply (discovery.md §1.4) naming `mac`, with the web port TLV 0x0F when given. */
function ubntReply(mac: string, webPort: number | null = null): UbntReply {
  const parsed = parseUbntPacket(SAMPLE_D_V2)
  if (parsed.kind !== 'reply') throw new Error('not a reply')
  return { ...parsed.reply, hwAddr: mac, interfaces: [], macAddresses: [], webPort, webHttps: webPort ? true : null }
}

/** The discovery fingerprint queue on an inventory where nothing is on a chosen subnet (no sweep). */
function lookAround(port: number, serverPort: number | null) {
  const store = new InventoryStore({ isLocal: () => false })
  const asked: string[] = []
  const session = {} as Session
  const queue = createFingerprintQueue({
    store,
    stats: { fingerprints: 0, fingerprintsDropped: 0, handlerErrors: 0 } as DiscoveryStats,
    automatic: true,
    concurrency: 2,
    timeoutMs: 10_000,
    maxAgeMs: 60_000,
    port,
    serverPort,
    current: () => session,
    live: (s): s is Session => s === session,
    track: (p) => p,
    onProbe: (host, p) => asked.push(`${host}:${p}`),
  })
  const settled = () => until('the HTTPS looks to end', () => queue.pending() === 0)
  return { store, queue, asked, settled }
}

describe('discovery fingerprint agrees with the console probe (unifi-os.md §1)', () => {
  it('makes a console whose GET / sends no x-csrf-token a console card', async () => {
    const sim = await startConsole('udm-pro', { auth: { rootCsrfHeader: false, csrfInJwtOnly: true } })
    const fp = await fingerprint({ host: '127.0.0.1', port: sim.port }, { timeoutMs: 10_000 })
    expect(fp.console).toMatchObject({ kind: 'unifi-os', mac: sim.config.mac })
    const store = new InventoryStore()
    store.applyFingerprint(fp, null, false)
    expect(store.list()).toMatchObject([{ kind: 'console', httpsPort: sim.port, mac: sim.config.mac }])
  })
})

describe('a UniFi OS Server that replied to discovery (unifi-os.md §1 port 11443)', () => {
  it('is found on its server port when 443 has nothing, and the card keeps that port', async () => {
    const sim = await startConsole('uos-server')
    const none = await closedPort()
    const { store, queue, asked, settled } = lookAround(none, sim.port)
    const id = store.applyUbnt(ubntReply(sim.config.mac), '127.0.0.1', 'ubnt-v1')!
    queue.card(id)
    await settled()
    expect(asked).toEqual([`127.0.0.1:${none}`, `127.0.0.1:${sim.port}`])
    expect(store.get(id)).toMatchObject({ kind: 'console', httpsPort: sim.port, platform: 'unifi-os' })
  })

  it('is found on the web port its UBNT reply names (0x0F)', async () => {
    const sim = await startConsole('uos-server')
    const [none, noServer] = [await closedPort(), await closedPort()]
    const { store, queue, asked, settled } = lookAround(none, noServer)
    const id = store.applyUbnt(ubntReply(sim.config.mac, sim.port), '127.0.0.1', 'ubnt-v1')!
    queue.card(id)
    await settled()
    expect(asked).toEqual([`127.0.0.1:${none}`, `127.0.0.1:${sim.port}`])
    expect(store.get(id)).toMatchObject({ kind: 'console', httpsPort: sim.port })
  })

  it('asks an address that did not reply to discovery on 443 only', async () => {
    const sim = await startConsole('uos-server')
    const none = await closedPort()
    const { store, queue, asked, settled } = lookAround(none, sim.port)
    queue.address('127.0.0.1', 0) // a sweep hit or an mDNS hint: no reply of its own
    await settled()
    expect(asked).toEqual([`127.0.0.1:${none}`])
    expect(store.list()).toEqual([])
  })
})
