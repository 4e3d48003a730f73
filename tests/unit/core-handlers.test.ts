// The handler modules that hold state of their own: discovery created on first use, the
// keychain status announced when it changes, the desktop status. Pure forwarding is covered
// by the contract tests through makeCore.
import { describe, expect, it } from 'vitest'
import type { VaultStatus } from '../../shared/domain.ts'
import type { DiscoveryStatus } from '../../shared/inventory.ts'
import type { Discovery } from '../../electron/core/discovery/index.ts'
import { createLazyDiscovery, discoveryHandlers, IDLE } from '../../electron/core/handlers/discovery.ts'
import { createDesktopState, createVaultStatus } from '../../electron/core/handlers/settings.ts'

type Emitted = [string, unknown][]
const hubInto = (emitted: Emitted) => ({ emit: (name: string, payload: unknown) => void emitted.push([name, payload]) })

/** A stand-in discovery that counts what it was asked to do. */
function fakeDiscovery() {
  const calls = { created: 0, started: 0, scans: 0, stopped: 0 }
  let running = false
  let changed: ((items: never[]) => void) | null = null
  let statusChanged: (() => void) | null = null
  const status = (): DiscoveryStatus => ({ ...IDLE, running })
  const discovery = {
    start: async () => void ((running = true), calls.started++),
    stop: async () => void ((running = false), calls.stopped++),
    scanNow: () => void calls.scans++,
    inventory: () => [],
    onChange: (listener: (items: never[]) => void) => ((changed = listener), () => {}),
    onStatus: (listener: () => void) => ((statusChanged = listener), () => {}),
    status,
    listInterfaces: () => [],
  } as unknown as Discovery
  const create = () => {
    calls.created++
    return discovery
  }
  return { calls, create, fireChange: () => changed?.([]), fireStatus: () => statusChanged?.() }
}

describe('discovery on first use', () => {
  it('creates nothing for status, list, stop or a refused scan', async () => {
    const fake = fakeDiscovery()
    const emitted: Emitted = []
    const finder = createLazyDiscovery(hubInto(emitted), {}, fake.create)
    const handlers = discoveryHandlers(finder, hubInto(emitted))
    expect(handlers['discovery.status']({})).toMatchObject({ running: false })
    expect(handlers['inventory.list']({})).toEqual([])
    expect(await handlers['discovery.stop']({})).toMatchObject({ running: false })
    expect(() => handlers['discovery.scan']({})).toThrow(/not running/)
    expect(fake.calls.created).toBe(0)
  })

  it('starts once created, announces each change of state and forwards inventory changes', async () => {
    const fake = fakeDiscovery()
    const emitted: Emitted = []
    const finder = createLazyDiscovery(hubInto(emitted), {}, fake.create)
    const handlers = discoveryHandlers(finder, hubInto(emitted))
    expect(await handlers['discovery.start']({})).toMatchObject({ running: true })
    expect(handlers['discovery.scan']({})).toMatchObject({ running: true })
    expect(await handlers['discovery.stop']({})).toMatchObject({ running: false })
    fake.fireChange()
    expect(fake.calls).toEqual({ created: 1, started: 1, scans: 1, stopped: 1 })
    expect(emitted.map(([name]) => name)).toEqual([
      'discovery.changed',
      'discovery.changed',
      'discovery.changed',
      'inventory.changed',
    ])
  })
})

describe('discovery status on its own', () => {
  it('announces a round ending or UISP search progress as discovery.changed, to every window', async () => {
    const fake = fakeDiscovery()
    const emitted: Emitted = []
    const finder = createLazyDiscovery(hubInto(emitted), {}, fake.create)
    const handlers = discoveryHandlers(finder, hubInto(emitted))
    await handlers['discovery.start']({})
    emitted.length = 0
    fake.fireStatus()
    expect(emitted).toEqual([['discovery.changed', expect.objectContaining({ running: true, scanning: false })]])
  })

  it('refuses the UISP search before discovery runs, without creating it', () => {
    const fake = fakeDiscovery()
    const finder = createLazyDiscovery(hubInto([]), {}, fake.create)
    const handlers = discoveryHandlers(finder, hubInto([]))
    expect(() => handlers['discovery.searchUisp']({})).toThrow(/not running/)
    expect(fake.calls.created).toBe(0)
  })
})

describe('keychain status', () => {
  it('announces vault.changed only when the status differs from the last one read', async () => {
    const answers: VaultStatus[] = [
      { available: true, backend: 'test', problem: null },
      { available: true, backend: 'test', problem: null },
      { available: false, backend: 'test', problem: 'The keychain is locked.' },
    ]
    const emitted: Emitted = []
    const read = createVaultStatus({ status: async () => answers.shift()! }, hubInto(emitted))
    await read()
    await read()
    expect(emitted).toEqual([])
    const third = await read()
    expect(emitted).toEqual([['vault.changed', third]])
  })
})

describe('desktop status', () => {
  it('starts with no tray host and announces what the shell sets', () => {
    const emitted: Emitted = []
    const desktop = createDesktopState(hubInto(emitted))
    expect(desktop.status()).toEqual({ trayHost: null })
    const missing = { trayHost: { available: false, advice: 'Install a tray extension.' } }
    desktop.set(missing)
    expect(desktop.status()).toEqual(missing)
    expect(emitted).toEqual([['desktop.changed', missing]])
  })
})
