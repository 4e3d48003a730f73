// What a key flow made on its console, read from its journal alone (issue 14 §5): the key it
// minted (or may have, when the reply was lost), the dedicated user it created, and that user's
// password in the keychain. The core's cleanup (electron/core/unifi/cleanup.ts) removes these
// and nothing else; the wizard names them before it asks.
import type { CleanupItem, CleanupOutcome, CleanupPartName, CleanupResult } from './domain.ts'
import type { ProvisionView } from './views.ts'

export interface MadePart {
  part: CleanupPartName
  label: string
  /** Only possibly made: the create request was sent but its reply was lost. */
  uncertain: boolean
}

/** A part's cleanup is over: nothing of it is left to remove. */
export const cleanupFinal = (result: CleanupResult | undefined): boolean =>
  result === 'removed' || result === 'was-gone' || result === 'not-made'

export const keyLabel = (record: Pick<ProvisionView, 'app' | 'keyName'>): string =>
  record.app === 'access' ? `the Access token “${record.keyName}”` : `the API key “${record.keyName}”`
export const userLabel = (record: Pick<ProvisionView, 'username'>): string => `the local Super Admin ${record.username}`
export const passwordLabel = (record: Pick<ProvisionView, 'username'>): string =>
  `the password of ${record.username} in this computer’s keychain`

/**
 * Whether the create request of a step may have reached the console. Records from before
 * `requested` existed: any step that ran may have sent it.
 */
export function requestSent(record: ProvisionView, step: 'user' | 'key'): boolean {
  if (record.requested) return record.requested[step]
  return record.steps[step] !== 'pending' && record.steps[step] !== 'skipped'
}

/** Whether the flow (may have) made its dedicated user. */
export const userMade = (record: ProvisionView): boolean =>
  record.mode === 'dedicated-user' && (record.userId !== null || requestSent(record, 'user'))

/** Whether the flow (may have) minted its key. */
export const keyMade = (record: ProvisionView): boolean => record.keyId !== null || requestSent(record, 'key')

/**
 * What this flow made and a cleanup has not removed yet, in the order the cleanup goes: the
 * key, the user (unless a later flow took it over), the password last. Empty: nothing to offer.
 */
export function madeByFlow(record: ProvisionView): MadePart[] {
  const open = (part: CleanupPartName) => !cleanupFinal(record.cleanup?.[part].result)
  const parts: MadePart[] = []
  if (keyMade(record) && open('key')) {
    parts.push({ part: 'key', label: keyLabel(record), uncertain: record.keyId === null })
  }
  if (userMade(record)) {
    if (!record.userAdoptedBy && open('user')) {
      parts.push({ part: 'user', label: userLabel(record), uncertain: record.userId === null })
    }
    if (open('password')) parts.push({ part: 'password', label: passwordLabel(record), uncertain: false })
  }
  return parts
}

/** The order a cleanup goes in: the key, the user, the password last. */
export const CLEANUP_ORDER: readonly CleanupPartName[] = ['key', 'user', 'password']

/**
 * A flow's cleanup as its journal has it (parts not yet handled are `pending`), for the core's
 * record (CleanupOutcome) or the renderer's view alike.
 */
export function outcomeOf<R extends ProvisionView>(record: R): Omit<CleanupOutcome, 'record'> & { record: R } {
  const labels: Record<CleanupPartName, string> = {
    key: keyLabel(record),
    user: userLabel(record),
    password: passwordLabel(record),
  }
  const items: CleanupItem[] = CLEANUP_ORDER.map((part) => ({
    part,
    label: labels[part],
    ...(record.cleanup?.[part] ?? { result: 'pending', reason: null }),
  }))
  return { record, items, complete: items.every((i) => cleanupFinal(i.result)) }
}
