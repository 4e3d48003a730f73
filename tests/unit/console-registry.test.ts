// The console registry: what a probe records and what the user's re-trust accepts.
// The network side is answered by a stand-in probe; settings are real, on a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConsoleAddress } from '../../shared/domain.ts'
import type { EventName } from '../../shared/contract.ts'
import { createConsoleRegistry, type ConsoleRegistry } from '../../electron/core/console/registry.ts'
import type { RawProbe } from '../../electron/core/console/probe.ts'
import { openSettings, type Settings } from '../../electron/core/settings/settings.ts'

const OLD = Array(32).fill('AA').join(':')
const NEW = Array(32).fill('BB').join(':')

function answer(address: ConsoleAddress, sha256: string): RawProbe {
  return {
    address,
    kind: 'unifi-os',
    model: 'UDMPRO',
    name: 'Home',
    mac: '245A4CDD6616',
    directConnectDomain: null,
    apps: ['protect'],
    certificate: { sha256, subject: 'CN=unifi', issuer: 'CN=unifi', validFrom: '', validTo: '', selfSigned: true },
    latencyMs: 1,
    probedAt: '2026-12-03T08:00:00.000Z',
  }
}

let dir: string
let settings: Settings
let served: string
let events: EventName[]
let invalidated: string[]
let registry: ConsoleRegistry

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-registry-'))
  settings = openSettings({ cwd: dir, projectVersion: '0.1.0' })
  served = OLD
  events = []
  invalidated = []
  registry = createConsoleRegistry({
    settings,
    hub: { emit: (name) => void events.push(name) },
    invalidate: (key) => void invalidated.push(key),
    probeAddresses: async (addresses) => answer(addresses[0]!, served),
    probeConsole: async (address) => answer(address, served),
  })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('console registry', () => {
  it('records a console on first contact, unconfirmed, and announces the list', async () => {
    const probe = await registry.probe('192.0.2.10')
    expect(probe.trust).toBe('first-contact')
    expect(settings.listConsoles()).toMatchObject([{ key: '192.0.2.10:443', certificateSha256: OLD, confirmed: false }])
    expect(events).toEqual(['console.changed'])
  })

  it('keeps a confirmed certificate when the console now shows another, and says it changed', async () => {
    await registry.probe('192.0.2.10')
    await registry.trust('192.0.2.10:443', OLD)
    served = NEW
    const probe = await registry.probe('192.0.2.10')
    expect(probe.trust).toBe('changed')
    expect(settings.listConsoles()[0]).toMatchObject({ certificateSha256: OLD, confirmed: true })
  })

  it('replaces an unconfirmed certificate without calling it changed', async () => {
    await registry.probe('192.0.2.10')
    served = NEW
    expect((await registry.probe('192.0.2.10')).trust).toBe('first-contact')
    expect(settings.listConsoles()[0]).toMatchObject({ certificateSha256: NEW, confirmed: false })
  })

  it('refuses a fingerprint the console no longer shows and confirms nothing', async () => {
    await registry.probe('192.0.2.10')
    served = NEW
    await expect(registry.trust('192.0.2.10:443', OLD)).rejects.toMatchObject({ code: 'certificate-changed' })
    expect(settings.listConsoles()[0]).toMatchObject({ certificateSha256: OLD, confirmed: false })
  })

  it('drops sessions on re-trust only when the certificate really changed', async () => {
    await registry.probe('192.0.2.10')
    await registry.trust('192.0.2.10:443', OLD)
    expect(invalidated).toEqual([])
    served = NEW
    const record = await registry.trust('192.0.2.10:443', NEW)
    expect(record).toMatchObject({ certificateSha256: NEW, confirmed: true })
    expect(invalidated).toEqual(['192.0.2.10:443'])
  })

  it('will not trust a console it never probed', async () => {
    await expect(registry.trust('192.0.2.99:443', OLD)).rejects.toMatchObject({ code: 'not-found' })
  })

  it('forgets a console and its sessions', async () => {
    await registry.probe('192.0.2.10')
    expect(registry.forget('192.0.2.10:443')).toEqual([])
    expect(invalidated).toEqual(['192.0.2.10:443'])
    expect(settings.listConsoles()).toEqual([])
  })
})
