// Which keys' usage a read covers, grouped by what reading it costs: one sign-in per (console, user) for
// console keys (`/user/self/keys` lists only the signed-in user's keys, unifi-os.md §4.1), one token list
// per UISP server (its open session). Access tokens are not in the console key list, and their list reports
// no use (§5.3), so they are never read.
import type { KeyRecord } from '../../../shared/domain.ts'

export interface UsageGroups {
  /** `consoleKey\nusername` (empty username: the admin's own session) → that user's keys on that console. */
  consoles: Map<string, KeyRecord[]>
  /** UISP server → its tokens. */
  uisp: Map<string, KeyRecord[]>
}

/** The sign-in a console key's usage read needs: its dedicated user's, or the admin session (''). */
export const signInOf = (key: KeyRecord): string => `${key.consoleKey}\n${key.passwordRef ? key.username : ''}`

/**
 * The keys whose usage is due (`due` by console), grouped. Keys without a remote id cannot be matched;
 * sign-ins in `refused` are never tried again; UISP tokens only `withUisp` (a UISP token reader exists).
 */
export function usageGroups(
  keys: readonly KeyRecord[],
  due: (consoleKey: string) => boolean,
  refused: ReadonlySet<string>,
  withUisp: boolean,
): UsageGroups {
  const groups: UsageGroups = { consoles: new Map(), uisp: new Map() }
  const add = (into: Map<string, KeyRecord[]>, id: string, key: KeyRecord) =>
    into.set(id, [...(into.get(id) ?? []), key])
  for (const key of keys) {
    if (!key.remoteId || !due(key.consoleKey)) continue
    if (key.app === 'uisp') {
      if (withUisp) add(groups.uisp, key.consoleKey, key)
    } else if (key.app !== 'access' && !refused.has(signInOf(key))) {
      add(groups.consoles, signInOf(key), key)
    }
  }
  return groups
}
