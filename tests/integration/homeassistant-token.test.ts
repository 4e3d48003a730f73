// A Home Assistant token deleted in HA after Keyward connected: the background
// checks ask once, then stop (HA raises "Login attempt failed" for every refused
// request and may ban the address, home-assistant.md §4), tell the user on the
// key, and start again once the user connects with a new token.
import { afterAll, describe, expect, it } from 'vitest'
import type { HaSummary } from '../../shared/domain.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { agreeToSendPassword } from '../support/ha-consent.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

const core = makeCore()
afterAll(async () => {
  await core.close()
  core.dispose()
})

describe('a Home Assistant token revoked in HA', () => {
  it('costs one failed login across many sweeps, is explained on the key, and is forgiven by a new token', async () => {
    const nvr = await startConsole('unvr')
    const ha = await startHomeAssistant({ version: '2026.9.x' })
    const made = await provisionedKey(core, nvr, { username: 'kw-ha', keyName: 'ha' })
    expect(made.outcome.check?.status).toBe('ok')
    const connected = await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })
    const haId = (connected as { ok: true; value: HaSummary }).value.id
    const key = made.key
    // The console listens on an ephemeral port, and API-key-only mode has no port field (§2.2):
    // this test uses full mode, after the user's consent to send the dedicated user's password.
    await agreeToSendPassword(core, key.id, haId)
    expect(await core.invoke('ha.push', { keyId: key.id, haId, mode: 'full' })).toMatchObject({ ok: true })
    expect((await core.keys.checkNow())[0]!.haHealth).toMatchObject({ signal: 'ok' })

    // The user deletes Keyward's token in HA (profile → Security).
    const seed = ha.state.config.tokens.find((t) => t.token === ADMIN_TOKEN)!
    ha.state.config.tokens = ha.state.config.tokens.filter((t) => t !== seed)
    for (let i = 0; i < 4; i++) await core.keys.checkNow()
    expect(ha.failedLogins).toBe(1)
    const health = core.keys.list()[0]!.haHealth!
    expect(health).toMatchObject({ signal: 'error', keyProblem: false })
    expect(health.message).toMatch(/refused Keyward’s access token.*Connect to it again with a new long-lived token/)
    expect(core.keys.list()[0]!.status).toBe('ok') // the key itself still works

    // A new token: connecting again lifts the stop, and the next sweep reads HA again.
    ha.state.config.tokens = [...ha.state.config.tokens, seed]
    expect(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })).toMatchObject({ ok: true })
    expect((await core.keys.checkNow())[0]!.haHealth).toMatchObject({ signal: 'ok' })
    expect(ha.failedLogins).toBe(1)
  })
})

describe('a Home Assistant still in its first-time setup', () => {
  it('is named as such before the token goes, so HA counts no failed login; once set up, the token connects', async () => {
    // home-assistant.md §5: a fresh HA has no users or tokens; `GET /api/onboarding` says so without auth.
    const ha = await startHomeAssistant({ onboarded: false })
    const refused = (await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })) as {
      ok: false
      error: { message: string }
    }
    expect(refused.ok).toBe(false)
    expect(refused.error.message).toMatch(
      /not finished its first-time setup.*create the owner account.*did not send the token/,
    )
    expect(ha.state.requests.filter((r) => r.auth !== 'none')).toEqual([])
    expect(ha.failedLogins).toBe(0)

    ha.state.config.onboarded = true
    expect(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })).toMatchObject({ ok: true })
    expect(ha.failedLogins).toBe(0)
  })
})
