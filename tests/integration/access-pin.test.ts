// UniFi Access's API port with a certificate of its own (imhotep/hass-unifi-access#3 [report]; unifi-os.md
// §5.3, §7): the real core against the console simulator with `access.ownCertificate`. The token goes to
// :12445 only once the user confirmed that port's certificate; a later change holds with nothing sent.
import { afterEach, describe, expect, it } from 'vitest'
import type { KeyCheckFailed, KeyView } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function accessConsole(ownCertificate: boolean) {
  const sim = await startConsole('udm-pro', {
    apps: ['network', 'protect', 'access'],
    accessPort: 0,
    access: { ownCertificate },
  })
  const core = makeCore({ accessPort: sim.accessPort! })
  cleanups.push(async () => {
    await core.close()
    core.dispose()
  })
  const made = await provisionedKey(core, sim, {
    app: 'access',
    username: 'keyward-access',
    keyName: 'ha-access',
    accessValidityDays: 30,
  })
  const recheck = async (): Promise<KeyView> => {
    const outcome = (await core.invoke('keys.check', { ids: [made.key.id] })) as Outcome<KeyView[]>
    if (!outcome.ok) throw new Error(outcome.error.message)
    return outcome.value.find((k) => k.id === made.key.id)!
  }
  return { sim, core, made, recheck, consoleKey: `127.0.0.1:${sim.port}` }
}

describe('Access’s API port with a certificate of its own', () => {
  it('sends no token until the user confirms it, then checks it; a later change holds again', async () => {
    const { sim, core, made, recheck, consoleKey } = await accessConsole(true)
    // The first check: nothing reached :12445, and the user is told what to confirm.
    expect(sim.state.accessRequestCount).toBe(0)
    const first = made.outcome.check as KeyCheckFailed
    expect(first).toMatchObject({ status: 'failed', problem: 'access_certificate' })
    expect(first.message).toContain('sent nothing')
    expect(first.nextStep).toContain('trust Access’s certificate')
    const shown = first.accessCertificate!.sha256
    expect(shown).not.toBe(sim.sha256)
    expect(made.key.lastCheck).toMatchObject({ problem: 'access_certificate', accessSha256: shown })
    expect(made.key.status).toBe('unknown')

    // Confirmed: the token is checked there, and works.
    const trusted = await core.invoke('console.trustAccess', { key: consoleKey, sha256: shown })
    expect(trusted).toMatchObject({ ok: true, value: { accessPin: shown } })
    expect(await recheck()).toMatchObject({ status: 'ok', lastCheck: { status: 'ok' } })
    expect(sim.state.accessRequestCount).toBeGreaterThan(0)

    // Access gets another certificate (reinstalled): held, nothing sent, the new fingerprint shown.
    const sent = sim.state.accessRequestCount
    const next = await sim.replaceAccessCertificate()
    const after = await recheck()
    expect(after.lastCheck).toMatchObject({ status: 'failed', problem: 'access_certificate', accessSha256: next })
    expect(after.lastCheck?.message).toContain('different certificate than the one you confirmed')
    expect(sim.state.accessRequestCount).toBe(sent)
  })

  it('refuses a fingerprint the port does not present, and pins nothing', async () => {
    const { sim, core, made, consoleKey } = await accessConsole(true)
    const stale = await core.invoke('console.trustAccess', { key: consoleKey, sha256: sim.sha256 })
    expect(stale).toMatchObject({ ok: false, error: { code: 'certificate-changed' } })
    expect(core.settings.listConsoles().find((c) => c.key === consoleKey)?.accessPin).toBeUndefined()
    expect(made.key.lastCheck?.problem).toBe('access_certificate')
    expect(sim.state.accessRequestCount).toBe(0)
  })

  it('re-trusting the console drops the Access pin', async () => {
    const { core, made, consoleKey } = await accessConsole(true)
    const shown = (made.outcome.check as KeyCheckFailed).accessCertificate!.sha256
    await core.invoke('console.trustAccess', { key: consoleKey, sha256: shown })
    const probe = (await core.invoke('console.probe', { address: consoleKey })) as Outcome<{
      certificate: { sha256: string }
    }>
    if (!probe.ok) throw new Error(probe.error.message)
    expect(core.settings.listConsoles().find((c) => c.key === consoleKey)?.accessPin).toBe(shown)
    await core.invoke('console.trust', { key: consoleKey, sha256: probe.value.certificate.sha256 })
    expect(core.settings.listConsoles().find((c) => c.key === consoleKey)?.accessPin).toBeUndefined()
  })

  it('the same certificate as the console’s needs no confirmation', async () => {
    const { made } = await accessConsole(false)
    expect(made.outcome.check).toMatchObject({ status: 'ok', app: 'access' })
  })
})
