// UISP as the app uses it (uisp.md), in the shape of unifi/service.ts: servers
// pinned on first contact, signed-in sessions per server (memory only), token
// flows journaled in config.json, tokens handed to the key watch, and the UISP
// key kept in the keychain and shown masked only. Secrets (tokens, the UISP key
// and registration commands holding it) leave only through `copy`, which the
// user asked for.
import { randomUUID } from 'node:crypto'
import type {
  CopyResult,
  KeyCheck,
  KeyRecord,
  RegistrationCommands,
  UispDeviceKind,
  UispKeyCheck,
  UispKeyRecord,
  UispKeyView,
  UispProbe,
  UispServerRecord,
  UispSignInResult,
  UispTokenCheck,
  UispTokenInfo,
  UispTokenOutcome,
  UispTokenPlan,
  UispTokenPurpose,
  UispTokenRecord,
} from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { isServerConfirmed, unconfirmedFailure } from '../console/trust.ts'
import type { SecretCopier } from '../keys/actions.ts'
import { summarize } from '../keys/watch.ts'
import type { Logger } from '../log.ts'
import { normalizeAddress } from '../net/address.ts'
import { httpsRequest } from '../net/https.ts'
import { closeConnections } from '../net/pool.ts'
import type { Settings } from '../settings/settings.ts'
import { LoginLocks } from '../unifi/lockout.ts'
import { addressKey, maskSecret } from '../../../shared/format.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import { checkUispKey, fetchUispKey } from './connection.ts'
import { UISP_API } from './http.ts'
import { maskUispKey, parseUispKey, type UispKey } from './key.ts'
import { newUispTokenProvision, runUispTokenProvision, suggestUispTokenName, UispProvisionFailure } from './provision.ts'
import { registrationCommands } from './registration.ts'
import { fetchUispVersion, UispSession, UispTokenCaller, type UispTarget } from './session.ts'
import { createUispToken, listUispTokens, revokeUispToken, scopeCovers, UISP_SCOPES, UISP_TOKEN_NAME_MAX, UISP_TOKEN_PURPOSES, type UispScope } from './tokens.ts'
import { verifyUispToken } from './verify.ts'

type NewKey = Omit<KeyRecord, 'id' | 'paused' | 'unreachableStreak' | 'pushedTo' | 'haHealth'>

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

export interface UispDeviceInput {
  kind: UispDeviceKind
  firmware?: string | undefined
  airmax?: 'ac' | 'm' | undefined
  mode?: 'interactive' | 'script' | undefined
}

const isScope = (role: string | null): role is UispScope => role === 'guest' || role === 'admin' || role === 'superadmin'

export function createUispService(options: UispServiceOptions) {
  const { settings, vault } = options
  const now = options.now ?? Date.now
  const timeouts = options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}
  const sessions = new Map<string, UispSession>()
  const running = new Set<string>()
  // One registry for every sign-in to these servers (unifi/lockout.ts; uisp.md documents no lock, see there).
  const locks = new LoginLocks()

  const servers = () => settings.getUisp().servers
  const server = (key: string): UispServerRecord => {
    const found = servers().find((s) => s.key === key)
    if (!found) throw new KeywardFailure('not-found', 'Keyward does not know that UISP server; check its address first.')
    return found
  }
  const label = (s: Pick<UispServerRecord, 'key'>) => `UISP at ${s.key}`
  const target = (s: UispServerRecord): UispTarget => ({ host: s.host, port: s.port, pin: s.certificateSha256, label: label(s) })
  const upsertServer = (record: UispServerRecord) => settings.saveUisp({ servers: [...servers().filter((s) => s.key !== record.key), record] })
  /** No password or token goes to a server whose certificate the user has not confirmed (issue 14 §3). */
  const confirmed = (s: UispServerRecord): UispServerRecord => {
    if (!isServerConfirmed(s, settings)) throw unconfirmedFailure(label(s), 'UISP server')
    return s
  }
  /** Drops the session on a server here only (a replaced pin, a forgotten server): the old pin refuses a logout. */
  const invalidate = (key: string) => {
    sessions.get(key)?.discard()
    sessions.delete(key)
    closeServerConnections(key)
  }
  /** Kept-alive connections to a server close with its sessions (re-trust, forget, sign-out). */
  const closeServerConnections = (key: string) => {
    const s = servers().find((r) => r.key === key)
    if (s) closeConnections(s.host, s.port)
  }
  const session = (key: string): UispSession => {
    const s = sessions.get(key)
    if (!s?.signedIn) throw new KeywardFailure('session-expired', `Sign in to ${label(server(key))} first.`)
    return s
  }

  // ---- servers --------------------------------------------------------------------------

  /** Probes an address as a UISP server; trust on first use, a changed certificate is never overwritten. */
  const probe = async (text: string): Promise<UispProbe> => {
    const address = normalizeAddress(text)
    // First look: the certificate (nothing but the unauthenticated version path is asked for).
    const first = await httpsRequest({ host: address.host, port: address.port, path: `${UISP_API}/nms/version`, timeoutMs: options.timeoutMs ?? 6000, maxBytes: 64 * 1024 })
    const certificate = first.certificate
    const version = await fetchUispVersion({ host: address.host, port: address.port, pin: certificate.sha256, label: `The server at ${address.key}` }, timeouts).catch((error: unknown) => {
      if (error instanceof KeywardFailure && error.detail === 'not-uisp') {
        throw new KeywardFailure('bad-reply', `${address.key} answers HTTPS, but not as a UISP server. Enter the address you open UISP with in a browser.`, 'not-uisp')
      }
      throw error
    })
    const known = servers().find((s) => s.key === address.key)
    // Only a confirmed certificate can "change"; one never confirmed is replaced, still unconfirmed.
    const wasConfirmed = known ? isServerConfirmed(known, settings) : false
    const same = known?.certificateSha256 === certificate.sha256
    const trust = !known || (!wasConfirmed && !same) ? 'first-contact' : same ? 'matches' : 'changed'
    const probedAt = new Date(now()).toISOString()
    if (trust !== 'changed') {
      const { key, host, port } = address
      const confirmedNow = trust === 'matches' && wasConfirmed
      upsertServer({
        key, host, port, version: version.version, certificateSha256: certificate.sha256, confirmed: confirmedNow, lastSeen: probedAt,
      })
    }
    return { address, version: version.version, deployment: version.deployment, certificate, trust, latencyMs: version.latencyMs, probedAt }
  }

  /** Re-trust after a certificate change: only the certificate the user just compared. */
  const trust = async (key: string, sha256: string): Promise<UispServerRecord> => {
    const known = server(key)
    const first = await httpsRequest({ host: known.host, port: known.port, path: `${UISP_API}/nms/version`, timeoutMs: options.timeoutMs ?? 6000, maxBytes: 64 * 1024 })
    if (first.certificate.sha256 !== sha256) {
      throw new KeywardFailure('certificate-changed', `${label(known)} now presents a different certificate than the one you confirmed. Compare again.`)
    }
    const record = { ...known, certificateSha256: sha256, confirmed: true, lastSeen: new Date(now()).toISOString() }
    upsertServer(record)
    // A session pinned to the certificate this replaces goes now, not at the next restart.
    if (known.certificateSha256 !== sha256) invalidate(key)
    return record
  }

  // ---- tokens ---------------------------------------------------------------------------

  const flows = {
    get: (id: string) => settings.getUisp().flows.find((f) => f.id === id) ?? null,
    save: (record: UispTokenRecord) => settings.saveUisp({ flows: [...settings.getUisp().flows.filter((f) => f.id !== record.id), record] }),
  }

  type Verify = (
    s: UispServerRecord, token: string, purpose: UispTokenPurpose, expiresAt: string | null,
  ) => Promise<UispTokenCheck>
  const verify: Verify = async (s, token, purpose, expiresAt) =>
    verifyUispToken({ target: target(confirmed(s)), token, purpose, expiresAt, now, ...timeouts })

  const runFlow = async (caller: UispSession, start: UispTokenRecord): Promise<UispTokenOutcome> => {
    const s = server(start.serverKey)
    try {
      const { record, check } = await runUispTokenProvision(caller, start, {
        vault,
        journal: flows,
        verify: (token, r) => verify(s, token, r.purpose, r.expiresAt),
        now,
      })
      const token = await vault.get(record.keyRef)
      const masked = token ? maskSecret(token) : null
      const entry = masked
        ? options.onTokenReady({
            name: record.name,
            app: 'uisp',
            consoleKey: record.serverKey,
            username: caller.user?.username ?? '',
            remoteId: record.tokenId,
            keyRef: record.keyRef,
            passwordRef: null,
            masked,
            createdAt: record.updatedAt,
            expiresAt: record.expiresAt,
            lastCheck: summarize(check),
            uisp: { purpose: record.purpose, scope: record.scope },
          })
        : null
      return { record, check, maskedToken: masked, keyId: entry?.id ?? null, failure: null }
    } catch (error) {
      if (!(error instanceof UispProvisionFailure)) throw error
      return { record: flows.get(start.id) ?? start, check: null, maskedToken: null, keyId: null, failure: { step: error.step, code: error.code, message: error.message } }
    }
  }

  /** A watched token, checked as the key watch does it: two requests (version, then the purpose's call), paced. */
  const checkToken = async (key: KeyRecord, token: string, pace: (serverKey: string) => Promise<void>): Promise<KeyCheck> => {
    const s = servers().find((x) => x.key === key.consoleKey)
    if (!s) {
      return { status: 'failed', app: 'uisp', host: key.consoleKey, problem: 'unreachable', message: 'Keyward no longer knows this UISP server.', nextStep: 'Check the server by its address again.', checkedAt: new Date(now()).toISOString() }
    }
    if (!isServerConfirmed(s, settings)) {
      const message = 'The server’s certificate is not confirmed, so Keyward sent nothing.'
      const nextStep = 'Confirm this UISP server’s certificate first: open it in Keyward and trust it.'
      const checkedAt = new Date(now()).toISOString()
      return { status: 'failed', app: 'uisp', host: key.consoleKey, problem: 'tls_pin_mismatch', message, nextStep, checkedAt }
    }
    await pace(s.key)
    await pace(s.key)
    return verify(s, token, key.uisp?.purpose ?? 'monitor', key.expiresAt)
  }

  // ---- UISP keys --------------------------------------------------------------------------

  const keyRecords = () => settings.getUisp().keys
  const view = ({ keyRef: _ref, ...rest }: UispKeyRecord): UispKeyView => rest
  const listKeys = () => keyRecords().sort((a, b) => Date.parse(b.savedAt) - Date.parse(a.savedAt)).map(view)
  const findKey = (id: string): UispKeyRecord => {
    const found = keyRecords().find((k) => k.id === id)
    if (!found) throw new KeywardFailure('not-found', 'That UISP key is no longer on record.')
    return found
  }
  const secretKey = async (record: UispKeyRecord): Promise<UispKey> => {
    const text = await vault.get(record.keyRef)
    const parsed = text ? parseUispKey(text) : null
    if (!parsed?.ok) throw new KeywardFailure('not-found', 'The keychain no longer holds this UISP key. Paste it again or read it from the server.')
    return parsed.key
  }

  /** Stores a parsed key (the same key twice is one entry) and returns its masked view. */
  const storeKey = async (key: UispKey, from: UispKeyRecord['from'], serverKey: string | null): Promise<UispKeyView> => {
    for (const existing of keyRecords()) {
      const text = await vault.get(existing.keyRef).catch(() => null)
      if (text === key.text) {
        const updated = { ...existing, from, serverKey: serverKey ?? existing.serverKey }
        settings.saveUisp({ keys: keyRecords().map((k) => (k.id === existing.id ? updated : k)) })
        return view(updated)
      }
    }
    const id = randomUUID()
    const record: UispKeyRecord = {
      id,
      masked: maskUispKey(key.text),
      option: key.option,
      warnings: key.warnings.map((w) => ({ code: w.code, message: w.message })),
      from,
      serverKey,
      keyRef: `uisp-key:${id}`,
      savedAt: new Date(now()).toISOString(),
      lastCheck: null,
    }
    await vault.set(record.keyRef, key.text) // the keychain first: no record without its secret
    settings.saveUisp({ keys: [...keyRecords(), record] })
    return view(record)
  }

  const device = (d: UispDeviceInput) => ({
    kind: d.kind,
    ...(d.firmware !== undefined ? { firmware: d.firmware } : {}),
    ...(d.airmax !== undefined ? { airmax: d.airmax } : {}),
    ...(d.mode !== undefined ? { mode: d.mode } : {}),
  })

  return {
    listServers: servers,
    probe,
    trust,

    /** Forgets a server's pinned certificate and any session on it; its tokens and keys stay. */
    forgetServer(key: string): UispServerRecord[] {
      invalidate(key)
      settings.saveUisp({ servers: servers().filter((s) => s.key !== key) })
      return servers()
    },

    async signIn(input: { key: string; username: string; password: string; mfaCode?: string | undefined }): Promise<UispSignInResult> {
      const s = confirmed(server(input.key))
      // While the server is locked, a working session is kept rather than traded for a refusal.
      locks.check(addressKey(s.host, s.port), label(s), now())
      const existing = sessions.get(input.key)
      // Keep the object between the 201 and the code (it holds the two-factor sign-in token),
      // but never one pinned to a certificate the user has since replaced.
      const reuse = existing && !existing.signedIn && existing.target.pin === s.certificateSha256
      const current = reuse ? existing : new UispSession(target(s), { ...timeouts, now, locks })
      if (existing?.signedIn) await existing.logout().catch(() => undefined)
      else if (existing && !reuse) existing.discard()
      sessions.set(input.key, current)
      const outcome = await current.login({ username: input.username, password: input.password }, input.mfaCode)
      if (outcome.state === 'mfa-required') return outcome
      return { state: 'signed-in', user: { username: outcome.user.username || input.username, role: outcome.user.role } }
    },

    async signOut(key: string): Promise<null> {
      await sessions.get(key)?.logout().catch(() => undefined)
      sessions.delete(key)
      closeServerConnections(key)
      return null
    },

    /** What the wizard offers: each purpose with the least scope that serves it, and why. */
    plan(key: string): UispTokenPlan {
      const s = server(key)
      const user = session(key).user
      const role = user?.role ?? null
      return {
        key,
        username: user?.username ?? '',
        role,
        nameMax: UISP_TOKEN_NAME_MAX,
        secretLocation: `The token goes to this computer’s keychain; ${label(s)} keeps only its own copy. Keyward never needs your UISP password again for checks.`,
        purposes: (Object.keys(UISP_TOKEN_PURPOSES) as UispTokenPurpose[]).map((purpose) => {
          const spec = UISP_TOKEN_PURPOSES[purpose]
          const scope = UISP_SCOPES[spec.scope]
          return {
            purpose,
            label: spec.label,
            scope: spec.scope,
            scopeLabel: scope.label,
            why: spec.why,
            allows: scope.allows,
            risk: scope.risk,
            suggestedName: suggestUispTokenName(purpose),
            // "The user can only create scope token of its own scope or lower" (swagger); an unknown role: the server decides.
            allowed: !isScope(role) || scopeCovers(role, spec.scope),
          }
        }),
      }
    },

    async createToken(input: { key: string; purpose: UispTokenPurpose; name: string }): Promise<UispTokenOutcome> {
      const caller = session(input.key)
      const start = newUispTokenProvision({ serverKey: input.key, purpose: input.purpose, name: input.name }, now())
      const flowKey = `${input.key}|${input.purpose}|${input.name}`
      if (running.has(flowKey)) throw new KeywardFailure('conflict', `A token called ${input.name} is already being made on ${label(server(input.key))}.`)
      running.add(flowKey)
      try {
        return await runFlow(caller, start)
      } finally {
        running.delete(flowKey)
      }
    },

    async resumeToken(id: string): Promise<UispTokenOutcome> {
      const start = flows.get(id)
      if (!start) throw new KeywardFailure('not-found', 'That token flow is no longer on record.')
      return runFlow(session(start.serverKey), start)
    },

    listTokens(key: string): Promise<UispTokenInfo[]> {
      return listUispTokens(session(key))
    },

    async revokeToken(key: string, tokenId: string): Promise<UispTokenInfo[]> {
      const caller = session(key)
      if (!(await revokeUispToken(caller, tokenId))) throw new KeywardFailure('not-found', `${label(server(key))} has no such token (any more).`)
      await options.onTokenRevoked?.(key, tokenId)
      return listUispTokens(caller)
    },

    checkToken,

    /** Rotation: new token (same purpose and scope) → keychain → verify → revoke the old one. Needs a session. */
    async rotate(key: KeyRecord): Promise<{ record: KeyRecord; check: KeyCheck; oldKeyStillActive: boolean }> {
      const s = server(key.consoleKey)
      const caller = session(key.consoleKey)
      const purpose = key.uisp?.purpose ?? 'monitor'
      const scope = key.uisp?.scope ?? UISP_TOKEN_PURPOSES[purpose].scope
      const newRef = `key:${randomUUID()}`
      let mintedId: string | null = null
      try {
        const minted = await createUispToken(caller, { name: key.name.slice(0, UISP_TOKEN_NAME_MAX), scope, meta: `Keyward rotation of ${key.id}` })
        mintedId = minted.id
        await vault.set(newRef, minted.token)
        const check = await verify(s, minted.token, purpose, minted.expiresAt)
        if (check.status !== 'ok') throw new KeywardFailure('refused', `The new token did not verify (${check.message}); the old token was kept.`, check.problem)
        let oldKeyStillActive = false
        try {
          if (key.remoteId) await revokeUispToken(caller, key.remoteId)
          else oldKeyStillActive = true
        } catch {
          oldKeyStillActive = true
        }
        await vault.delete(key.keyRef).catch(() => false)
        const at = new Date(now()).toISOString()
        const record: KeyRecord = { ...key, keyRef: newRef, remoteId: minted.id, masked: maskSecret(minted.token), expiresAt: minted.expiresAt, createdAt: at, unreachableStreak: 0 }
        return { record, check, oldKeyStillActive }
      } catch (error) {
        if (mintedId) await revokeUispToken(caller, mintedId).catch(() => undefined)
        await vault.delete(newRef).catch(() => false)
        throw error
      }
    },

    /**
     * Revokes a watched token on its server (DELETE /token/{id}, uisp.md §2) with the
     * signed-in session, or else with the token itself: whether a token may delete
     * itself is not in the reference [inferred]; if the server refuses, the user is
     * asked to sign in. A token the server no longer accepts (401) has nothing left to revoke.
     */
    async revoke(key: KeyRecord): Promise<void> {
      const s = server(key.consoleKey)
      if (!key.remoteId) throw new KeywardFailure('not-found', `Keyward does not know this token’s id on ${label(s)}; delete it in UISP (Settings → Users → API Tokens).`)
      const signedIn = sessions.get(key.consoleKey)
      if (signedIn?.signedIn) {
        await revokeUispToken(signedIn, key.remoteId)
      } else {
        const token = await vault.get(key.keyRef)
        if (!token) throw new KeywardFailure('session-expired', `Sign in to ${label(s)} to revoke this token.`)
        confirmed(s)
        try {
          await revokeUispToken(new UispTokenCaller(target(s), token, timeouts), key.remoteId)
        } catch (error) {
          if (!(error instanceof KeywardFailure)) throw error
          if (error.code === 'forbidden') throw new KeywardFailure('session-expired', `${label(s)} does not let the token revoke itself. Sign in to revoke it.`)
          if (error.code !== 'invalid-credentials') throw error
        }
      }
      await vault.delete(key.keyRef).catch(() => false)
    },

    listKeys,

    async saveKey(text: string): Promise<UispKeyView> {
      const parsed = parseUispKey(text)
      if (!parsed.ok) throw new KeywardFailure('invalid-input', parsed.error.message, parsed.error.code)
      return storeKey(parsed.key, 'pasted', null)
    },

    /** Reads the server's key (GET /nms/connection, admin scope) with the signed-in session. */
    async keyFromServer(key: string): Promise<UispKeyView> {
      return storeKey(await fetchUispKey(session(key)), 'server', key)
    },

    /** Could devices reach the server in this key? Honours the key's certificate option; pins a known server. */
    async checkKey(id: string): Promise<UispKeyCheck> {
      const record = findKey(id)
      const key = await secretKey(record)
      const known = servers().find((s) => s.key === addressKey(key.host, key.port))
      const signedIn = record.serverKey ? sessions.get(record.serverKey) : undefined
      // With an admin session on the server the key came from, also notice a regenerated key.
      const serverKey = signedIn?.signedIn ? await fetchUispKey(signedIn).catch(() => undefined) : undefined
      const check = await checkUispKey(key, { ...(known ? { pin: known.certificateSha256 } : {}), ...(serverKey ? { serverKey } : {}), ...timeouts, now })
      const lastCheck = { status: check.status, problem: check.status === 'failed' ? check.problem : null, message: check.status === 'failed' ? check.message : null, checkedAt: check.checkedAt }
      settings.saveUisp({ keys: keyRecords().map((k) => (k.id === id ? { ...k, lastCheck } : k)) })
      return check
    },

    async copyKey(id: string): Promise<CopyResult> {
      return options.copier.copy((await secretKey(findKey(id))).text)
    },

    async forgetKey(id: string): Promise<UispKeyView[]> {
      const record = findKey(id)
      await vault.delete(record.keyRef)
      settings.saveUisp({ keys: keyRecords().filter((k) => k.id !== id) })
      return listKeys()
    },

    /** The commands to show: the key's place holds a placeholder, never the key. */
    async registration(id: string | undefined, d: UispDeviceInput): Promise<RegistrationCommands> {
      const key = id ? await secretKey(findKey(id)) : null
      const result = registrationCommands(device(d), key, 'display')
      if (!result.ok) throw new KeywardFailure('invalid-input', result.error.message, result.error.code)
      return result.commands
    },

    /** The same commands with the key in them, to the clipboard only (auto-clear). */
    async copyRegistration(id: string, d: UispDeviceInput): Promise<CopyResult> {
      const result = registrationCommands(device(d), await secretKey(findKey(id)), 'copy')
      if (!result.ok) throw new KeywardFailure('invalid-input', result.error.message, result.error.code)
      return options.copier.copy(result.commands.text)
    },

    async close(): Promise<void> {
      await Promise.all([...sessions.values()].map((s) => s.logout().catch(() => undefined)))
      sessions.clear()
    },
  }
}

export type UispService = ReturnType<typeof createUispService>
