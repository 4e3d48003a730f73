// UISP as the app uses it (uisp.md), in the shape of unifi/service.ts. This file only wires
// the units that hold the state:
//   servers.ts        server records, pinned on first contact, the confirmed-certificate gate
//   sessions.ts       signed-in sessions per server (memory only)
//   token-flows.ts    token flows journaled in config.json, tokens handed to the key watch
//   watched-tokens.ts the key watch's UISP tokens: check, rotate, revoke
//   key-store.ts      the UISP key, kept in the keychain and shown masked only
// Secrets (tokens, the UISP key and registration commands holding it) leave only through
// `copy`, which the user asked for.
import type { KeyRecord, UispServerRecord } from '../../../shared/domain.ts'
import type { SecretCopier } from '../keys/actions.ts'
import type { Logger } from '../log.ts'
import type { Settings } from '../settings/settings.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { UispKeyStore } from './key-store.ts'
import { UispServers } from './servers.ts'
import { UispSessions } from './sessions.ts'
import { UispTokenFlows, type NewKey } from './token-flows.ts'
import { heldUispTokens } from './strays.ts'
import { UispWatchedTokens } from './watched-tokens.ts'

export type { UispDeviceInput } from './key-store.ts'

export interface UispServiceOptions {
  settings: Settings
  vault: SecretStore
  log: Logger
  /** Copy with auto-clear (shared with the key list's Copy). */
  copier: SecretCopier
  /** A token was made, stored and checked: the key watch takes it over and returns its entry. */
  onTokenReady: (key: NewKey) => KeyRecord
  /** A token was revoked on the server: the key watch forgets the entry holding it. */
  onTokenRevoked?: (serverKey: string, tokenId: string) => Promise<void>
  timeoutMs?: number
  now?: () => number
}

export function createUispService(options: UispServiceOptions) {
  const { settings, vault } = options
  const now = options.now ?? Date.now
  const servers = new UispServers(settings, { ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), now })
  const sessions = new UispSessions(servers, now)
  const flows = new UispTokenFlows({
    settings,
    vault,
    servers,
    sessions,
    now,
    onTokenReady: options.onTokenReady,
    onTokenRevoked: options.onTokenRevoked,
  })
  const watched = new UispWatchedTokens(servers, sessions, vault, now, (key) => heldUispTokens(settings, key))
  const keys = new UispKeyStore({ settings, vault, copier: options.copier, servers, sessions, now })

  return {
    listServers: () => servers.list(),
    probe: (text: string) => servers.probe(text),
    /** Re-trust: a session pinned to the certificate this replaces goes now, not at the next restart. */
    async trust(key: string, sha256: string): Promise<UispServerRecord> {
      const { record, pinReplaced } = await servers.trust(key, sha256)
      if (pinReplaced) sessions.invalidate(key)
      return record
    },
    /** Forgets a server's pinned certificate and any session on it; its tokens and keys stay. */
    forgetServer(key: string): UispServerRecord[] {
      sessions.invalidate(key)
      return servers.forget(key)
    },

    signIn: (input: Parameters<UispSessions['signIn']>[0]) => sessions.signIn(input),
    signOut: (key: string) => sessions.signOut(key),
    /** For the audit: whether there is a signed-in session on the server (nothing is sent). */
    isSignedIn: (key: string) => sessions.signedIn(key) !== undefined,

    plan: (key: string) => flows.plan(key),
    createToken: (input: Parameters<UispTokenFlows['create']>[0]) => flows.create(input),
    resumeToken: (id: string) => flows.resume(id),
    listTokens: (key: string) => flows.list(key),
    revokeToken: (key: string, tokenId: string) => flows.revoke(key, tokenId),

    checkToken: (key: KeyRecord, token: string, pace: (serverKey: string) => Promise<void>) =>
      watched.check(key, token, pace),
    rotate: (key: KeyRecord) => watched.rotate(key),
    revoke: (key: KeyRecord) => watched.revoke(key),

    listKeys: () => keys.list(),
    saveKey: (text: string) => keys.save(text),
    keyFromServer: (key: string) => keys.fromServer(key),
    checkKey: (id: string) => keys.check(id),
    copyKey: (id: string) => keys.copy(id),
    forgetKey: (id: string) => keys.forget(id),
    registration: (id: string | undefined, d: Parameters<UispKeyStore['registration']>[1]) => keys.registration(id, d),
    copyRegistration: (id: string, d: Parameters<UispKeyStore['copyRegistration']>[1]) => keys.copyRegistration(id, d),

    close: () => sessions.close(),
  }
}

export type UispService = ReturnType<typeof createUispService>
