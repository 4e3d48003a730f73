// No privileged leftovers (issue 14 §5), through the contract the UI calls: a run whose key step
// is refused after the user was created, or that minted on the wrong console, leaves a Super Admin
// (and maybe a key); `provision.cleanup` removes what the flow's journal names, the key first, the
// user next, the password from the keychain last, and resumes when cut off. A later run knows a
// user an earlier run made; nothing the journal does not name is ever removed.
import { afterAll, describe, expect, it } from 'vitest'
import type { CleanupOutcome, ProvisionOutcome, ProvisionRecord } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import {
  OWNER_PASSWORD,
  OWNER_USERNAME,
  type ConsoleOverrides,
  type PresetName,
} from '../simulators/console/presets.ts'
import { seedApiKey } from '../simulators/console/keys.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrust } from '../support/trust.ts'

const cores: ReturnType<typeof makeCore>[] = []
afterAll(async () => {
  for (const core of cores) {
    await core.close()
    core.dispose()
  }
})

type Core = ReturnType<typeof makeCore>
const value = <T>(outcome: Outcome<unknown>): T => {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}
const usersNamed = (sim: RunningConsole, name: string) =>
  [...sim.state.users.values()].filter((u) => u.username === name)
const keysOf = (sim: RunningConsole, userId: string) =>
  [...sim.state.apiKeys.values()].filter((k) => k.userId === userId)
const resultOf = (outcome: CleanupOutcome) => Object.fromEntries(outcome.items.map((i) => [i.part, i.result]))

/** A console probed, trusted and signed in to as its owner through a fresh core. */
async function signedIn(preset: PresetName, overrides: ConsoleOverrides = {}, core?: Core) {
  const c = core ?? makeCore()
  if (!core) cores.push(c)
  const sim = await startConsole(preset, overrides)
  const key = `127.0.0.1:${sim.port}`
  value(await probeAndTrust(c, key))
  value(await c.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD }))
  return { core: c, sim, key }
}

type Mode = ProvisionRecord['mode']
const run = async (core: Core, key: string, username = 'keyward-ha', mode: Mode = 'dedicated-user') =>
  value<ProvisionOutcome>(
    await core.invoke('provision.run', { key, app: 'protect', mode, username, keyName: 'home-assistant' }),
  )
const cleanup = async (core: Core, id: string) => value<CleanupOutcome>(await core.invoke('provision.cleanup', { id }))

describe('the key step is refused after the user was created', () => {
  it('keeps the user and its password on record; cleanup removes the user, then the password', async () => {
    const { core, sim, key } = await signedIn('unvr', { keyCreation: 'owner-only' })
    const failed = await run(core, key)
    expect(failed.failure).toMatchObject({ step: 'key', code: 'forbidden' })
    const [user] = usersNamed(sim, 'keyward-ha')
    // A run never leaves an account it cannot account for: the journal names it, the keychain holds its password.
    expect(failed.record).toMatchObject({
      userId: user!.id,
      steps: { user: 'done', key: 'failed' },
      requested: { user: true, key: false },
    })
    expect(await core.vault.get(core.settings.getProvision(failed.record.id)!.passwordRef)).toBe(user!.password)

    const done = await cleanup(core, failed.record.id)
    expect(done.complete).toBe(true)
    expect(resultOf(done)).toEqual({ key: 'not-made', user: 'removed', password: 'removed' })
    expect(usersNamed(sim, 'keyward-ha')).toEqual([])
    expect(sim.state.users.has(user!.id)).toBe(false)
    expect(await core.vault.get(core.settings.getProvision(failed.record.id)!.passwordRef)).toBeNull()
    expect([...sim.state.users.values()].map((u) => u.username)).toContain(OWNER_USERNAME)
    // What was cleaned up is not resumed into a new user.
    const resumed = await core.invoke('provision.resume', { id: failed.record.id })
    expect(resumed).toMatchObject({ ok: false, error: { code: 'conflict' } })
    // Asking again changes nothing and says so.
    expect((await cleanup(core, failed.record.id)).complete).toBe(true)
  })

  it('a later run takes the user over from the journal instead of calling it foreign', async () => {
    const { core, sim, key } = await signedIn('unvr', { keyCreation: 'owner-only' })
    const first = await run(core, key)
    expect(first.failure).toMatchObject({ step: 'key' })
    const [user] = usersNamed(sim, 'keyward-ha')

    sim.state.config.keyCreation = 'super-admin'
    const second = await run(core, key)
    expect(second.failure).toBeNull()
    expect(second.record).toMatchObject({ userId: user!.id, steps: { user: 'done', key: 'done', verify: 'done' } })
    expect(usersNamed(sim, 'keyward-ha')).toHaveLength(1)
    expect(keysOf(sim, user!.id)).toHaveLength(1)
    expect(core.settings.getProvision(first.record.id)).toMatchObject({ userAdoptedBy: second.record.id })

    // The first run's cleanup leaves the user to the run that took it over; its own copy of the password goes.
    const cleaned = await cleanup(core, first.record.id)
    expect(resultOf(cleaned)).toMatchObject({ key: 'not-made', user: 'kept', password: 'removed' })
    expect(cleaned.items.find((i) => i.part === 'user')!.reason).toMatch(/later run/)
    expect(usersNamed(sim, 'keyward-ha')).toHaveLength(1)
    expect(await core.vault.get(core.settings.getProvision(second.record.id)!.passwordRef)).toBe(user!.password)
    expect(core.keys.list()).toHaveLength(1)
  })
})

describe('the key was minted on the wrong console', () => {
  it('cleanup revokes the key, then deletes the user, and resumes when cut off between them', async () => {
    const core = makeCore()
    cores.push(core)
    const { sim: udm, key } = await signedIn('udm-pro', {}, core)
    value(await probeAndTrust(core, `127.0.0.1:${(await startConsole('unvr')).port}`))
    const wrong = await run(core, key)
    expect(wrong.check).toMatchObject({ status: 'failed', problem: 'wrong_host' })
    const [user] = usersNamed(udm, 'keyward-ha')
    expect(keysOf(udm, user!.id)).toHaveLength(1)
    expect(core.keys.list()).toHaveLength(1)

    // The user's deletion never reaches the console: the key is already revoked, the user and password stay.
    void udm.failNext({ method: 'DELETE', path: /^\/proxy\/users\/api\/v2\/user\//, when: 'before' })
    const cut = await cleanup(core, wrong.record.id)
    expect(resultOf(cut)).toEqual({ key: 'removed', user: 'failed', password: 'kept' })
    expect(cut.complete).toBe(false)
    expect(keysOf(udm, user!.id)).toEqual([])
    expect(usersNamed(udm, 'keyward-ha')).toHaveLength(1)
    expect(await core.vault.get(core.settings.getProvision(wrong.record.id)!.keyRef)).toBeNull()
    expect(await core.vault.get(core.settings.getProvision(wrong.record.id)!.passwordRef)).toBe(user!.password)
    expect(core.keys.list()).toEqual([])

    const resumed = await cleanup(core, wrong.record.id)
    expect(resultOf(resumed)).toEqual({ key: 'removed', user: 'removed', password: 'removed' })
    expect(resumed.complete).toBe(true)
    expect(usersNamed(udm, 'keyward-ha')).toEqual([])
    expect(await core.vault.get(core.settings.getProvision(wrong.record.id)!.passwordRef)).toBeNull()
  })

  it('a later run on that console names the user as Keyward’s and offers that run’s cleanup', async () => {
    const core = makeCore()
    cores.push(core)
    const { sim: udm, key } = await signedIn('udm-pro', {}, core)
    value(await probeAndTrust(core, `127.0.0.1:${(await startConsole('unvr')).port}`))
    const first = await run(core, key)
    expect(first.check).toMatchObject({ problem: 'wrong_host' })
    const again = await run(core, key)
    expect(again.failure).toMatchObject({ step: 'user', code: 'conflict', earlierFlow: first.record.id })
    expect(again.failure!.message).toMatch(/that Keyward made in an earlier run .* for the key “home-assistant”/)
    expect(again.failure!.message).not.toMatch(/did not create/)

    expect((await cleanup(core, first.record.id)).complete).toBe(true)
    const third = await run(core, key)
    expect(third.record.steps).toMatchObject({ user: 'done', key: 'done' })
    expect(usersNamed(udm, 'keyward-ha')).toHaveLength(1)
  })

  it('made as the signed-in admin: cleanup revokes the key and leaves the admin alone', async () => {
    const core = makeCore()
    cores.push(core)
    const { sim: udm, key } = await signedIn('udm-pro', {}, core)
    value(await probeAndTrust(core, `127.0.0.1:${(await startConsole('unvr')).port}`))
    const wrong = await run(core, key, 'keyward-ha', 'signed-in-admin')
    expect(wrong.check).toMatchObject({ problem: 'wrong_host' })
    const owner = usersNamed(udm, OWNER_USERNAME)[0]!
    expect(keysOf(udm, owner.id)).toHaveLength(1)
    const done = await cleanup(core, wrong.record.id)
    expect(resultOf(done)).toEqual({ key: 'removed', user: 'not-made', password: 'not-made' })
    expect(keysOf(udm, owner.id)).toEqual([])
    expect(usersNamed(udm, OWNER_USERNAME)).toHaveLength(1)
  })
})

describe('cleanup removes only what the journal names', () => {
  it('a user found by name is removed only when the stored password proves Keyward made it', async () => {
    const { core, sim, key } = await signedIn('unvr')
    // Created, reply lost: the journal has no id, only the name and the password.
    void sim.failNext({ method: 'POST', path: '/proxy/users/api/v2/user', when: 'after' })
    const lost = await run(core, key, 'keyward-lost')
    expect(lost.record).toMatchObject({ userId: null, requested: { user: true } })
    // Someone replaced that user on the console with their own account of the same name.
    const [user] = usersNamed(sim, 'keyward-lost')
    user!.password = 'Someone-else-1'
    const kept = await cleanup(core, lost.record.id)
    expect(resultOf(kept)).toEqual({ key: 'not-made', user: 'kept', password: 'removed' })
    expect(kept.items.find((i) => i.part === 'user')!.reason).toMatch(/may not be the one Keyward made/)
    expect(usersNamed(sim, 'keyward-lost')).toHaveLength(1)

    // The same loss, untouched: signing in with the stored password proves it, and it goes.
    void sim.failNext({ method: 'POST', path: '/proxy/users/api/v2/user', when: 'after' })
    const ours = await run(core, key, 'keyward-ours')
    expect(ours.record.userId).toBeNull()
    const removed = await cleanup(core, ours.record.id)
    expect(resultOf(removed)).toEqual({ key: 'not-made', user: 'removed', password: 'removed' })
    expect(usersNamed(sim, 'keyward-ours')).toEqual([])
  })

  it('never touches a same-named user the run refused to adopt, nor the owner', async () => {
    const { core, sim, key } = await signedIn('unvr')
    const refused = await run(core, key, OWNER_USERNAME)
    expect(refused.failure).toMatchObject({ step: 'user', code: 'conflict' })
    expect(refused.failure!.message).toMatch(/did not create/)
    expect(refused.failure!.earlierFlow).toBeUndefined()
    const done = await cleanup(core, refused.record.id)
    expect(resultOf(done)).toEqual({ key: 'not-made', user: 'not-made', password: 'not-made' })
    expect(usersNamed(sim, OWNER_USERNAME)).toHaveLength(1)
    expect(sim.state.users.size).toBe(2) // the owner and the cloud admin, as seeded
  })

  it('refuses a flow whose key works, and one it does not know', async () => {
    const { core, sim, key } = await signedIn('unvr')
    const good = await run(core, key)
    expect(good.check).toMatchObject({ status: 'ok' })
    const refused = await core.invoke('provision.cleanup', { id: good.record.id })
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused' } })
    const unknown = await core.invoke('provision.cleanup', { id: 'no-such-flow' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } })

    // The working key keeps its user; a second run with that name is told so, with no removal offered.
    const second = await run(core, key)
    expect(second.failure).toMatchObject({ code: 'conflict', message: expect.stringMatching(/in your key list/) })
    expect(second.failure!.earlierFlow).toBeUndefined()

    // Revoked from the key list, the key is gone but its user is not: the journal still names it.
    value(await core.invoke('keys.revoke', { id: core.keys.list()[0]!.id }))
    const third = await run(core, key)
    expect(third.failure).toMatchObject({ code: 'conflict', earlierFlow: good.record.id })
    expect(resultOf(await cleanup(core, good.record.id))).toMatchObject({ key: 'was-gone', user: 'removed' })
    expect(usersNamed(sim, 'keyward-ha')).toEqual([])
  })
})

// A key whose create reply was lost, on a console that ignores the key's `description` (unifi-os.md
// §4.1: uiprotect creates with `{name}` only): Keyward's marker is not in the list, so the key is found
// by the exact name Keyward gave it on the dedicated user's own list. A signed-in admin's keys of that
// name are never taken for strays.
describe('a lost key reply on a console that ignores description (unifi-os.md §4.1)', () => {
  const nameOnly = () => signedIn('unvr', { shapes: { keyDescription: 'ignored' } })
  /** A run whose mint reply is lost: the console made the key, Keyward never saw it. */
  async function lostMint(core: Core, sim: RunningConsole, key: string, mode: Mode) {
    void sim.failNext({ method: 'POST', path: /\/keys$/, when: 'after' })
    const failed = await run(core, key, 'keyward-lost', mode)
    expect(failed.failure).toMatchObject({ step: 'key' })
    expect(failed.record.keyId).toBeNull()
    return failed
  }

  it('a resume revokes the key it cannot see and leaves exactly the new one', async () => {
    const { core, sim, key } = await nameOnly()
    const failed = await lostMint(core, sim, key, 'dedicated-user')
    const [user] = usersNamed(sim, 'keyward-lost')
    expect(keysOf(sim, user!.id)).toMatchObject([{ description: '' }]) // the key the lost reply hid
    const done = value<ProvisionOutcome>(await core.invoke('provision.resume', { id: failed.record.id }))
    expect(done.failure).toBeNull()
    expect(keysOf(sim, user!.id).map((k) => k.id)).toEqual([done.record.keyId])
  })

  it('a cleanup removes the key the lost reply hid, then the user', async () => {
    const { core, sim, key } = await nameOnly()
    const failed = await lostMint(core, sim, key, 'dedicated-user')
    const [user] = usersNamed(sim, 'keyward-lost')
    const cleaned = await cleanup(core, failed.record.id)
    expect(cleaned.complete).toBe(true)
    expect(resultOf(cleaned)).toMatchObject({ key: 'removed', user: 'removed' })
    expect(keysOf(sim, user!.id)).toEqual([])
    expect(sim.state.apiKeys.size).toBe(0)
  })

  it("never takes a signed-in admin's own key of the same name for a stray", async () => {
    const { core, sim, key } = await nameOnly()
    const [owner] = usersNamed(sim, OWNER_USERNAME)
    const theirs = seedApiKey(sim.state, { userId: owner!.id, name: 'home-assistant' })
    const failed = await lostMint(core, sim, key, 'signed-in-admin')
    const done = value<ProvisionOutcome>(await core.invoke('provision.resume', { id: failed.record.id }))
    expect(done.failure).toBeNull()
    expect(sim.state.apiKeys.has(theirs)).toBe(true)
    expect(sim.state.apiKeys.has(done.record.keyId!)).toBe(true)
  })
})
