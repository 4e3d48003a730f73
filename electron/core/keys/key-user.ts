// The dedicated console user behind a key (issue 17 "Clean up what Keyward made"): which key flow
// made it (its journal, unifi/provision.ts), which other watched keys belong to it, and removing it
// after the key is revoked. Only a user a Keyward flow created (or took over from an earlier run)
// is ever offered, and only while no other watched key belongs to it; the removal itself is the
// flow's cleanup (unifi/cleanup.ts): the key, then the user as the signed-in admin, the password
// from the keychain last.
import { cleanupFinal, outcomeOf, userMade } from '../../../shared/cleanup.ts'
import type { CleanupOutcome, KeyRecord, ProvisionRecord } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import type { KeyUserView } from '../../../shared/views.ts'

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/**
 * The flow that made this key's user: a dedicated-user flow on the same console whose password the
 * key signs in with (stable across rotations) and whose user it still owns. Null for a key made as
 * the signed-in admin, a UISP token, or a user no flow of Keyward's created.
 */
export function userFlowOf(key: KeyRecord, flows: readonly ProvisionRecord[]): ProvisionRecord | null {
  if (key.app === 'uisp' || !key.passwordRef) return null
  return (
    flows.find(
      (p) =>
        p.mode === 'dedicated-user' &&
        p.consoleKey === key.consoleKey &&
        p.passwordRef === key.passwordRef &&
        sameName(p.username, key.username) &&
        !p.userAdoptedBy &&
        userMade(p),
    ) ?? null
  )
}

/** Other watched keys on the same console that belong to the same user (the user must stay for them). */
export const keysOfSameUser = (key: KeyRecord, keys: readonly KeyRecord[]): KeyRecord[] =>
  keys.filter(
    (k) => k.id !== key.id && k.app !== 'uisp' && k.consoleKey === key.consoleKey && sameName(k.username, key.username),
  )

/** What the key list shows about the key's user: null when Keyward did not make it. */
export function keyUserView(
  key: KeyRecord,
  keys: readonly KeyRecord[],
  flows: readonly ProvisionRecord[],
): KeyUserView | null {
  const flow = userFlowOf(key, flows)
  if (!flow) return null
  const others = keysOfSameUser(key, keys)
  return { flowId: flow.id, sharedWith: others.map((k) => ({ id: k.id, name: k.name })) }
}

export interface UserRemovalDeps {
  listKeys: () => KeyRecord[]
  listProvisions: () => ProvisionRecord[]
  /** The signed-in admin of the console (throws `session-expired` when there is none): it deletes the user. */
  adminSession: (consoleKey: string) => unknown
  /** The flow's cleanup (unifi/flows.ts `cleanup`): key, user, password, in that order. */
  cleanup: (flowId: string) => Promise<CleanupOutcome>
}

/** Removing a revoked key's dedicated user; `plan` checks everything before the key is touched. */
export function createUserRemoval(deps: UserRemovalDeps) {
  return {
    /**
     * Refuses (nothing touched yet) when Keyward did not make the user, another watched key
     * belongs to it, or no admin is signed in to delete it; else returns the removal to run once
     * the key is revoked and out of the list.
     */
    plan(key: KeyRecord): () => Promise<CleanupOutcome> {
      const flow = userFlowOf(key, deps.listProvisions())
      if (!flow) {
        throw new KeywardFailure(
          'refused',
          `Keyward did not create ${key.username}, so it never deletes it. Nothing was revoked.`,
        )
      }
      const others = keysOfSameUser(key, deps.listKeys())
      if (others.length > 0) {
        throw new KeywardFailure(
          'refused',
          `The key “${others[0]!.name}” also belongs to ${key.username}, so the user must stay. Nothing was revoked.`,
        )
      }
      deps.adminSession(key.consoleKey)
      return () => removeOrSay(deps, flow)
    },
  }
}

export type UserRemoval = ReturnType<typeof createUserRemoval>

/**
 * The flow's cleanup; when it cannot even start (the key is revoked by then), the outcome still
 * says what is left, with the reason on the user, so the key list can offer the retry.
 */
async function removeOrSay(deps: UserRemovalDeps, flow: ProvisionRecord): Promise<CleanupOutcome> {
  try {
    return await deps.cleanup(flow.id)
  } catch (error) {
    if (!(error instanceof KeywardFailure)) throw error
    const outcome = outcomeOf(deps.listProvisions().find((p) => p.id === flow.id) ?? flow)
    const items = outcome.items.map((i) =>
      i.part === 'user' && !cleanupFinal(i.result) ? { ...i, result: 'failed' as const, reason: error.message } : i,
    )
    return { ...outcome, items, complete: false }
  }
}
