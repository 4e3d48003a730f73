// Rotating and revoking keys on their console. Rotation never leaves the user
// without a working key: mint the new one → store it → verify it → hand it
// over (e.g. push into Home Assistant) → only then revoke the old one. If any
// step before the revoke fails, the new key is revoked and the old one stays.
import { randomUUID } from 'node:crypto'
import type { KeyCheck, KeyRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { createAccessToken, revokeAccessToken } from '../unifi/access.ts'
import { mintKey, revokeKey } from '../unifi/keys.ts'
import type { ConsoleSession } from '../unifi/session.ts'

export interface LifecycleDeps {
  vault: SecretStore
  /** A session that may manage this key: the dedicated user's (from its stored password) or the signed-in admin's. */
  sessionFor: (key: KeyRecord) => Promise<{ session: ConsoleSession; release: () => Promise<void> }>
  verify: (key: KeyRecord, secret: string) => Promise<KeyCheck>
  /** Gives the new secret to whoever uses the key (Home Assistant); throwing aborts the rotation. */
  handOver?: (key: KeyRecord, secret: string) => Promise<void>
  now?: () => number
}

export interface RotationResult {
  record: KeyRecord
  check: KeyCheck
  /** The old key could not be revoked: it still works on the console until removed there. */
  oldKeyStillActive: boolean
}

async function revokeRemote(session: ConsoleSession, key: Pick<KeyRecord, 'app' | 'remoteId'>): Promise<void> {
  if (!key.remoteId)
    throw new KeywardFailure(
      'not-found',
      'Keyward does not know this key’s id on the console; remove it on the console’s Integrations page.',
    )
  if (key.app === 'access') await revokeAccessToken(session, key.remoteId)
  else await revokeKey(session, key.remoteId)
}

export async function rotateKey(
  key: KeyRecord,
  deps: LifecycleDeps,
  maskSecret: (s: string) => string,
): Promise<RotationResult> {
  const { session, release } = await deps.sessionFor(key)
  const newRef = `key:${randomUUID()}`
  let minted: { id: string | null; secret: string; expiresAt: string | null } | null = null
  try {
    if (key.app === 'access') {
      const validityDays = key.expiresAt
        ? Math.max(1, Math.round((Date.parse(key.expiresAt) - Date.parse(key.createdAt)) / 86_400_000))
        : 0
      // The new token gets the old one's scopes (what whoever uses it was given).
      const scopes = key.access?.scopes.length ? { scopes: key.access.scopes } : {}
      const token = await createAccessToken(
        session,
        { name: `${key.name} (rotated)`, validityDays, ...scopes },
        (deps.now ?? Date.now)(),
      )
      minted = { id: token.id, secret: token.token, expiresAt: token.expiresAt }
    } else {
      const k = await mintKey(session, key.name, `Keyward rotation of ${key.id}`)
      minted = { id: k.id, secret: k.key, expiresAt: null }
    }
    await deps.vault.set(newRef, minted.secret)
    const candidate: KeyRecord = {
      ...key,
      keyRef: newRef,
      remoteId: minted.id,
      masked: maskSecret(minted.secret),
      expiresAt: minted.expiresAt,
      usage: null,
    }
    const check = await deps.verify(candidate, minted.secret)
    if (check.status !== 'ok') {
      throw new KeywardFailure(
        'refused',
        `The new key did not verify (${check.message}); the old key was kept.`,
        check.problem,
      )
    }
    await deps.handOver?.(candidate, minted.secret)

    let oldKeyStillActive = false
    try {
      await revokeRemote(session, key)
    } catch {
      oldKeyStillActive = true
    }
    await deps.vault.delete(key.keyRef).catch(() => false)
    const t = new Date((deps.now ?? Date.now)()).toISOString()
    // "Created" is when the secret now held was made, as the console's own key list says.
    return { record: { ...candidate, createdAt: t, unreachableStreak: 0 }, check, oldKeyStillActive }
  } catch (error) {
    // Roll back: the new key must not live on; the old one was never touched.
    if (minted?.id) await revokeRemote(session, { app: key.app, remoteId: minted.id }).catch(() => undefined)
    await deps.vault.delete(newRef).catch(() => false)
    throw error
  } finally {
    await release()
  }
}

/** Revokes the key on its console and forgets the secret. */
export async function revokeOnConsole(
  key: KeyRecord,
  deps: Pick<LifecycleDeps, 'vault' | 'sessionFor'>,
): Promise<void> {
  const { session, release } = await deps.sessionFor(key)
  try {
    await revokeRemote(session, key)
  } finally {
    await release()
  }
  await deps.vault.delete(key.keyRef).catch(() => false)
}
