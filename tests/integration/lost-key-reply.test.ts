// A key whose create reply was lost, on a console that ignores the key's `description`
// (unifi-os.md §4.1: uiprotect creates with `{name}` only, so a console need not keep it).
// Keyward's marker is then not in the list; the key is found by the exact name Keyward gave it
// on the dedicated user's own list, so a resume leaves one key and a cleanup leaves none.
// A signed-in admin's keys of that name are never taken for strays.
import { afterAll, describe, expect, it } from 'vitest'
import type { CleanupOutcome, ProvisionOutcome, ProvisionRecord } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { seedApiKey } from '../simulators/console/keys.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrust } from '../support/trust.ts'

type Core = ReturnType<typeof makeCore>
const cores: Core[] = []
afterAll(async () => {
  for (const core of cores) {
    await core.close()
    core.dispose()
  }
})
const value = <T>(outcome: Outcome<unknown>): T => {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}
const keysOf = (sim: RunningConsole, userId: string) =>
  [...sim.state.apiKeys.values()].filter((k) => k.userId === userId)
const userNamed = (sim: RunningConsole, name: string) => [...sim.state.users.values()].find((u) => u.username === name)

/** A console that keeps only the key's name, probed, trusted and signed in to as its owner. */
async function nameOnlyConsole() {
  const core = makeCore()
  cores.push(core)
  const sim = await startConsole('unvr', { shapes: { keyDescription: 'ignored' } })
  const key = `127.0.0.1:${sim.port}`
  value(await probeAndTrust(core, key))
  value(await core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD }))
  return { core, sim, key }
}

const run = async (core: Core, key: string, mode: ProvisionRecord['mode'], username = 'keyward-lost') =>
  value<ProvisionOutcome>(
    await core.invoke('provision.run', { key, app: 'protect', mode, username, keyName: 'ha-protect' }),
  )

/** A run whose mint reply is lost: the console made the key, Keyward never saw it. */
async function lostMint(core: Core, sim: RunningConsole, key: string, mode: ProvisionRecord['mode']) {
  void sim.failNext({ method: 'POST', path: /\/keys$/, when: 'after' })
  const failed = await run(core, key, mode)
  expect(failed.failure).toMatchObject({ step: 'key' })
  expect(failed.record.keyId).toBeNull()
  return failed
}

describe('a lost key reply on a console that ignores description (unifi-os.md §4.1)', () => {
  it('a resume revokes the key it cannot see and leaves exactly the new one', async () => {
    const { core, sim, key } = await nameOnlyConsole()
    const failed = await lostMint(core, sim, key, 'dedicated-user')
    const user = userNamed(sim, 'keyward-lost')!
    expect(keysOf(sim, user.id)).toHaveLength(1) // the key the lost reply hid
    expect(keysOf(sim, user.id)[0]!.description).toBe('')

    const done = value<ProvisionOutcome>(await core.invoke('provision.resume', { id: failed.record.id }))
    expect(done.failure).toBeNull()
    expect(keysOf(sim, user.id).map((k) => k.id)).toEqual([done.record.keyId])
  })

  it('a cleanup removes the key the lost reply hid, then the user', async () => {
    const { core, sim, key } = await nameOnlyConsole()
    const failed = await lostMint(core, sim, key, 'dedicated-user')
    const user = userNamed(sim, 'keyward-lost')!
    const cleaned = value<CleanupOutcome>(await core.invoke('provision.cleanup', { id: failed.record.id }))
    expect(cleaned.complete).toBe(true)
    expect(Object.fromEntries(cleaned.items.map((i) => [i.part, i.result]))).toMatchObject({
      key: 'removed',
      user: 'removed',
    })
    expect(keysOf(sim, user.id)).toEqual([])
    expect(sim.state.apiKeys.size).toBe(0)
  })

  it("never takes a signed-in admin's own key of the same name for a stray", async () => {
    const { core, sim, key } = await nameOnlyConsole()
    const owner = userNamed(sim, OWNER_USERNAME)!
    const theirs = seedApiKey(sim.state, { userId: owner.id, name: 'ha-protect' })
    const failed = await lostMint(core, sim, key, 'signed-in-admin')
    const done = value<ProvisionOutcome>(await core.invoke('provision.resume', { id: failed.record.id }))
    expect(done.failure).toBeNull()
    expect(sim.state.apiKeys.has(theirs)).toBe(true)
    expect(sim.state.apiKeys.has(done.record.keyId!)).toBe(true)
  })
})
