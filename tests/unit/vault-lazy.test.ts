// The keychain binding loads on first use: a binding that cannot load makes the
// vault unavailable with plain advice, and never stops the app from opening.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { BINDING_ADVICE, KeyringSecretStore, type KeyringBinding } from '../../electron/core/vault/secret-store.ts'
import { KeywardFailure } from '../../shared/result.ts'
import { makeCore } from '../support/core.ts'

const LOAD_ERROR = 'Cannot find native binding (simulated: @napi-rs/keyring-linux-x64-musl missing)'
const throwing = () => {
  throw new Error(LOAD_ERROR)
}

/** A working binding with an in-memory keychain behind it. */
function fakeBinding(): KeyringBinding {
  const items = new Map<string, string>()
  class AsyncEntry {
    readonly #key: string
    constructor(service: string, account: string) {
      this.#key = `${service}/${account}`
    }
    async setPassword(secret: string) {
      items.set(this.#key, secret)
    }
    async getPassword() {
      return items.get(this.#key) ?? null
    }
    async deleteCredential() {
      return items.delete(this.#key)
    }
  }
  return { AsyncEntry } as unknown as KeyringBinding
}

async function failureOf(promise: Promise<unknown>): Promise<KeywardFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(KeywardFailure)
  return error as KeywardFailure
}

describe('a keychain binding that fails to load', () => {
  it.each([
    ['throws', throwing, LOAD_ERROR],
    ['rejects', () => Promise.reject(new Error(LOAD_ERROR)), LOAD_ERROR],
    ['answers no AsyncEntry', () => Promise.resolve({} as KeyringBinding), 'no AsyncEntry'],
  ])(
    'a loader that %s: status unavailable with advice, set/get/delete keychain-unavailable',
    async (_, loader, said) => {
      const store = new KeyringSecretStore({ loadBinding: loader })
      const status = await store.status()
      expect(status).toEqual({ available: false, backend: store.backend, problem: BINDING_ADVICE })
      expect(BINDING_ADVICE).toMatch(/could not load its keychain component.*Reinstalling Keyward usually fixes/)

      const secret = 'kw-lazy-secret-0123456789'
      const calls = [() => store.set('key:one', secret), () => store.get('key:one'), () => store.delete('key:one')]
      for (const call of calls) {
        const failure = await failureOf(call())
        expect(failure.code).toBe('keychain-unavailable')
        expect(failure.message).toBe(BINDING_ADVICE)
        expect(failure.detail).toMatch(/^@napi-rs\/keyring did not load: /)
        expect(failure.detail).toContain(said)
        expect(failure.detail).not.toContain(secret)
      }
    },
  )

  it('reports the chain of causes napi-rs attaches', async () => {
    const cause = new Error('keyring.linux-x64-gnu.node: wrong ELF class')
    const error = new Error('Cannot find native binding.', { cause })
    const store = new KeyringSecretStore({ loadBinding: () => Promise.reject(error) })
    expect((await failureOf(store.get('key:one'))).detail).toContain('wrong ELF class')
  })

  it('a bad ref is still refused before any load is attempted', async () => {
    const loader = vi.fn(throwing)
    const store = new KeyringSecretStore({ loadBinding: loader })
    expect((await failureOf(store.get('NOT a ref'))).code).toBe('invalid-input')
    expect(loader).not.toHaveBeenCalled()
  })

  it('loads on first use, retries after a failure, then keeps the binding it got', async () => {
    const loader = vi.fn<() => Promise<KeyringBinding>>()
    loader.mockRejectedValueOnce(new Error(LOAD_ERROR)).mockResolvedValue(fakeBinding())
    const store = new KeyringSecretStore({ loadBinding: loader })
    expect(loader).not.toHaveBeenCalled() // constructing loads nothing

    expect((await store.status()).available).toBe(false)
    expect(await store.status()).toEqual({ available: true, backend: store.backend, problem: null })
    await store.set('key:one', 'kw-lazy-secret-0123456789')
    expect(await store.get('key:one')).toBe('kw-lazy-secret-0123456789')
    expect(store.isKnownSecret('kw-lazy-secret-0123456789')).toBe(true)
    expect(loader).toHaveBeenCalledTimes(2)
  })

  it('concurrent first calls share one load', async () => {
    const loader = vi.fn(() => new Promise<KeyringBinding>((resolve) => setTimeout(() => resolve(fakeBinding()), 20)))
    const store = new KeyringSecretStore({ loadBinding: loader })
    await Promise.all([store.status(), store.get('key:a'), store.get('key:b')])
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('a core built with that store still opens: preferences.get and vault.status answer', async () => {
    const core = makeCore({ vault: new KeyringSecretStore({ loadBinding: throwing }) })
    try {
      expect(await core.invoke('preferences.get', {})).toMatchObject({ ok: true })
      expect(await core.invoke('console.list', {})).toEqual({ ok: true, value: [] })
      expect(await core.invoke('vault.status', {})).toMatchObject({
        ok: true,
        value: { available: false, problem: BINDING_ADVICE },
      })
    } finally {
      await core.close()
      core.dispose()
    }
  })
})

describe('the real module when @napi-rs/keyring itself cannot load', () => {
  afterEach(() => {
    vi.doUnmock('@napi-rs/keyring')
    vi.resetModules()
  })

  it('importing the vault and the core does not throw; the default loader reports unavailable', async () => {
    vi.resetModules()
    vi.doMock('@napi-rs/keyring', () => {
      throw new Error(LOAD_ERROR)
    })
    const vault = await import('../../electron/core/vault/secret-store.ts')
    const { createCore } = await import('../../electron/core/index.ts')
    const { silentLogger } = await import('../../electron/core/log.ts')

    const store = new vault.KeyringSecretStore() // the default loader: import('@napi-rs/keyring')
    // A fresh module graph: its KeywardFailure is not the one imported above, so no instanceof here.
    const failure = (await store.get('key:one').then(
      () => ({}),
      (e: unknown) => e,
    )) as { code?: string; message?: string; detail?: string }
    expect(failure).toMatchObject({ code: 'keychain-unavailable', message: vault.BINDING_ADVICE })
    expect(failure.detail).toContain('simulated')

    const dataDir = mkdtempSync(join(tmpdir(), 'keyward-lazy-'))
    const core = createCore({ dataDir, version: '0.1.0', log: silentLogger }) // no vault given: the real keychain store
    try {
      expect(await core.invoke('preferences.get', {})).toMatchObject({ ok: true })
      expect(await core.invoke('vault.status', {})).toMatchObject({
        ok: true,
        value: { available: false, problem: vault.BINDING_ADVICE },
      })
    } finally {
      await core.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
