// The certificate trust rule both wizard paths share (renderer/src/wizard/trust.ts), through the
// UniFi store and the UISP store against a fake API: the first contact with a server asks the user
// to compare its fingerprint, a certificate the user confirmed goes straight to sign-in, and a
// certificate that changed is shown again — before the password, and when the core refuses a
// sign-in for it.
import { describe, expect, it } from 'vitest'
import type { StateStorage } from 'zustand/middleware'
import type { RequestName } from '../../shared/contract.ts'
import type { Outcome } from '../../shared/result.ts'
import { createWizardStore, WIZARD_STORAGE_KEY } from '../../renderer/src/wizard/store.ts'
import { createUispWizardStore, UISP_WIZARD_STORAGE_KEY } from '../../renderer/src/wizard/uisp/store.ts'
import { fakeApi, ok, type FakeApi } from '../support/fake-api.ts'

const KEY = '10.0.0.2:443'
const PINNED = 'AA'.repeat(32)
const NEW = 'BB'.repeat(32)
type Trust = 'first-contact' | 'matches' | 'changed'

const certificate = (sha256: string) => ({
  sha256,
  subject: 'CN=server',
  issuer: 'CN=server',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2036-01-01T00:00:00.000Z',
  selfSigned: true,
})
const address = { host: '10.0.0.2', port: 443, key: KEY }
const stamp = { latencyMs: 5, probedAt: '2026-06-01T00:00:00.000Z' }

/** What the tests touch of either store. */
interface TrustingStore {
  getState(): {
    step: string
    probe: { trust: Trust; certificate: { sha256: string } } | null
    confirmed: Record<string, string>
    error: { code: string } | null
    continueWith(key: string): Promise<void>
    acceptCertificate(): Promise<void>
    signIn(input: { username: string; password: string }): Promise<Outcome<unknown>>
  }
}

interface Path {
  name: string
  requests: { probe: RequestName; trust: RequestName; signIn: RequestName }
  probe(trust: Trust, sha256: string): unknown
  make(fake: FakeApi, storage: StateStorage): TrustingStore
  base: Partial<Record<RequestName, () => Outcome<unknown>>>
  storageKey: string
}

const paths: Path[] = [
  {
    name: 'UniFi console',
    requests: { probe: 'console.probe', trust: 'console.trust', signIn: 'console.signIn' },
    probe: (trust, sha256) => ({
      address,
      kind: 'unifi-os',
      model: 'UDMPRO',
      name: 'Dream Machine',
      mac: null,
      directConnectDomain: null,
      apps: ['protect'],
      certificate: certificate(sha256),
      trust,
      ...stamp,
    }),
    make: (fake, storage) => createWizardStore(fake.api, storage),
    base: { 'console.list': () => ok([]) },
    storageKey: WIZARD_STORAGE_KEY,
  },
  {
    name: 'UISP server',
    requests: { probe: 'uisp.probe', trust: 'uisp.trust', signIn: 'uisp.signIn' },
    probe: (trust, sha256) => ({
      address,
      version: '2.4.155',
      deployment: null,
      certificate: certificate(sha256),
      trust,
      ...stamp,
    }),
    make: (fake, storage) => createUispWizardStore(fake.api, storage),
    base: { 'uisp.servers': () => ok([]) },
    storageKey: UISP_WIZARD_STORAGE_KEY,
  },
]

function storageWith(key: string, state: Record<string, unknown>): StateStorage {
  const items = new Map([[key, JSON.stringify({ state, version: 1 })]])
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  }
}

/** On the sign-in screen of a server whose certificate the user confirmed. */
const signingIn = (path: Path) =>
  storageWith(path.storageKey, {
    step: 'signin',
    target: { key: KEY, host: address.host, name: null, model: null },
    probe: path.probe('matches', PINNED),
    confirmed: { [KEY]: PINNED },
  })

describe.each(paths)('certificate trust on the $name path', (path) => {
  it('first contact asks the user to compare, and confirming goes to the core before sign-in', async () => {
    const fake = fakeApi({
      ...path.base,
      [path.requests.probe]: () => ok(path.probe('first-contact', PINNED)),
      [path.requests.trust]: () => ok({}),
    })
    const store = path.make(fake, storageWith(path.storageKey, { step: 'find' }))
    await store.getState().continueWith(KEY)
    expect(store.getState().step).toBe('trust')
    expect(store.getState().probe?.certificate.sha256).toBe(PINNED)
    expect(fake.count(path.requests.trust)).toBe(0)

    await store.getState().acceptCertificate()
    expect(fake.calls.find((c) => c.name === path.requests.trust)?.input).toEqual({ key: KEY, sha256: PINNED })
    expect(store.getState().step).toBe('signin')
    expect(store.getState().confirmed).toEqual({ [KEY]: PINNED })
  })

  it('a confirmation the core refuses keeps the comparison on screen with its error', async () => {
    const fake = fakeApi({
      ...path.base,
      [path.requests.probe]: () => ok(path.probe('first-contact', PINNED)),
      [path.requests.trust]: () => ({ ok: false, error: { code: 'certificate-changed', message: 'It changed.' } }),
    })
    const store = path.make(fake, storageWith(path.storageKey, { step: 'find' }))
    await store.getState().continueWith(KEY)
    await store.getState().acceptCertificate()
    expect(store.getState().step).toBe('trust')
    expect(store.getState().error?.code).toBe('certificate-changed')
    expect(store.getState().confirmed).toEqual({})
  })

  it('a certificate the user confirmed before goes straight to sign-in', async () => {
    const fake = fakeApi({ ...path.base, [path.requests.probe]: () => ok(path.probe('matches', PINNED)) })
    const store = path.make(fake, storageWith(path.storageKey, { step: 'find', confirmed: { [KEY]: PINNED } }))
    await store.getState().continueWith(KEY)
    expect(store.getState().step).toBe('signin')
    expect(fake.count(path.requests.trust)).toBe(0)
  })

  it('a changed certificate is shown before the password, even with a pin on record', async () => {
    const fake = fakeApi({ ...path.base, [path.requests.probe]: () => ok(path.probe('changed', NEW)) })
    const store = path.make(fake, storageWith(path.storageKey, { step: 'find', confirmed: { [KEY]: PINNED } }))
    await store.getState().continueWith(KEY)
    expect(store.getState().step).toBe('trust')
    expect(store.getState().probe).toMatchObject({ trust: 'changed', certificate: { sha256: NEW } })
    expect(store.getState().confirmed).toEqual({ [KEY]: PINNED })
  })

  it('a sign-in refused because the certificate changed brings the new certificate back to compare', async () => {
    const fake = fakeApi({
      ...path.base,
      [path.requests.probe]: () => ok(path.probe('changed', NEW)),
      [path.requests.signIn]: () => ({ ok: false, error: { code: 'certificate-changed', message: 'It changed.' } }),
    })
    const store = path.make(fake, signingIn(path))
    const outcome = await store.getState().signIn({ username: 'owner', password: 'secret' })
    expect(outcome.ok).toBe(false)
    expect(store.getState().step).toBe('trust')
    expect(store.getState().probe).toMatchObject({ trust: 'changed', certificate: { sha256: NEW } })
  })

  it('a wrong password stays on sign-in without looking at the certificate again', async () => {
    const fake = fakeApi({
      ...path.base,
      [path.requests.signIn]: () => ({ ok: false, error: { code: 'invalid-credentials', message: 'Wrong password.' } }),
    })
    const store = path.make(fake, signingIn(path))
    await store.getState().signIn({ username: 'owner', password: 'wrong' })
    expect(store.getState().step).toBe('signin')
    expect(fake.count(path.requests.probe)).toBe(0)
  })
})
