// Where the Devices tab sends the wizard (issue 17): "Make a key here" (`#/new&console=…`) and "Make a
// UISP key" (`#/new&uisp=…`) — the pure rules (wizard/target.ts) and the UniFi store against a fake API:
// a fresh wizard starts on that console, one under way is asked about, the goal step offers the apps
// the console runs, and after the app the wizard goes to that console's certificate.
import { describe, expect, it } from 'vitest'
import type { StateStorage } from 'zustand/middleware'
import type { ConsoleProbe } from '../../shared/domain.ts'
import { wizardTarget } from '../../renderer/src/route.ts'
import type { ConsoleCard, ProbeEntry } from '../../renderer/src/wizard/model.ts'
import { createWizardStore } from '../../renderer/src/wizard/store.ts'
import { afterApp, appsFor, arrive, presetApps } from '../../renderer/src/wizard/target.ts'
import { fakeApi, ok } from '../support/fake-api.ts'
import { until } from '../support/until.ts'

const KEY = '10.0.0.9:443'

const card = (over: Partial<ConsoleCard> = {}): ConsoleCard => ({
  id: 'inv-1',
  key: KEY,
  name: 'NVR',
  model: 'UNVR',
  productName: null,
  mac: null,
  apps: ['protect'],
  appsKnown: true,
  foundBy: ['UniFi discovery'],
  unsupported: false,
  nvr: true,
  ...over,
})

describe('arriving with a target', () => {
  const fresh = { step: 'goal', uispStep: 'off' } as const
  it('a fresh wizard starts on the console or UISP server the fragment names', () => {
    expect(arrive(wizardTarget(`#/new&console=${encodeURIComponent(KEY)}`), fresh)).toEqual({
      kind: 'start',
      aim: { path: 'console', key: KEY },
    })
    expect(arrive(wizardTarget('#/new&uisp=10.0.0.7%3A443'), fresh)).toEqual({
      kind: 'start',
      aim: { path: 'uisp', key: '10.0.0.7:443' },
    })
  })

  it('a wizard under way (a later UniFi step, or the UISP path) is asked about, not replaced', () => {
    const target = { console: KEY, uisp: null }
    expect(arrive(target, { step: 'signin', uispStep: 'off' }).kind).toBe('ask')
    expect(arrive(target, { step: 'run', uispStep: 'off' }).kind).toBe('ask')
    expect(arrive(target, { step: 'goal', uispStep: 'purpose' }).kind).toBe('ask')
  })

  it('no target, another section, or something that is not an address: nothing happens', () => {
    expect(arrive(wizardTarget('#/new'), fresh).kind).toBe('none')
    expect(arrive(wizardTarget(`#/devices&console=${KEY}`), fresh).kind).toBe('none')
    expect(arrive({ console: 'a b/c', uisp: null }, fresh).kind).toBe('none')
  })
})

describe('the goal step for a chosen console', () => {
  const done = (apps: string[]) =>
    ({ [KEY]: { status: 'done', result: { apps } } }) as unknown as Record<string, ProbeEntry>

  it('knows the console’s apps from Keyward’s own check first, else from its card', () => {
    expect(presetApps(KEY, [card()], done(['network']))).toEqual(['network'])
    expect(presetApps(KEY, [card()], {})).toEqual(['protect'])
    expect(presetApps(KEY, [card()], { [KEY]: { status: 'running' } })).toEqual(['protect'])
    expect(presetApps(KEY, [card({ appsKnown: false, apps: [] })], {})).toBeNull()
    expect(presetApps(KEY, [], {})).toBeNull()
    expect(presetApps(null, [card()], {})).toBeNull()
  })

  it('offers only the apps the console runs when they are known, else every app', () => {
    expect(appsFor(['protect']).map((a) => a.app)).toEqual(['protect'])
    expect(appsFor(['network', 'protect']).map((a) => a.app)).toEqual(['protect', 'network'])
    expect(appsFor(null).map((a) => a.app)).toEqual(['protect', 'network', 'access'])
    expect(appsFor([]).map((a) => a.app)).toEqual(['protect', 'network', 'access'])
  })

  it('after the app: on to the console, or the Find step when it is known not to run the app', () => {
    expect(afterApp(['protect'], 'protect')).toBe('continue')
    expect(afterApp(['protect'], 'network')).toBe('find')
    expect(afterApp(null, 'network')).toBe('continue')
  })
})

describe('the wizard store aimed at a console', () => {
  const probe = {
    address: { key: KEY, host: '10.0.0.9', port: 443 },
    kind: 'unifi-os',
    name: 'NVR',
    model: 'UNVR',
    mac: '0418D6000001',
    apps: ['protect'],
    certificate: { sha256: 'AA' },
    trust: 'first-contact',
  } as unknown as ConsoleProbe
  const memory = (): StateStorage => {
    const items = new Map<string, string>()
    return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: () => {} }
  }
  const setup = () => {
    const fake = fakeApi({
      'console.list': () => ok([]),
      'inventory.list': () => ok([]),
      'console.probe': () => ok(probe),
    })
    return { fake, store: createWizardStore(fake.api, memory()) }
  }

  it('choosing the app goes straight to that console’s certificate, without the Find step’s choice', async () => {
    const { fake, store } = setup()
    store.getState().aim(KEY)
    await until('the console checked', () => store.getState().probes[KEY]?.status === 'done')
    expect(store.getState()).toMatchObject({ step: 'goal', preset: KEY })
    store.getState().chooseApp('protect')
    await until('the certificate step', () => store.getState().step === 'trust')
    expect(store.getState().target?.key).toBe(KEY)
    expect(store.getState().app).toBe('protect')
    expect(fake.calls.filter((c) => c.name === 'console.probe').map((c) => c.input)).toContainEqual({ address: KEY })
  })

  it('an app the console does not run: the Find step with that console picked (its wrong-console warning)', async () => {
    const { store } = setup()
    store.getState().aim(KEY)
    await until('the console checked', () => store.getState().probes[KEY]?.status === 'done')
    store.getState().chooseApp('network')
    // Not on to the console (that would be busy checking it now): the Find step, the console picked.
    expect(store.getState()).toMatchObject({
      step: 'find',
      selectedKey: KEY,
      selectedBy: 'user',
      target: null,
      busy: false,
    })
  })

  it('Start over and "Choose the console later" forget the chosen console', async () => {
    const { store } = setup()
    store.getState().aim(KEY)
    store.getState().clearAim()
    expect(store.getState()).toMatchObject({ preset: null, selectedKey: null })
    store.getState().aim(KEY)
    store.getState().startOver()
    expect(store.getState().preset).toBeNull()
    await until('the console checked', () => store.getState().probes[KEY]?.status === 'done')
  })
})
