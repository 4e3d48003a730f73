// Revoke with the key's dedicated user (issue 17 "Clean up what Keyward made"), through the
// contract the key list calls, against the console simulator: the console's own user list proves
// the user is gone; the key goes first, the user next, its password leaves the keychain last; a
// user another tracked key belongs to stays (and the key list said so); a user Keyward did not
// make is never deleted; without a signed-in admin nothing is touched; a user delete that fails keeps
// the password and is finished by `provision.cleanup`.
import { afterAll, describe, expect, it } from 'vitest'
import type { CleanupOutcome, KeyView, ProvisionOutcome } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import type { RevokeOutcomeView } from '../../shared/views.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
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

const value = <T>(outcome: Outcome<unknown>): T => {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}
const usernames = (sim: RunningConsole) => [...sim.state.users.values()].map((u) => u.username)
const resultOf = (outcome: RevokeOutcomeView) =>
  Object.fromEntries((outcome.user?.items ?? []).map((i) => [i.part, i.result]))

/** A core whose keychain notes, at each delete, whether the console still lists `watchUser`. */
async function setUp() {
  const deletes: { ref: string; userThere: boolean }[] = []
  let sim: RunningConsole | null = null
  let watchUser = ''
  class Recording extends MemorySecretStore {
    override async delete(ref: string): Promise<boolean> {
      deletes.push({ ref, userThere: sim ? usernames(sim).includes(watchUser) : false })
      return super.delete(ref)
    }
  }
  const core = makeCore({ vault: new Recording() })
  cores.push(core)
  sim = await startConsole('unvr')
  const key = `127.0.0.1:${sim.port}`
  value(await probeAndTrust(core, key))
  const signIn = () => core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
  value(await signIn())
  const make = async (username: string, mode: 'dedicated-user' | 'signed-in-admin' = 'dedicated-user') => {
    const run = value<ProvisionOutcome>(
      await core.invoke('provision.run', { key, app: 'protect', mode, username, keyName: `key-of-${username}` }),
    )
    expect(run.check).toMatchObject({ status: 'ok' })
    watchUser = username
    return { flow: core.settings.getProvision(run.record.id)! }
  }
  const list = async () => value<KeyView[]>(await core.invoke('keys.list', {}))
  return { core, sim, key, deletes, make, list, signIn }
}

describe('revoke with the dedicated user', () => {
  it('revokes the key, deletes the user, then removes its password from the keychain', async () => {
    const { core, sim, deletes, make, list } = await setUp()
    const { flow } = await make('keyward-ha')
    const [view] = await list()
    expect(view!.dedicatedUser).toEqual({ flowId: flow.id, sharedWith: [] })
    const user = [...sim.state.users.values()].find((u) => u.username === 'keyward-ha')!
    expect([...sim.state.apiKeys.values()].filter((k) => k.userId === user.id)).toHaveLength(1)

    const revoked = value<RevokeOutcomeView>(await core.invoke('keys.revoke', { id: view!.id, deleteUser: true }))
    expect(revoked.keys).toEqual([])
    expect(resultOf(revoked)).toMatchObject({ user: 'removed', password: 'removed' })
    expect(revoked.user!.complete).toBe(true)
    // The console's own list: the user is gone, the owner is not.
    expect(usernames(sim)).not.toContain('keyward-ha')
    expect(usernames(sim)).toContain(OWNER_USERNAME)
    expect(await core.vault.get(flow.passwordRef)).toBeNull()
    // Order: the key's secret went while the user was still there; the password only after it was gone.
    const keyDelete = deletes.find((d) => d.ref === flow.keyRef)
    const passwordDelete = deletes.filter((d) => d.ref === flow.passwordRef)
    expect(keyDelete).toMatchObject({ userThere: true })
    expect(passwordDelete.length).toBeGreaterThan(0)
    expect(passwordDelete.every((d) => !d.userThere)).toBe(true)
  })

  it('keeps a user another tracked key belongs to, as the key list said, and touches nothing', async () => {
    const { core, sim, make, list } = await setUp()
    const { flow } = await make('keyward-shared')
    // A second tracked key of the same user (e.g. one added to the list by hand).
    const [record] = core.settings.listKeys()
    core.settings.saveKeys([...core.settings.listKeys(), { ...record!, id: 'second-key', name: 'second' }])
    const views = await list()
    const first = views.find((k) => k.id === record!.id)!
    expect(first.dedicatedUser).toEqual({ flowId: flow.id, sharedWith: [{ id: 'second-key', name: 'second' }] })

    const refused = await core.invoke('keys.revoke', { id: first.id, deleteUser: true })
    expect(refused).toMatchObject({ ok: false, error: { code: 'refused', message: expect.stringMatching(/second/) } })
    expect(usernames(sim)).toContain('keyward-shared')
    expect(await list()).toHaveLength(2) // nothing revoked either
    expect(await core.vault.get(flow.passwordRef)).not.toBeNull()
  })

  it('never deletes a user Keyward did not make (a key made as the signed-in owner)', async () => {
    const { core, sim, make, list } = await setUp()
    await make(OWNER_USERNAME, 'signed-in-admin')
    const [view] = await list()
    expect(view!.dedicatedUser ?? null).toBeNull()
    const before = usernames(sim).sort()
    const refused = await core.invoke('keys.revoke', { id: view!.id, deleteUser: true })
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringMatching(/did not create/) },
    })
    expect(usernames(sim).sort()).toEqual(before)
    expect(await list()).toHaveLength(1)
  })

  it('asks for a signed-in admin before touching anything, then removes both once signed in', async () => {
    const { core, sim, key, make, list, signIn } = await setUp()
    await make('keyward-later')
    value(await core.invoke('console.signOut', { key }))
    const [view] = await list()
    const refused = await core.invoke('keys.revoke', { id: view!.id, deleteUser: true })
    expect(refused).toMatchObject({ ok: false, error: { code: 'session-expired' } })
    expect(await list()).toHaveLength(1)
    expect(usernames(sim)).toContain('keyward-later')

    value(await signIn())
    const revoked = value<RevokeOutcomeView>(await core.invoke('keys.revoke', { id: view!.id, deleteUser: true }))
    expect(resultOf(revoked)).toMatchObject({ user: 'removed', password: 'removed' })
    expect(usernames(sim)).not.toContain('keyward-later')
  })

  it('a user delete the console drops: the key is revoked, the user and its password kept, and a retry finishes', async () => {
    const { core, sim, make, list } = await setUp()
    const { flow } = await make('keyward-retry')
    const [view] = await list()
    const userDelete = { method: 'DELETE', path: /^\/proxy\/users\/api\/v2\/user\//, when: 'before' } as const
    const dropped = sim.failNext(userDelete)
    void dropped.then(() => sim.failNext(userDelete)) // a retry on a fresh socket dies too
    const revoked = value<RevokeOutcomeView>(await core.invoke('keys.revoke', { id: view!.id, deleteUser: true }))
    expect(revoked.keys).toEqual([])
    expect(resultOf(revoked)).toMatchObject({ user: 'failed', password: 'kept' })
    expect(revoked.user!.complete).toBe(false)
    expect(revoked.user!.items.find((i) => i.part === 'password')!.reason).toMatch(/may still be on the console/)
    expect(usernames(sim)).toContain('keyward-retry')
    expect(await core.vault.get(flow.passwordRef)).not.toBeNull() // still the way to sign in as it

    sim.state.faults.length = 0
    const retried = value<CleanupOutcome>(await core.invoke('provision.cleanup', { id: revoked.user!.record.id }))
    expect(retried.complete).toBe(true)
    expect(usernames(sim)).not.toContain('keyward-retry')
    expect(await core.vault.get(flow.passwordRef)).toBeNull()
  })

  it('without deleteUser, revoke leaves the user on the console as before', async () => {
    const { core, sim, make, list } = await setUp()
    await make('keyward-stays')
    const [view] = await list()
    const revoked = value<RevokeOutcomeView>(await core.invoke('keys.revoke', { id: view!.id }))
    expect(revoked).toEqual({ keys: [], user: null })
    expect(usernames(sim)).toContain('keyward-stays')
  })
})
