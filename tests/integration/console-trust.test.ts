// Trust changes reach every session (issue 14 §3; unifi-os.md §7 pinning, "re-pin after
// firmware replaces the cert"): after the user trusts a replaced certificate the next sign-in,
// rotation and usage read work without a restart, over new handshakes with the new certificate;
// forgetting a console drops its sessions; and no credential goes to a console or UISP server
// whose first-contact certificate the user has not confirmed. Counted at the simulators.
import { afterAll, describe, expect, it } from 'vitest'
import type { ConsoleProbe, KeyView, ProvisionOutcome, UispProbe } from '../../shared/domain.ts'
import type { KeywardError, Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { startUisp, UISP_OPERATOR } from '../simulators/uisp/testing.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'

const core = makeCore()
afterAll(async () => {
  await core.close()
  core.dispose()
})

const value = <T>(outcome: Outcome<unknown>): T => {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
  return outcome.value as T
}
const errorOf = (outcome: Outcome<unknown>): KeywardError => {
  if (outcome.ok) throw new Error('expected a failure, got a result')
  return outcome.error
}
const probe = async (address: string) => value<ConsoleProbe>(await core.invoke('console.probe', { address }))
const trust = async (key: string, sha256: string) => value(await core.invoke('console.trust', { key, sha256 }))
const owner = (key: string) => ({ key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
const provision = (key: string, username: string) =>
  core.invoke('provision.run', { key, app: 'protect', mode: 'dedicated-user', username, keyName: username })

describe('a console whose certificate the user has not confirmed', () => {
  it('gets no password, key or token, and the refusal says what to do', async () => {
    const sim = await startConsole('unvr')
    const key = `127.0.0.1:${sim.port}`
    expect((await probe(key)).trust).toBe('first-contact')
    expect(errorOf(await core.invoke('console.signIn', owner(key)))).toMatchObject({
      code: 'certificate-unconfirmed',
      message: expect.stringMatching(/^Confirm this console's certificate first: Keyward has sent nothing to/),
    })
    expect(errorOf(await provision(key, 'keyward-ha')).code).toBe('certificate-unconfirmed')
    expect(sim.state.loginAttempts).toBe(0)

    // Confirming is what lets the credentials go.
    await trust(key, sim.sha256)
    expect(await core.invoke('console.signIn', owner(key))).toMatchObject({ ok: true })
    expect(sim.state.loginAttempts).toBe(1)
  })
})

describe('a console that replaced its certificate', () => {
  it('works again once the user trusts the new one: sign-in, rotate and usage, over new handshakes', async () => {
    const sim = await startConsole('unvr')
    const key = `127.0.0.1:${sim.port}`
    await trust(key, (await probe(key)).certificate.sha256)
    value(await core.invoke('console.signIn', owner(key)))
    expect(value<ProvisionOutcome>(await provision(key, 'keyward-ha')).failure).toBeNull()
    const made = core.keys.list().find((k) => k.consoleKey === key)!

    const next = await sim.replaceCertificate()
    const sent = sim.state.loginAttempts
    expect(errorOf(await core.invoke('console.signIn', owner(key))).code).toBe('certificate-changed')
    expect(errorOf(await core.invoke('keys.rotate', { id: made.id })).code).toBe('certificate-changed')
    expect(sim.state.loginAttempts).toBe(sent) // the pin stopped both before a byte was written

    expect((await probe(key)).trust).toBe('changed')
    await trust(key, next)
    const handshakes = sim.state.handshakes.length
    expect(await core.invoke('console.signIn', owner(key))).toMatchObject({ ok: true, value: { state: 'signed-in' } })
    expect(await core.invoke('keys.rotate', { id: made.id })).toMatchObject({ ok: true })
    const listed = value<KeyView[]>(await core.invoke('keys.usage', { force: true }))
    expect(listed.find((k) => k.id === made.id)?.usage?.readAt).toEqual(expect.any(String))
    expect(sim.state.loginAttempts).toBeGreaterThanOrEqual(sent + 3) // sign-in, rotate's user, usage's user
    // Every connection since was a new handshake with the new certificate: no old socket was reused.
    const since = sim.state.handshakes.slice(handshakes)
    expect(since.length).toBeGreaterThanOrEqual(3)
    expect(new Set(since)).toEqual(new Set([next]))
  })

  it('drops every session when the user forgets the console', async () => {
    const sim = await startConsole('unvr')
    const key = `127.0.0.1:${sim.port}`
    await trust(key, (await probe(key)).certificate.sha256)
    value(await core.invoke('console.signIn', owner(key)))
    const kept = value<{ key: string }[]>(await core.invoke('console.forget', { key }))
    expect(kept.map((c) => c.key)).not.toContain(key)

    // Known again at once, same certificate: the old session is gone all the same.
    expect((await probe(key)).trust).toBe('first-contact')
    await trust(key, sim.sha256)
    const run = errorOf(await provision(key, 'keyward-x'))
    expect(run).toMatchObject({ code: 'session-expired', message: expect.stringMatching(/^Sign in to .* first/) })
  })
})

describe('a UISP server', () => {
  it('gets no password before its certificate is confirmed, and signs in after a replaced one is trusted', async () => {
    const sim = await startUisp()
    const key = `127.0.0.1:${sim.port}`
    const operator = { key, ...UISP_OPERATOR }
    const logins = () => sim.requests.filter((r) => r.includes('/user/login')).length
    const probed = value<UispProbe>(await core.invoke('uisp.probe', { address: key }))
    expect(probed.trust).toBe('first-contact')
    expect(errorOf(await core.invoke('uisp.signIn', operator))).toMatchObject({
      code: 'certificate-unconfirmed',
      message: expect.stringMatching(/^Confirm this UISP server's certificate first/),
    })
    expect(logins()).toBe(0)

    value(await core.invoke('uisp.trust', { key, sha256: probed.certificate.sha256 }))
    value(await core.invoke('uisp.signIn', operator))
    const next = await sim.replaceCertificate()
    expect(errorOf(await core.invoke('uisp.signIn', operator)).code).toBe('certificate-changed')
    value(await core.invoke('uisp.trust', { key, sha256: next }))
    expect(await core.invoke('uisp.signIn', operator)).toMatchObject({ ok: true, value: { state: 'signed-in' } })
    expect(logins()).toBe(2)
  })
})
