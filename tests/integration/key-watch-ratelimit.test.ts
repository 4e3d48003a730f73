// Background checks against a console that enforces Protect's budget as unifi-os.md §5.1 describes
// it: per user principal, with a sliding window (the simulator's default), announced in RateLimit /
// RateLimit-Policy. Assertions use the console's request log (who, what, in which order, answered
// how), never how long anything took.
import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { KeyRecord } from '../../shared/domain.ts'
import { call } from '../simulators/console/client.ts'
import { createConsoleConfig, OWNER_USERNAME, seedUuid, type ConsoleOverrides } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrust } from '../support/trust.ts'

const SECOND_USER = { id: seedUuid('ratelimit', 'bob'), username: 'bob', password: 'Passw0rd!bob' }

type TestCore = ReturnType<typeof makeCore>

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function setUp(overrides: ConsoleOverrides = {}): Promise<{ sim: RunningConsole; core: TestCore }> {
  const sim = await startConsole('unvr', {
    accounts: [
      ...createConsoleConfig('unvr').accounts,
      { ...SECOND_USER, role: 'super_administrator', isOwner: false, localAccount: true },
    ],
    ...overrides,
  })
  const core = makeCore()
  cleanups.push(async () => {
    await core.close()
    core.dispose()
  })
  const probed = await probeAndTrust(core, `127.0.0.1:${sim.port}`)
  if (!probed.ok) throw new Error(probed.error.message)
  return { sim, core }
}

/** A key of `user` in the console's own store (as if minted there); its id and secret. */
function consoleKey(sim: RunningConsole, user: { id: string }, name: string) {
  const secret = randomBytes(24).toString('base64url')
  const id = randomUUID()
  const t = Date.now()
  sim.state.apiKeys.set(id, {
    id,
    name,
    description: '',
    key: secret,
    userId: user.id,
    creatorUserId: user.id,
    createdAt: t,
    updatedAt: t,
    lastUsedAt: null,
  })
  return { id, secret }
}

/** Watched keys straight into the console, the vault and the settings: the tests measure checks, not minting. */
async function seedKeys(sim: RunningConsole, core: TestCore, user: { id: string; username: string }, n: number) {
  const records: KeyRecord[] = []
  for (let i = 0; i < n; i++) {
    const name = `${user.username}-${i}`
    const { id, secret } = consoleKey(sim, user, name)
    const t = Date.now()
    await core.vault.set(`key:${id}`, secret)
    records.push({
      id,
      name,
      app: 'protect',
      consoleKey: `127.0.0.1:${sim.port}`,
      username: user.username,
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

const owner = (sim: RunningConsole) => sim.config.accounts.find((a) => a.isOwner)!

describe('pacing by user principal against a sliding-window console', () => {
  it('a sweep of 20 keys of ONE user finishes with zero 429s: they share one budget', async () => {
    const { sim, core } = await setUp()
    await seedKeys(sim, core, { id: owner(sim).id, username: OWNER_USERNAME }, 20)
    const views = await core.keys.checkNow()
    expect(views.map((v) => v.status)).toEqual(Array(20).fill('ok'))
    const log = sim.state.integrationLog
    expect(log).toHaveLength(60) // meta/info + cameras + one camera's rtsps-stream per key (what HA needs, issue 15)
    expect(log.every((e) => e.principal === owner(sim).id)).toBe(true)
    expect(log.filter((e) => e.status !== 200)).toEqual([])
  })

  it('keys of two users proceed on parallel budgets, still with zero 429s', async () => {
    const { sim, core } = await setUp()
    // All of the owner's keys first: one queue per console would send all ten of them before any of bob's.
    await seedKeys(sim, core, { id: owner(sim).id, username: OWNER_USERNAME }, 10)
    await seedKeys(sim, core, SECOND_USER, 10)
    const views = await core.keys.checkNow()
    expect(views.map((v) => v.status)).toEqual(Array(20).fill('ok'))
    const log = sim.state.integrationLog
    expect(log.filter((e) => e.status !== 200)).toEqual([])
    const who = log.map((e) => (e.principal === SECOND_USER.id ? 'bob' : 'owner'))
    expect(who.filter((w) => w === 'bob')).toHaveLength(30)
    // Bob did not wait behind the owner: his requests began among the console's first few.
    expect(who.slice(0, 10)).toContain('bob')
  })

  it('a console announcing remaining 0 makes the next request of that user wait for the reset', async () => {
    // 10 requests in any 3 s, so the reset is far from the pacer's own spacing (375 ms).
    const { sim, core } = await setUp({ rateLimit: { quota: 10, windowSeconds: 3 } })
    // Home Assistant uses the same user with a key of its own: it spends 9 of the 10 (Keyward does not pace it).
    const homeAssistant = consoleKey(sim, owner(sim), 'home-assistant')
    const ha = await Promise.all(
      Array.from({ length: 9 }, () =>
        call(sim.url, '/proxy/protect/integration/v1/meta/info', { headers: { 'x-api-key': homeAssistant.secret } }),
      ),
    )
    expect(ha.map((r) => r.status)).toEqual(Array(9).fill(200))
    await seedKeys(sim, core, { id: owner(sim).id, username: OWNER_USERNAME }, 1)

    const views = await core.keys.checkNow()
    expect(views.map((v) => v.status)).toEqual(['ok'])
    const log = sim.state.integrationLog.map((e) => [e.path, e.status, e.remaining])
    // Keyward's meta/info took the last request of the window and was told so (r=0); its camera
    // count and stream read came only after the reset, so nothing was refused (without the wait it would be a 429).
    expect(log.slice(9)).toEqual([
      ['v1/meta/info', 200, 0],
      ['v1/cameras', 200, expect.any(Number)],
      [expect.stringMatching(/^v1\/cameras\/[0-9a-f]+\/rtsps-stream$/), 200, expect.any(Number)],
    ])
    expect(sim.state.integrationLog.filter((e) => e.status !== 200)).toEqual([])
  })
})
