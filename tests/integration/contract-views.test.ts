// What crosses to the renderer is a view, not a storage record (issue 16): after a real key flow
// on a console and a real UISP token flow, both through the dispatcher, no answer of the key list,
// key flow or UISP requests, and no event, carries a keychain entry name (`*Ref`), the
// unreachable-check counter, or the value of any keychain entry name the settings file holds.
import { afterAll, describe, expect, it } from 'vitest'
import type { EventName, RequestName } from '../../shared/contract.ts'
import type { KeyView } from '../../shared/domain.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { startUisp, UISP_OPERATOR } from '../simulators/uisp/testing.ts'
import { startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { probeAndTrust, probeAndTrustUisp } from '../support/trust.ts'
import { aes } from '../support/uisp-key-corpus.ts'

const FORBIDDEN_NAME = /Ref$|^unreachableStreak$/

/** Every property name anywhere in a value, with its path. */
function propertyPaths(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => propertyPaths(item, `${path}[${i}]`))
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, item]) => [`${path}.${key}`, ...propertyPaths(item, `${path}.${key}`)])
}

describe('what crosses to the renderer', () => {
  const core = makeCore()
  const events: { name: EventName; payload: unknown }[] = []
  core.subscribeAll((name, payload) => events.push({ name, payload }))
  const answers: { name: RequestName; value: unknown }[] = []
  const ask = async (name: RequestName, input: unknown) => {
    const outcome = await core.invoke(name, input)
    expect(outcome, name).toMatchObject({ ok: true })
    const value = (outcome as { ok: true; value: unknown }).value
    answers.push({ name, value })
    return value
  }
  afterAll(async () => {
    await core.close()
    core.dispose()
  })

  it('carries no keychain entry name and no retry counter after real key and token flows', async () => {
    const nvr = await startConsole('unvr')
    const consoleKey = `127.0.0.1:${nvr.port}`
    expect(await probeAndTrust(core, consoleKey)).toMatchObject({ ok: true })
    await ask('console.signIn', { key: consoleKey, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    const run = await ask('provision.run', {
      key: consoleKey,
      app: 'protect',
      mode: 'dedicated-user',
      username: 'keyward-ha',
      keyName: 'home-assistant',
    })
    expect(run).toMatchObject({ failure: null, record: { steps: { user: 'done', key: 'done', verify: 'done' } } })

    const uisp = await startUisp()
    const serverKey = `127.0.0.1:${uisp.port}`
    expect((await probeAndTrustUisp(core, serverKey)).ok).toBe(true)
    await ask('uisp.signIn', { key: serverKey, ...UISP_OPERATOR })
    expect(await ask('uisp.createToken', { key: serverKey, purpose: 'monitor', name: 'ha-uisp' })).toMatchObject({
      failure: null,
    })
    await ask('uispKey.save', { text: `wss://192.0.2.7:443+${aes('views')}+allowSelfSignedCertificate` })

    const keys = (await ask('keys.list', {})) as KeyView[]
    expect(keys.map((k) => k.app).sort()).toEqual(['protect', 'uisp'])
    // What the UI needs of the dropped fields, as a plain flag.
    expect(keys.find((k) => k.app === 'protect')!.hasPassword).toBe(true)
    expect(keys.find((k) => k.app === 'uisp')!.hasPassword).toBe(false)
    await ask('keys.check', {})
    await ask('provision.list', {})
    await ask('uisp.servers', {})
    await ask('uispKey.list', {})
    const protectKey = keys.find((k) => k.app === 'protect')!
    await ask('console.signOut', { key: consoleKey })
    await ask('keys.rotate', { id: protectKey.id })

    // The settings file does hold keychain entry names: none of them may have crossed.
    const settings = core.settings
    const refs = [
      ...settings.listKeys().flatMap((k) => [k.keyRef, k.passwordRef]),
      ...settings.listProvisions().flatMap((p) => [p.keyRef, p.passwordRef]),
      ...settings.getUisp().flows.map((f) => f.keyRef),
      ...settings.getUisp().keys.map((k) => k.keyRef),
    ].filter((ref): ref is string => typeof ref === 'string')
    expect(refs.length).toBeGreaterThanOrEqual(6)

    const crossed = [
      ...answers.map((a) => ({ what: a.name, value: a.value })),
      ...events.map((e) => ({ what: e.name, value: e.payload })),
    ]
    expect(crossed.map((c) => c.what)).toEqual(expect.arrayContaining(['keys.changed', 'provision.progress']))
    for (const { what, value } of crossed) {
      const forbidden = propertyPaths(value).filter((p) => FORBIDDEN_NAME.test(p.slice(p.lastIndexOf('.') + 1)))
      expect(forbidden, what).toEqual([])
      const text = JSON.stringify(value)
      expect(
        refs.filter((ref) => text.includes(`"${ref}"`)),
        what,
      ).toEqual([])
    }
  })
})
