// Discovery's HTTPS look at a UISP server (discovery.md §3, uisp.md §3) against the UISP simulator,
// in both shapes of `/nms/version`: open, and behind authentication (uisp.md §8 open question,
// knob `versionNeedsAuth`). Either way the address must become a "UISP server" card, which is
// what "Search for UISP" reports; a UISP-firmware device stays a device.
import { describe, expect, it } from 'vitest'
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
