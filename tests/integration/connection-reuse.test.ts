// Kept-alive connections per console (issue 16, "Connections and limits"): a sweep of several keys
// on one console reuses its TLS connections instead of one handshake per request, a forgotten or
// re-trusted console's connections close, and a pooled socket never outlives its pin. Counted at
// the simulator, which records every TLS handshake it completes.
import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { KeyRecord } from '../../shared/domain.ts'
import { httpsRequest } from '../../electron/core/net/https.ts'
import { closeConnections } from '../../electron/core/net/pool.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrust } from '../support/trust.ts'

const core = makeCore()
afterAll(async () => {
  await core.close()
  core.dispose()
})

/** Keys straight into the console's store and the vault: the test is about checks, not minting. */
async function seedKeys(sim: RunningConsole, count: number): Promise<void> {
  const owner = [...sim.state.users.values()].find((u) => u.isOwner)!
  const records: KeyRecord[] = []
  for (let i = 0; i < count; i++) {
    const secret = randomBytes(24).toString('base64url')
    const id = randomUUID()
    const t = Date.now()
    sim.state.apiKeys.set(id, {
      id,
      name: `reuse-${i}`,
      description: '',
      key: secret,
      userId: owner.id,
      creatorUserId: owner.id,
      createdAt: t,
      updatedAt: t,
      lastUsedAt: null,
    })
    await core.vault.set(`key:${id}`, secret)
    records.push({
      id,
      name: `reuse-${i}`,
      app: 'protect',
      consoleKey: `127.0.0.1:${sim.port}`,
      username: 'admin',
      remoteId: id,
      keyRef: `key:${id}`,
      passwordRef: null,
      masked: 'xxxx…xxxx',
      createdAt: new Date(t).toISOString(),
      expiresAt: null,
      paused: false,
      lastCheck: null,
      unreachableStreak: 0,
      pushedTo: [],
      haHealth: null,
    })
  }
  core.settings.saveKeys([...core.settings.listKeys(), ...records])
}

describe('connections to a console', () => {
  it('a sweep of six keys reuses its connections: far fewer handshakes than requests, all ok', async () => {
    const sim = await startConsole('unvr')
    const probed = await probeAndTrust(core, `127.0.0.1:${sim.port}`)
    expect(probed.ok).toBe(true)
    await seedKeys(sim, 6)
    const handshakesBefore = sim.state.handshakes.length
    const requestsBefore = sim.state.integrationLog.length

    const views = await core.keys.checkNow()
    expect(views.filter((v) => v.consoleKey === `127.0.0.1:${sim.port}`).map((v) => v.status)).toEqual(
      Array(6).fill('ok'),
    )
    const requests = sim.state.integrationLog.length - requestsBefore
    const handshakes = sim.state.handshakes.length - handshakesBefore
    expect(requests).toBeGreaterThanOrEqual(12) // at least meta/info and cameras per key
    // The connection trusting the console opened may serve the whole sweep; a few more at most when a
    // loaded machine makes requests overlap (4 per console, pool.ts). One per request was the old behaviour.
    expect(handshakes).toBeLessThanOrEqual(4)
  })

  it("closing a console's connections makes the next request a new handshake; a new pin never rides an old socket", async () => {
    const sim = await startConsole('unvr')
    const get = (pin: string) => httpsRequest({ host: '127.0.0.1', port: sim.port, path: '/api/system', pin })
    const pin = sim.sha256
    expect((await get(pin)).status).toBe(200)
    const afterFirst = sim.state.handshakes.length
    expect((await get(pin)).status).toBe(200)
    expect(sim.state.handshakes.length).toBe(afterFirst) // kept alive, reused

    closeConnections('127.0.0.1', sim.port)
    expect((await get(pin)).status).toBe(200)
    expect(sim.state.handshakes.length).toBe(afterFirst + 1)

    // The console replaces its certificate and (the harsher case) keeps the old pin's socket open. The
    // old pin's next GET may reuse it (that connection was checked); the new pin gets its own.
    const next = await sim.replaceCertificate({ keepConnections: true })
    const reply = await get(next)
    expect(reply.certificate.sha256).toBe(next)
    expect(sim.state.handshakes.at(-1)).toBe(next)
    await expect(
      httpsRequest({ host: '127.0.0.1', port: sim.port, path: '/api/system', pin, method: 'POST', body: '{}' }),
    ).rejects.toMatchObject({ code: 'certificate-changed' })
  })
})
