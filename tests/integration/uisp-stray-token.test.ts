// A UISP token whose creation reply was lost, on a server that keeps no `meta` (uisp.md §2 names it in the
// POST body and the token schema, not that a server lists it back): resuming the flow finds that token by the
// flow's own name and revokes it before minting again, so no orphan is left, while a same-named token that
// Keyward already holds, or one the user made and uses, stays (electron/core/uisp/strays.ts). A rotation whose
// create reply is lost revokes what it made at once and keeps the token the key holds.
import { afterEach, describe, expect, it } from 'vitest'
import type { UispTokenInfo } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import type { UispTokenOutcomeView } from '../../shared/views.ts'
import { seedToken } from '../simulators/uisp/state.ts'
import { startUisp, UISP_OPERATOR } from '../simulators/uisp/testing.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrustUisp } from '../support/trust.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function signedIn(tokenMeta: 'listed' | 'omitted') {
  const sim = await startUisp({ tokenMeta })
  const core = makeCore({ accessPort: 0 })
  cleanups.push(async () => {
    await core.close()
    core.dispose()
  })
  const key = `127.0.0.1:${sim.port}`
  expect((await probeAndTrustUisp(core, key)).ok).toBe(true)
  expect(await core.invoke('uisp.signIn', { key, ...UISP_OPERATOR })).toMatchObject({ ok: true })
  const create = async () =>
    (await core.invoke('uisp.createToken', {
      key,
      purpose: 'monitor',
      name: 'ha-uisp',
    })) as Outcome<UispTokenOutcomeView>
  return { sim, core, key, create }
}

const value = <T>(outcome: Outcome<T>): T => {
  if (!outcome.ok) throw new Error(outcome.error.message)
  return outcome.value
}

describe('a lost token-create reply, then resume', () => {
  for (const tokenMeta of ['omitted', 'listed'] as const) {
    it(`leaves exactly the token Keyward reports when the server's token list has meta ${tokenMeta}`, async () => {
      const { sim, core, create } = await signedIn(tokenMeta)
      // Before: a token of the same name Keyward made earlier (and watches), and one the user made by hand
      // with that name and uses. Neither may be taken for a stray.
      const earlier = value(await create())
      expect(earlier.failure).toBeNull()
      // As if the server kept no `lastUsed`: only Keyward's own record tells this token apart from a stray.
      sim.state.tokens.get(earlier.record.tokenId!)!.lastUsed = null
      const operator = sim.state.config.users.find((u) => u.username === UISP_OPERATOR.username)!
      const now = sim.state.clock()
      const handMade = seedToken(sim.state, { userId: operator.id, name: 'ha-uisp', scope: 'guest', lastUsed: now })
      sim.state.tokens.get(handMade)!.createdAt = now - 1000 // made, then used

      const dropped = sim.dropNextReply('POST', '/token')
      const lost = value(await create())
      await dropped
      expect(lost.failure).toMatchObject({ step: 'token' })
      expect(sim.state.tokens.size).toBe(3) // made on the server; Keyward never saw its reply

      const resumed = value(
        (await core.invoke('uisp.resumeToken', { id: lost.record.id })) as Outcome<UispTokenOutcomeView>,
      )
      expect(resumed.failure).toBeNull()
      expect(resumed.check).toMatchObject({ status: 'ok' })
      const reported = resumed.record.tokenId!
      expect(reported).toBeTruthy()
      expect([...sim.state.tokens.keys()].sort()).toEqual([earlier.record.tokenId!, handMade, reported].sort())
      // The watched keys hold both of Keyward's tokens, each by its id on the server.
      const held = core.keys
        .list()
        .filter((k) => k.app === 'uisp')
        .map((k) => k.remoteId)
      expect(held.sort()).toEqual([earlier.record.tokenId!, reported].sort())
    })
  }

  it('never sees meta in the list of a server that leaves it out (the knob)', async () => {
    const { core, key, create } = await signedIn('omitted')
    value(await create())
    const listed = value((await core.invoke('uisp.listTokens', { key })) as Outcome<UispTokenInfo[]>)
    expect(listed.filter((t) => !t.transient).map((t) => t.meta)).toEqual([null])
  })
})

describe('a lost token-create reply during a rotation', () => {
  for (const tokenMeta of ['omitted', 'listed'] as const) {
    it(`revokes what the create made and keeps the old token (meta ${tokenMeta})`, async () => {
      const { sim, core, create } = await signedIn(tokenMeta)
      const made = value(await create())
      const keyId = made.keyId!
      // As if the server kept no `lastUsed`: only Keyward's own record tells the working token apart.
      sim.state.tokens.get(made.record.tokenId!)!.lastUsed = null
      // A second rotation after a first one that worked: the token then carries the rotation's marker.
      expect(await core.invoke('keys.rotate', { id: keyId })).toMatchObject({ ok: true })
      const current = core.keys.list().find((k) => k.id === keyId)!.remoteId!
      expect([...sim.state.tokens.keys()]).toEqual([current])
      sim.state.tokens.get(current)!.lastUsed = null

      const dropped = sim.dropNextReply('POST', '/token')
      const rotated = await core.invoke('keys.rotate', { id: keyId })
      await dropped
      expect(rotated.ok).toBe(false)
      // The token the lost reply made is gone; the one the key holds still works.
      expect([...sim.state.tokens.keys()]).toEqual([current])
      expect(core.keys.list().find((k) => k.id === keyId)!.remoteId).toBe(current)
    })
  }
})
