// UISP tokens left on a server by a create whose reply was lost (uisp.md §2): Keyward never saw the secret,
// so nobody holds it, yet the token works until revoked. Each create carries a marker in `meta`; the reference
// names `meta` in the POST body and in TokenSchema but not that a server keeps or lists it, so a token listed
// without one is also taken for the lost one when everything else says it is: the exact name Keyward sent,
// a token (not a sign-in session) Keyward does not hold, never used (nobody ever had its secret), and made no
// earlier than the attempt began (less CLOCK_SLACK_MS; an unknown `createdAt` = not ours: a token left behind
// does less harm than revoking one the user made by hand). Used by the token flow (provision.ts) and rotation
// (watched-tokens.ts).
import type { UispTokenInfo } from '../../../shared/domain.ts'
import type { Settings } from '../settings/settings.ts'
import type { UispCaller } from './session.ts'
import { listUispTokens, revokeUispToken } from './tokens.ts'

/** How far the server's clock may trail ours when a stray is told by its `createdAt`. */
const CLOCK_SLACK_MS = 60 * 60_000

export interface StrayMatch {
  /** The `meta` Keyward sent with the create. */
  marker: string
  /** The exact name Keyward sent with the create. */
  name: string
  /** When the attempt (or the flow it resumes) began, ISO, on Keyward's clock. */
  since: string
  /** Ids of the tokens on this server Keyward holds: never strays. */
  held: ReadonlySet<string>
}

export function isStrayToken(t: UispTokenInfo, m: StrayMatch): boolean {
  if (t.meta === m.marker) return !m.held.has(t.id)
  if (t.meta || t.transient || t.name !== m.name || m.held.has(t.id) || t.createdAt === null) return false
  // Never used: no `lastUsed`, or one no later than its creation (a server may stamp both at once).
  if (t.lastUsed !== null && Date.parse(t.lastUsed) > Date.parse(t.createdAt)) return false
  return Date.parse(t.createdAt) >= Date.parse(m.since) - CLOCK_SLACK_MS
}

/** Lists the caller's tokens and revokes each stray of `m`; answers how many went. */
export async function revokeStrays(caller: UispCaller, m: StrayMatch): Promise<number> {
  const strays = (await listUispTokens(caller)).filter((t) => isStrayToken(t, m))
  for (const stray of strays) await revokeUispToken(caller, stray.id)
  return strays.length
}

/** The tokens on `serverKey` Keyward holds: watched keys' and token flows' (but `exceptFlow`'s own). */
export function heldUispTokens(
  settings: Pick<Settings, 'listKeys' | 'getUisp'>,
  serverKey: string,
  exceptFlow?: string,
): Set<string> {
  const keys = settings.listKeys().filter((k) => k.app === 'uisp' && k.consoleKey === serverKey)
  const flows = settings.getUisp().flows.filter((f) => f.id !== exceptFlow && f.serverKey === serverKey)
  return new Set([...keys.map((k) => k.remoteId), ...flows.map((f) => f.tokenId)].filter((id) => id !== null))
}
