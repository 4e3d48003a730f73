// The wizard's requests through the real dispatcher (what the UI calls):
// probe → sign in with 2FA → host advice → plan → run; the renderer sees
// progress and a masked key, never the key or the password.
import { afterAll, describe, expect, it } from 'vitest'
import type { EventName } from '../../shared/contract.ts'
import type { ProvisionOutcome, ProvisionRecord } from '../../shared/domain.ts'
import {
  CLOUD_MFA_CODE,
  CLOUD_PASSWORD,
  CLOUD_USERNAME,
  LIMITED_PASSWORD,
  LIMITED_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
} from '../simulators/console/presets.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrust } from '../support/trust.ts'

describe('wizard requests through the contract', () => {
  const core = makeCore()
  const events: { name: EventName; payload: unknown }[] = []
  core.subscribeAll((name, payload) => events.push({ name, payload }))
  afterAll(async () => {
    await core.close()
    core.dispose()
  })

  it('walks from an address to a verified key on the console that runs Protect', async () => {
    const udm = await startConsole('udm-pro')
    const unvr = await startConsole('unvr')
    const udmKey = `127.0.0.1:${udm.port}`
    const nvrKey = `127.0.0.1:${unvr.port}`
    for (const key of [udmKey, nvrKey]) expect(await probeAndTrust(core, key)).toMatchObject({ ok: true })

    // Before sign-in, the recorder is the likely home of Protect; picking the UDM is explained.
    const advice = await core.invoke('hosts.forApp', { app: 'protect', picked: udmKey })
    expect(advice).toMatchObject({
      ok: true,
      value: { ranked: [{ key: nvrKey }, { key: udmKey }], pickedWarning: expect.stringMatching(/most likely on NVR/) },
    })

    // A cloud-linked owner needs a code; then the camera count confirms the choice.
    const first = await core.invoke('console.signIn', {
      key: nvrKey,
      username: CLOUD_USERNAME,
      password: CLOUD_PASSWORD,
    })
    expect(first).toEqual({ ok: true, value: { state: 'mfa-required', methods: ['totp'] } })
    const signedIn = await core.invoke('console.signIn', {
      key: nvrKey,
      username: CLOUD_USERNAME,
      password: CLOUD_PASSWORD,
      mfaCode: CLOUD_MFA_CODE,
    })
    expect(signedIn).toMatchObject({ ok: true, value: { state: 'signed-in', user: { username: CLOUD_USERNAME } } })
    const counted = await core.invoke('hosts.forApp', { app: 'protect' })
    expect(counted).toMatchObject({
      ok: true,
      value: { ranked: [{ key: nvrKey, cameras: 6, reason: 'Protect here has 6 cameras.' }, { key: udmKey }] },
    })

    const plan = await core.invoke('provision.plan', { key: nvrKey, app: 'protect' })
    expect(plan).toMatchObject({
      ok: true,
      value: { username: 'keyward-protect', role: { name: 'Super Admin' }, mode: 'dedicated-user' },
    })

    events.length = 0
    const outcome = (await core.invoke('provision.run', {
      key: nvrKey,
      app: 'protect',
      mode: 'dedicated-user',
      username: 'keyward-ha',
      keyName: 'home-assistant',
    })) as { ok: true; value: ProvisionOutcome }
    expect(outcome.ok).toBe(true)
    expect(outcome.value).toMatchObject({
      failure: null,
      check: { status: 'ok', cameras: 6 },
      record: { steps: { user: 'done', key: 'done', verify: 'done' } },
    })

    // What crossed to the UI: progress for every step, a masked key, no secret.
    const progress = events
      .filter((e) => e.name === 'provision.progress')
      .map((e) => (e.payload as ProvisionRecord).steps)
    expect(progress.map((s) => s.user)).toContain('running')
    expect(progress.map((s) => s.key)).toContain('running')
    expect(progress.at(-1)).toEqual({ user: 'done', key: 'done', verify: 'done' })
    const secret = await core.vault.get(core.settings.getProvision(outcome.value.record.id)!.keyRef)
    const password = await core.vault.get(core.settings.getProvision(outcome.value.record.id)!.passwordRef)
    expect(outcome.value.maskedKey).toBe(`${secret!.slice(0, 4)}…${secret!.slice(-4)}`)
    const crossed = JSON.stringify([outcome, events])
    expect(crossed).not.toContain(secret)
    expect(crossed).not.toContain(password)
    expect(JSON.stringify(await core.invoke('provision.list', {}))).not.toContain(secret)
  })

  it('returns a refused user step as a designed outcome with the fallback offered', async () => {
    const se = await startConsole('udm-se')
    const key = `127.0.0.1:${se.port}`
    await probeAndTrust(core, key)
    await core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    const refused = (await core.invoke('provision.run', {
      key,
      app: 'protect',
      mode: 'dedicated-user',
      username: 'keyward-ha',
      keyName: 'ha',
    })) as { ok: true; value: ProvisionOutcome }
    expect(refused.value.failure).toMatchObject({ step: 'user', fallbackAvailable: true })
    const fallback = await core.invoke('provision.run', {
      key,
      app: 'protect',
      mode: 'signed-in-admin',
      username: 'keyward-ha',
      keyName: 'ha',
    })
    expect(fallback).toMatchObject({
      ok: true,
      value: { failure: null, check: { status: 'ok' }, record: { mode: 'signed-in-admin', username: OWNER_USERNAME } },
    })
  })

  it('a window that reopens mid-run and resumes joins the run under way: one user, one key, one outcome', async () => {
    const unvr = await startConsole('unvr')
    const key = `127.0.0.1:${unvr.port}`
    await probeAndTrust(core, key)
    await core.invoke('console.signIn', { key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    let joined: Promise<unknown> | null = null
    const stop = core.subscribeAll((name, payload) => {
      // The first progress event: the run is under way when the reopened window asks to resume it.
      if (name === 'provision.progress' && !joined) {
        joined = core.invoke('provision.resume', { id: (payload as ProvisionRecord).id })
      }
    })
    const run = await core.invoke('provision.run', {
      key,
      app: 'protect',
      mode: 'dedicated-user',
      username: 'keyward-joined',
      keyName: 'ha',
    })
    stop()
    expect(run).toMatchObject({ ok: true, value: { failure: null, check: { status: 'ok' } } })
    expect(await joined).toEqual(run)
    const users = [...unvr.state.users.values()].filter((u) => u.username === 'keyward-joined')
    expect(users).toHaveLength(1)
    expect([...unvr.state.apiKeys.values()].filter((k) => k.userId === users[0]!.id)).toHaveLength(1)
  })

  it('refuses a non-Super-Admin at sign-in with the reason', async () => {
    const ck = await startConsole('ckg2-plus')
    const key = `127.0.0.1:${ck.port}`
    await probeAndTrust(core, key)
    const outcome = await core.invoke('console.signIn', { key, username: LIMITED_USERNAME, password: LIMITED_PASSWORD })
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/not Owner or Super Admin/) },
    })
    const run = await core.invoke('provision.run', {
      key,
      app: 'protect',
      mode: 'dedicated-user',
      username: 'keyward-ha',
      keyName: 'ha',
    })
    expect(run).toMatchObject({
      ok: false,
      error: { code: 'session-expired', message: expect.stringMatching(/Sign in to/) },
    })
  })

  it('validates names before anything reaches a console', async () => {
    const bad = await core.invoke('provision.run', {
      key: 'x:443',
      app: 'protect',
      mode: 'dedicated-user',
      username: '../../etc',
      keyName: 'ha',
    })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', detail: expect.stringMatching(/username/) },
    })
    const code = await core.invoke('console.signIn', { key: 'x:443', username: 'a', password: 'b', mfaCode: '12ab56' })
    expect(code).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', detail: expect.stringMatching(/mfaCode/) },
    })
  })
})
