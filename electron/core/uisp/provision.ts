// Making a UISP API token, journaled like electron/core/unifi/provision.ts:
// mint → store → verify, each step saved (metadata only) before and after it
// touches the server, so a flow cut off anywhere resumes without a stray token:
//   - every token carries the flow id in its `meta` (swagger: ≤ 256 characters,
//     shown in the token list), so a token whose creation reply was lost is found
//     and revoked before minting again; on a server whose list leaves `meta` out,
//     by the flow's name instead (strayOfFlow);
//   - a token that cannot be stored in the keychain is revoked at once.
// The token gets the least scope that serves its purpose (tokens.ts).
import { randomUUID } from 'node:crypto'
import { KeywardFailure } from '../../../shared/result.ts'
import { journaled } from '../journal.ts'
import type { SecretStore } from '../vault/secret-store.ts'
import type { UispCaller } from './session.ts'
import { isStrayToken, revokeStrays } from './strays.ts'
import { createUispToken, leastScopeFor, revokeUispToken, tokenNameProblem, type UispTokenPurpose } from './tokens.ts'
import type { UispStepState, UispTokenCheck, UispTokenInfo, UispTokenRecord } from '../../../shared/domain.ts'

export type { UispStepState, UispTokenRecord }

export interface UispTokenJournal {
  get(id: string): UispTokenRecord | null
  save(record: UispTokenRecord): void
}

export interface UispProvisionDeps {
  vault: Pick<SecretStore, 'get' | 'set'>
  journal: UispTokenJournal
  verify: (token: string, record: UispTokenRecord) => Promise<UispTokenCheck>
  now?: () => number
  /** Ids of the tokens on this server Keyward already holds (watched keys, other flows): never strays. */
  held?: () => ReadonlySet<string>
}

export interface UispTokenRequest {
  serverKey: string
  purpose: UispTokenPurpose
  /** ≤ 20 characters (swagger); suggestUispTokenName() gives a default. */
  name: string
}

export const suggestUispTokenName = (purpose: UispTokenPurpose) =>
  purpose === 'monitor' ? 'keyward-monitor' : 'keyward-register'

export const uispMarker = (record: Pick<UispTokenRecord, 'id'>) => `Keyward ${record.id}`

/** Whether `t` is this flow's own token from an attempt whose reply was lost (strays.ts). */
export const strayOfFlow = (
  record: Pick<UispTokenRecord, 'id' | 'name' | 'createdAt'>,
  t: UispTokenInfo,
  held: ReadonlySet<string>,
): boolean => isStrayToken(t, { marker: uispMarker(record), name: record.name, since: record.createdAt, held })

export function newUispTokenProvision(request: UispTokenRequest, now = Date.now()): UispTokenRecord {
  const problem = tokenNameProblem(request.name)
  if (problem) throw new KeywardFailure('invalid-input', problem)
  const id = randomUUID()
  const at = new Date(now).toISOString()
  return {
    id,
    serverKey: request.serverKey,
    purpose: request.purpose,
    scope: leastScopeFor(request.purpose),
    name: request.name,
    tokenId: null,
    keyRef: `key:${id}`,
    expiresAt: null,
    steps: { token: 'pending', verify: 'pending' },
    lastError: null,
    createdAt: at,
    updatedAt: at,
  }
}

export class UispProvisionFailure extends KeywardFailure {
  constructor(
    failure: KeywardFailure,
    readonly step: 'token' | 'verify',
  ) {
    super(failure.code, failure.message, failure.detail)
  }
}

/** Runs (or resumes) the flow with `caller` signed in; the token itself stays in the vault. */
export async function runUispTokenProvision(
  caller: UispCaller,
  start: UispTokenRecord,
  deps: UispProvisionDeps,
): Promise<{ record: UispTokenRecord; check: UispTokenCheck }> {
  const flow = journaled<'token' | 'verify', UispTokenRecord>(start, deps.journal, {
    ...(deps.now ? { now: deps.now } : {}),
    fail: (failure, step) => new UispProvisionFailure(failure, step),
  })

  let token: string | null = flow.record.steps.token === 'done' ? await deps.vault.get(flow.record.keyRef) : null
  if (!token) {
    token = await flow.step('token', async () => {
      // A token from an earlier, interrupted attempt of this flow: revoke it first.
      const { name, createdAt: since } = flow.record
      await revokeStrays(caller, { marker: uispMarker(flow.record), name, since, held: deps.held?.() ?? new Set() })
      const minted = await createUispToken(caller, {
        name: flow.record.name,
        scope: flow.record.scope,
        meta: uispMarker(flow.record),
      })
      try {
        await deps.vault.set(flow.record.keyRef, minted.token)
      } catch (error) {
        await revokeUispToken(caller, minted.id).catch(() => undefined) // a token we cannot keep must not live on
        throw error
      }
      flow.save({ tokenId: minted.id, expiresAt: minted.expiresAt })
      return minted.token
    })
  }

  // A failed check is a diagnosis, returned as a value; the token stays stored so the user can act on it.
  const check = await flow.check('verify', () => deps.verify(token, flow.record))
  return { record: flow.record, check }
}
