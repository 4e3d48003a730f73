// The units behind the UISP service (uisp/servers.ts, sessions.ts, plan.ts, watched-tokens.ts,
// key-store.ts), without a server: what the user sees before any request leaves.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KeyRecord, UispServerRecord } from '../../shared/domain.ts'
import { KeywardFailure } from '../../shared/result.ts'
import type { SecretCopier } from '../../electron/core/keys/actions.ts'
import { openSettings, type Settings } from '../../electron/core/settings/settings.ts'
import { UispKeyStore } from '../../electron/core/uisp/key-store.ts'
import { uispTokenPlan } from '../../electron/core/uisp/plan.ts'
import { UispServers, uispTrustOf } from '../../electron/core/uisp/servers.ts'
import { UispSessions } from '../../electron/core/uisp/sessions.ts'
import { UispWatchedTokens } from '../../electron/core/uisp/watched-tokens.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import { aes } from '../support/uisp-key-corpus.ts'

const NOW = Date.parse('2026-12-01T10:00:00Z')
const SHA = Array(32).fill('AB').join(':')
const server = (key: string, confirmed: boolean): UispServerRecord => {
  const [host, port] = key.split(':')
  return {
    key,
    host: host!,
    port: Number(port),
    version: '2.4.0',
    certificateSha256: SHA,
    confirmed,
    lastSeen: '2026-12-01T09:00:00.000Z',
  }
}

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<KeywardFailure> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (error) {
    if (error instanceof KeywardFailure) return error
    throw error
  }
  throw new Error('expected a refusal')
}

let dir: string
let settings: Settings
let servers: UispServers
let sessions: UispSessions
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-uisp-units-'))
  settings = openSettings({ cwd: dir, projectVersion: '1.0.0' })
  settings.saveUisp({ servers: [server('10.0.0.1:443', true), server('10.0.0.2:443', false)] })
  servers = new UispServers(settings, { now: () => NOW })
  sessions = new UispSessions(servers, () => NOW)
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('UISP server trust', () => {
  it.each([
    ['a new server', undefined, false, SHA, 'first-contact'],
    ['the same certificate', server('s:1', true), true, SHA, 'matches'],
    ['another certificate on a confirmed server', server('s:1', true), true, Array(32).fill('CD').join(':'), 'changed'],
    [
      'another certificate on a never-confirmed server',
      server('s:1', false),
      false,
      Array(32).fill('CD').join(':'),
      'first-contact',
    ],
  ] as const)('%s', (_name, known, wasConfirmed, sha, expected) => {
    expect(uispTrustOf(known, wasConfirmed, sha)).toBe(expected)
  })

  it('forgets a server and keeps the others', () => {
    expect(servers.forget('10.0.0.2:443').map((s) => s.key)).toEqual(['10.0.0.1:443'])
    expect(() => servers.get('10.0.0.2:443')).toThrow('does not know that UISP server')
  })
})

describe('UISP sessions', () => {
  it('asks for a sign-in on a known server without one', async () => {
    const refused = await failure(() => sessions.require('10.0.0.1:443'))
    expect(refused.code).toBe('session-expired')
    expect(refused.message).toBe('Sign in to UISP at 10.0.0.1:443 first.')
  })

  it('sends no password to a server whose certificate is not confirmed', async () => {
    const refused = await failure(sessions.signIn({ key: '10.0.0.2:443', username: 'admin', password: 'secret-pw' }))
    expect(refused.code).toBe('certificate-unconfirmed')
    expect(refused.message).toContain('Keyward has sent nothing to UISP at 10.0.0.2:443')
  })

  it('does not know a server it was never shown', async () => {
    expect((await failure(sessions.signIn({ key: '10.9.9.9:443', username: 'a', password: 'b' }))).code).toBe(
      'not-found',
    )
  })
})

describe('UISP token plan', () => {
  const allowed = (role: string | null) =>
    Object.fromEntries(
      uispTokenPlan('s:1', 'UISP at s:1', { username: 'u', role } as never).purposes.map((p) => [p.purpose, p.allowed]),
    )

  it('offers a guest user monitoring only', () => {
    expect(allowed('guest')).toEqual({ monitor: true, 'register-devices': false })
  })

  it('offers an admin both, and lets the server decide for a role it does not name', () => {
    expect(allowed('admin')).toEqual({ monitor: true, 'register-devices': true })
    expect(allowed('operator')).toEqual({ monitor: true, 'register-devices': true })
  })

  it('says where the token goes and the least scope of each purpose', () => {
    const plan = uispTokenPlan('s:1', 'UISP at s:1', null)
    expect(plan.secretLocation).toContain('UISP at s:1 keeps only its own copy')
    expect(plan.purposes.map((p) => [p.purpose, p.scope])).toEqual([
      ['monitor', 'guest'],
      ['register-devices', 'admin'],
    ])
  })
})

describe('watched UISP tokens', () => {
  const watched = () => new UispWatchedTokens(servers, sessions, new MemorySecretStore(), () => NOW)
  const key = (consoleKey: string) =>
    ({ consoleKey, expiresAt: null, uisp: { purpose: 'monitor', scope: 'guest' } }) as unknown as KeyRecord

  it('fails the check of a token on an unconfirmed server without pacing or sending it', async () => {
    let paced = 0
    const check = await watched().check(key('10.0.0.2:443'), 'tok', () => Promise.resolve(void paced++))
    expect(check).toMatchObject({ status: 'failed', problem: 'tls_pin_mismatch', host: '10.0.0.2:443' })
    expect(paced).toBe(0)
  })

  it('fails the check of a token whose server was forgotten', async () => {
    const check = await watched().check(key('10.0.0.7:443'), 'tok', () => Promise.resolve())
    expect(check).toMatchObject({
      status: 'failed',
      problem: 'unreachable',
      message: 'Keyward no longer knows this UISP server.',
    })
  })

  it('needs a sign-in to rotate', async () => {
    expect((await failure(watched().rotate(key('10.0.0.1:443')))).code).toBe('session-expired')
  })
})

describe('UISP key store', () => {
  const TEXT = `wss://10.0.0.1:443+${aes('units')}+allowSelfSignedCertificate`
  let vault: MemorySecretStore
  let copied: string[]
  let store: UispKeyStore
  beforeEach(() => {
    vault = new MemorySecretStore()
    copied = []
    const copier = {
      copy: (text: string) =>
        Promise.resolve(void copied.push(text)).then(() => ({ copied: true, clearsInSeconds: 30 })),
    }
    store = new UispKeyStore({
      settings,
      vault,
      copier: copier as unknown as SecretCopier,
      servers,
      sessions,
      now: () => NOW,
    })
  })

  it('keeps the same key pasted twice as one masked entry, its text only in the keychain', async () => {
    const first = await store.save(TEXT)
    const again = await store.save(`  ${TEXT}\n`)
    expect(again.id).toBe(first.id)
    expect(store.list()).toHaveLength(1)
    expect(JSON.stringify(store.list())).not.toContain(aes('units'))
    expect(JSON.stringify(settings.getUisp())).not.toContain(aes('units'))
    expect(store.list()[0]).not.toHaveProperty('keyRef')
  })

  it('copies the whole key only on request, and forgets it from the keychain', async () => {
    const saved = await store.save(TEXT)
    await store.copy(saved.id)
    expect(copied).toEqual([TEXT])
    expect(await store.forget(saved.id)).toEqual([])
    expect((await failure(store.copy(saved.id))).code).toBe('not-found')
  })

  it('refuses text that is not a UISP key, in plain words', async () => {
    const refused = await failure(store.save('hello'))
    expect(refused.code).toBe('invalid-input')
    expect(refused.message.length).toBeGreaterThan(10)
  })

  it('shows registration commands with a placeholder, never the key', async () => {
    const saved = await store.save(TEXT)
    const shown = await store.registration(saved.id, { kind: 'airos', firmware: '8.7.11' })
    expect(shown.text).not.toContain(aes('units'))
    await store.copyRegistration(saved.id, { kind: 'airos', firmware: '8.7.11' })
    expect(copied[0]).toContain(TEXT)
  })
})
