// Which keys on a console a key flow made, so a key whose create reply was lost is found and
// revoked (provision.ts before minting again, cleanup.ts when removing what a flow made).
// Facts: unifi-os.md §4.1 (create `{name, description}`, list fields), §5.3 (Access tokens).
import type { ProvisionRecord } from '../../../shared/domain.ts'
import type { ListedKey } from './keys.ts'

/** The description every key of a flow carries (Access tokens: in the name), so Keyward finds its own keys. */
export const marker = (record: Pick<ProvisionRecord, 'id'>) => `Keyward ${record.id}`
/** The name of a flow's Access token: tokens have no description (unifi-os.md §5.3). */
export const accessTokenName = (record: Pick<ProvisionRecord, 'id' | 'keyName'>) =>
  `${record.keyName} (${marker(record)})`

/** Key ids other flows on record hold: never this flow's strays. */
export function claimedKeyIds(record: Pick<ProvisionRecord, 'id'>, all: readonly ProvisionRecord[]): Set<string> {
  return new Set(all.filter((r) => r.id !== record.id && r.keyId !== null).map((r) => r.keyId!))
}

/**
 * The keys in `listed` (the key list of the session `listerId` signed in as) this flow made. By the
 * marker in `description`; and since a console need not keep `description` (uiprotect creates with
 * `{name}` only, §4.1), also by the exact name Keyward gave the key, but only where that cannot hit
 * a key Keyward did not make: on the dedicated user's own list (that user exists for Keyward's
 * flows alone), created by that user (`creator_user_id`, when listed), and held by no other flow.
 * A signed-in admin's list is matched by the marker only: other keys of that name may be theirs.
 */
export function flowKeys(
  listed: readonly ListedKey[],
  record: ProvisionRecord,
  listerId: string | null,
  claimed: ReadonlySet<string>,
): ListedKey[] {
  const userId = record.userId ?? listerId
  const byName = record.mode === 'dedicated-user' && userId !== null && listerId === userId
  return listed.filter(
    (k) =>
      k.id === record.keyId ||
      k.description === marker(record) ||
      (byName &&
        k.name === record.keyName &&
        (k.creatorUserId === null || k.creatorUserId === userId) &&
        !claimed.has(k.id)),
  )
}
